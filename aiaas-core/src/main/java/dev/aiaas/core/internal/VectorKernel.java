package dev.aiaas.core.internal;

import dev.aiaas.core.kernel.DenseKernel;

/**
 * Internal, not API; loaded only with the Vector API kernels. What the 512-bit and 256-bit dense
 * kernels share: the in-place row steps, in {@link VectorRowOps} on the CPU's widest vectors.
 */
abstract class VectorKernel implements DenseKernel {

    @Override
    public void activate(Fn f, float alpha, float[] y, int yOff, int rows, int cols, int ldy) {
        VectorRowOps.activate(f, alpha, y, yOff, rows, cols, ldy);
    }

    @Override
    public void softmax(float[] y, int yOff, int rows, int cols, int ldy) {
        VectorRowOps.softmax(y, yOff, rows, cols, ldy);
    }

    @Override
    public void layerNorm(float[] y, int yOff, int rows, int cols, int ldy, float[] gamma, float[] beta, float epsilon) {
        VectorRowOps.layerNorm(y, yOff, rows, cols, ldy, gamma, beta, epsilon);
    }

    @Override
    public void scaleShift(float[] y, int yOff, int rows, int cols, int ldy, float[] scale, float[] shift) {
        VectorRowOps.scaleShift(y, yOff, rows, cols, ldy, scale, shift);
    }

    @Override
    public void maxInto(float[] x, int xOff, float[] y, int yOff, int len) {
        VectorRowOps.maxInto(x, xOff, y, yOff, len);
    }

    @Override
    public void windowMax(int window, int[] runs, float[] x, int xOff, float[] y, int yOff) {
        VectorRowOps.windowMax(window, runs, x, xOff, y, yOff);
    }
}
