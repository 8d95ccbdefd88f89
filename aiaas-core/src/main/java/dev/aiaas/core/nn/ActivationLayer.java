package dev.aiaas.core.nn;

import dev.aiaas.core.internal.Buf;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An activation on its own, y = f(x), with no parameters. Shapes: x and y {@code [B, d]}.
 *
 * @param activation f
 */
public record ActivationLayer(Activation activation) implements Layer {

    /** Validates the setting. */
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
        return flat(inputShape);
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

    static long[] flat(long[] inputShape) {
        if (inputShape.length != 1 || inputShape[0] < 1) {
            throw new IllegalArgumentException("expected a flat input shape [features], got " + java.util.Arrays.toString(inputShape));
        }
        return inputShape.clone();
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        long width = flat(inputShape)[0];
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
                INDArray y = ws.matrix("y", x.rows(), width);
                activation.forward(Buf.of(x), Buf.of(y), (int) x.rows(), (int) width);
                return y;
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                if (!needInput) {
                    return null;
                }
                INDArray dx = ws.matrix("dx", x.rows(), width);
                activation.backward(Buf.of(x), Buf.of(y), Buf.of(dy), Buf.of(dx), (int) x.rows(), (int) width);
                return dx;
            }

            @Override
            public void close() {
                ws.close();
            }
        };
    }
}
