package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An activation on its own, y = f(x), with no parameters. Shapes: x and y {@code [B, d]}; an
 * element-wise activation (every one but softmax, which normalises over a flat row) takes any
 * example shape, images {@code [C, H, W]} included, and keeps it.
 *
 * @param activation f
 */
public record ActivationLayer(Activation activation) implements PackedLayer {

    /**
     * Validates the setting.
     *
     * @param activation f
     */
    public ActivationLayer {
        if (activation == null) {
            throw new NullPointerException("activation must not be null");
        }
    }

    @Override
    public String type() {
        return activation.name();
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        if (activation.equals(Activation.SOFTMAX) || inputShape.length < 2) {
            return flat(inputShape);
        }
        if (java.util.Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("expected positive sizes, got " + java.util.Arrays.toString(inputShape));
        }
        return inputShape.clone();
    }

    @Override
    public long parameterCount(long[] inputShape) {
        return 0;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("activation", activation.name());
        m.put("alpha", activation.alpha());
        return m;
    }

    /** One activation step. */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
        steps.activation(activation);
    }

    static long[] flat(long[] inputShape) {
        if (inputShape.length != 1 || inputShape[0] < 1) {
            throw new IllegalArgumentException("expected a flat input shape [features], got " + java.util.Arrays.toString(inputShape));
        }
        return inputShape.clone();
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        long width = java.util.Arrays.stream(outputShape(inputShape)).reduce(1, Math::multiplyExact); // element-wise: the values per example
        Workspace ws = new Workspace(dataType);
        return new Layer.Instance() {
            @Override
            public void bind(INDArray params, INDArray grads) {
            }

            @Override
            public void initialise(SplittableRandom random) {
            }

            @Override
            public INDArray forward(INDArray x, boolean training) {
                INDArray y = ws.matrix("y", x.size(0), width);
                activation.forward(Buf.of(x), Buf.of(y), (int) x.size(0), (int) width);
                return y;
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                if (!needInput) {
                    return null;
                }
                INDArray dx = ws.matrix("dx", x.size(0), width);
                activation.backward(Buf.of(x), Buf.of(y), Buf.of(dy), Buf.of(dx), (int) x.size(0), (int) width);
                return dx;
            }

            @Override
            public void close() {
                ws.close();
            }
        };
    }
}
