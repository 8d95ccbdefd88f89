package dev.aiaas.core.kernel;

/**
 * A dense layer's forward pass over heap arrays with the weights packed once:
 * y = f(x·W + b) with f ReLU or the identity, on row-major float32 blocks.
 *
 * <p>W {@code [in, units]} is packed ({@link DenseKernels#pack}) into column panels of
 * {@link #panel()} columns, the last one narrower (the remaining columns rounded up to whole
 * vectors of {@link #lanes()}, zero-padded): a panel of width v holds, for each k in order, the v
 * values W[k, c .. c + v) of its first column c. The kernel writes the padded columns too (0
 * there, or f(0) = 0 for both activations), so y's row stride must be at least
 * {@code units} {@link DenseKernels#padded padded} to whole vectors.
 *
 * <p>The other layers of a network run in place on the same row-major blocks, over the first
 * {@code cols} values of each row: {@link #activate}, {@link #softmax}, {@link #layerNorm} and
 * {@link #scaleShift}. They compute in float32 (the activations through the Vector API's
 * transcendental functions, within an ulp or two of {@link Math}'s).
 */
public interface DenseKernel {
    /** An activation applied element by element by {@link #activate}. */
    enum Fn {
        /** max(0, z), NaN staying NaN. */
        RELU,
        /** z if z ≥ 0 else αz. */
        LEAKY_RELU,
        /** z/2 · (1 + tanh(√(2/π)(z + 0.044715 z³))), the tanh form. */
        GELU,
        /** z/2 · (1 + erf(z/√2)), the exact form ({@code MathOps.geluErfFloat32}). */
        GELU_ERF,
        /** tanh z. */
        TANH,
        /** 1 / (1 + e^−z). */
        SIGMOID
    }

    /**
     * The row stride of x, in floats, that {@link #forward} reads fastest: a block of rows this
     * far apart is read with constant offsets (see the kernels), any other stride with address
     * arithmetic per row and k. Buffers of rows of up to this many features use it; 1,024 + 16,
     * so that rows do not start a multiple of 4 KiB apart (the L1 cache's set stride): a
     * precaution, not a measured gain.
     */
    int ROW_STRIDE = 1040;

    /** {@return the columns of one packed panel} */
    int panel();

    /** {@return floats per vector: the padding unit of the last panel} */
    int lanes();

    /** {@return what computes, for reports: for example "AVX-512 (jdk.incubator.vector, 16 float lanes)"} */
    String describe();

    /**
     * For each row r in {@code [0, rows)} and each column j in {@code [0, padded(units))}:
     * {@code y[yOff + r·ldy + j] = f(Σ_k x[xOff + r·ldx + k] · W[k, j] + bias[j])}, k over
     * {@code [0, in)}.
     *
     * @param x     the input rows, row-major float32
     * @param xOff  index in {@code x} of row 0's first feature
     * @param ldx   x's row stride in floats, at least {@code in} ({@link #ROW_STRIDE} is fastest)
     * @param rows  the number of rows (examples)
     * @param in    the input features per row
     * @param w     W packed by {@link DenseKernels#pack} for {@code in}, {@code units} and this kernel
     * @param bias  b zero-padded to {@code padded(units)} values
     * @param units the output columns, before padding
     * @param relu  f = max(·, 0) (NaN stays NaN) when true, else the identity
     * @param y     the output rows, row-major float32
     * @param yOff  index in {@code y} of row 0's first column
     * @param ldy   y's row stride in floats, at least {@code padded(units)}
     */
    default void forward(float[] x, int xOff, int ldx, int rows, int in, float[] w, float[] bias, int units, boolean relu,
            float[] y, int yOff, int ldy) {
        forward(x, xOff, ldx, rows, in, w, bias, units, relu, y, yOff, ldy, 0, DenseKernels.panels(units, panel()));
    }

    /**
     * As {@link #forward(float[], int, int, int, int, float[], float[], int, boolean, float[], int, int)}
     * for the columns of panels {@code [panelFrom, panelTo)} only (panel p holds columns from
     * {@code p · panel()}; the last, narrower one is panel {@code units / panel()}): a layer's
     * panels can be shared between threads.
     *
     * @param x         the input rows, row-major float32
     * @param xOff      index in {@code x} of row 0's first feature
     * @param ldx       x's row stride in floats, at least {@code in}
     * @param rows      the number of rows (examples)
     * @param in        the input features per row
     * @param w         W packed by {@link DenseKernels#pack} for {@code in}, {@code units} and this kernel
     * @param bias      b zero-padded to {@code padded(units)} values
     * @param units     the output columns, before padding
     * @param relu      f = max(·, 0) (NaN stays NaN) when true, else the identity
     * @param y         the output rows, row-major float32
     * @param yOff      index in {@code y} of row 0's first column
     * @param ldy       y's row stride in floats, at least {@code padded(units)}
     * @param panelFrom the first panel computed
     * @param panelTo   one past the last panel computed, at most {@code panels(units, panel())}
     */
    void forward(float[] x, int xOff, int ldx, int rows, int in, float[] w, float[] bias, int units, boolean relu,
            float[] y, int yOff, int ldy, int panelFrom, int panelTo);

