package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adds a learned position embedding to a sequence (as GPT-2's {@code wpe}): y[t, c] = x[t, c] +
 * P[t, c] for t = 0 .. T − 1, with a trained table P of {@code maxLength} rows.
 *
 * <pre>
 * ∂L/∂x = ∂L/∂y     ∂L/∂P[t, c] = Σ_b ∂L/∂y[b, t, c] for t &lt; T, 0 for the rows T .. maxLength − 1
 * </pre>
 *
 * <p>Shapes: per example x and y {@code [T, D]}, a batch {@code [B, T, D]} in 'f' order; T at most
 * {@code maxLength} (checked when the model is assembled). Parameters: P {@code [maxLength, D]}
 * row by row (P[t, c] at t·D + c, PyTorch's {@code nn.Embedding(maxLength, D).weight}),
 * Glorot-uniform initialised, not penalised by regularisers.
 *
 * @param maxLength the rows of P: the longest sequence accepted, at least 1
 */
public record PositionEmbedding(int maxLength) implements Layer {

    /**
     * Validates the maximum length.
     *
     * @param maxLength at least 1
     */
    public PositionEmbedding {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be a positive integer (the longest sequence). Received: max_length=" + maxLength);
        }
    }

    @Override
    public String type() {
        return "position_embedding";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        SinusoidalPositions.checkSequence(type(), inputShape, maxLength);
        return inputShape.clone();
    }

    @Override
    public long parameterCount(long[] inputShape) {
        SinusoidalPositions.checkSequence(type(), inputShape, maxLength);
        return Math.multiplyExact((long) maxLength, inputShape[1]);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_length", maxLength);
        return m;
    }

    /** P as one {@link ParameterSlice.Role#OTHER} range (trained, not penalised), as an embedding table. */
    @Override
    public List<ParameterSlice> parameterSlices(long[] inputShape) {
        return List.of(ParameterSlice.other(0, parameterCount(inputShape)));
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        SinusoidalPositions.checkSequence(type(), inputShape, maxLength);
        int steps = Math.toIntExact(inputShape[0]);
        int d = Math.toIntExact(inputShape[1]);
        Workspace ws = new Workspace(dataType);
        long[] shape = {0, steps, d}; // [B, T, D], B set per call (no array made per step)
        return new Layer.Instance() {
            private INDArray table;
            private INDArray grads;

            @Override
            public void bind(INDArray params, INDArray grads) {
                this.table = params;
                this.grads = grads;
            }

            @Override
            public void initialise(SplittableRandom random) {
                Initializer.glorotUniform().fill(Buf.of(table), 0, maxLength * d, maxLength, d, random);
            }

            @Override
            public INDArray forward(INDArray x, boolean training) {
                int b = Math.toIntExact(x.size(0));
                shape[0] = b;
                INDArray y = ws.array("y", shape);
                Buf xb = Buf.of(x);
                Buf yb = Buf.of(y);
                Buf p = Buf.of(table);
                for (int c = 0; c < d; c++) {
                    for (int t = 0; t < steps; t++) {
                        double pv = p.get(t * d + c);
                        int at = b * (t + steps * c);
                        for (int r = 0; r < b; r++) {
                            yb.set(at + r, xb.get(at + r) + pv);
                        }
                    }
                }
                return y;
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                int b = Math.toIntExact(x.size(0));
                Buf g = Buf.of(dy);
                Buf dp = Buf.of(grads);
                for (int i = steps * d, n = maxLength * d; i < n; i++) {
                    dp.set(i, 0.0);
                }
                for (int c = 0; c < d; c++) {
                    for (int t = 0; t < steps; t++) {
                        int at = b * (t + steps * c);
                        double s = 0;
                        for (int r = 0; r < b; r++) {
                            s += g.get(at + r);
                        }
                        dp.set(t * d + c, s);
                    }
                }
                if (!needInput) {
                    return null;
                }
                shape[0] = b;
                INDArray dx = ws.array("dx", shape);
                Buf dst = Buf.of(dx);
                for (int i = 0, n = b * steps * d; i < n; i++) {
                    dst.set(i, g.get(i));
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
