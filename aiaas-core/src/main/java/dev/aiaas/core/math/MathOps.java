package dev.aiaas.core.math;

/**
 * The element-wise functions of the library in one place: the logistic function σ, tanh, e^x,
 * log-sum-exp, softmax and the LSTM cell built from them, each in the scalar or array form that its
 * callers' hot paths need. Layers, losses and the predictor in aiaas-core and the language models
 * in aiaas-nlp compute these functions here and nowhere else.
 *
 * <h2>Two grades</h2>
 * <ul>
 *   <li><b>Exact</b> (no suffix): {@link Math#exp} and {@link Math#tanh}, within an ulp or two, for
 *       float64 results: float64 networks (where the gradient checks run), the float64 losses, the
 *       LSTM language model's scoring. {@link Math#exp} is a scalar call (about 20 cycles) that no
 *       loop around it vectorises.
 *   <li><b>Fast</b> (suffix {@code Fast}): e^x from multiplications and additions only
 *       ({@link #expFast(double[], int)}: e^x = (e^(x/256))^256, e^y for y = x/256 ∈ [−0.41, 0.41]
 *       from its Taylor polynomial of degree 12 and eight squarings, in float64), in loops the JIT
 *       vectorises. Relative error at most 1e-12 for x ∈ [−105, 105] ({@code MathOpsTest} checks it),
 *       far below float32's rounding (6e-8): for results that end up in float32. Arguments below
 *       {@link #EXP_FAST_FLOOR} are raised to it (e^−105 ≈ 2.5e-46 rounds to 0 in float32); NaN stays
 *       NaN; above 105 the error grows (about 1e-9 at 200, 2e-3 near 709) and from 709.8 the result
 *       is +∞, which σ and tanh built on it turn into their limits.
 * </ul>
 * A site that needs a third variant has it here as a function of its own, with the reason in its
 * Javadoc ({@link #sigmoidFloat32}, {@link #geluFloat32}: float32 arithmetic as the packed
 * predictor's vector lanes compute it; the LSTM cell's tanh in {@link #lstmCellFast}).
 *
 * <h2>Array forms</h2>
 * They work in place on the first {@code len} elements of heap arrays indexed from 0, with counted
 * {@code int} loops and one formula per loop: the shape in which HotSpot's C2 vectorises them
 * (a loop over an offset into a larger array, a loop over a direct buffer, or a branch in the loop
 * body, is not vectorised). Callers copy their data into such arrays (ND4J buffers are read in bulk
 * into heap chunks). The fast grade's loops are one private kernel that the JIT compiles on its own
 * rather than inlining it into each caller, which measured faster (see its comment); the exact
 * grade's and the small loops are inlined where they are called. The Vector API kernels of the packed predictor
 * ({@code jdk.incubator.vector}, present only when that module is added) are not here: this class
 * must load on any JVM.
 *
 * <p>All methods are pure functions of their arguments (the array forms write only the arrays
 * they are given) and thread-safe.
 */
public final class MathOps {

    /** The smallest argument the fast exponential distinguishes; smaller ones give e^EXP_FAST_FLOOR. */
    public static final double EXP_FAST_FLOOR = -105.0;
    /** √(2/π), the scale of GELU's tanh form (Hendrycks and Gimpel 2016). */
    public static final double GELU_C = Math.sqrt(2 / Math.PI);
    /** 0.044715, the cubic coefficient of GELU's tanh form. */
    public static final double GELU_A = 0.044715;

    private static final float GELU_C_FLOAT = (float) GELU_C;
    private static final float GELU_A_FLOAT = (float) GELU_A;

    private MathOps() {
    }

    // ------------------------------------------------------------------ scalar