    /**
     * {@code y[yOff + r·ldy + j] = f(y[...])} for r in {@code [0, rows)}, j in {@code [0, cols)}.
     *
     * @param f     the activation
     * @param alpha the negative slope of {@link Fn#LEAKY_RELU}; ignored by the others
     * @param y     the rows, row-major float32, overwritten
     * @param yOff  index in {@code y} of row 0's first value
     * @param rows  the number of rows
     * @param cols  the values per row to transform
     * @param ldy   y's row stride in floats, at least {@code cols}
     */
    void activate(Fn f, float alpha, float[] y, int yOff, int rows, int cols, int ldy);

    /**
     * Each row's first {@code cols} values replaced by their softmax, e^(yⱼ − max y) / Σₖ e^(yₖ − max y).
     *
     * @param y    the rows, row-major float32, overwritten
     * @param yOff index in {@code y} of row 0's first value
     * @param rows the number of rows
     * @param cols the classes per row
     * @param ldy  y's row stride in floats, at least {@code cols}
     */
    void softmax(float[] y, int yOff, int rows, int cols, int ldy);

    /**
     * Layer normalisation of each row's first {@code cols} values, in place:
     * {@code y_j ← γ_j (y_j − μ) / √(σ² + ε) + β_j}, μ and σ² the row's mean and (biased) variance.
     *
     * @param y       the rows, row-major float32, overwritten
     * @param yOff    index in {@code y} of row 0's first value
     * @param rows    the number of rows
     * @param cols    the features per row, over which μ and σ² are taken
     * @param ldy     y's row stride in floats, at least {@code cols}
     * @param gamma   γ, {@code cols} values
     * @param beta    β, {@code cols} values
     * @param epsilon ε, added to σ², greater than 0
     */
    void layerNorm(float[] y, int yOff, int rows, int cols, int ldy, float[] gamma, float[] beta, float epsilon);

    /**
     * {@code y_j ← y_j · scale_j + shift_j} on each row's first {@code cols} values (batch normalisation at inference).
     *
     * @param y     the rows, row-major float32, overwritten
     * @param yOff  index in {@code y} of row 0's first value
     * @param rows  the number of rows
     * @param cols  the features per row
     * @param ldy   y's row stride in floats, at least {@code cols}
     * @param scale the per-feature factor, {@code cols} values (γ / √(σ² + ε) for batch normalisation)
     * @param shift the per-feature offset, {@code cols} values (β − μ · scale)
     */
    void scaleShift(float[] y, int yOff, int rows, int cols, int ldy, float[] scale, float[] shift);

