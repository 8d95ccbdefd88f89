package dev.aiaas.core.internal;

import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import dev.aiaas.core.math.MathOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Internal, not API; loaded only with {@link VectorDenseKernel}. The packed path's in-place row
 * operations ({@link DenseKernel#activate}, {@link DenseKernel#softmax},
 * {@link DenseKernel#layerNorm}, {@link DenseKernel#scaleShift}) on the CPU's widest float
 * vectors, each row's last {@code cols mod lanes} values one by one with the same formulas
 * (σ and GELU as {@link MathOps#sigmoidFloat32} and {@link MathOps#geluFloat32}, the float32
 * variants of the shared maths). tanh and e^x are the Vector API's ({@code VectorOperators.TANH},
 * {@code EXP}; on x86 the JDK's SVML stubs), which is why these kernels stay here: the shared
 * {@link MathOps} must load without {@code jdk.incubator.vector}.
 */
final class VectorRowOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float GELU_C = (float) MathOps.GELU_C;
    private static final float GELU_A = (float) MathOps.GELU_A;
    private static final float INV_SQRT2 = (float) MathOps.INV_SQRT2;

    private VectorRowOps() {
    }

    /** The width of this CPU's preferred float vectors, in bits; read by {@link DenseKernels} through {@link VectorKernels}. */
    static int preferredBits() {
        return S.vectorBitSize();
    }

    static void activate(DenseKernel.Fn f, float alpha, float[] y, int yOff, int rows, int cols, int ldy) {
        int whole = cols - cols % L;
        for (int r = 0; r < rows; r++) {
            int o = yOff + r * ldy;
            // one loop per function: the choice is made once per row, not per vector
            switch (f) {
                case RELU -> relu(y, o, whole);
                case LEAKY_RELU -> leakyRelu(y, o, whole, alpha);
                case GELU -> gelu(y, o, whole);
                case TANH -> tanh(y, o, whole);
                case SIGMOID -> sigmoid(y, o, whole);
                case GELU_ERF -> geluErf(y, o, whole);
                default -> throw new IllegalStateException(f.name());
            }
            for (int j = whole; j < cols; j++) {
                y[o + j] = scalar(f, alpha, y[o + j]);
            }
        }
    }

    private static void relu(float[] y, int o, int whole) {
        FloatVector zero = FloatVector.zero(S);
        for (int j = 0; j < whole; j += L) {
            FloatVector.fromArray(S, y, o + j).max(zero).intoArray(y, o + j);
        }
    }

    private static void leakyRelu(float[] y, int o, int whole, float alpha) {
        FloatVector zero = FloatVector.zero(S);
        for (int j = 0; j < whole; j += L) {
            FloatVector v = FloatVector.fromArray(S, y, o + j);
            v.blend(v.mul(alpha), v.lt(zero)).intoArray(y, o + j);
        }
    }

    private static void gelu(float[] y, int o, int whole) {
        for (int j = 0; j < whole; j += L) {
            FloatVector v = FloatVector.fromArray(S, y, o + j);
            FloatVector inner = v.mul(v).mul(v).mul(GELU_A).add(v).mul(GELU_C);
            v.mul(0.5f).mul(inner.lanewise(VectorOperators.TANH).add(1f)).intoArray(y, o + j);
        }
    }

    /**
     * x/2 · (1 + erf(x/√2)) with {@link MathOps#erfFloat32}'s formula (Abramowitz and Stegun
     * 7.1.26) in float32 lanes (the Vector API has no erf lane operation): with z = x/√2,
     * q = poly(1/(1 + 0.3275911|z|)) · e^(−z²), 1 + erf(z) is 2 − q for z ≥ 0 and q itself for
     * z &lt; 0 (no cancellation on the negative side). Within 1e-6·max(1, |x|) of the exact GELU.
     */
    private static void geluErf(float[] y, int o, int whole) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        FloatVector p = FloatVector.broadcast(S, 0.3275911f);
        FloatVector a1 = FloatVector.broadcast(S, 0.254829592f);
        FloatVector a2 = FloatVector.broadcast(S, -0.284496736f);
        FloatVector a3 = FloatVector.broadcast(S, 1.421413741f);
        FloatVector a4 = FloatVector.broadcast(S, -1.453152027f);
        FloatVector a5 = FloatVector.broadcast(S, 1.061405429f);
        for (int j = 0; j < whole; j += L) {
            FloatVector x = FloatVector.fromArray(S, y, o + j);
            FloatVector z = x.mul(INV_SQRT2);
            FloatVector a = z.abs();
            FloatVector t = one.div(a.fma(p, one));
            FloatVector poly = t.fma(a5, a4).fma(t, a3).fma(t, a2).fma(t, a1).mul(t);
            FloatVector q = poly.mul(a.mul(a).neg().lanewise(VectorOperators.EXP));
            FloatVector s = two.sub(q).blend(q, z.lt(0f));
            x.mul(0.5f).mul(s).intoArray(y, o + j);
        }
    }

    private static void tanh(float[] y, int o, int whole) {
        for (int j = 0; j < whole; j += L) {
            FloatVector.fromArray(S, y, o + j).lanewise(VectorOperators.TANH).intoArray(y, o + j);
        }
    }

    private static void sigmoid(float[] y, int o, int whole) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < whole; j += L) {
            one.div(FloatVector.fromArray(S, y, o + j).neg().lanewise(VectorOperators.EXP).add(one)).intoArray(y, o + j);
        }
    }

    private static float scalar(DenseKernel.Fn f, float alpha, float v) {
        return switch (f) {
            case RELU -> v < 0 ? 0 : v;
            case LEAKY_RELU -> v < 0 ? alpha * v : v;
            case GELU -> MathOps.geluFloat32(v);
            case GELU_ERF -> MathOps.geluErfFloat32(v);
            case TANH -> (float) Math.tanh(v);
            case SIGMOID -> MathOps.sigmoidFloat32(v);
        };
    }

    static void softmax(float[] y, int yOff, int rows, int cols, int ldy) {
        int whole = cols - cols % L;
        for (int r = 0; r < rows; r++) {
            int o = yOff + r * ldy;
            float max = Float.NEGATIVE_INFINITY;
            if (whole > 0) {
                FloatVector m = FloatVector.fromArray(S, y, o);
                for (int j = L; j < whole; j += L) {
                    m = m.max(FloatVector.fromArray(S, y, o + j));
                }
                max = m.reduceLanes(VectorOperators.MAX);
            }
            for (int j = whole; j < cols; j++) {
                max = Math.max(max, y[o + j]);
            }
            FloatVector mv = FloatVector.broadcast(S, max);
            FloatVector sv = FloatVector.zero(S);
            for (int j = 0; j < whole; j += L) {
                FloatVector e = FloatVector.fromArray(S, y, o + j).sub(mv).lanewise(VectorOperators.EXP);
                e.intoArray(y, o + j);
                sv = sv.add(e);
            }
            float sum = sv.reduceLanes(VectorOperators.ADD);
            for (int j = whole; j < cols; j++) {
                float e = (float) Math.exp(y[o + j] - max);
                y[o + j] = e;
                sum += e;
            }
            FloatVector d = FloatVector.broadcast(S, sum);
            for (int j = 0; j < whole; j += L) {
                FloatVector.fromArray(S, y, o + j).div(d).intoArray(y, o + j);
            }
            for (int j = whole; j < cols; j++) {
                y[o + j] /= sum;
            }
        }
    }

    static void layerNorm(float[] y, int yOff, int rows, int cols, int ldy, float[] gamma, float[] beta, float epsilon) {
        int whole = cols - cols % L;
        for (int r = 0; r < rows; r++) {
            int o = yOff + r * ldy;
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < whole; j += L) {
                acc = acc.add(FloatVector.fromArray(S, y, o + j));
            }
            float s = acc.reduceLanes(VectorOperators.ADD);
            for (int j = whole; j < cols; j++) {
                s += y[o + j];
            }
            float mean = s / cols;
            FloatVector mv = FloatVector.broadcast(S, mean);
            acc = FloatVector.zero(S);
            for (int j = 0; j < whole; j += L) {
                FloatVector c = FloatVector.fromArray(S, y, o + j).sub(mv);
                acc = c.fma(c, acc);
            }
            float q = acc.reduceLanes(VectorOperators.ADD);
            for (int j = whole; j < cols; j++) {
                float c = y[o + j] - mean;
                q += c * c;
            }
            float inv = (float) (1 / Math.sqrt(q / cols + (double) epsilon));
            FloatVector iv = FloatVector.broadcast(S, inv);
            for (int j = 0; j < whole; j += L) {
                FloatVector h = FloatVector.fromArray(S, y, o + j).sub(mv).mul(iv);
                h.fma(FloatVector.fromArray(S, gamma, j), FloatVector.fromArray(S, beta, j)).intoArray(y, o + j);
            }
            for (int j = whole; j < cols; j++) {
                y[o + j] = (y[o + j] - mean) * inv * gamma[j] + beta[j];
            }
        }
    }

    static void scaleShift(float[] y, int yOff, int rows, int cols, int ldy, float[] scale, float[] shift) {
        int whole = cols - cols % L;
        for (int r = 0; r < rows; r++) {
            int o = yOff + r * ldy;
            for (int j = 0; j < whole; j += L) {
                FloatVector.fromArray(S, y, o + j).fma(FloatVector.fromArray(S, scale, j), FloatVector.fromArray(S, shift, j))
                        .intoArray(y, o + j);
            }
            for (int j = whole; j < cols; j++) {
                y[o + j] = y[o + j] * scale[j] + shift[j];
            }
        }
    }

    /** {@link DenseKernel#maxInto}: whole vectors, then the rest one by one (lanewise MAX is {@link Math#max(float, float)}). */
    static void maxInto(float[] x, int xOff, float[] y, int yOff, int len) {
        int whole = len - len % L;
        for (int i = 0; i < whole; i += L) {
            FloatVector.fromArray(S, y, yOff + i).max(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (int i = whole; i < len; i++) {
            y[yOff + i] = Math.max(y[yOff + i], x[xOff + i]);
        }
    }

    /**
     * {@link dev.aiaas.core.kernel.DenseKernel#windowMax}: per run, each vector of the taps' maxima
     * from one load per tap and one store (no copy of the first tap then a pass per tap).
     */
    static void windowMax(int window, int[] runs, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < runs.length; i += 2 + window) {
            int dst = yOff + runs[i];
            int len = runs[i + 1];
            int t0 = 0;
            while (t0 < window && runs[i + 2 + t0] < 0) {
                t0++;
            }
            if (t0 == window) {
                continue; // every tap padding: y as it is
            }
            int s0 = xOff + runs[i + 2 + t0];
            int whole = len - len % L;
            for (int j = 0; j < whole; j += L) {
                FloatVector m = FloatVector.fromArray(S, x, s0 + j);
                for (int t = t0 + 1; t < window; t++) {
                    int src = runs[i + 2 + t];
                    if (src >= 0) {
                        m = m.max(FloatVector.fromArray(S, x, xOff + src + j));
                    }
                }
                m.intoArray(y, dst + j);
            }
            for (int j = whole; j < len; j++) {
                float m = x[s0 + j];
                for (int t = t0 + 1; t < window; t++) {
                    int src = runs[i + 2 + t];
                    if (src >= 0) {
                        m = Math.max(m, x[xOff + src + j]);
                    }
                }
                y[dst + j] = m;
            }
        }
    }
}
