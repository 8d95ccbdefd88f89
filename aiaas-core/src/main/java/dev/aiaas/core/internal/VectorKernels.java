package dev.aiaas.core.internal;

import dev.aiaas.core.kernel.DenseKernel;

/**
 * Internal, not API; loaded by {@link dev.aiaas.core.kernel.DenseKernels} through reflection, and
 * only when the JVM resolves {@code jdk.incubator.vector}. Makes the package-private Vector API
 * kernels of this package.
 */
public final class VectorKernels {
    private VectorKernels() {
    }

    /**
     * A new kernel for vectors of {@code bits}.
     *
     * @param bits 512 ({@code VectorDenseKernel}, AVX-512) or 256 ({@code Vector256DenseKernel}, AVX2)
     * @return the kernel
     * @throws UnsupportedOperationException when this CPU cannot run it well (the reason in the message)
     */
    public static DenseKernel create(int bits) {
        return bits == 512 ? new VectorDenseKernel() : new Vector256DenseKernel();
    }

    /** {@return the width of this CPU's preferred float vectors, in bits} */
    public static int preferredBits() {
        return VectorRowOps.preferredBits();
    }
}
