package dev.aiaas.core.kernel;

import java.util.Optional;

/**
 * Finds the packed dense kernel of this JVM and CPU, and packs weights for it.
 *
 * <p>The kernels ({@code VectorDenseKernel} for 512-bit vectors, AVX-512; {@code
 * Vector256DenseKernel} for 256-bit ones, AVX2) are written with the Vector API, an incubator
 * module of Java 17 that the JVM resolves only when asked: {@code java --add-modules
 * jdk.incubator.vector ...} (the JVM then prints a one-line warning that an incubator module is
 * in use). {@link #VECTOR} is the widest this CPU runs well; without the module or with vectors
 * narrower than 256 bits it is empty, {@link #UNAVAILABLE} says why, and callers use BLAS.
 * {@code -Daiaas.vector=false} turns the kernels off; {@code -Daiaas.vector=256} picks the
 * 256-bit one on an AVX-512 CPU too (to measure it).
 */
public final class DenseKernels {
    /** Makes the Vector API kernels; loaded by name so that this class loads without the module. */
    private static final String FACTORY = "dev.aiaas.core.internal.VectorKernels";
    private static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Why {@link #VECTOR} is empty, or null when it is not. */
    public static final String UNAVAILABLE;
    /** The vector kernel of this JVM and CPU, when there is one. */
    public static final Optional<DenseKernel> VECTOR;

    static {
        String setting = System.getProperty("aiaas.vector", "true");
        String why = null;
        DenseKernel k = null;
        if (setting.equals("false")) {
            why = "turned off with -Daiaas.vector=false";
        } else if (!MODULE) {
            why = "the Vector API is not enabled: add --add-modules jdk.incubator.vector to the java command";
        } else {
            try {
                k = load(setting.equals("256") ? 256 : preferredBits() >= 512 ? 512 : 256);
            } catch (UnsupportedOperationException e) {
                why = e.getMessage();
            }
        }
        UNAVAILABLE = k == null ? why : null;
        VECTOR = Optional.ofNullable(k);
    }

    /**
     * The kernel for vectors of {@code bits} (256 or 512), whatever {@link #VECTOR} chose: empty
     * without the Vector API or when this CPU's vectors are narrower. For tests and measurements.
     *
     * @param bits the vector width, 256 (AVX2) or 512 (AVX-512)
     * @return a new kernel of that width, or empty when this JVM or CPU cannot run it
     * @throws IllegalArgumentException when bits is neither 256 nor 512
     */
    public static Optional<DenseKernel> of(int bits) {
        if (bits != 256 && bits != 512) {
            throw new IllegalArgumentException("the packed kernels have 256- or 512-bit vectors; got bits=" + bits);
        }
        if (!MODULE || preferredBits() < bits) {
            return Optional.empty();
        }
        return Optional.of(load(bits));
    }

    private static DenseKernel load(int bits) {
        try {
            return (DenseKernel) Class.forName(FACTORY).getMethod("create", int.class).invoke(null, bits);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new UnsupportedOperationException(e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new UnsupportedOperationException("the Vector API kernel could not be loaded: " + e, e);
        }
    }

    /** The width of the CPU's preferred float vectors, in bits (0 without the Vector API). */
    private static int preferredBits() {
        try {
            return (Integer) Class.forName(FACTORY).getMethod("preferredBits").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return 0;
        }
    }

    private DenseKernels() {
    }

    /**
     * Packs W {@code [in, units]}, given column-major (W[k, j] at {@code w[k + j·in]}, θ's
     * layout), into panels of {@code panel} columns and a last one of the remaining columns
     * rounded up to whole vectors of {@code lanes}, zero-padded (see {@link DenseKernel}).
     *
     * @param w     W, {@code in · units} values, column-major
     * @param in    W's rows: the layer's input features
     * @param units W's columns: the layer's outputs
     * @param panel the kernel's {@link DenseKernel#panel()}
     * @param lanes the kernel's {@link DenseKernel#lanes()}
     * @return {@code in · padded(units, lanes)} values
     */
    public static float[] pack(float[] w, int in, int units, int panel, int lanes) {
        int full = units / panel;
        int last = padded(units, lanes) - full * panel;
        float[] p = new float[Math.multiplyExact(padded(units, lanes), in)];
        for (int j = 0; j < units; j++) {
            int q = j / panel;
            int width = q < full ? panel : last;
            int base = q * in * panel + j % panel;
            int from = j * in;
            for (int k = 0; k < in; k++) {
                p[base + k * width] = w[from + k];
            }
        }
        return p;
    }

    /**
     * The panels of a layer of {@code units} columns.
     *
     * @param units the layer's output columns
     * @param panel the kernel's {@link DenseKernel#panel()}
     * @return ceil(units / panel)
     */
    public static int panels(int units, int panel) {
        return (units + panel - 1) / panel;
    }

    /**
     * The row stride of a layer's output.
     *
     * @param units the layer's output columns
     * @param lanes the kernel's {@link DenseKernel#lanes()}
     * @return units rounded up to a whole number of vectors of {@code lanes}
     */
    public static int padded(int units, int lanes) {
        return (units + lanes - 1) / lanes * lanes;
    }
}
