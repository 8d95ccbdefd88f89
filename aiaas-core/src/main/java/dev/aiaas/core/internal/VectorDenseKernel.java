package dev.aiaas.core.internal;

import dev.aiaas.core.kernel.DenseKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Internal, not API; loaded only through {@link DenseKernels} when the Vector API is enabled.
 * The packed dense kernel with 512-bit vectors: C2 compiles it to AVX-512 FMAs.
 *
 * <p>Each call of a block computes 8 (or 4, or 1) rows of one 48-column panel: 8 x 3 vector
 * accumulators (24 of the 32 registers), for each k three loads of the packed panel and eight
 * broadcasts of x, 24 fused multiply-adds. A last, narrower panel (16 or 32 columns: the 16 of
 * 256 units, the 10 of a classifier's output padded to 16) has blocks of its own width. The
 * blocks are written out once per tile shape (8, 4 or 1 rows by 3, 2 or 1 vectors), not
 * computed by one loop: C2 keeps accumulators in registers only when they are separate locals.
 * The panel (in · 48 floats, 150 KB for in = 784) streams from the L2 cache and the 8 rows of x
 * (25 KB) stay in L1. The bias and the ReLU are applied before the accumulators are
 * stored, so y is written once. A layer of 49 to 64 units (a 48-column panel and a 16-column
 * one) whose x rows are {@link #ROW_STRIDE} apart runs both panels at once in 6-row blocks of
 * 6 x 4 accumulators ({@code rows6x4Split}). Generated with the 256-bit kernel by
 * {@code tools/gen_vector_kernels.py} (edit that, not this).
 *
 * <p>8x3 and 14x2 blocks were the fastest of 4x4, 8x2, 8x3 and 14x2 in trial runs (8x3 needs no
 * 14-row remainder); at one thread, {@code bench}'s {@code infer-784-256-10-b128} ran at 0.383
 * ms (136 GFLOP/s) beside ONNX Runtime's 0.380 in the same run (README, Performance).
 *
 * <p>A block reads x's rows {@code ldx} apart. When {@code ldx} is {@link #ROW_STRIDE} (the
 * predictor's buffers), it runs its {@code Fixed} form instead, where each row's offset is a
 * constant: C2 folds it into the broadcast's address, where a stride in a register costs a move
 * and an add per row and k, and spills (README, Performance, has the measured difference).
 */
final class VectorDenseKernel extends VectorKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    /** Columns per panel: three vectors of 16 floats. */
    static final int PANEL = 48;

    VectorDenseKernel() {
        if (FloatVector.SPECIES_PREFERRED.length() < 16) {
            throw new UnsupportedOperationException("this CPU's vectors hold " + FloatVector.SPECIES_PREFERRED.length()
                    + " floats; the packed kernel needs 16 (AVX-512)");
        }
    }

    @Override
    public int panel() {
        return PANEL;
    }

    @Override
    public int lanes() {
        return 16;
    }

    @Override
    public String describe() {
        return "AVX-512 (jdk.incubator.vector, 16 float lanes)";
    }

    @Override
    public boolean convolves() {
        return true;
    }

    @Override
    public void convolve(float[] x, int xOff, int zero, int[] src, int taps, int run, int positions, float[] w, float[] bias, int ld,
            boolean relu, float[] y, int yOff) {
        VectorConvKernel.convolve(x, xOff, zero, src, taps, run, positions, w, bias, ld, relu, y, yOff);
    }

    @Override
    public void convolveTiles(float[] x, int[] bases, int[] tapOff, int taps, int run, int[] tiles, int stride, float[] w,
            float[] bias, int ld, boolean relu, float[] y, int yOff, float[] add, int addOff) {
        VectorConvKernel.convolveTiles(x, bases, tapOff, taps, run, tiles, stride, w, bias, ld, relu, y, yOff, add, addOff);
    }

    @Override
    public void forward(float[] x, int xOff, int ldx, int rows, int in, float[] w, float[] bias, int units, boolean relu,
            float[] y, int yOff, int ldy, int panelFrom, int panelTo) {
        // max(v, -∞) = v (NaN and -0 included) and max(v, 0) is the ReLU: no branch per store. It
        // is passed as a float: a vector argument to a method that is not inlined is boxed
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        if (units > PANEL && units <= PANEL + 16 && panelFrom == 0 && panelTo == 2 && ldx == ROW_STRIDE) {
            // 49 to 64 units (a 64-filter convolution): the 48-column panel and the 16-column one as
            // one 4-vector block of 6 rows (24 accumulators, FMA-bound) instead of an 8x3 pass and
            // an 8x1 pass (load-bound) over x each: 259 against 242 GFLOP/s for 112 rows of 576
            // (Zen 5); the last rows as the panels' own blocks
            int sixes = rows / 6;
            rows6x4Split(x, xOff, in, w, 0, in * PANEL, bias, 0, floor, y, yOff, ldy, sixes);
            if (sixes * 6 == rows) {
                return;
            }
            xOff += sixes * 6 * ldx;
            yOff += sixes * 6 * ldy;
            rows -= sixes * 6;
        }
        int eights = rows / 8;
        int fours = (rows % 8) / 4;
        int r1 = eights * 8 + fours * 4;
        int x4 = xOff + eights * 8 * ldx;
        int y4 = yOff + eights * 8 * ldy;
        // panels of 3 whole vectors: a last one of 33 to 47 columns is padded to a full 48 (its
        // padding is zero in W and b), one of 1 to 32 to 1 or 2 vectors
        int full = DenseKernels.padded(units, 16) / PANEL;
        for (int p = panelFrom; p < Math.min(full, panelTo); p++) {
            int wo = p * in * PANEL;
            int col = p * PANEL;
            rows8x3(x, xOff, ldx, in, w, wo, bias, col, floor, y, yOff + col, ldy, eights);
            rows4x3(x, x4, ldx, in, w, wo, bias, col, floor, y, y4 + col, ldy, fours);
            for (int r = r1; r < rows; r++) {
                row1x3(x, xOff + r * ldx, in, w, wo, bias, col, floor, y, yOff + r * ldy + col);
            }
        }
        if (panelTo <= full) {
            return;
        }
        int vectors = (units - full * PANEL + 15) / 16; // the last panel's width in vectors: 0, 1 or 2
        int wo = full * in * PANEL;
        int col = full * PANEL;
        if (vectors == 2) {
            rows8x2(x, xOff, ldx, in, w, wo, bias, col, floor, y, yOff + col, ldy, eights);
            rows4x2(x, x4, ldx, in, w, wo, bias, col, floor, y, y4 + col, ldy, fours);
            for (int r = r1; r < rows; r++) {
                row1x2(x, xOff + r * ldx, in, w, wo, bias, col, floor, y, yOff + r * ldy + col);
            }
        } else if (vectors == 1) {
            rows8x1(x, xOff, ldx, in, w, wo, bias, col, floor, y, yOff + col, ldy, eights);
            rows4x1(x, x4, ldx, in, w, wo, bias, col, floor, y, y4 + col, ldy, fours);
            for (int r = r1; r < rows; r++) {
                row1x1(x, xOff + r * ldx, in, w, wo, bias, col, floor, y, yOff + r * ldy + col);
            }
        }
    }

    /** {@code blocks} blocks of 8 rows of a 48-column panel: 8 x 3 accumulators of 16 floats over k. */
    private static void rows8x3(float[] x, int xo, int ldx, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        if (ldx == ROW_STRIDE) {
            rows8x3Fixed(x, xo, in, w, wo, bias, col, floor, y, yo, ldy, blocks);
            return;
        }
        for (int blk = 0; blk < blocks; blk++, xo += 8 * ldx, yo += 8 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z, c01 = z, c02 = z;
            FloatVector c10 = z, c11 = z, c12 = z;
            FloatVector c20 = z, c21 = z, c22 = z;
            FloatVector c30 = z, c31 = z, c32 = z;
            FloatVector c40 = z, c41 = z, c42 = z;
            FloatVector c50 = z, c51 = z, c52 = z;
            FloatVector c60 = z, c61 = z, c62 = z;
            FloatVector c70 = z, c71 = z, c72 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 48, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector b1 = FloatVector.fromArray(S, w, o + 16);
                FloatVector b2 = FloatVector.fromArray(S, w, o + 32);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                c02 = a.fma(b2, c02);
                a = FloatVector.broadcast(S, x[xk + ldx]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                c12 = a.fma(b2, c12);
                a = FloatVector.broadcast(S, x[xk + 2 * ldx]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                c22 = a.fma(b2, c22);
                a = FloatVector.broadcast(S, x[xk + 3 * ldx]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
                c32 = a.fma(b2, c32);
                a = FloatVector.broadcast(S, x[xk + 4 * ldx]);
                c40 = a.fma(b0, c40);
                c41 = a.fma(b1, c41);
                c42 = a.fma(b2, c42);
                a = FloatVector.broadcast(S, x[xk + 5 * ldx]);
                c50 = a.fma(b0, c50);
                c51 = a.fma(b1, c51);
                c52 = a.fma(b2, c52);
                a = FloatVector.broadcast(S, x[xk + 6 * ldx]);
                c60 = a.fma(b0, c60);
                c61 = a.fma(b1, c61);
                c62 = a.fma(b2, c62);
                a = FloatVector.broadcast(S, x[xk + 7 * ldx]);
                c70 = a.fma(b0, c70);
                c71 = a.fma(b1, c71);
                c72 = a.fma(b2, c72);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            FloatVector d1 = FloatVector.fromArray(S, bias, col + 16);
            FloatVector d2 = FloatVector.fromArray(S, bias, col + 32);
            c00.add(d0).max(lo).intoArray(y, yo);
            c01.add(d1).max(lo).intoArray(y, yo + 16);
            c02.add(d2).max(lo).intoArray(y, yo + 32);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c11.add(d1).max(lo).intoArray(y, yo + ldy + 16);
            c12.add(d2).max(lo).intoArray(y, yo + ldy + 32);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c21.add(d1).max(lo).intoArray(y, yo + 2 * ldy + 16);
            c22.add(d2).max(lo).intoArray(y, yo + 2 * ldy + 32);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c31.add(d1).max(lo).intoArray(y, yo + 3 * ldy + 16);
            c32.add(d2).max(lo).intoArray(y, yo + 3 * ldy + 32);
            c40.add(d0).max(lo).intoArray(y, yo + 4 * ldy);
            c41.add(d1).max(lo).intoArray(y, yo + 4 * ldy + 16);
            c42.add(d2).max(lo).intoArray(y, yo + 4 * ldy + 32);
            c50.add(d0).max(lo).intoArray(y, yo + 5 * ldy);
            c51.add(d1).max(lo).intoArray(y, yo + 5 * ldy + 16);
            c52.add(d2).max(lo).intoArray(y, yo + 5 * ldy + 32);
            c60.add(d0).max(lo).intoArray(y, yo + 6 * ldy);
            c61.add(d1).max(lo).intoArray(y, yo + 6 * ldy + 16);
            c62.add(d2).max(lo).intoArray(y, yo + 6 * ldy + 32);
            c70.add(d0).max(lo).intoArray(y, yo + 7 * ldy);
            c71.add(d1).max(lo).intoArray(y, yo + 7 * ldy + 16);
            c72.add(d2).max(lo).intoArray(y, yo + 7 * ldy + 32);
        }
    }

    /** As {@link #rows8x3} for x's rows {@link #ROW_STRIDE} apart. */
    private static void rows8x3Fixed(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        for (int blk = 0; blk < blocks; blk++, xo += 8 * ROW_STRIDE, yo += 8 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z, c01 = z, c02 = z;
            FloatVector c10 = z, c11 = z, c12 = z;
            FloatVector c20 = z, c21 = z, c22 = z;
            FloatVector c30 = z, c31 = z, c32 = z;
            FloatVector c40 = z, c41 = z, c42 = z;
            FloatVector c50 = z, c51 = z, c52 = z;
            FloatVector c60 = z, c61 = z, c62 = z;
            FloatVector c70 = z, c71 = z, c72 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 48, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector b1 = FloatVector.fromArray(S, w, o + 16);
                FloatVector b2 = FloatVector.fromArray(S, w, o + 32);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                c02 = a.fma(b2, c02);
                a = FloatVector.broadcast(S, x[xk + ROW_STRIDE]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                c12 = a.fma(b2, c12);
                a = FloatVector.broadcast(S, x[xk + 2 * ROW_STRIDE]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                c22 = a.fma(b2, c22);
                a = FloatVector.broadcast(S, x[xk + 3 * ROW_STRIDE]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
                c32 = a.fma(b2, c32);
                a = FloatVector.broadcast(S, x[xk + 4 * ROW_STRIDE]);
                c40 = a.fma(b0, c40);
                c41 = a.fma(b1, c41);
                c42 = a.fma(b2, c42);
                a = FloatVector.broadcast(S, x[xk + 5 * ROW_STRIDE]);
                c50 = a.fma(b0, c50);
                c51 = a.fma(b1, c51);
                c52 = a.fma(b2, c52);
                a = FloatVector.broadcast(S, x[xk + 6 * ROW_STRIDE]);
                c60 = a.fma(b0, c60);
                c61 = a.fma(b1, c61);
                c62 = a.fma(b2, c62);
                a = FloatVector.broadcast(S, x[xk + 7 * ROW_STRIDE]);
                c70 = a.fma(b0, c70);
                c71 = a.fma(b1, c71);
                c72 = a.fma(b2, c72);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            FloatVector d1 = FloatVector.fromArray(S, bias, col + 16);
            FloatVector d2 = FloatVector.fromArray(S, bias, col + 32);
            c00.add(d0).max(lo).intoArray(y, yo);
            c01.add(d1).max(lo).intoArray(y, yo + 16);
            c02.add(d2).max(lo).intoArray(y, yo + 32);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c11.add(d1).max(lo).intoArray(y, yo + ldy + 16);
            c12.add(d2).max(lo).intoArray(y, yo + ldy + 32);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c21.add(d1).max(lo).intoArray(y, yo + 2 * ldy + 16);
            c22.add(d2).max(lo).intoArray(y, yo + 2 * ldy + 32);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c31.add(d1).max(lo).intoArray(y, yo + 3 * ldy + 16);
            c32.add(d2).max(lo).intoArray(y, yo + 3 * ldy + 32);
            c40.add(d0).max(lo).intoArray(y, yo + 4 * ldy);
            c41.add(d1).max(lo).intoArray(y, yo + 4 * ldy + 16);
            c42.add(d2).max(lo).intoArray(y, yo + 4 * ldy + 32);
            c50.add(d0).max(lo).intoArray(y, yo + 5 * ldy);
            c51.add(d1).max(lo).intoArray(y, yo + 5 * ldy + 16);
            c52.add(d2).max(lo).intoArray(y, yo + 5 * ldy + 32);
            c60.add(d0).max(lo).intoArray(y, yo + 6 * ldy);
            c61.add(d1).max(lo).intoArray(y, yo + 6 * ldy + 16);
            c62.add(d2).max(lo).intoArray(y, yo + 6 * ldy + 32);
            c70.add(d0).max(lo).intoArray(y, yo + 7 * ldy);
            c71.add(d1).max(lo).intoArray(y, yo + 7 * ldy + 16);
            c72.add(d2).max(lo).intoArray(y, yo + 7 * ldy + 32);
        }
    }

    /** {@code blocks} blocks of 4 rows of a 48-column panel: 4 x 3 accumulators of 16 floats over k. */
    private static void rows4x3(float[] x, int xo, int ldx, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        if (ldx == ROW_STRIDE) {
            rows4x3Fixed(x, xo, in, w, wo, bias, col, floor, y, yo, ldy, blocks);
            return;
        }
        for (int blk = 0; blk < blocks; blk++, xo += 4 * ldx, yo += 4 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z, c01 = z, c02 = z;
            FloatVector c10 = z, c11 = z, c12 = z;
            FloatVector c20 = z, c21 = z, c22 = z;
            FloatVector c30 = z, c31 = z, c32 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 48, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector b1 = FloatVector.fromArray(S, w, o + 16);
                FloatVector b2 = FloatVector.fromArray(S, w, o + 32);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                c02 = a.fma(b2, c02);
                a = FloatVector.broadcast(S, x[xk + ldx]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                c12 = a.fma(b2, c12);
                a = FloatVector.broadcast(S, x[xk + 2 * ldx]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                c22 = a.fma(b2, c22);
                a = FloatVector.broadcast(S, x[xk + 3 * ldx]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
                c32 = a.fma(b2, c32);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            FloatVector d1 = FloatVector.fromArray(S, bias, col + 16);
            FloatVector d2 = FloatVector.fromArray(S, bias, col + 32);
            c00.add(d0).max(lo).intoArray(y, yo);
            c01.add(d1).max(lo).intoArray(y, yo + 16);
            c02.add(d2).max(lo).intoArray(y, yo + 32);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c11.add(d1).max(lo).intoArray(y, yo + ldy + 16);
            c12.add(d2).max(lo).intoArray(y, yo + ldy + 32);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c21.add(d1).max(lo).intoArray(y, yo + 2 * ldy + 16);
            c22.add(d2).max(lo).intoArray(y, yo + 2 * ldy + 32);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c31.add(d1).max(lo).intoArray(y, yo + 3 * ldy + 16);
            c32.add(d2).max(lo).intoArray(y, yo + 3 * ldy + 32);
        }
    }

    /** As {@link #rows4x3} for x's rows {@link #ROW_STRIDE} apart. */
    private static void rows4x3Fixed(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        for (int blk = 0; blk < blocks; blk++, xo += 4 * ROW_STRIDE, yo += 4 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z, c01 = z, c02 = z;
            FloatVector c10 = z, c11 = z, c12 = z;
            FloatVector c20 = z, c21 = z, c22 = z;
            FloatVector c30 = z, c31 = z, c32 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 48, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector b1 = FloatVector.fromArray(S, w, o + 16);
                FloatVector b2 = FloatVector.fromArray(S, w, o + 32);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                c02 = a.fma(b2, c02);
                a = FloatVector.broadcast(S, x[xk + ROW_STRIDE]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                c12 = a.fma(b2, c12);
                a = FloatVector.broadcast(S, x[xk + 2 * ROW_STRIDE]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                c22 = a.fma(b2, c22);
                a = FloatVector.broadcast(S, x[xk + 3 * ROW_STRIDE]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
                c32 = a.fma(b2, c32);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            FloatVector d1 = FloatVector.fromArray(S, bias, col + 16);
            FloatVector d2 = FloatVector.fromArray(S, bias, col + 32);
            c00.add(d0).max(lo).intoArray(y, yo);
            c01.add(d1).max(lo).intoArray(y, yo + 16);
            c02.add(d2).max(lo).intoArray(y, yo + 32);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c11.add(d1).max(lo).intoArray(y, yo + ldy + 16);
            c12.add(d2).max(lo).intoArray(y, yo + ldy + 32);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c21.add(d1).max(lo).intoArray(y, yo + 2 * ldy + 16);
            c22.add(d2).max(lo).intoArray(y, yo + 2 * ldy + 32);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c31.add(d1).max(lo).intoArray(y, yo + 3 * ldy + 16);
            c32.add(d2).max(lo).intoArray(y, yo + 3 * ldy + 32);
        }
    }

    /** One row of a 48-column panel: k split into even and odd steps, 6 accumulators (fewer would wait on the FMA latency). */
    private static void row1x3(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor, float[] y, int yo) {
        FloatVector z = FloatVector.zero(S);
        FloatVector lo = FloatVector.broadcast(S, floor);
        FloatVector c0 = z, e0 = z, c1 = z, e1 = z, c2 = z, e2 = z;
        int k = 0;
        int o = wo;
        for (; k + 2 <= in; k += 2, o += 96) {
            FloatVector a = FloatVector.broadcast(S, x[xo + k]);
            c0 = a.fma(FloatVector.fromArray(S, w, o), c0);
            c1 = a.fma(FloatVector.fromArray(S, w, o + 16), c1);
            c2 = a.fma(FloatVector.fromArray(S, w, o + 32), c2);
            a = FloatVector.broadcast(S, x[xo + k + 1]);
            e0 = a.fma(FloatVector.fromArray(S, w, o + 48), e0);
            e1 = a.fma(FloatVector.fromArray(S, w, o + 64), e1);
            e2 = a.fma(FloatVector.fromArray(S, w, o + 80), e2);
        }
        if (k < in) {
            FloatVector a = FloatVector.broadcast(S, x[xo + k]);
            c0 = a.fma(FloatVector.fromArray(S, w, o), c0);
            c1 = a.fma(FloatVector.fromArray(S, w, o + 16), c1);
            c2 = a.fma(FloatVector.fromArray(S, w, o + 32), c2);
        }
        c0.add(e0).add(FloatVector.fromArray(S, bias, col)).max(lo).intoArray(y, yo);
        c1.add(e1).add(FloatVector.fromArray(S, bias, col + 16)).max(lo).intoArray(y, yo + 16);
        c2.add(e2).add(FloatVector.fromArray(S, bias, col + 32)).max(lo).intoArray(y, yo + 32);
    }

    /** {@code blocks} blocks of 8 rows of a 32-column panel: 8 x 2 accumulators of 16 floats over k. */
    private static void rows8x2(float[] x, int xo, int ldx, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        if (ldx == ROW_STRIDE) {
            rows8x2Fixed(x, xo, in, w, wo, bias, col, floor, y, yo, ldy, blocks);
            return;
        }
        for (int blk = 0; blk < blocks; blk++, xo += 8 * ldx, yo += 8 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z, c01 = z;
            FloatVector c10 = z, c11 = z;
            FloatVector c20 = z, c21 = z;
            FloatVector c30 = z, c31 = z;
            FloatVector c40 = z, c41 = z;
            FloatVector c50 = z, c51 = z;
            FloatVector c60 = z, c61 = z;
            FloatVector c70 = z, c71 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 32, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector b1 = FloatVector.fromArray(S, w, o + 16);
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
                a = FloatVector.broadcast(S, x[xk + 6 * ldx]);
                c60 = a.fma(b0, c60);
                c61 = a.fma(b1, c61);
                a = FloatVector.broadcast(S, x[xk + 7 * ldx]);
                c70 = a.fma(b0, c70);
                c71 = a.fma(b1, c71);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            FloatVector d1 = FloatVector.fromArray(S, bias, col + 16);
            c00.add(d0).max(lo).intoArray(y, yo);
            c01.add(d1).max(lo).intoArray(y, yo + 16);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c11.add(d1).max(lo).intoArray(y, yo + ldy + 16);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c21.add(d1).max(lo).intoArray(y, yo + 2 * ldy + 16);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c31.add(d1).max(lo).intoArray(y, yo + 3 * ldy + 16);
            c40.add(d0).max(lo).intoArray(y, yo + 4 * ldy);
            c41.add(d1).max(lo).intoArray(y, yo + 4 * ldy + 16);
            c50.add(d0).max(lo).intoArray(y, yo + 5 * ldy);
            c51.add(d1).max(lo).intoArray(y, yo + 5 * ldy + 16);
            c60.add(d0).max(lo).intoArray(y, yo + 6 * ldy);
            c61.add(d1).max(lo).intoArray(y, yo + 6 * ldy + 16);
            c70.add(d0).max(lo).intoArray(y, yo + 7 * ldy);
            c71.add(d1).max(lo).intoArray(y, yo + 7 * ldy + 16);
        }
    }

    /** As {@link #rows8x2} for x's rows {@link #ROW_STRIDE} apart. */
    private static void rows8x2Fixed(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        for (int blk = 0; blk < blocks; blk++, xo += 8 * ROW_STRIDE, yo += 8 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z, c01 = z;
            FloatVector c10 = z, c11 = z;
            FloatVector c20 = z, c21 = z;
            FloatVector c30 = z, c31 = z;
            FloatVector c40 = z, c41 = z;
            FloatVector c50 = z, c51 = z;
            FloatVector c60 = z, c61 = z;
            FloatVector c70 = z, c71 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 32, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector b1 = FloatVector.fromArray(S, w, o + 16);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                a = FloatVector.broadcast(S, x[xk + ROW_STRIDE]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                a = FloatVector.broadcast(S, x[xk + 2 * ROW_STRIDE]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                a = FloatVector.broadcast(S, x[xk + 3 * ROW_STRIDE]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
                a = FloatVector.broadcast(S, x[xk + 4 * ROW_STRIDE]);
                c40 = a.fma(b0, c40);
                c41 = a.fma(b1, c41);
                a = FloatVector.broadcast(S, x[xk + 5 * ROW_STRIDE]);
                c50 = a.fma(b0, c50);
                c51 = a.fma(b1, c51);
                a = FloatVector.broadcast(S, x[xk + 6 * ROW_STRIDE]);
                c60 = a.fma(b0, c60);
                c61 = a.fma(b1, c61);
                a = FloatVector.broadcast(S, x[xk + 7 * ROW_STRIDE]);
                c70 = a.fma(b0, c70);
                c71 = a.fma(b1, c71);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            FloatVector d1 = FloatVector.fromArray(S, bias, col + 16);
            c00.add(d0).max(lo).intoArray(y, yo);
            c01.add(d1).max(lo).intoArray(y, yo + 16);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c11.add(d1).max(lo).intoArray(y, yo + ldy + 16);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c21.add(d1).max(lo).intoArray(y, yo + 2 * ldy + 16);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c31.add(d1).max(lo).intoArray(y, yo + 3 * ldy + 16);
            c40.add(d0).max(lo).intoArray(y, yo + 4 * ldy);
            c41.add(d1).max(lo).intoArray(y, yo + 4 * ldy + 16);
            c50.add(d0).max(lo).intoArray(y, yo + 5 * ldy);
            c51.add(d1).max(lo).intoArray(y, yo + 5 * ldy + 16);
            c60.add(d0).max(lo).intoArray(y, yo + 6 * ldy);
            c61.add(d1).max(lo).intoArray(y, yo + 6 * ldy + 16);
            c70.add(d0).max(lo).intoArray(y, yo + 7 * ldy);
            c71.add(d1).max(lo).intoArray(y, yo + 7 * ldy + 16);
        }
    }

    /** {@code blocks} blocks of 4 rows of a 32-column panel: 4 x 2 accumulators of 16 floats over k. */
    private static void rows4x2(float[] x, int xo, int ldx, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        if (ldx == ROW_STRIDE) {
            rows4x2Fixed(x, xo, in, w, wo, bias, col, floor, y, yo, ldy, blocks);
            return;
        }
        for (int blk = 0; blk < blocks; blk++, xo += 4 * ldx, yo += 4 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z, c01 = z;
            FloatVector c10 = z, c11 = z;
            FloatVector c20 = z, c21 = z;
            FloatVector c30 = z, c31 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 32, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector b1 = FloatVector.fromArray(S, w, o + 16);
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
            FloatVector d1 = FloatVector.fromArray(S, bias, col + 16);
            c00.add(d0).max(lo).intoArray(y, yo);
            c01.add(d1).max(lo).intoArray(y, yo + 16);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c11.add(d1).max(lo).intoArray(y, yo + ldy + 16);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c21.add(d1).max(lo).intoArray(y, yo + 2 * ldy + 16);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c31.add(d1).max(lo).intoArray(y, yo + 3 * ldy + 16);
        }
    }

    /** As {@link #rows4x2} for x's rows {@link #ROW_STRIDE} apart. */
    private static void rows4x2Fixed(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        for (int blk = 0; blk < blocks; blk++, xo += 4 * ROW_STRIDE, yo += 4 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z, c01 = z;
            FloatVector c10 = z, c11 = z;
            FloatVector c20 = z, c21 = z;
            FloatVector c30 = z, c31 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 32, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector b1 = FloatVector.fromArray(S, w, o + 16);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                a = FloatVector.broadcast(S, x[xk + ROW_STRIDE]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                a = FloatVector.broadcast(S, x[xk + 2 * ROW_STRIDE]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                a = FloatVector.broadcast(S, x[xk + 3 * ROW_STRIDE]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            FloatVector d1 = FloatVector.fromArray(S, bias, col + 16);
            c00.add(d0).max(lo).intoArray(y, yo);
            c01.add(d1).max(lo).intoArray(y, yo + 16);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c11.add(d1).max(lo).intoArray(y, yo + ldy + 16);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c21.add(d1).max(lo).intoArray(y, yo + 2 * ldy + 16);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c31.add(d1).max(lo).intoArray(y, yo + 3 * ldy + 16);
        }
    }

    /** One row of a 32-column panel: k split into even and odd steps, 4 accumulators (fewer would wait on the FMA latency). */
    private static void row1x2(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor, float[] y, int yo) {
        FloatVector z = FloatVector.zero(S);
        FloatVector lo = FloatVector.broadcast(S, floor);
        FloatVector c0 = z, e0 = z, c1 = z, e1 = z;
        int k = 0;
        int o = wo;
        for (; k + 2 <= in; k += 2, o += 64) {
            FloatVector a = FloatVector.broadcast(S, x[xo + k]);
            c0 = a.fma(FloatVector.fromArray(S, w, o), c0);
            c1 = a.fma(FloatVector.fromArray(S, w, o + 16), c1);
            a = FloatVector.broadcast(S, x[xo + k + 1]);
            e0 = a.fma(FloatVector.fromArray(S, w, o + 32), e0);
            e1 = a.fma(FloatVector.fromArray(S, w, o + 48), e1);
        }
        if (k < in) {
            FloatVector a = FloatVector.broadcast(S, x[xo + k]);
            c0 = a.fma(FloatVector.fromArray(S, w, o), c0);
            c1 = a.fma(FloatVector.fromArray(S, w, o + 16), c1);
        }
        c0.add(e0).add(FloatVector.fromArray(S, bias, col)).max(lo).intoArray(y, yo);
        c1.add(e1).add(FloatVector.fromArray(S, bias, col + 16)).max(lo).intoArray(y, yo + 16);
    }

    /** {@code blocks} blocks of 8 rows of a 16-column panel: 8 x 1 accumulators of 16 floats over k. */
    private static void rows8x1(float[] x, int xo, int ldx, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        if (ldx == ROW_STRIDE) {
            rows8x1Fixed(x, xo, in, w, wo, bias, col, floor, y, yo, ldy, blocks);
            return;
        }
        for (int blk = 0; blk < blocks; blk++, xo += 8 * ldx, yo += 8 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z;
            FloatVector c10 = z;
            FloatVector c20 = z;
            FloatVector c30 = z;
            FloatVector c40 = z;
            FloatVector c50 = z;
            FloatVector c60 = z;
            FloatVector c70 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 16, xk++) {
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
                a = FloatVector.broadcast(S, x[xk + 6 * ldx]);
                c60 = a.fma(b0, c60);
                a = FloatVector.broadcast(S, x[xk + 7 * ldx]);
                c70 = a.fma(b0, c70);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            c00.add(d0).max(lo).intoArray(y, yo);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c40.add(d0).max(lo).intoArray(y, yo + 4 * ldy);
            c50.add(d0).max(lo).intoArray(y, yo + 5 * ldy);
            c60.add(d0).max(lo).intoArray(y, yo + 6 * ldy);
            c70.add(d0).max(lo).intoArray(y, yo + 7 * ldy);
        }
    }

    /** As {@link #rows8x1} for x's rows {@link #ROW_STRIDE} apart. */
    private static void rows8x1Fixed(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        for (int blk = 0; blk < blocks; blk++, xo += 8 * ROW_STRIDE, yo += 8 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z;
            FloatVector c10 = z;
            FloatVector c20 = z;
            FloatVector c30 = z;
            FloatVector c40 = z;
            FloatVector c50 = z;
            FloatVector c60 = z;
            FloatVector c70 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 16, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                a = FloatVector.broadcast(S, x[xk + ROW_STRIDE]);
                c10 = a.fma(b0, c10);
                a = FloatVector.broadcast(S, x[xk + 2 * ROW_STRIDE]);
                c20 = a.fma(b0, c20);
                a = FloatVector.broadcast(S, x[xk + 3 * ROW_STRIDE]);
                c30 = a.fma(b0, c30);
                a = FloatVector.broadcast(S, x[xk + 4 * ROW_STRIDE]);
                c40 = a.fma(b0, c40);
                a = FloatVector.broadcast(S, x[xk + 5 * ROW_STRIDE]);
                c50 = a.fma(b0, c50);
                a = FloatVector.broadcast(S, x[xk + 6 * ROW_STRIDE]);
                c60 = a.fma(b0, c60);
                a = FloatVector.broadcast(S, x[xk + 7 * ROW_STRIDE]);
                c70 = a.fma(b0, c70);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            c00.add(d0).max(lo).intoArray(y, yo);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c40.add(d0).max(lo).intoArray(y, yo + 4 * ldy);
            c50.add(d0).max(lo).intoArray(y, yo + 5 * ldy);
            c60.add(d0).max(lo).intoArray(y, yo + 6 * ldy);
            c70.add(d0).max(lo).intoArray(y, yo + 7 * ldy);
        }
    }

    /** {@code blocks} blocks of 4 rows of a 16-column panel: 4 x 1 accumulators of 16 floats over k. */
    private static void rows4x1(float[] x, int xo, int ldx, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        if (ldx == ROW_STRIDE) {
            rows4x1Fixed(x, xo, in, w, wo, bias, col, floor, y, yo, ldy, blocks);
            return;
        }
        for (int blk = 0; blk < blocks; blk++, xo += 4 * ldx, yo += 4 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z;
            FloatVector c10 = z;
            FloatVector c20 = z;
            FloatVector c30 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 16, xk++) {
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

    /** As {@link #rows4x1} for x's rows {@link #ROW_STRIDE} apart. */
    private static void rows4x1Fixed(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        for (int blk = 0; blk < blocks; blk++, xo += 4 * ROW_STRIDE, yo += 4 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z;
            FloatVector c10 = z;
            FloatVector c20 = z;
            FloatVector c30 = z;
            int xk = xo;
            for (int k = 0, o = wo; k < in; k++, o += 16, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                a = FloatVector.broadcast(S, x[xk + ROW_STRIDE]);
                c10 = a.fma(b0, c10);
                a = FloatVector.broadcast(S, x[xk + 2 * ROW_STRIDE]);
                c20 = a.fma(b0, c20);
                a = FloatVector.broadcast(S, x[xk + 3 * ROW_STRIDE]);
                c30 = a.fma(b0, c30);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            c00.add(d0).max(lo).intoArray(y, yo);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
        }
    }

    /** One row of a 16-column panel: k split into even and odd steps, 2 accumulators (fewer would wait on the FMA latency). */
    private static void row1x1(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor, float[] y, int yo) {
        FloatVector z = FloatVector.zero(S);
        FloatVector lo = FloatVector.broadcast(S, floor);
        FloatVector c0 = z, e0 = z;
        int k = 0;
        int o = wo;
        for (; k + 2 <= in; k += 2, o += 32) {
            FloatVector a = FloatVector.broadcast(S, x[xo + k]);
            c0 = a.fma(FloatVector.fromArray(S, w, o), c0);
            a = FloatVector.broadcast(S, x[xo + k + 1]);
            e0 = a.fma(FloatVector.fromArray(S, w, o + 16), e0);
        }
        if (k < in) {
            FloatVector a = FloatVector.broadcast(S, x[xo + k]);
            c0 = a.fma(FloatVector.fromArray(S, w, o), c0);
        }
        c0.add(e0).add(FloatVector.fromArray(S, bias, col)).max(lo).intoArray(y, yo);
    }

    /**
     * {@code blocks} blocks of 6 rows, {@link #ROW_STRIDE} apart, of a 48-column panel and the 16-column
     * panel after it, as one 64-column block: 6 x 4 accumulators of 16 floats over k, W read at {@code wo}
     * (48 per k) and {@code wo1} (16 per k).
     */
    private static void rows6x4Split(float[] x, int xo, int in, float[] w, int wo, int wo1, float[] bias, int col, float floor,
            float[] y, int yo, int ldy, int blocks) {
        for (int blk = 0; blk < blocks; blk++, xo += 6 * ROW_STRIDE, yo += 6 * ldy) {
            FloatVector z = FloatVector.zero(S);
            FloatVector lo = FloatVector.broadcast(S, floor);
            FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
            FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
            FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
            FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
            FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
            FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
            int xk = xo;
            for (int k = 0, o = wo, o1 = wo1; k < in; k++, o += 48, o1 += 16, xk++) {
                FloatVector b0 = FloatVector.fromArray(S, w, o);
                FloatVector b1 = FloatVector.fromArray(S, w, o + 16);
                FloatVector b2 = FloatVector.fromArray(S, w, o + 32);
                FloatVector b3 = FloatVector.fromArray(S, w, o1);
                FloatVector a;
                a = FloatVector.broadcast(S, x[xk]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                c02 = a.fma(b2, c02);
                c03 = a.fma(b3, c03);
                a = FloatVector.broadcast(S, x[xk + ROW_STRIDE]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                c12 = a.fma(b2, c12);
                c13 = a.fma(b3, c13);
                a = FloatVector.broadcast(S, x[xk + 2 * ROW_STRIDE]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                c22 = a.fma(b2, c22);
                c23 = a.fma(b3, c23);
                a = FloatVector.broadcast(S, x[xk + 3 * ROW_STRIDE]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
                c32 = a.fma(b2, c32);
                c33 = a.fma(b3, c33);
                a = FloatVector.broadcast(S, x[xk + 4 * ROW_STRIDE]);
                c40 = a.fma(b0, c40);
                c41 = a.fma(b1, c41);
                c42 = a.fma(b2, c42);
                c43 = a.fma(b3, c43);
                a = FloatVector.broadcast(S, x[xk + 5 * ROW_STRIDE]);
                c50 = a.fma(b0, c50);
                c51 = a.fma(b1, c51);
                c52 = a.fma(b2, c52);
                c53 = a.fma(b3, c53);
            }
            FloatVector d0 = FloatVector.fromArray(S, bias, col);
            FloatVector d1 = FloatVector.fromArray(S, bias, col + 16);
            FloatVector d2 = FloatVector.fromArray(S, bias, col + 32);
            FloatVector d3 = FloatVector.fromArray(S, bias, col + 48);
            c00.add(d0).max(lo).intoArray(y, yo);
            c01.add(d1).max(lo).intoArray(y, yo + 16);
            c02.add(d2).max(lo).intoArray(y, yo + 32);
            c03.add(d3).max(lo).intoArray(y, yo + 48);
            c10.add(d0).max(lo).intoArray(y, yo + ldy);
            c11.add(d1).max(lo).intoArray(y, yo + ldy + 16);
            c12.add(d2).max(lo).intoArray(y, yo + ldy + 32);
            c13.add(d3).max(lo).intoArray(y, yo + ldy + 48);
            c20.add(d0).max(lo).intoArray(y, yo + 2 * ldy);
            c21.add(d1).max(lo).intoArray(y, yo + 2 * ldy + 16);
            c22.add(d2).max(lo).intoArray(y, yo + 2 * ldy + 32);
            c23.add(d3).max(lo).intoArray(y, yo + 2 * ldy + 48);
            c30.add(d0).max(lo).intoArray(y, yo + 3 * ldy);
            c31.add(d1).max(lo).intoArray(y, yo + 3 * ldy + 16);
            c32.add(d2).max(lo).intoArray(y, yo + 3 * ldy + 32);
            c33.add(d3).max(lo).intoArray(y, yo + 3 * ldy + 48);
            c40.add(d0).max(lo).intoArray(y, yo + 4 * ldy);
            c41.add(d1).max(lo).intoArray(y, yo + 4 * ldy + 16);
            c42.add(d2).max(lo).intoArray(y, yo + 4 * ldy + 32);
            c43.add(d3).max(lo).intoArray(y, yo + 4 * ldy + 48);
            c50.add(d0).max(lo).intoArray(y, yo + 5 * ldy);
            c51.add(d1).max(lo).intoArray(y, yo + 5 * ldy + 16);
            c52.add(d2).max(lo).intoArray(y, yo + 5 * ldy + 32);
            c53.add(d3).max(lo).intoArray(y, yo + 5 * ldy + 48);
        }
    }
}
