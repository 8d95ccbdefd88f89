package dev.aiaas.core.internal;

/**
 * Internal, not API. A dense layer's forward pass over heap arrays with the weights packed once:
 * y = f(x·W + b) with f ReLU or the identity, on row-major float32 blocks.
 *
 * <p>W {@code [in, units]} is packed ({@link DenseKernels#pack}) into column panels of
 * {@link #panel()} columns, the last one narrower (the remaining columns rounded up to whole
 * vectors of {@link #lanes()}, zero-padded): a panel of width v holds, for each k in order, the v
 * values W[k, c .. c + v) of its first column c. The kernel writes the padded columns too (0
 * there, or f(0) = 0 for both activations), so y's row stride must be at least
 * {@code units} {@link DenseKernels#padded padded} to whole vectors.
 */
public interface DenseKernel {
    /** The columns of one packed panel. */
    int panel();

    /** Floats per vector: the padding unit of the last panel. */
    int lanes();

    /** What computes, for reports: for example "AVX-512 (jdk.incubator.vector, 16 float lanes)". */
    String describe();

    /**
     * For each row r in {@code [0, rows)} and each column j in {@code [0, padded(units))}:
     * {@code y[yOff + r·ldy + j] = f(Σ_k x[xOff + r·ldx + k] · W[k, j] + bias[j])}, k over
     * {@code [0, in)}.
     *
     * @param w    W packed by {@link DenseKernels#pack} for {@code in}, {@code units} and this kernel
     * @param bias b zero-padded to {@code padded(units)} values
     * @param relu f = max(·, 0) (NaN stays NaN) when true, else the identity
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
     */
    void forward(float[] x, int xOff, int ldx, int rows, int in, float[] w, float[] bias, int units, boolean relu,
            float[] y, int yOff, int ldy, int panelFrom, int panelTo);
}