    /**
     * The index of the largest value of a row of scores (logits or probabilities): the predicted
     * class. Ties go to the first such index; NaN scores are passed over (a row of NaNs only
     * gives 0). The one argmax of {@code Model.predictClass}, {@code OneHot.argmax} and the CLI's
     * {@code predict}; the metrics instead count a prediction row holding a NaN as a miss.
     *
     * @param row the scores of one example, at least one value
     * @return the first index of the largest value, in {@code [0, row.length)}
     */
    public static int argmax(float[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best] || (Float.isNaN(row[best]) && !Float.isNaN(row[j]))) {
                best = j;
            }
        }
        return best;
    }

    /**
     * σ(x) = 1 / (1 + e^−x) in float64, with {@link Math#exp}: computed as e^x / (1 + e^x) for
     * x &lt; 0, so that e^−x never overflows and σ(x) keeps its relative accuracy down to
     * the smallest results.
     *
     * @param x any value; ±∞ give 1 and 0, NaN gives NaN
     * @return σ(x) in [0, 1]
     */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /**
     * σ(x) = 1 / (1 + e^−x) in float32 arithmetic (e^−x from {@link Math#exp} rounded to float32,
     * then the sum and quotient in float32): the formula that the packed predictor's vector lanes
     * compute, so that the values of a row's last, scalar elements are those of its vector lanes
     * (up to the vector exponential's ulp). Less accurate than {@link #sigmoid(double)} for
     * x ≪ 0 (the quotient, not e^x / (1 + e^x)); a different name so that a float argument never
     * picks it by overload.
     *
     * @param x any value
     * @return σ(x), float32
     */
    public static float sigmoidFloat32(float x) {
        return 1 / (1 + (float) Math.exp(-x));
    }

    /**
     * GELU(x) = x/2 · (1 + tanh(√(2/π)(x + 0.044715 x³))), the tanh form, in float32 arithmetic as
     * the packed predictor's vector lanes compute it (see {@link #sigmoidFloat32} for why a float32
     * variant). The float64 layers use the equivalent x·σ(2u), which does not cancel for x ≪ 0.
     *
     * @param x any value
     * @return GELU(x), float32
     */
    public static float geluFloat32(float x) {
        return 0.5f * x * (1 + (float) Math.tanh(GELU_C_FLOAT * (x + GELU_A_FLOAT * x * x * x)));
    }

    // ------------------------------------------------------------------ the error function

    /** 2/√π. */
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    /** 1/√2, the argument scale of the exact GELU. */
    public static final double INV_SQRT2 = 1 / Math.sqrt(2);

    /**
     * The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, to about 1e-15 (absolute). For |x| &lt; 2.5
     * the series erf(x) = 2/√π e^(−x²) Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)) (positive terms, no
     * cancellation); for 2.5 ≤ |x| &lt; 6, 1 − erfc(x) with erfc's continued fraction
     * e^(−x²)/√π · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))) evaluated from depth 80 upward;
     * ±1 beyond (erfc(6) ≈ 2e-17). Odd: erf(−x) = −erf(x); NaN gives NaN. Scalar and exact: the
     * float64 layers (gradient checks) use it; float32 uses {@link #erfFloat32}.
     *
     * @param x any value
     * @return erf(x), in [−1, 1]
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        double r;
        if (a < 2.5) {
            double a2 = 2 * a * a;
            double term = a;
            double sum = a;
            for (int n = 1; n < 200 && term > 1e-17 * sum; n++) {
                term *= a2 / (2 * n + 1);
                sum += term;
            }
            r = TWO_OVER_SQRT_PI * Math.exp(-a * a) * sum;
        } else if (a < 6) {
            double t = a;
            for (int k = 80; k >= 1; k--) {
                t = a + (k * 0.5) / t;
            }
            r = 1 - Math.exp(-a * a) / (Math.sqrt(Math.PI) * t);
        } else {
            r = 1;
        }
        return x < 0 ? -r : r;
    }

    /**
     * erf(x) by Abramowitz and Stegun's formula 7.1.26 (Handbook of Mathematical Functions, 1964):
     * erf(x) ≈ 1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵) e^(−x²), t = 1/(1 + 0.3275911 x), for x ≥ 0
     * (odd for x &lt; 0), absolute error at most 1.5e-7, about two float32 ulps near 1: the float32
     * activations' erf (a few operations and one exponential instead of {@link #erf}'s series).
     *
     * @param x any value
     * @return erf(x) to 1.5e-7, as a double to be rounded to float32 by the caller
     */
    public static double erfFloat32(double x) {
        double a = Math.abs(x);
        double t = 1 / (1 + 0.3275911 * a);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double r = 1 - poly * Math.exp(-a * a);
        return x < 0 ? -r : r;
    }

    /**
     * The exact GELU, x·Φ(x) = x/2 · (1 + erf(x/√2)) (Hendrycks and Gimpel 2016; BERT's and
     * PyTorch's default {@code nn.GELU()}), in float32 with {@link #erfFloat32}: the packed
     * predictor's and the float32 layers' form.
     *
     * @param x any value
     * @return GELU(x) to about 1e-7·|x|, float32
     */
    public static float geluErfFloat32(float x) {
        return (float) (0.5 * x * (1 + erfFloat32(x * INV_SQRT2)));
    }

    // ------------------------------------------------------------------ exponentials

    /**
     * x[i] = e^x[i] for i in [0, len), with {@link Math#exp} (to 1 ulp; scalar calls).
     *
     * @param x the arguments, replaced by their exponentials
     * @param len how many elements, from the first
     */
    public static void exp(double[] x, int len) {
        for (int i = 0; i < len; i++) {
            x[i] = Math.exp(x[i]);
        }
    }

    /**
     * x[i] = e^max(x[i], {@link #EXP_FAST_FLOOR}) for i in [0, len): the fast exponential, to 1e-12
     * relative for arguments in [−105, 105] (a softmax passes z − max z ≤ 0); vectorised.
     *
     * @param x the arguments, replaced by their exponentials
     * @param len how many elements, from the first
     */
    public static void expFast(double[] x, int len) {
        fast(x, 1.0, x, len, EXP);
    }

    /** {@link #fast}: y = e^(s·x). */
    private static final int EXP = 0;
    /** {@link #fast}: y = 1 / (1 + e^(s·x)), σ(x) for s = −1. */
    private static final int LOGISTIC = 1;
    /** {@link #fast}: y = 2 / (1 + e^(s·x)) − 1, tanh x for s = −2, branch-free. */
    private static final int TANH = 2;
    /** {@link #fast}: x = tanh x, the Taylor series for |x| &lt; 1/8, else 2 / (1 + y) − 1, y = e^(−2x). */
    private static final int TANH_TAYLOR = 3;

    /**
     * The fast grade's one kernel: y[i] = e^max(s·x[i], {@link #EXP_FAST_FLOOR}) for i in [0, len)
     * (y may be x; s·x is exact for s = −1, −2), then the loop of {@code then} that turns e^(s·x)
     * into σ or tanh.
     *
     * <p>Its shape is measured, not incidental. The polynomial is written in the loop bodies, not
     * in a scalar helper, and twice: for s = 1 without the product (which costs 2.5 % of the loop)
     * and with it. So the method is too large for the JIT to inline (over 325 bytes of bytecode)
     * and is compiled on its own, where its loops vectorise as well as they did in the former
     * {@code internal.Exp}; inlined into a large caller such as {@code Activation.forwardOnHeap}
     * the same loop ran 8 % slower ({@code ActivationSpeed}). The argument x·s is computed in the
     * exponential's loop (a separate pass before it would cost more), but a subtraction of a second
     * array is not ({@link #expShifted}: fused, that loop did not vectorise at all).
     */
    private static void fast(double[] x, double s, double[] y, int len, int then) {
        if (s == 1.0) {
            for (int i = 0; i < len; i++) {
                double a = Math.max(x[i], EXP_FAST_FLOOR) * (1.0 / 256);
                double p = 1.0 / 479001600; // 1/12!: e^a to degree 12 (truncation below 2e-15), then 8 squarings
                p = p * a + 1.0 / 39916800;
                p = p * a + 1.0 / 3628800;
                p = p * a + 1.0 / 362880;
                p = p * a + 1.0 / 40320;
                p = p * a + 1.0 / 5040;
                p = p * a + 1.0 / 720;
                p = p * a + 1.0 / 120;
                p = p * a + 1.0 / 24;
                p = p * a + 1.0 / 6;
                p = p * a + 0.5;
                p = p * a + 1.0;
                p = p * a + 1.0;
                p *= p;
                p *= p;
                p *= p;
                p *= p;
                p *= p;
                p *= p;
                p *= p;
                p *= p;
                y[i] = p;
            }
        } else {
            for (int i = 0; i < len; i++) {
                double a = Math.max(x[i] * s, EXP_FAST_FLOOR) * (1.0 / 256);
                double p = 1.0 / 479001600; // the same polynomial
                p = p * a + 1.0 / 39916800;
                p = p * a + 1.0 / 3628800;
                p = p * a + 1.0 / 362880;
                p = p * a + 1.0 / 40320;
                p = p * a + 1.0 / 5040;
                p = p * a + 1.0 / 720;
                p = p * a + 1.0 / 120;
                p = p * a + 1.0 / 24;
                p = p * a + 1.0 / 6;
                p = p * a + 0.5;
                p = p * a + 1.0;
                p = p * a + 1.0;
                p *= p;
                p *= p;
                p *= p;
                p *= p;
                p *= p;
                p *= p;
                p *= p;
                p *= p;
                y[i] = p;
            }
        }
        switch (then) {
            case LOGISTIC -> {
                for (int i = 0; i < len; i++) {
                    y[i] = 1 / (1 + y[i]);
                }
            }
            case TANH -> {
                for (int i = 0; i < len; i++) {
                    y[i] = 2 / (1 + y[i]) - 1;
                }
            }
            case TANH_TAYLOR -> {
                for (int i = 0; i < len; i++) {
                    double v = x[i];
                    double v2 = v * v;
                    // near 0, 2σ(2x) − 1 cancels (1e-14 absolute): there the odd Taylor series to x⁹
                    x[i] = Math.abs(v) < 0.125
                            ? v * (1 + v2 * (-1.0 / 3 + v2 * (2.0 / 15 + v2 * (-17.0 / 315 + v2 * (62.0 / 2835)))))
                            : 2 / (1 + y[i]) - 1;
                }
            }
            default -> {
                // EXP: nothing more
            }
        }
    }

    // ------------------------------------------------------------------ σ and tanh on arrays

    /**
     * x[i] = σ(x[i]) = 1 / (1 + e^−x[i]) for i in [0, len), with the fast exponential (1e-12
     * relative for |x| ≤ 105; at ±∞ and NaN the limits 1, 0 and NaN).
     *
     * @param x the arguments, replaced by σ of them
     * @param len how many elements, from the first
     */
    public static void sigmoidFast(double[] x, int len) {
        fast(x, -1.0, x, len, LOGISTIC);
    }

    /**
     * x[i] = σ(−x[i]) = 1 / (1 + e^x[i]) for i in [0, len), with the fast exponential: σ of
     * arguments held negated, for a caller that produces −x in a loop of its own (GELU's
     * x·σ(2u) computes −2u).
     *
     * @param x the negated arguments, replaced by σ of the arguments
     * @param len how many elements, from the first
     */
    public static void sigmoidOfNegatedFast(double[] x, int len) {
        fast(x, 1.0, x, len, LOGISTIC);
    }

    /**
     * x[i] = tanh x[i] for i in [0, len), with the fast exponential: tanh x = 2σ(2x) − 1, and for
     * |x| &lt; 1/8, where 2σ(2x) − 1 cancels (1e-14 absolute), the odd Taylor series to x⁹
     * (truncation below 1e-11 relative). So the result keeps its relative accuracy near 0, which an
     * activation's output needs (it is the value itself); 1e-11 relative in all.
     *
     * @param x the arguments, replaced by tanh of them
     * @param scratch at least {@code len} elements, overwritten
     * @param len how many elements, from the first
     */
    public static void tanhFast(double[] x, double[] scratch, int len) {
        fast(x, -2.0, scratch, len, TANH_TAYLOR);
    }

    // ------------------------------------------------------------------ log-sum-exp and softmax on one row

    /**
     * ln Σᵢ e^x[i] over i in [0, len), exactly ({@link Math#exp}, summed in index order), as
     * max + ln Σᵢ e^(x[i] − max) so that nothing overflows.
     *
     * @param x the values; not modified
     * @param len how many, at least 1
     * @return the log-sum-exp; NaN if a value is NaN
     */
    public static double logSumExp(double[] x, int len) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            max = Math.max(max, x[i]);
        }
        double sum = 0;
        for (int i = 0; i < len; i++) {
            sum += Math.exp(x[i] - max);
        }
        return max + Math.log(sum);
    }

    /**
     * ln Σ_{i ≠ excluded} e^z[i] over i in [0, len), with the fast exponential through the float64
     * {@code scratch}: one max, one vectorised pass of exponentials and a sum in index order. A
     * language model normalises its next-word distribution so over every id but {@code <s>}.
     *
     * @param z the values (float32 logits); not modified
     * @param len how many
     * @param excluded an index in [0, len) left out of the sum, or −1 (or any index outside
     *     [0, len)) for none
     * @param scratch at least {@code len} elements, overwritten
     * @return the log-sum-exp; −∞ when every included value is −∞ (or none is included); NaN if an
     *     included value is NaN
     */
    public static double logSumExpFast(float[] z, int len, int excluded, double[] scratch) {
        boolean skip = excluded >= 0 && excluded < len;
        int cut = skip ? excluded : len;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < cut; i++) {
            max = Math.max(max, z[i]); // NaN propagates
        }
        for (int i = cut + 1; i < len; i++) {
            max = Math.max(max, z[i]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            return max;
        }
        double[] e = scratch;
        for (int i = 0; i < len; i++) {
            e[i] = (double) z[i] - max;
        }
        if (skip) {
            e[excluded] = Double.NEGATIVE_INFINITY;
        }
        expFast(e, len);
        if (skip) {
            e[excluded] = 0.0;
        }
        double sum = 0;
        for (int i = 0; i < len; i++) {
            sum += e[i];
        }
        return max + Math.log(sum);
    }

    /**
     * x[i] = e^(x[i] − max x) / Σⱼ e^(x[j] − max x) for i in [0, len), exactly ({@link Math#exp}):
     * the softmax of one row.
     *
     * @param x the values, replaced by their softmax
     * @param len how many, at least 1
     */
    public static void softmax(double[] x, int len) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            max = Math.max(max, x[i]);
        }
        double sum = 0;
        for (int i = 0; i < len; i++) {
            double e = Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        for (int i = 0; i < len; i++) {
            x[i] /= sum;
        }
    }

    // ------------------------------------------------------------------ softmax of many rows, a class at a time

    /**
     * max[i] = max(max[i], x[i]) for i in [0, len): one class's step of the running maxima of many
     * distributions stored class by class (a column-major logits matrix, whose classes are
     * contiguous runs of examples). NaN propagates.
     *
     * @param max the running maxima, updated
     * @param x one class's values, one per distribution
     * @param len how many distributions
     */
    public static void maxInto(double[] max, double[] x, int len) {
        for (int i = 0; i < len; i++) {
            max[i] = Math.max(max[i], x[i]);
        }
    }

    /**
     * x[i] = e^(x[i] − shift[i]) for i in [0, len): one class's shifted exponentials of many
     * distributions stored class by class (shift is each one's maximum for the softmax numerator, or
     * its log-sum-exp for the probability).
     *
     * @param x one class's values, replaced by the exponentials
     * @param shift one value per distribution
     * @param len how many distributions
     * @param fast the fast exponential (results that end up in float32) or else {@link Math#exp}
     */
    public static void expShifted(double[] x, double[] shift, int len, boolean fast) {
        for (int i = 0; i < len; i++) {
            x[i] -= shift[i]; // a loop of its own: fused into the exponential's, that loop did not vectorise
        }
        if (fast) {
            expFast(x, len);
        } else {
            exp(x, len);
        }
    }

    /**
     * {@link #expShifted} and then sum[i] += x[i]: one class's term of each distribution's
     * Σ e^(x − max), the normaliser of its softmax.
     *
     * @param x one class's values, replaced by the exponentials
     * @param shift one value per distribution (its maximum)
     * @param sum the running sums, updated
     * @param len how many distributions
     * @param fast the fast exponential or else {@link Math#exp}
     */
    public static void expShiftedSum(double[] x, double[] shift, double[] sum, int len, boolean fast) {
        expShifted(x, shift, len, fast);
        for (int i = 0; i < len; i++) {
            sum[i] += x[i];
        }
    }

    // ------------------------------------------------------------------ the LSTM cell

    /**
     * One step of the LSTM cell (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et
     * al. 2000) for {@code len} cells, exactly ({@link Math#exp}, {@link Math#tanh}, float64):
     * <pre>
     *   i = σ(z_i)   f = σ(z_f)   g = tanh(z_g)   o = σ(z_o)
     *   cᵗ = f ⊙ cᵗ⁻¹ + i ⊙ g      hᵗ = o ⊙ tanh(cᵗ)
     * </pre>
     * The gates are written over their pre-activations (a training layer keeps them for the
     * backward pass), and cᵗ over cᵗ⁻¹.
     *
     * @param i in: z_i; out: the input gate
     * @param f in: z_f; out: the forget gate
     * @param g in: z_g; out: the candidate
     * @param o in: z_o; out: the output gate
     * @param c in: cᵗ⁻¹; out: cᵗ
     * @param tanhC out: tanh(cᵗ)
     * @param h out: hᵗ
     * @param len the number of cells (units × examples)
     */
    public static void lstmCell(double[] i, double[] f, double[] g, double[] o, double[] c, double[] tanhC,
            double[] h, int len) {
        for (int k = 0; k < len; k++) {
            double ik = sigmoid(i[k]);
            double fk = sigmoid(f[k]);
            double gk = Math.tanh(g[k]);
            double ok = sigmoid(o[k]);
            i[k] = ik;
            f[k] = fk;
            g[k] = gk;
            o[k] = ok;
            double ct = fk * c[k] + ik * gk;
            double th = Math.tanh(ct);
            c[k] = ct;
            tanhC[k] = th;
            h[k] = ok * th;
        }
    }

    /**
     * {@link #lstmCell} with the fast exponential, vectorised: for float32 networks (1e-12 relative
     * for arguments up to 105, then rounded to float32 by the caller). tanh here is 2σ(2x) − 1
     * without {@link #tanhFast}'s Taylor branch near 0: its error is absolute (below 1e-15) rather
     * than relative, which the cell does not see, since g and tanh(c) enter c and h only through
     * products and sums whose float32 rounding is far coarser; and the loop stays branch-free.
     *
     * @param i in: z_i; out: the input gate
     * @param f in: z_f; out: the forget gate
     * @param g in: z_g; out: the candidate
     * @param o in: z_o; out: the output gate
     * @param c in: cᵗ⁻¹; out: cᵗ
     * @param tanhC out: tanh(cᵗ)
     * @param h out: hᵗ
     * @param len the number of cells (units × examples)
     */
    public static void lstmCellFast(double[] i, double[] f, double[] g, double[] o, double[] c, double[] tanhC,
            double[] h, int len) {
        sigmoidFast(i, len);
        sigmoidFast(f, len);
        tanhAbsoluteFast(g, g, len);
        sigmoidFast(o, len);
        for (int k = 0; k < len; k++) {
            c[k] = f[k] * c[k] + i[k] * g[k];
        }
        tanhAbsoluteFast(c, tanhC, len);
        for (int k = 0; k < len; k++) {
            h[k] = o[k] * tanhC[k];
        }
    }

    /** y[k] = tanh x[k] = 2/(1 + e^−2x) − 1, fast, branch-free (absolute error); y may be x. */
    private static void tanhAbsoluteFast(double[] x, double[] y, int len) {
        fast(x, -2.0, y, len, TANH);
    }
}
