package dev.aiaas.core.internal;

import java.util.Optional;

/**
 * Internal, not API. Finds the packed dense kernel of this JVM and CPU, and packs weights for it.
 *
 * <p>The kernel ({@code VectorDenseKernel}) is written with the Vector API, an incubator module
 * of Java 17 that the JVM resolves only when asked: {@code java --add-modules
 * jdk.incubator.vector ...} (the JVM then prints a one-line warning that an incubator module is
 * in use). It needs 512-bit vectors (AVX-512). Without either, {@link #VECTOR} is empty,
 * {@link #UNAVAILABLE} says why, and callers use BLAS. {@code -Daiaas.vector=false} turns the
 * kernel off.
 */
public final class DenseKernels {
    /** Why {@link #VECTOR} is empty, or null when it is not. */
    public static final String UNAVAILABLE;
    /** The vector kernel of this JVM and CPU, when there is one. */
    public static final Optional<DenseKernel> VECTOR;

    static {
        String why = null;
        DenseKernel k = null;
        if (!Boolean.parseBoolean(System.getProperty("aiaas.vector", "true"))) {
            why = "turned off with -Daiaas.vector=false";
        } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            why = "the Vector API is not enabled: add --add-modules jdk.incubator.vector to the java command";
        } else {
            try {
                k = (DenseKernel) Class.forName("dev.aiaas.core.internal.VectorDenseKernel").getDeclaredConstructor().newInstance();
            } catch (java.lang.reflect.InvocationTargetException e) {
                why = e.getCause().getMessage();
            } catch (ReflectiveOperationException | LinkageError e) {
                why = "the Vector API kernel could not be loaded: " + e;
            }
        }
        UNAVAILABLE = k == null ? why : null;
        VECTOR = Optional.ofNullable(k);
    }

    private DenseKernels() {
    }

    /**
     * Packs W {@code [in, units]}, given column-major (W[k, j] at {@code w[k + j·in]}, θ's
     * layout), into panels of {@code panel} columns and a last one of the remaining columns
     * rounded up to whole vectors of {@code lanes}, zero-padded (see {@link DenseKernel}).
     *
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

    /** The panels of a layer of {@code units} columns: ceil(units / panel). */
    public static int panels(int units, int panel) {
        return (units + panel - 1) / panel;
    }

    /** units rounded up to a whole number of vectors of {@code lanes}: the row stride of a layer's output. */
    public static int padded(int units, int lanes) {
        return (units + lanes - 1) / lanes * lanes;
    }
}
