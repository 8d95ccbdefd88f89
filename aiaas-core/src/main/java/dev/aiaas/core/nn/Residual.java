package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A residual block y = x + g(x), where g is a chain of layers whose output shape equals its input
 * shape (He et al. 2016): the way to express a network that is more than a straight chain.
 * Gradient: ∂L/∂x = ∂L/∂y + (∂g/∂x)ᵀ ∂L/∂y. Parameters: those of g's layers, in order.
 *
 * @param layers g's layers, at least one
 */
public record Residual(List<Layer> layers) implements PackedLayer {

    /**
     * Validates and copies the list.
     *
     * @param layers g's layers, at least one
     */
    public Residual {
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a residual block needs at least one layer. Received: " + layers);
        }
        layers = List.copyOf(layers);
    }

    @Override
    public String type() {
        return "residual";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        long[] s = inputShape;
        for (Layer l : layers) {
            s = l.outputShape(s);
        }
        if (!Arrays.equals(s, inputShape)) {
            throw new IllegalArgumentException("a residual block's layers must keep the shape: input "
                    + Arrays.toString(inputShape) + ", output " + Arrays.toString(s));
        }
        return inputShape.clone();
    }

    @Override
    public long parameterCount(long[] inputShape) {
        long[] s = inputShape;
        long n = 0;
        for (Layer l : layers) {
            n = Math.addExact(n, l.parameterCount(s));
            s = l.outputShape(s);
        }
        return n;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layers", layers.size());
        return m;
    }

    /** g's layers under {@code layer.0}, {@code layer.1}, ... (the count is the setting {@code layers}). */
    @Override
    public Map<String, Layer> children() {
        Map<String, Layer> m = new LinkedHashMap<>();
        for (int j = 0; j < layers.size(); j++) {
            m.put("layer." + j, layers.get(j));
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** g's layers' slices, one after another. */
    @Override
    public List<ParameterSlice> parameterSlices(long[] inputShape) {
        return ParameterSlice.chain(layers, inputShape);
    }

    /** A residual step around g's layers' steps. */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
        steps.residual(layers);
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        outputShape(inputShape);
        Chain g = new Chain(layers, inputShape, dataType);
        Workspace ws = new Workspace(dataType);
        long width = Arrays.stream(inputShape).reduce(1, (a, b) -> a * b);
        long[] shape = new long[inputShape.length + 1]; // [B, inputShape...]: y and ∂L/∂x keep the input's rank
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        return new Layer.Instance() {
            @Override
            public void bind(INDArray params, INDArray grads) {
                if (params != null) {
                    g.bind(params, grads);
                }
            }

            @Override
            public void initialise(SplittableRandom random) {
                g.initialise(random);
            }

            @Override
            public INDArray forward(INDArray x, boolean training) {
                INDArray gx = g.forward(x, training);
                shape[0] = x.size(0);
                INDArray y = ws.array("y", shape);
                Buf xb = Buf.of(x);
                Buf gb = Buf.of(gx);
                Buf yb = Buf.of(y);
                for (int i = 0, n = Math.toIntExact(x.size(0) * width); i < n; i++) {
                    yb.set(i, xb.get(i) + gb.get(i));
                }
                return y;
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                INDArray dgx = g.backward(dy, needInput);
                if (!needInput) {
                    return null;
                }
                shape[0] = x.size(0);
                INDArray dx = ws.array("dx", shape);
                Buf a = Buf.of(dy);
                Buf b = Buf.of(dgx);
                Buf o = Buf.of(dx);
                for (int i = 0, n = Math.toIntExact(x.size(0) * width); i < n; i++) {
                    o.set(i, a.get(i) + b.get(i));
                }
                return dx;
            }

            @Override
            public void close() {
                g.close();
                ws.close();
            }
        };
    }
}
