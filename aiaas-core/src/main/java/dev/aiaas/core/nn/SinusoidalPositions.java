package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adds the fixed sinusoidal position encoding of Vaswani et al. (2017) to a sequence:
 * y[t, c] = x[t, c] + PE[t, c] with
 *
 * <pre>
 * PE[t, 2i] = sin(t · ω_i)     PE[t, 2i + 1] = cos(t · ω_i)     ω_i = 10000^(−2i / D)
 * </pre>
 *
 * for positions t = 0 .. T − 1 and model width D. No parameters; ∂L/∂x = ∂L/∂y.
 *
 * <p>Shapes: per example x and y {@code [T, D]}, a batch {@code [B, T, D]} in 'f' order. T must
 * not exceed {@code maxLength}, the longest sequence the model is built for (checked when the
 * model is assembled).
 *
 * @param maxLength the longest sequence T accepted, at least 1
 */
public record SinusoidalPositions(int maxLength) implements Layer {

    /**
     * Validates the maximum length.
     *
     * @param maxLength at least 1
     */
    public SinusoidalPositions {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be a positive integer (the longest sequence). Received: max_length=" + maxLength);
        }
    }

    @Override
    public String type() {
        return "sinusoidal_positions";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        checkSequence(type(), inputShape, maxLength);
        return inputShape.clone();
    }

    @Override
    public long parameterCount(long[] inputShape) {
        checkSequence(type(), inputShape, maxLength);
        return 0;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_length", maxLength);
        return m;
    }

    /**
     * Checks a sequence shape {@code [T, D]} with T at most {@code maxLength}.
     *
     * @throws IllegalArgumentException naming the shape, T and max_length
     */
    static void checkSequence(String type, long[] inputShape, int maxLength) {
        if (inputShape.length != 2 || inputShape[0] < 1 || inputShape[1] < 1) {
            throw new IllegalArgumentException(type + " expects a sequence, input shape [T, D], got " + Arrays.toString(inputShape)
                    + "; put it after an embedding");
        }
        if (inputShape[0] > maxLength) {
            throw new IllegalArgumentException(type + " takes sequences of at most max_length=" + maxLength + " positions. Received: T="
                    + inputShape[0] + "; build it with a max length of at least " + inputShape[0] + " or use shorter sequences");
        }
    }

    /**
     * PE as a column-major {@code [T, D]} array: element (t, c) at {@code t + T·c}.
     *
     * @param steps T
     * @param d     D
     * @return the encoding
     */
    public static double[] encoding(int steps, int d) {
        double[] pe = new double[steps * d];
        for (int c = 0; c < d; c++) {
            double omega = Math.pow(10000.0, -(double) (c - c % 2) / d);
            for (int t = 0; t < steps; t++) {
                pe[t + steps * c] = c % 2 == 0 ? Math.sin(t * omega) : Math.cos(t * omega);
            }
        }
        return pe;
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        checkSequence(type(), inputShape, maxLength);
        int steps = Math.toIntExact(inputShape[0]);
        int d = Math.toIntExact(inputShape[1]);
        double[] pe = encoding(steps, d);
        Workspace ws = new Workspace(dataType);
        long[] shape = {0, steps, d}; // [B, T, D], B set per call (no array made per step)
        return new Layer.Instance() {
            @Override
            public void bind(INDArray params, INDArray grads) {
            }

            @Override
            public void initialise(SplittableRandom random) {
            }

            @Override
            public INDArray forward(INDArray x, boolean training) {
                int b = Math.toIntExact(x.size(0));
                shape[0] = b;
                INDArray y = ws.array("y", shape);
                Buf xb = Buf.of(x);
                Buf yb = Buf.of(y);
                for (int i = 0, n = b * steps * d; i < n; i++) { // i = r + B·T·c with r = b + B·t
                    int rc = i / b; // t + T·c
                    yb.set(i, xb.get(i) + pe[rc]);
                }
                return y;
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                if (!needInput) {
                    return null;
                }
                int b = Math.toIntExact(x.size(0));
                shape[0] = b;
                INDArray dx = ws.array("dx", shape);
                Buf src = Buf.of(dy);
                Buf dst = Buf.of(dx);
                for (int i = 0, n = b * steps * d; i < n; i++) {
                    dst.set(i, src.get(i));
                }
                return dx;
            }

            @Override
            public void close() {
                ws.close();
            }
        };
    }
}
