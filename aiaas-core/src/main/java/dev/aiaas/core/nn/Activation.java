package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import dev.aiaas.core.math.MathOps;

import java.util.List;
import java.util.Locale;

/**
 * An activation function applied element by element (softmax: along each example's features).
 *
 * <table>
 *   <caption>Activations</caption>
 *   <tr><th>name</th><th>y = f(z)</th><th>f'(z)</th></tr>
 *   <tr><td>identity</td><td>z</td><td>1</td></tr>
 *   <tr><td>relu</td><td>max(0, z)</td><td>1 if z &gt; 0 else 0</td></tr>
 *   <tr><td>leaky_relu(α)</td><td>z if z &gt; 0 else αz</td><td>1 or α</td></tr>
 *   <tr><td>gelu</td><td>z/2 · (1 + tanh(√(2/π)(z + 0.044715 z³))) (Hendrycks and Gimpel 2016, tanh form)</td><td>by the chain rule</td></tr>
 *   <tr><td>gelu_erf</td><td>z Φ(z) = z/2 · (1 + erf(z/√2)) (the exact GELU: BERT's, PyTorch's {@code nn.GELU()})</td><td>Φ(z) + z φ(z), φ(z) = e^(−z²/2)/√(2π)</td></tr>
 *   <tr><td>tanh</td><td>tanh z</td><td>1 − y²</td></tr>
 *   <tr><td>sigmoid</td><td>1 / (1 + e^−z)</td><td>y(1 − y)</td></tr>
 *   <tr><td>softmax</td><td>e^(zᵢ − max z) / Σⱼ e^(zⱼ − max z)</td><td>∂L/∂zᵢ = yᵢ(∂L/∂yᵢ − Σⱼ yⱼ ∂L/∂yⱼ)</td></tr>
 * </table>
 *
 * @param name  one of {@link #NAMES}
 * @param alpha the negative slope of {@code leaky_relu}; 0 for the others
 */
public record Activation(String name, double alpha) {

    /** The valid names. */
    public static final List<String> NAMES = List.of("identity", "relu", "leaky_relu", "gelu", "tanh", "sigmoid", "softmax", "gelu_erf");

    /** y = z. */
    public static final Activation IDENTITY = new Activation("identity", 0);
    /** y = max(0, z). */
    public static final Activation RELU = new Activation("relu", 0);
    /** GELU, tanh form. */
    public static final Activation GELU = new Activation("gelu", 0);
    /**
     * GELU, exact (erf) form: z Φ(z), as BERT-family models compute it. In float64 with
     * {@link MathOps#erf} (to about 1e-15); in float32 with {@link MathOps#erfFloat32} (1.5e-7).
     */
    public static final Activation GELU_ERF = new Activation("gelu_erf", 0);
    /** y = tanh z. */
    public static final Activation TANH = new Activation("tanh", 0);
    /** y = 1 / (1 + e^−z). */
    public static final Activation SIGMOID = new Activation("sigmoid", 0);
    /** Softmax over each example's features. */
    public static final Activation SOFTMAX = new Activation("softmax", 0);

