package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Batch normalisation (Ioffe and Szegedy 2015), with Keras's conventions: each feature is
 * normalised over the batch in training and with running statistics at inference, then scaled
 * and shifted.
 *
 * <pre>
 * training:  μ_c = (1/B) Σ_r x_rc    σ²_c = (1/B) Σ_r (x_rc − μ_c)²    x̂_rc = (x_rc − μ_c) / √(σ²_c + ε)
 *            mean_c ← m·mean_c + (1 − m)·μ_c      var_c ← m·var_c + (1 − m)·σ²_c   (the biased σ², as Keras)
 * inference: x̂_rc = (x_rc − mean_c) / √(var_c + ε)
 * both:      y_rc = γ_c x̂_rc + β_c
 * ∂L/∂γ_c = Σ_r ∂L/∂y_rc x̂_rc    ∂L/∂β_c = Σ_r ∂L/∂y_rc
 * ∂L/∂x_rc = (g_rc − mean_r g_·c − x̂_rc mean_r (g ⊙ x̂)_·c) / √(σ²_c + ε),  g = ∂L/∂y ⊙ γ
 * </pre>
 *
 * <p>Momentum m is Keras's (0.99 by default: the running value keeps 99% of itself per step;
 * PyTorch's {@code momentum=0.1} is 1 − m). ε defaults to Keras's 1e-3.
 *
 * <p>Shapes: x and y {@code [B, d]}. θ's slice, in order: γ {@code [d]} (initialised to 1),
 * β {@code [d]} (0), then the running mean {@code [d]} (0) and running variance {@code [d]} (1),
 * so {@link #parameterCount} is 4d. <b>The running statistics live in θ but are not trained:</b>
 * this layer writes them in each training {@code forward} and always writes 0 into their ∇θ
 * entries. That keeps the model one flat vector that {@code ModelIO} saves and loads as it is,
 * with no second kind of state. {@code Model.stateSlices()} says where they lie, and the trainer
 * puts them back after every optimiser step, so that no update rule moves them (AdamW's decoupled
 * decay θ ← θ(1 − ηλ) would otherwise shrink them by ηλ per step).
 *
 * @param momentum m, in [0, 1)
 * @param epsilon  ε &gt; 0, added to the variance
 */
public record BatchNorm(double momentum, double epsilon) implements PackedLayer {

    /** Keras's default momentum, used by {@link Layers#batchNorm()}. */
    public static final double DEFAULT_MOMENTUM = 0.99;
    /** Keras's default ε, used by {@link Layers#batchNorm()}. */
    public static final double DEFAULT_EPSILON = 1e-3;

    /**
     * Validates the settings.
     *
     * @param momentum m, in [0, 1)
     * @param epsilon  ε &gt; 0
     */
    public BatchNorm {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1) (Keras convention: the share of the running value kept "
                    + "per step; PyTorch's momentum=0.1 is 0.9 here). Received: momentum=" + momentum);
        }
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be positive and finite. Received: epsilon=" + epsilon);
        }
    }

    @Override
    public String type() {
        return "batch_norm";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return ActivationLayer.flat(inputShape);
    }

    @Override
    public long parameterCount(long[] inputShape) {
        return 4 * ActivationLayer.flat(inputShape)[0];
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("momentum", momentum);
        m.put("epsilon", epsilon);
        return m;
    }

    /** γ and β {@code [0, 2d)} are trained ({@link ParameterSlice.Role#OTHER}); the running mean and variance {@code [2d, 4d)} are {@link ParameterSlice.Role#STATE}. */
    @Override
    public List<ParameterSlice> parameterSlices(long[] inputShape) {
        long d = ActivationLayer.flat(inputShape)[0];
        return List.of(ParameterSlice.other(0, 2 * d), ParameterSlice.state(2 * d, 4 * d));
    }

    /**
     * The inference form as one scale and shift: {@code s_c = γ_c / √(var_c + ε)},
     * {@code t_c = β_c − mean_c·s_c}.
     */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
        int d = Math.toIntExact(ActivationLayer.flat(inputShape)[0]);
        double[] scale = new double[d];
        double[] shift = new double[d];
        for (int c = 0; c < d; c++) { // θ: γ, β, running mean, running variance
            scale[c] = params[c] / Math.sqrt(params[3 * d + c] + epsilon);
            shift[c] = params[d + c] - params[2 * d + c] * scale[c];
        }
        steps.scaleShift(scale, shift);
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        int d = Math.toIntExact(ActivationLayer.flat(inputShape)[0]);
        Workspace ws = new Workspace(dataType);
        return new Layer.Instance() {
            private INDArray params;
            private INDArray grads;
            private final double[] inv = new double[d]; // 1/√(σ² + ε) of the last forward, per feature
            private final Columns cols = new Columns();

            @Override
            public void bind(INDArray params, INDArray grads) {
                this.params = params;
                this.grads = grads;
            }

            @Override
            public void initialise(SplittableRandom random) {
                params.get(NDArrayIndex.interval(0, d)).assign(1.0);
                params.get(NDArrayIndex.interval(d, 3 * d)).assign(0.0);
                params.get(NDArrayIndex.interval(3 * d, 4 * d)).assign(1.0);
            }

            @Override
            public INDArray forward(INDArray x, boolean training) {
                int b = (int) x.rows();
                Buf xb = Buf.of(x);
                Buf p = Buf.of(params); // γ at c, β at d + c, mean at 2d + c, var at 3d + c
                Buf xh = Buf.of(ws.matrix("xhat", b, d));
                INDArray y = ws.matrix("y", b, d);
                Buf yb = Buf.of(y);
                Columns m = cols;
                m.ensure(b);
                double[] a = m.a;
                double[] h = m.h;
                double[] o = m.o;
                for (int c = 0; c < d; c++) {
                    int base = c * b;
                    xb.get(base, a, 0, m.tmp, b);
                    double mu;
                    double var;
                    if (training) {
                        mu = Columns.sum(a, b) / b;
                        for (int r = 0; r < b; r++) {
                            h[r] = a[r] - mu;
                        }
                        var = Columns.dot(h, h, b) / b;
                        p.set(2 * d + c, momentum * p.get(2 * d + c) + (1 - momentum) * mu);
                        p.set(3 * d + c, momentum * p.get(3 * d + c) + (1 - momentum) * var);
                    } else {
                        mu = p.get(2 * d + c);
                        var = p.get(3 * d + c);
                    }
                    double iv = 1 / Math.sqrt(var + epsilon);
                    inv[c] = iv;
                    double gc = p.get(c);
                    double bc = p.get(d + c);
                    for (int r = 0; r < b; r++) {
                        double hr = (a[r] - mu) * iv;
                        h[r] = hr;
                        o[r] = gc * hr + bc;
                    }
                    xh.put(base, h, 0, m.tmp, b);
                    yb.put(base, o, 0, m.tmp, b);
                }
                return y;
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                int b = (int) x.rows();
                Buf dyb = Buf.of(dy);
                Buf p = Buf.of(params);
                Buf gr = Buf.of(grads);
                Buf xh = Buf.of(ws.matrix("xhat", b, d));
                Buf o = needInput ? Buf.of(ws.matrix("dx", b, d)) : null;
                Columns m = cols;
                m.ensure(b);
                double[] g = m.g;
                double[] h = m.h;
                double[] out = m.o;
                for (int c = 0; c < d; c++) {
                    int base = c * b;
                    dyb.get(base, g, 0, m.tmp, b);
                    xh.get(base, h, 0, m.tmp, b);
                    double sg = Columns.dot(g, h, b);
                    double sb = Columns.sum(g, b);
                    gr.set(c, sg);
                    gr.set(d + c, sb);
                    gr.set(2 * d + c, 0.0); // running statistics: not trained
                    gr.set(3 * d + c, 0.0);
                    if (o != null) {
                        // with g = γ ∂L/∂y: Σ_r g = γ·sb and Σ_r g x̂ = γ·sg
                        double scale = p.get(c) * inv[c];
                        double mg = sb / b;
                        double mh = sg / b;
                        for (int r = 0; r < b; r++) {
                            out[r] = scale * (g[r] - mg - h[r] * mh);
                        }
                        o.put(base, out, 0, m.tmp, b);
                    }
                }
                return needInput ? ws.matrix("dx", b, d) : null;
            }

            @Override
            public void close() {
                ws.close();
            }
        };
    }
}
