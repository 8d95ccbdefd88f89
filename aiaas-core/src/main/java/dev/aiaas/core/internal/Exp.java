package dev.aiaas.core.internal;

/**
 * Internal, not API. The exponential over a heap array, in a loop the JIT can vectorise.
 *
 * <p>{@link Math#exp} is a scalar call (about 20 cycles), which no loop around it vectorises; a
 * softmax over a large vocabulary spends most of its time there. {@link #nonPositive} computes
 * e^x with multiplications and additions only: e^x = (e^(x/256))^256, with e^y for
 * y = x/256 ∈ [−0.41, 0] from its Taylor polynomial of degree 12 (truncation error below
 * 2e-15) and eight squarings, in float64. Its relative error is at most 1e-12 for x ∈ [−105, 105]
 * ({@code ExpTest} checks it against {@link Math#exp}), far below float32's rounding (6e-8), so
 * it serves where the results end up in float32. Arguments below {@link #FLOOR} are raised to it
 * (e^−105 ≈ 2.5e-46 rounds to 0 in float32); NaN stays NaN. Above 105 the error grows (about
 * 1e-9 at 200, 2e-3 near 709) and from 709.8 the result is +∞, which σ(x) = 1/(1 + e^−x) and
 * tanh built on it turn into their limits 0 and −1.
 */
public final class Exp {
    /** The smallest argument {@link #nonPositive} distinguishes; smaller ones give e^FLOOR. */
    public static final double FLOOR = -105.0;

    private Exp() {
    }

    /**
     * x[i] = e^max(x[i], {@link #FLOOR}) for i in [0, len), to 1e-12 relative, for arguments up
     * to 105 (a softmax passes z − max z ≤ 0).
     */
    public static void nonPositive(double[] x, int len) {
        for (int i = 0; i < len; i++) {
            double y = Math.max(x[i], FLOOR) * (1.0 / 256);
            double p = 1.0 / 479001600; // 1/12!
            p = p * y + 1.0 / 39916800;
            p = p * y + 1.0 / 3628800;
            p = p * y + 1.0 / 362880;
            p = p * y + 1.0 / 40320;
            p = p * y + 1.0 / 5040;
            p = p * y + 1.0 / 720;
            p = p * y + 1.0 / 120;
            p = p * y + 1.0 / 24;
            p = p * y + 1.0 / 6;
            p = p * y + 0.5;
            p = p * y + 1.0;
            p = p * y + 1.0;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            x[i] = p;
        }
    }

    /** x[i] = e^x[i] for i in [0, len), with {@link Math#exp} (exact to 1 ulp; scalar). */
    public static void exact(double[] x, int len) {
        for (int i = 0; i < len; i++) {
            x[i] = Math.exp(x[i]);
        }
    }
}
