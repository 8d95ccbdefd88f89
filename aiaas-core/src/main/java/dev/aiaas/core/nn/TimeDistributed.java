package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Applies one layer to every step of a sequence with the same parameters, as Keras's
 * {@code TimeDistributed}: yᵗ = g(xᵗ; θ) for t = 0 .. T−1. The usual use is the output layer of a
 * sequence model, {@code timeDistributed(dense(vocabularySize))}: logits for every position.
 *
 * <p>Shapes: per example x {@code [T, F]}, y {@code [T, U]} where g takes {@code [F]} to
 * {@code [U]}. A batch {@code [B, T, F]} in 'f' order is, in memory, the matrix {@code [B·T, F]}
 * whose row b + B·t is example b at step t; g runs once on that matrix as a batch of B·T rows
 * (for a dense g, one product for all steps), and its output {@code [B·T, U]} is the batch output
 * {@code [B, T, U]}, without copies. Gradients are g's, summed over steps by that product.
 * Parameters: g's.
 *
 * @param layer g, a layer over flat examples {@code [F]}
 */
public record TimeDistributed(Layer layer) implements Layer {

    /** How many (array, view) pairs an instance keeps per direction: a few batch sizes' worth. */
    private static final int VIEWS = 8;

    /**
     * Validates the layer.
     *
     * @param layer g
     */
    public TimeDistributed {
        if (layer == null) {
            throw new NullPointerException("layer must not be null; for example Layers.dense(vocabularySize)");
        }
    }

    @Override
    public String type() {
        return "time_distributed";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        check(inputShape);
        long[] inner = layer.outputShape(new long[] {inputShape[1]});
        if (inner.length != 1) {
            throw new IllegalArgumentException("time_distributed needs a layer whose output is flat, got "
                    + Arrays.toString(inner) + " from " + layer.type());
        }
        return new long[] {inputShape[0], inner[0]};
    }

    @Override
    public long parameterCount(long[] inputShape) {
        check(inputShape);
        return layer.parameterCount(new long[] {inputShape[1]});
    }

    /** No settings of its own: the layer it applies is its child. */
    @Override
    public Map<String, Object> config() {
        return new LinkedHashMap<>();
    }

    /** g, under {@code layer}. */
    @Override
    public Map<String, Layer> children() {
        return Map.of("layer", layer);
    }

    /** g's slices: its parameters are the whole slice, shared by every step. */
    @Override
    public java.util.List<ParameterSlice> parameterSlices(long[] inputShape) {
        check(inputShape);
        return layer.parameterSlices(new long[] {inputShape[1]});
    }

    /** {@code time_distributed (g's summary name)}. */
    @Override
    public String summaryName() {
        return type() + " (" + layer.summaryName() + ")";
    }

    private static void check(long[] inputShape) {
        if (inputShape.length != 2 || inputShape[0] < 1 || inputShape[1] < 1) {
            throw new IllegalArgumentException("time_distributed expects a sequence, input shape [T, features], got "
                    + Arrays.toString(inputShape));
        }
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        long[] out = outputShape(inputShape);
        long steps = inputShape[0];
        Layer.Instance inner = layer.instantiate(new long[] {inputShape[1]}, dataType);
        return new Layer.Instance() {
            private final Views flat = new Views();
            private final Views seq = new Views();

            @Override
            public void bind(INDArray params, INDArray grads) {
                inner.bind(params, grads);
            }

            @Override
            public void initialise(SplittableRandom random) {
                inner.initialise(random);
            }

            @Override
            public INDArray forward(INDArray x, boolean training) {
                long batch = x.size(0);
                INDArray y = inner.forward(flat.of(x, batch * steps, inputShape[1]), training);
                return seq.of(y, batch, steps, out[1]);
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                long batch = x.size(0);
                long rows = batch * steps;
                INDArray dx = inner.backward(flat.of(x, rows, inputShape[1]), flat.of(y, rows, out[1]),
                        flat.of(dy, rows, out[1]), needInput);
                return dx == null ? null : seq.of(dx, batch, steps, inputShape[1]);
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    /**
     * 'f'-order views of the same memory under another shape, remembered by array identity so that
     * a training loop, which passes the same buffers each step, makes each view once.
     */
    private static final class Views {
        private final Map<INDArray, INDArray> byArray = new IdentityHashMap<>();

        /** The {@code [rows, columns]} view of a (no array made when it is remembered). */
        INDArray of(INDArray a, long rows, long columns) {
            INDArray v = byArray.get(a);
            if (v != null && v.rank() == 2 && v.size(0) == rows && v.size(1) == columns) {
                return v;
            }
            return make(a, new long[] {rows, columns});
        }

        /** The {@code [batch, steps, features]} view of a (no array made when it is remembered). */
        INDArray of(INDArray a, long batch, long steps, long features) {
            INDArray v = byArray.get(a);
            if (v != null && v.rank() == 3 && v.size(0) == batch && v.size(1) == steps && v.size(2) == features) {
                return v;
            }
            return make(a, new long[] {batch, steps, features});
        }

        private INDArray make(INDArray a, long[] shape) {
            INDArray v;
            if (a.ordering() != 'f' || !Buf.contiguous(a)) {
                throw new IllegalArgumentException("time_distributed takes contiguous 'f'-order sequences [B, T, F]; got order "
                        + a.ordering() + " " + Arrays.toString(a.shape()) + ": pass a.dup('f')");
            }
            if (byArray.size() >= VIEWS) {
                byArray.clear();
            }
            long[] stride = new long[shape.length];
            long s = 1;
            for (int i = 0; i < shape.length; i++) {
                stride[i] = s;
                s *= shape[i];
            }
            v = Nd4j.create(a.data(), shape, stride, 0L, 'f');
            byArray.put(a, v);
            return v;
        }
    }
}