    private static final double GELU_C = MathOps.GELU_C;
    private static final double GELU_A = MathOps.GELU_A;
    /** 1/√(2π), the standard normal density's scale. */
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    /** Elements per heap block of the heap paths ({@link #forwardOnHeap}). */
    private static final int BLOCK = 2048;
    /** Per-thread heap blocks of {@link #BLOCK} values (the normalisation layers' {@link Columns}): made once per thread. */
    private static final ThreadLocal<Columns> SCRATCH = ThreadLocal.withInitial(() -> {
        Columns c = new Columns();
        c.ensure(BLOCK);
        return c;
    });
    /** Per-thread float32 blocks of {@link #BLOCK} values for the float32 ReLU ({@link #reluFloat}). */
    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[][] {new float[BLOCK], new float[BLOCK]});

    /**
     * Validates the name and slope.
     *
     * @param name  one of {@link #NAMES}, lower case
     * @param alpha the negative slope of {@code leaky_relu}, in (0, 1); exactly 0 for the others
     * @throws IllegalArgumentException when the name is unknown or alpha does not fit it
     */
    public Activation {
        if (name == null || !NAMES.contains(name)) {
            throw new IllegalArgumentException("Unknown activation '" + name + "'; expected one of " + String.join(", ", NAMES));
        }
        if (name.equals("leaky_relu") ? !(alpha > 0 && alpha < 1) : alpha != 0) {
            throw new IllegalArgumentException("alpha must be in (0, 1) for leaky_relu and 0 otherwise. Received: "
                    + name + " with alpha=" + alpha);
        }
    }

    /**
     * Leaky ReLU with negative slope {@code alpha}, in (0, 1) (0.01 in PyTorch, 0.3 in Keras).
     *
     * @param alpha α, the slope for z &lt; 0, in (0, 1)
     * @return {@code leaky_relu(α)}: y = z if z &gt; 0 else αz
     * @throws IllegalArgumentException when alpha is not in (0, 1)
     */
    public static Activation leakyRelu(double alpha) {
        return new Activation("leaky_relu", alpha);
    }

    /**
     * Parses a name such as {@code relu}; {@code leaky_relu} takes slope 0.01.
     *
     * @param name one of {@link #NAMES}, in any case; surrounding white space is ignored
     * @return the activation of that name
     * @throws IllegalArgumentException when the name is null or not one of {@link #NAMES}
     */
    public static Activation parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return n.equals("leaky_relu") ? leakyRelu(0.01) : new Activation(n, 0);
    }

    /** Whether the derivative needs the input z (not only the output y). */
    boolean needsInput() {
        return name.equals("gelu") || name.equals("gelu_erf");
    }

    /**
     * y = f(z) for an 'f'-order {@code [rows, cols]} batch; {@code y} may be {@code z}.
     */
    void forward(Buf z, Buf y, int rows, int cols) {
        int n = rows * cols;
        boolean exact = name.equals("relu") || name.equals("leaky_relu"); // the same in float64 as in the loop it replaces
        if (name.equals("relu") && z.isFloat() && y.isFloat()) {
            reluFloat(z, null, y, n);
            return;
        }
        if (exact || z.isFloat() && y.isFloat() && (name.equals("gelu") || name.equals("gelu_erf") || name.equals("tanh") || name.equals("sigmoid"))) {
            forwardOnHeap(z, y, n);
            return;
        }
        switch (name) {
            case "identity" -> {
                if (z != y) {
                    for (int i = 0; i < n; i++) {
                        y.set(i, z.get(i));
                    }
                }
            }
            case "gelu" -> { // x/2 · (1 + tanh u) = x·σ(2u): no cancellation in 1 + tanh u for x ≪ 0
                for (int i = 0; i < n; i++) {
                    double v = z.get(i);
                    y.set(i, v * MathOps.sigmoid(2 * GELU_C * (v + GELU_A * v * v * v)));
                }
            }
            case "gelu_erf" -> {
                for (int i = 0; i < n; i++) {
                    double v = z.get(i);
                    y.set(i, 0.5 * v * (1 + MathOps.erf(v * MathOps.INV_SQRT2)));
                }
            }
            case "tanh" -> {
                for (int i = 0; i < n; i++) {
                    y.set(i, Math.tanh(z.get(i)));
                }
            }
            case "sigmoid" -> {
                for (int i = 0; i < n; i++) {
                    y.set(i, MathOps.sigmoid(z.get(i)));
                }
            }
            case "softmax" -> {
                if (z.isFloat() && y.isFloat()) {
                    softmaxOnHeap(z, y, rows, cols);
                } else {
                    softmax(z, y, rows, cols);
                }
            }
            default -> throw new IllegalStateException(name);
        }
    }

    /**
     * The forward pass on heap blocks, where the loops vectorise: ReLU and leaky ReLU (max and min,
     * in any type), and on float32 GELU, tanh and σ, with the fast exponential of
     * {@link MathOps} (1e-12 relative for |x| ≤ 105) instead of a scalar {@link Math#tanh}
     * (a native call in Java 17, about 60 ns) or {@link Math#exp} per value, in float64 and then
     * rounded to float32: σ by {@link MathOps#sigmoidFast}, tanh by {@link MathOps#tanhFast}
     * (2σ(2x) − 1, its Taylor series for |x| < 1/8); GELU(x) = x/2 · (1 + tanh u) =
     * x · σ(2u), u = √(2/π)(x + 0.044715 x³) (the float64 loop's form too: 1 + tanh u would
     * cancel for x ≪ 0). At ±∞ and NaN they give what the float64 loops give. A float64 model
     * keeps the scalar loops with {@link Math#exp} and {@link Math#tanh} (gradient checks run there).
     */
    private void forwardOnHeap(Buf z, Buf y, int n) {
        Columns s = SCRATCH.get();
        double[] a = s.a;
        double[] e = s.h;
        for (int from = 0; from < n; from += BLOCK) {
            int len = Math.min(BLOCK, n - from);
            z.get(from, a, 0, s.tmp, len);
            switch (name) {
                // max and min, not a branch or a ternary: signs are random, and the JIT vectorises
                // neither a mispredicted branch nor a select; NaN stays NaN (−0 becomes +0)
                case "relu" -> {
                    for (int i = 0; i < len; i++) {
                        a[i] = Math.max(a[i], 0.0);
                    }
                }
                case "leaky_relu" -> {
                    for (int i = 0; i < len; i++) {
                        a[i] = Math.max(a[i], 0.0) + alpha * Math.min(a[i], 0.0);
                    }
                }
                case "sigmoid" -> MathOps.sigmoidFast(a, len);
                case "tanh" -> MathOps.tanhFast(a, e, len);
                case "gelu_erf" -> geluErfBlock(a, e, len);
                default -> { // gelu
                    geluSigma(a, e, len);
                    for (int i = 0; i < len; i++) {
                        a[i] = a[i] * e[i];
                    }
                }
            }
            y.put(from, a, 0, s.tmp, len);
        }
    }

    /**
     * ReLU on float32 arrays, in float32 blocks on the heap (half the memory traffic of the float64
     * blocks, twice the lanes per vector): with {@code dy} null the forward pass out = max(v, 0)
     * of v = {@code in}; else the backward pass out = dy ⊙ min(max(y, 0)·M·M, 1) of y = {@code in},
     * M the largest finite float (1 for every positive y down to the smallest subnormal, else 0;
     * a NaN y gives NaN). Both give bit for bit what the float64 loops give rounded to float32:
     * max, and products by exactly 1 or 0. {@code out} may be {@code in} or {@code dy}.
     */
    private static void reluFloat(Buf in, Buf dy, Buf out, int n) {
        float[][] s = FLOATS.get();
        float[] a = s[0];
        float[] g = s[1];
        for (int from = 0; from < n; from += BLOCK) {
            int len = Math.min(BLOCK, n - from);
            in.read(from, a, 0, len);
            if (dy == null) {
                for (int i = 0; i < len; i++) {
                    a[i] = Math.max(a[i], 0f);
                }
                out.write(from, a, 0, len);
            } else {
                dy.read(from, g, 0, len);
                for (int i = 0; i < len; i++) {
                    g[i] *= Math.min(Math.max(a[i], 0f) * Float.MAX_VALUE * Float.MAX_VALUE, 1f);
                }
                out.write(from, g, 0, len);
            }
        }
    }

    /**
     * a[i] = a[i]/2 · (1 + erf(a[i]/√2)) with {@link MathOps#erfFloat32}'s formula, its e^(−z²) by
     * {@link MathOps#expFast} over the block (e is scratch): loops the JIT vectorises.
     */
    private static void geluErfBlock(double[] a, double[] e, int len) {
        for (int i = 0; i < len; i++) {
            double z = a[i] * MathOps.INV_SQRT2;
            e[i] = -z * z;
        }
        MathOps.expFast(e, len);
        for (int i = 0; i < len; i++) {
            double v = a[i];
            double z = Math.abs(v * MathOps.INV_SQRT2);
            double t = 1 / (1 + 0.3275911 * z);
            double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
            double erfc = poly * e[i]; // erfc|z| = 1 − erf|z|
            // 1 + erf(z) is 2 − erfc|z| for x > 0 and erfc|z| for x ≤ 0: chosen by a 0/1 mask made of
            // max and min (as the ReLU gradient's), branch-free so that the loop vectorises; NaN stays NaN
            double positive = Math.min(Math.max(v, 0.0) * Double.MAX_VALUE * Double.MAX_VALUE, 1.0);
            a[i] = 0.5 * v * (erfc + positive * (2 - 2 * erfc));
        }
    }

    /** e[i] = σ(2u) for u = √(2/π)(a[i] + 0.044715 a[i]³), i in [0, len). */
    private static void geluSigma(double[] a, double[] e, int len) {
        for (int i = 0; i < len; i++) {
            double v = a[i];
            e[i] = -2 * GELU_C * (v + GELU_A * v * v * v);
        }
        MathOps.sigmoidOfNegatedFast(e, len);
    }

    /** ∂L/∂z from z, y = f(z) and ∂L/∂y; {@code dz} may be {@code dy}. */
    void backward(Buf z, Buf y, Buf dy, Buf dz, int rows, int cols) {
        int n = rows * cols;
        if (name.equals("gelu") && z.isFloat() && dy.isFloat() && dz.isFloat()) {
            // GELU'(x) = (1 + tanh u)/2 + x/2·(1 − tanh² u)·√(2/π)(1 + 3·0.044715 x²)
            //          = s + 2x·s(1 − s)·√(2/π)(1 + 3·0.044715 x²), s = σ(2u), as the float64 loop
            // below, on heap blocks as forwardOnHeap
            Columns s = SCRATCH.get();
            double[] a = s.a;
            double[] e = s.h;
            double[] g = s.g;
            for (int from = 0; from < n; from += BLOCK) {
                int len = Math.min(BLOCK, n - from);
                z.get(from, a, 0, s.tmp, len);
                dy.get(from, g, 0, s.tmp, len);
                geluSigma(a, e, len);
                for (int i = 0; i < len; i++) {
                    double v = a[i];
                    double sg = e[i];
                    g[i] *= sg + 2 * v * sg * (1 - sg) * GELU_C * (1 + 3 * GELU_A * v * v);
                }
                dz.put(from, g, 0, s.tmp, len);
            }
            return;
        }
        if (name.equals("relu") && y.isFloat() && dy.isFloat() && dz.isFloat()) {
            reluFloat(y, dy, dz, n);
            return;
        }
        if (name.equals("tanh") || name.equals("sigmoid") || name.equals("relu") || name.equals("leaky_relu")) {
            // dy ⊙ (1 − y²), dy ⊙ y(1 − y), dy ⊙ mask or dy ⊙ (α + (1 − α)·mask) from y, in float64
            // on heap blocks (any type: the formulas are those of the Buf loops they replaced),
            // in loops the JIT vectorises
            Columns s = SCRATCH.get();
            double[] a = s.a;
            double[] g = s.g;
            for (int from = 0; from < n; from += BLOCK) {
                int len = Math.min(BLOCK, n - from);
                y.get(from, a, 0, s.tmp, len);
                dy.get(from, g, 0, s.tmp, len);
                switch (name) {
                    case "tanh" -> {
                        for (int i = 0; i < len; i++) {
                            g[i] *= 1 - a[i] * a[i];
                        }
                    }
                    case "sigmoid" -> {
                        for (int i = 0; i < len; i++) {
                            g[i] *= a[i] * (1 - a[i]);
                        }
                    }
                    // the mask, 1 where y > 0 and else 0, as min(max(y, 0)·M·M, 1) with M the
                    // largest finite double: exact for every positive y down to the smallest
                    // subnormal, branch-free, as Dense's ReLU gradient; a NaN y gives a NaN gradient
                    case "relu" -> {
                        for (int i = 0; i < len; i++) {
                            g[i] *= Math.min(Math.max(a[i], 0.0) * Double.MAX_VALUE * Double.MAX_VALUE, 1.0);
                        }
                    }
                    default -> { // leaky_relu
                        for (int i = 0; i < len; i++) {
                            g[i] *= alpha + (1 - alpha) * Math.min(Math.max(a[i], 0.0) * Double.MAX_VALUE * Double.MAX_VALUE, 1.0);
                        }
                    }
                }
                dz.put(from, g, 0, s.tmp, len);
            }
            return;
        }
        switch (name) {
            case "identity" -> {
                if (dy != dz) {
                    for (int i = 0; i < n; i++) {
                        dz.set(i, dy.get(i));
                    }
                }
            }
            case "gelu_erf" -> { // Φ(z) + z φ(z)
                boolean fast = z.isFloat();
                for (int i = 0; i < n; i++) {
                    double v = z.get(i);
                    double erf = fast ? MathOps.erfFloat32(v * MathOps.INV_SQRT2) : MathOps.erf(v * MathOps.INV_SQRT2);
                    double d = 0.5 * (1 + erf) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
                    dz.set(i, dy.get(i) * d);
                }
            }
            case "gelu" -> {
                for (int i = 0; i < n; i++) {
                    double v = z.get(i);
                    double sg = MathOps.sigmoid(2 * GELU_C * (v + GELU_A * v * v * v)); // (1 + tanh u)/2
                    double d = sg + 2 * v * sg * (1 - sg) * GELU_C * (1 + 3 * GELU_A * v * v);
                    dz.set(i, dy.get(i) * d);
                }
            }
            case "softmax" -> {
                if (y.isFloat() && dy.isFloat() && dz.isFloat()) {
                    softmaxBackwardOnHeap(y, dy, dz, rows, cols);
                    return;
                }
                for (int r = 0; r < rows; r++) {
                    double dot = 0;
                    for (int c = 0; c < cols; c++) {
                        dot += dy.get(c * rows + r) * y.get(c * rows + r);
                    }
                    for (int c = 0; c < cols; c++) {
                        int i = c * rows + r;
                        dz.set(i, y.get(i) * (dy.get(i) - dot));
                    }
                }
            }
            default -> throw new IllegalStateException(name);
        }
    }

    /**
     * The float32 softmax of an 'f'-order [rows, cols] matrix (y may be z) by columns: each
     * column's rows are contiguous, so a segment of up to 2,048 rows is bulk-copied to the heap and
     * the per-row max, e^(z − max) and sum ({@link MathOps#maxInto}, {@link MathOps#expShiftedSum},
     * fast exponential) run across the columns as
     * loops over rows that the JIT vectorises: three passes over z and y instead of a
     * {@link Math#exp} and strided {@code Buf} accesses per value.
     */
    private static void softmaxOnHeap(Buf z, Buf y, int rows, int cols) {
        Columns s = SCRATCH.get();
        double[] a = s.a;
        double[] max = s.h;
        double[] sum = s.g;
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            int len = Math.min(BLOCK, rows - r0);
            java.util.Arrays.fill(max, 0, len, Double.NEGATIVE_INFINITY);
            java.util.Arrays.fill(sum, 0, len, 0.0);
            for (int c = 0; c < cols; c++) {
                z.get(c * rows + r0, a, 0, s.tmp, len);
                MathOps.maxInto(max, a, len);
            }
            for (int c = 0; c < cols; c++) {
                z.get(c * rows + r0, a, 0, s.tmp, len);
                MathOps.expShiftedSum(a, max, sum, len, true);
                y.put(c * rows + r0, a, 0, s.tmp, len);
            }
            for (int c = 0; c < cols; c++) {
                y.get(c * rows + r0, a, 0, s.tmp, len);
                for (int r = 0; r < len; r++) {
                    a[r] /= sum[r];
                }
                y.put(c * rows + r0, a, 0, s.tmp, len);
            }
        }
    }

    /** ∂L/∂z = y ⊙ (∂L/∂y − Σⱼ yⱼ ∂L/∂yⱼ) per row, float32, by columns on the heap as {@link #softmaxOnHeap}. */
    private static void softmaxBackwardOnHeap(Buf y, Buf dy, Buf dz, int rows, int cols) {
        Columns s = SCRATCH.get();
        double[] a = s.a;
        double[] g = s.g;
        double[] dot = s.h;
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            int len = Math.min(BLOCK, rows - r0);
            java.util.Arrays.fill(dot, 0, len, 0.0);
            for (int c = 0; c < cols; c++) {
                y.get(c * rows + r0, a, 0, s.tmp, len);
                dy.get(c * rows + r0, g, 0, s.tmp, len);
                for (int r = 0; r < len; r++) {
                    dot[r] += a[r] * g[r];
                }
            }
            for (int c = 0; c < cols; c++) {
                y.get(c * rows + r0, a, 0, s.tmp, len);
                dy.get(c * rows + r0, g, 0, s.tmp, len);
                for (int r = 0; r < len; r++) {
                    g[r] = a[r] * (g[r] - dot[r]);
                }
                dz.put(c * rows + r0, g, 0, s.tmp, len);
            }
        }
    }

    /**
     * Row-wise stable softmax of an 'f'-order [rows, cols] matrix ({@link MathOps#softmax}, exact,
     * on each row gathered into a heap row); y may be z.
     */
    static void softmax(Buf z, Buf y, int rows, int cols) {
        double[] row = SOFTMAX_ROW.get();
        if (row.length < cols) {
            row = new double[cols];
            SOFTMAX_ROW.set(row);
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                row[c] = z.get(c * rows + r);
            }
            MathOps.softmax(row, cols);
            for (int c = 0; c < cols; c++) {
                y.set(c * rows + r, row[c]);
            }
        }
    }

    /** Per-thread heap row of {@link #softmax(Buf, Buf, int, int)}, grown to the widest row. */
    private static final ThreadLocal<double[]> SOFTMAX_ROW = ThreadLocal.withInitial(() -> new double[0]);

    @Override
    public String toString() {
        return name.equals("leaky_relu") ? "leaky_relu(" + alpha + ")" : name;
    }
}
