package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Layer normalisation (Ba, Kiros and Hinton 2016): each example is normalised over its d
 * features, then scaled and shifted per feature. Same in training and inference.
 *
 * <pre>
 * μ_r = (1/d) Σ_c x_rc     σ²_r = (1/d) Σ_c (x_rc − μ_r)²     x̂_rc = (x_rc − μ_r) / √(σ²_r + ε)
 * y_rc = γ_c x̂_rc + β_c
 * ∂L/∂γ_c = Σ_r ∂L/∂y_rc x̂_rc     ∂L/∂β_c = Σ_r ∂L/∂y_rc
 * ∂L/∂x_rc = (g_rc − mean_c g_r· − x̂_rc mean_c (g ⊙ x̂)_r·) / √(σ²_r + ε),  g = ∂L/∂y ⊙ γ
 * </pre>
 *
 * <p>Shapes: x and y {@code [B, d]}. Parameters, in θ's order: γ {@code [d]} (initialised to 1),
 * then β {@code [d]} (initialised to 0).
 *
 * @param epsilon ε &gt; 0, added to the variance (1e-5 as in the paper's implementations and PyTorch)
 */
public record LayerNorm(double epsilon) implements PackedLayer {

    /** ε used by {@link Layers#layerNorm()}. */
    public static final double DEFAULT_EPSILON = 1e-5;

    /**
     * Validates ε.
     *
     * @param epsilon ε &gt; 0
     */
    public LayerNorm {
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be positive and finite. Received: epsilon=" + epsilon);
        }
    }

    @Override
    public String type() {
        return "layer_norm";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return ActivationLayer.flat(inputShape);
    }

    @Override
    public long parameterCount(long[] inputShape) {
        return 2 * ActivationLayer.flat(inputShape)[0];
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epsilon", epsilon);
        return m;
    }

    /** One layer-norm step with γ and β as they lie in θ. */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
        int d = Math.toIntExact(ActivationLayer.flat(inputShape)[0]);
        steps.layerNorm(Arrays.copyOf(params, d), Arrays.copyOfRange(params, d, 2 * d), epsilon);
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        int d = Math.toIntExact(ActivationLayer.flat(inputShape)[0]);
        Workspace ws = new Workspace(dataType);
        return new Layer.Instance() {
            private INDArray gamma;
            private INDArray beta;
            private INDArray dGamma;
            private INDArray dBeta;
            private final Columns cols = new Columns();

            @Override
            public void bind(INDArray params, INDArray grads) {
                gamma = params.get(NDArrayIndex.interval(0, d));
                beta = params.get(NDArrayIndex.interval(d, 2 * d));
                dGamma = grads.get(NDArrayIndex.interval(0, d));
                dBeta = grads.get(NDArrayIndex.interval(d, 2 * d));
            }

            @Override
            public void initialise(SplittableRandom random) {
                gamma.assign(1.0);
                beta.assign(0.0);
            }

            @Override
            public INDArray forward(INDArray x, boolean training) {
                int b = (int) x.rows();
                Buf xb = Buf.of(x);
                Buf xh = Buf.of(ws.matrix("xhat", b, d));
                INDArray y = ws.matrix("y", b, d);
                Buf yb = Buf.of(y);
                Buf g = Buf.of(gamma);
                Buf be = Buf.of(beta);
                Columns m = cols;
                m.ensure(b);
                double[] a = m.a;
                double[] h = m.h;
                double[] o = m.o;
                double[] mean = m.r1;
                double[] inv = m.r2;
                java.util.Arrays.fill(mean, 0, b, 0.0);
                java.util.Arrays.fill(inv, 0, b, 0.0);
                for (int c = 0; c < d; c++) { // per-row sums across the columns: loops over r vectorise
                    xb.get(c * b, a, 0, m.tmp, b);
                    for (int r = 0; r < b; r++) {
                        mean[r] += a[r];
                    }
                }
                for (int r = 0; r < b; r++) {
                    mean[r] /= d;
                }
                for (int c = 0; c < d; c++) {
                    xb.get(c * b, a, 0, m.tmp, b);
                    for (int r = 0; r < b; r++) {
                        double v = a[r] - mean[r];
                        inv[r] += v * v;
                    }
                }
                for (int r = 0; r < b; r++) {
                    inv[r] = 1 / Math.sqrt(inv[r] / d + epsilon);
                }
                for (int c = 0; c < d; c++) {
                    double gc = g.get(c);
                    double bc = be.get(c);
                    xb.get(c * b, a, 0, m.tmp, b);
                    for (int r = 0; r < b; r++) {
                        double hr = (a[r] - mean[r]) * inv[r];
                        h[r] = hr;
                        o[r] = gc * hr + bc;
                    }
                    xh.put(c * b, h, 0, m.tmp, b);
                    yb.put(c * b, o, 0, m.tmp, b);
                }
                return y;
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                int b = (int) x.rows();
                Buf dyb = Buf.of(dy);
                Buf xh = Buf.of(ws.matrix("xhat", b, d));
                Buf g = Buf.of(gamma);
                Buf dg = Buf.of(dGamma);
                Buf db = Buf.of(dBeta);
                Columns m = cols;
                m.ensure(b);
                double[] gy = m.g;
                double[] h = m.h;
                double[] out = m.o;
                double[] inv = m.r2; // 1/√(σ²_r + ε), as the forward pass left it
                double[] s1 = m.r1; // Σ_c γ_c ∂L/∂y_rc, then its mean
                double[] s2 = m.r3; // Σ_c γ_c ∂L/∂y_rc x̂_rc, then its mean
                java.util.Arrays.fill(s1, 0, b, 0.0);
                java.util.Arrays.fill(s2, 0, b, 0.0);
                for (int c = 0; c < d; c++) {
                    dyb.get(c * b, gy, 0, m.tmp, b);
                    xh.get(c * b, h, 0, m.tmp, b);
                    dg.set(c, Columns.dot(gy, h, b));
                    db.set(c, Columns.sum(gy, b));
                    double gc = g.get(c);
                    for (int r = 0; r < b; r++) {
                        double gi = gy[r] * gc;
                        s1[r] += gi;
                        s2[r] += gi * h[r];
                    }
                }
                if (!needInput) {
                    return null;
                }
                for (int r = 0; r < b; r++) {
                    s1[r] /= d;
                    s2[r] /= d;
                }
                INDArray dx = ws.matrix("dx", b, d);
                Buf o = Buf.of(dx);
                for (int c = 0; c < d; c++) {
                    double gc = g.get(c);
                    dyb.get(c * b, gy, 0, m.tmp, b);
                    xh.get(c * b, h, 0, m.tmp, b);
                    for (int r = 0; r < b; r++) {
                        out[r] = (gy[r] * gc - s1[r] - h[r] * s2[r]) * inv[r];
                    }
                    o.put(c * b, out, 0, m.tmp, b);
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
