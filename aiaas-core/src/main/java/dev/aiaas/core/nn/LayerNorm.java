package dev.aiaas.core.nn;

import dev.aiaas.core.internal.Buf;
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
public record LayerNorm(double epsilon) implements Layer {

    /** ε used by {@link Layers#layerNorm()}. */
    public static final double DEFAULT_EPSILON = 1e-5;

    /** Validates ε. */
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

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        int d = Math.toIntExact(ActivationLayer.flat(inputShape)[0]);
        Workspace ws = new Workspace(dataType);
        return new Layer.Instance() {
            private INDArray gamma;
            private INDArray beta;
            private INDArray dGamma;
            private INDArray dBeta;

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
                Buf mean = Buf.of(ws.matrix("mean", b, 1));
                Buf inv = Buf.of(ws.matrix("inv", b, 1));
                Buf xh = Buf.of(ws.matrix("xhat", b, d));
                INDArray y = ws.matrix("y", b, d);
                Buf yb = Buf.of(y);
                Buf g = Buf.of(gamma);
                Buf be = Buf.of(beta);
                for (int r = 0; r < b; r++) {
                    mean.set(r, 0.0);
                    inv.set(r, 0.0);
                }
                for (int c = 0; c < d; c++) {
                    for (int r = 0; r < b; r++) {
                        mean.add(r, xb.get(c * b + r));
                    }
                }
                for (int r = 0; r < b; r++) {
                    mean.set(r, mean.get(r) / d);
                }
                for (int c = 0; c < d; c++) {
                    for (int r = 0; r < b; r++) {
                        double v = xb.get(c * b + r) - mean.get(r);
                        inv.add(r, v * v);
                    }
                }
                for (int r = 0; r < b; r++) {
                    inv.set(r, 1 / Math.sqrt(inv.get(r) / d + epsilon));
                }
                for (int c = 0; c < d; c++) {
                    double gc = g.get(c);
                    double bc = be.get(c);
                    for (int r = 0; r < b; r++) {
                        int i = c * b + r;
                        double h = (xb.get(i) - mean.get(r)) * inv.get(r);
                        xh.set(i, h);
                        yb.set(i, gc * h + bc);
                    }
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
                for (int c = 0; c < d; c++) {
                    double sg = 0;
                    double sb = 0;
                    for (int r = 0; r < b; r++) {
                        int i = c * b + r;
                        sg += dyb.get(i) * xh.get(i);
                        sb += dyb.get(i);
                    }
                    dg.set(c, sg);
                    db.set(c, sb);
                }
                if (!needInput) {
                    return null;
                }
                Buf inv = Buf.of(ws.matrix("inv", b, 1));
                Buf s1 = Buf.of(ws.matrix("s1", b, 1)); // mean_c g
                Buf s2 = Buf.of(ws.matrix("s2", b, 1)); // mean_c g ⊙ x̂
                for (int r = 0; r < b; r++) {
                    s1.set(r, 0.0);
                    s2.set(r, 0.0);
                }
                for (int c = 0; c < d; c++) {
                    double gc = g.get(c);
                    for (int r = 0; r < b; r++) {
                        int i = c * b + r;
                        double gi = dyb.get(i) * gc;
                        s1.add(r, gi);
                        s2.add(r, gi * xh.get(i));
                    }
                }
                INDArray dx = ws.matrix("dx", b, d);
                Buf o = Buf.of(dx);
                for (int c = 0; c < d; c++) {
                    double gc = g.get(c);
                    for (int r = 0; r < b; r++) {
                        int i = c * b + r;
                        o.set(i, (dyb.get(i) * gc - s1.get(r) / d - xh.get(i) * s2.get(r) / d) * inv.get(r));
                    }
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