    /**
     * {@code y[yOff + i] = max(y[yOff + i], x[xOff + i])} for i in {@code [0, len)}, a NaN in
     * either giving NaN ({@link Math#max(float, float)}): max pooling's step over one tap.
     *
     * @param x    the values compared
     * @param xOff index in {@code x} of the first
     * @param y    the running maxima, overwritten
     * @param yOff index in {@code y} of the first
     * @param len  how many
     */
    default void maxInto(float[] x, int xOff, float[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] = Math.max(y[yOff + i], x[xOff + i]);
        }
    }

    /**
     * Max pooling of one row: per run of {@code runs} (dst, length, then {@code window} source
     * offsets, −1 for a padded tap), {@code y[yOff + dst + i] = max_t x[xOff + src_t + i]} for i
     * in {@code [0, length)} over the taps that are not −1, a NaN in any giving NaN; a run whose
     * taps are all −1 leaves y as it is.
     *
     * @param window the taps per window (4 for a 2×2 pool)
     * @param runs   the runs, {@code 2 + window} ints each
     * @param x      the row read
     * @param xOff   index in {@code x} of the row's first value
     * @param y      the pooled values, written
     * @param yOff   index in {@code y} that dst counts from
     */
    default void windowMax(int window, int[] runs, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < runs.length; i += 2 + window) {
            int dst = yOff + runs[i];
            int len = runs[i + 1];
            boolean first = true;
            for (int t = 0; t < window; t++) {
                int src = runs[i + 2 + t];
                if (src < 0) {
                    continue;
                }
                int s = xOff + src;
                if (first) {
                    System.arraycopy(x, s, y, dst, len);
                    first = false;
                } else {
                    maxInto(x, s, y, dst, len);
                }
            }
        }
    }

    /**
     * Whether {@link #convolve} runs a vector kernel: the predictor's packed path then runs its
     * convolutions in place instead of gathering patch matrices for {@link #forward}. False by
     * default ({@link #convolve}'s plain loops are a reference, not a fast path).
     *
     * @return true when {@link #convolve} is vectorised
     */
    default boolean convolves() {
        return false;
    }

    /**
     * A convolution read in place (an implicit GEMM over the kernel's taps, no patch matrix): for
     * each output position p in {@code [0, positions)} and column j in {@code [0, ld)}
     * <pre>
     * y[yOff + p·ld + j] = f(Σ_t Σ_c x[s(p, t) + c] · w[(t·run + c)·ld + j] + bias[j]),
     * s(p, t) = xOff + src[p·taps + t], or {@code zero} where src[p·taps + t] is −1 (padding)
     * </pre>
     * t over {@code [0, taps)}, c over {@code [0, run)}: each tap is a run of {@code run} input
     * values that lie one after the other (a pixel's channels in a channels-last row, or a
     * kernel row's pixels and channels), and a padding tap reads {@code run} zeros that the caller
     * keeps at {@code x[zero ..]}. W is {@code [taps·run, ld]} row-major, its columns the filters
     * padded with zeros to {@code ld}; f is ReLU or the identity. Each output is a sum over t and
     * c in that order, then the bias.
     *
     * @param x         the input row (and the zeros at {@code zero})
     * @param xOff      index in {@code x} that {@code src} counts from
     * @param zero      index in {@code x} of at least {@code run} zeros
     * @param src       {@code positions·taps} tap offsets from {@code xOff}, −1 for padding
     * @param taps      taps per position, at least 1
     * @param run       values per tap, at least 1
     * @param positions output positions
     * @param w         W, {@code taps·run·ld} values
     * @param bias      b, {@code ld} values (0 in the padding)
     * @param ld        the filters padded to whole vectors of {@link #lanes()}: y's stride per position
     * @param relu      ReLU after the sum, else the identity
     * @param y         the output, {@code positions·ld} values from {@code yOff}
     * @param yOff      index in {@code y} of position 0's first filter
     */
    default void convolve(float[] x, int xOff, int zero, int[] src, int taps, int run, int positions, float[] w, float[] bias, int ld,
            boolean relu, float[] y, int yOff) {
        for (int p = 0; p < positions; p++) {
            for (int j = 0; j < ld; j++) {
                float acc = 0f;
                for (int t = 0; t < taps; t++) {
                    int s = src[p * taps + t];
                    int b = s < 0 ? zero : xOff + s;
                    for (int c = 0; c < run; c++) {
                        acc = Math.fma(x[b + c], w[(t * run + c) * ld + j], acc);
                    }
                }
                float v = acc + bias[j];
                y[yOff + p * ld + j] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    /**
     * A convolution read in place from a zero-padded input (no padding taps, every position's
     * taps at the same offsets from its base): for each output position p in
     * {@code [0, bases.length)} and column j in {@code [0, ld)}
     * <pre>
     * y[yOff + p·ld + j] = f(Σ_t Σ_c x[bases[p] + tapOff[t] + c] · w[(t·run + c)·ld + j] + bias[j] + add[addOff + p·ld + j])
     * </pre>
     * t over {@code [0, taps)}, c over {@code [0, run)}, W and f as in {@link #convolve}. The
     * positions come in {@code tiles}, each entry {@code p << 5 | R} the R positions from p
     * (R in {@code [1, 31]}), whose bases are {@code stride} apart when R &gt; 1
     * ({@code bases[p + r] = bases[p] + r·stride}); together they cover every position once. A
     * kernel that {@link #convolves()} runs it fastest for {@code ld} 16, 32, 48 or 64, an R of
     * its blocks (6, 4 or 2 positions for 64 filters, 8, 4 or 2 else) and
     * {@code stride} 1 with an odd run (a planar image's row of a kernel) or 16, 32 or 64 with an
     * even one (one pixel's channels in a channels-last row); any other tile one position at a
     * time.
     *
     * @param x      the padded input
     * @param bases  each position's base index in x
     * @param tapOff each tap's offset from a base
     * @param taps   taps per position
     * @param run    values per tap
     * @param tiles  the tiles and single positions, covering every position
     * @param stride the distance between the bases of a tile's positions
     * @param w      W, {@code taps·run·ld} values
     * @param bias   b, {@code ld} values
     * @param ld     the filters padded to whole vectors: y's stride per position
     * @param relu   ReLU after the sum, else the identity
     * @param y      the output
     * @param yOff   index in {@code y} of position 0's first filter
     * @param add    values added after the bias, before f (a residual block's other branch, laid out as y), or null for none
     * @param addOff index in {@code add} of position 0's first filter
     */
    default void convolveTiles(float[] x, int[] bases, int[] tapOff, int taps, int run, int[] tiles, int stride, float[] w,
            float[] bias, int ld, boolean relu, float[] y, int yOff, float[] add, int addOff) {
        for (int p = 0; p < bases.length; p++) {
            for (int j = 0; j < ld; j++) {
                float acc = 0f;
                for (int t = 0; t < taps; t++) {
                    int b = bases[p] + tapOff[t];
                    for (int c = 0; c < run; c++) {
                        acc = Math.fma(x[b + c], w[(t * run + c) * ld + j], acc);
                    }
                }
                float v = acc + bias[j];
                if (add != null) {
                    v += add[addOff + p * ld + j];
                }
                y[yOff + p * ld + j] = relu ? Math.max(v, 0f) : v;
            }
        }
    }
}
