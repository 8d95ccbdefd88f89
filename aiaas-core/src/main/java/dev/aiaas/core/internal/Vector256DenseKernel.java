package dev.aiaas.core.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Internal, not API; loaded only through {@link DenseKernels} when the Vector API is enabled.
 * The packed dense kernel with 256-bit vectors, for CPUs with AVX2 but not AVX-512 (C2 compiles
 * it to AVX2 FMAs; {@code -Daiaas.vector=256} picks it on an AVX-512 CPU too).
 *
 * <p>The same scheme as {@link VectorDenseKernel} for 16 registers of 8 floats: panels of 16
 * columns (two vectors), 6-row blocks of 6 x 2 accumulators (12 registers, then two of W and
 * one broadcast of x: the register budget of AVX2, as in BLIS's Haswell kernel), then 4-row
 * and 1-row blocks; a last, 8-column panel for a layer whose width is an odd number of vectors.
 * Generated, not hand-written: the blocks are written out per tile shape because C2 keeps
 * accumulators in registers only when they are separate locals.
 */
final class Vector256DenseKernel implements DenseKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    /** Columns per panel: two vectors of 8 floats. */
    static final int PANEL = 16;

    Vector256DenseKernel() {
        if (FloatVector.SPECIES_PREFERRED.length() < 8) {
            throw new UnsupportedOperationException("this CPU's vectors hold " + FloatVector.SPECIES_PREFERRED.length()
                    + " floats; the packed kernel needs 8 (AVX2) or 16 (AVX-512)");
        }
    }

    @Override
    public int panel() {
        return PANEL;
    }

    @Override
    public int lanes() {
        return 8;
    }

    @Override
    public String describe() {
        return "AVX2 (jdk.incubator.vector, 8 float lanes)";
    }

    @Override
    public void forward(float[] x, int xOff, int ldx, int rows, int in, float[] w, float[] bias, int units, boolean relu,
            float[] y, int yOff, int ldy, int panelFrom, int panelTo) {
        // max(v, -∞) = v (NaN and -0 included) and max(v, 0) is the ReLU: no branch per store
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        int sixes = rows / 6;
        int fours = (rows % 6) / 4;
        int r1 = sixes * 6 + fours * 4;
        int x4 = xOff + sixes * 6 * ldx;
        int y4 = yOff + sixes * 6 * ldy;
        int full = DenseKernels.padded(units, 8) / PANEL;
        for (int p = panelFrom; p < Math.min(full, panelTo); p++) {
            int wo = p * in * PANEL;
            int col = p * PANEL;
            rows6x2(x, xOff, ldx, in, w, wo, bias, col, floor, y, yOff + col, ldy, sixes);
            rows4x2(x, x4, ldx, in, w, wo, bias, col, floor, y, y4 + col, ldy, fours);
            for (int r = r1; r < rows; r++) {
                row1x2(x, xOff + r * ldx, in, w, wo, bias, col, floor, y, yOff + r * ldy + col);
            }
        }
        if (panelTo <= full || DenseKernels.padded(units, 8) == full * PANEL) {
            return;
        }
        int wo = full * in * PANEL; // the last panel, one vector wide
        int col = full * PANEL;
        rows6x1(x, xOff, ldx, in, w, wo, bias, col, floor, y, yOff + col, ldy, sixes);
        rows4x1(x, x4, ldx, in, w, wo, bias, col, floor, y, y4 + col, ldy, fours);
        for (int r = r1; r < rows; r++) {
            row1x1(x, xOff + r * ldx, in, w, wo, bias, col, floor, y, yOff + r * ldy + col);
        }
    }

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

    /** {@code blocks} blocks of 6 rows of a 16-column panel: 6 x 2 accumulators of 8 floats over k. */
    private static void rows6x2(float[] x, int xo, int ldx, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        for (int blk = 0; blk < blocks; blk++, xo += 6 * ldx, yo += 6 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z, c01 = z;
            FloatVector c10 = z, c11 = z;
            FloatVector c20 = z, c21 = z;
            FloatVector c30 = z, c31 = z;
            FloatVector c40 = z, c41 = z;
            FloatVector c50 = z, c51 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 16, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector b1 = FloatVector.fromArray(S, w, o + 8);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                a = FloatVector.broadcast(S, x[xk + ldx]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                a = FloatVector.broadcast(S, x[xk + 2 * ldx]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                a = FloatVector.broadcast(S, x[xk + 3 * ldx]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
                a = FloatVector.broadcast(S, x[xk + 4 * ldx]);
                c40 = a.fma(b0, c40);
                c41 = a.fma(b1, c41);
                a = FloatVector.broadcast(S, x[xk + 5 * ldx]);
                c50 = a.fma(b0, c50);
                c51 = a.fma(b1, c51);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            FloatVector d1 = FloatVector.fromArray(S, bias, col + 8);
            c00.add(d0).max(lo).intoArray(y, yo);
            c01.add(d1).max(lo).intoArray(y, yo + 8);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c11.add(d1).max(lo).intoArray(y, yo + ldy + 8);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c21.add(d1).max(lo).intoArray(y, yo + 2 * ldy + 8);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c31.add(d1).max(lo).intoArray(y, yo + 3 * ldy + 8);
            c40.add(d0).max(lo).intoArray(y, yo + 4 * ldy);
            c41.add(d1).max(lo).intoArray(y, yo + 4 * ldy + 8);
            c50.add(d0).max(lo).intoArray(y, yo + 5 * ldy);
            c51.add(d1).max(lo).intoArray(y, yo + 5 * ldy + 8);
        }
    }

    /** {@code blocks} blocks of 4 rows of a 16-column panel: 4 x 2 accumulators of 8 floats over k. */
    private static void rows4x2(float[] x, int xo, int ldx, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        for (int blk = 0; blk < blocks; blk++, xo += 4 * ldx, yo += 4 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z, c01 = z;
            FloatVector c10 = z, c11 = z;
            FloatVector c20 = z, c21 = z;
            FloatVector c30 = z, c31 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 16, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector b1 = FloatVector.fromArray(S, w, o + 8);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                a = FloatVector.broadcast(S, x[xk + ldx]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                a = FloatVector.broadcast(S, x[xk + 2 * ldx]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                a = FloatVector.broadcast(S, x[xk + 3 * ldx]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            FloatVector d1 = FloatVector.fromArray(S, bias, col + 8);
            c00.add(d0).max(lo).intoArray(y, yo);
            c01.add(d1).max(lo).intoArray(y, yo + 8);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c11.add(d1).max(lo).intoArray(y, yo + ldy + 8);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c21.add(d1).max(lo).intoArray(y, yo + 2 * ldy + 8);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c31.add(d1).max(lo).intoArray(y, yo + 3 * ldy + 8);
        }
    }

    /** One row of a 16-column panel: k split into even and odd steps, 4 accumulators (fewer would wait on the FMA latency). */
    private static void row1x2(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor, float[] y, int yo) {
        FloatVector z = FloatVector.zero(S);
        FloatVector lo = FloatVector.broadcast(S, floor);
        FloatVector c0 = z, e0 = z, c1 = z, e1 = z;
        int k = 0;
        int o = wo;
        for (; k + 2 <= in; k += 2, o += 32) {
            FloatVector a = FloatVector.broadcast(S, x[xo + k]);
            c0 = a.fma(FloatVector.fromArray(S, w, o), c0);
            c1 = a.fma(FloatVector.fromArray(S, w, o + 8), c1);
            a = FloatVector.broadcast(S, x[xo + k + 1]);
            e0 = a.fma(FloatVector.fromArray(S, w, o + 16), e0);
            e1 = a.fma(FloatVector.fromArray(S, w, o + 24), e1);
        }
        if (k < in) {
            FloatVector a = FloatVector.broadcast(S, x[xo + k]);
            c0 = a.fma(FloatVector.fromArray(S, w, o), c0);
            c1 = a.fma(FloatVector.fromArray(S, w, o + 8), c1);
        }
        c0.add(e0).add(FloatVector.fromArray(S, bias, col)).max(lo).intoArray(y, yo);
        c1.add(e1).add(FloatVector.fromArray(S, bias, col + 8)).max(lo).intoArray(y, yo + 8);
    }

    /** {@code blocks} blocks of 6 rows of a 8-column panel: 6 x 1 accumulators of 8 floats over k. */
    private static void rows6x1(float[] x, int xo, int ldx, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        for (int blk = 0; blk < blocks; blk++, xo += 6 * ldx, yo += 6 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z;
            FloatVector c10 = z;
            FloatVector c20 = z;
            FloatVector c30 = z;
            FloatVector c40 = z;
            FloatVector c50 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 8, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                a = FloatVector.broadcast(S, x[xk + ldx]);
                c10 = a.fma(b0, c10);
                a = FloatVector.broadcast(S, x[xk + 2 * ldx]);
                c20 = a.fma(b0, c20);
                a = FloatVector.broadcast(S, x[xk + 3 * ldx]);
                c30 = a.fma(b0, c30);
                a = FloatVector.broadcast(S, x[xk + 4 * ldx]);
                c40 = a.fma(b0, c40);
                a = FloatVector.broadcast(S, x[xk + 5 * ldx]);
                c50 = a.fma(b0, c50);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            c00.add(d0).max(lo).intoArray(y, yo);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c40.add(d0).max(lo).intoArray(y, yo + 4 * ldy);
            c50.add(d0).max(lo).intoArray(y, yo + 5 * ldy);
        }
    }

    /** {@code blocks} blocks of 4 rows of a 8-column panel: 4 x 1 accumulators of 8 floats over k. */
    private static void rows4x1(float[] x, int xo, int ldx, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        for (int blk = 0; blk < blocks; blk++, xo += 4 * ldx, yo += 4 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z;
            FloatVector c10 = z;
            FloatVector c20 = z;
            FloatVector c30 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 8, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                a = FloatVector.broadcast(S, x[xk + ldx]);
                c10 = a.fma(b0, c10);
                a = FloatVector.broadcast(S, x[xk + 2 * ldx]);
                c20 = a.fma(b0, c20);
                a = FloatVector.broadcast(S, x[xk + 3 * ldx]);
                c30 = a.fma(b0, c30);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            c00.add(d0).max(lo).intoArray(y, yo);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
        }
    }

    /** One row of a 8-column panel: k split into even and odd steps, 2 accumulators (fewer would wait on the FMA latency). */
    private static void row1x1(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor, float[] y, int yo) {
        FloatVector z = FloatVector.zero(S);
        FloatVector lo = FloatVector.broadcast(S, floor);
        FloatVector c0 = z, e0 = z;
        int k = 0;
        int o = wo;
        for (; k + 2 <= in; k += 2, o += 16) {
            FloatVector a = FloatVector.broadcast(S, x[xo + k]);
            c0 = a.fma(FloatVector.fromArray(S, w, o), c0);
            a = FloatVector.broadcast(S, x[xo + k + 1]);
            e0 = a.fma(FloatVector.fromArray(S, w, o + 8), e0);
        }
        if (k < in) {
            FloatVector a = FloatVector.broadcast(S, x[xo + k]);
            c0 = a.fma(FloatVector.fromArray(S, w, o), c0);
        }
        c0.add(e0).add(FloatVector.fromArray(S, bias, col)).max(lo).intoArray(y, yo);
    }
}
