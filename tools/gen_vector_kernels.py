#!/usr/bin/env python3
"""Writes aiaas-core's two packed dense kernels, VectorDenseKernel.java (512-bit: blocks of 8, 4 or 1
rows by 3, 2 or 1 vectors of 16 floats) and Vector256DenseKernel.java (256-bit: 6, 4 or 1 rows by 2
or 1 vectors of 8), from one description of a register block, written out per tile shape because
C2 keeps accumulators in registers only when they are separate locals. Each multi-row block comes
in two forms: one for x's rows any ldx apart, and one for rows DenseKernel.ROW_STRIDE apart, whose
row offsets are constants (C2 then folds them into the broadcasts' addresses).

Run from anywhere: python3 tools/gen_vector_kernels.py (a developer tool; the build does not run it).
"""
import os
DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'aiaas-core', 'src', 'main', 'java', 'dev', 'aiaas',
                   'core', 'internal')
def block(R,V,L,fixed=False):
    """A block of R rows by V vectors of L floats. The strided form reads x's rows ldx apart and
    hands a block whose ldx is ROW_STRIDE to the fixed form, whose row offsets are constants
    (folded into the broadcasts' displacements: no address arithmetic per row and k)."""
    name=f"rows{R}x{V}" + ("Fixed" if fixed else "")
    out=[]
    if fixed:
        out.append(f"    /** As {{@link #rows{R}x{V}}} for x's rows {{@link #ROW_STRIDE}} apart. */")
        out.append(f"    private static void {name}(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor,")
    else:
        out.append(f"    /** {{@code blocks}} blocks of {R} rows of a {V*L}-column panel: {R} x {V} accumulators of {L} floats over k. */")
        out.append(f"    private static void {name}(float[] x, int xo, int ldx, int in, float[] w, int wo, float[] bias, int col, float floor,")
    out.append(f"            float[] y, int yo, int ldy, int blocks) {{")
    if not fixed:
        out.append(f"        if (ldx == ROW_STRIDE) {{")
        out.append(f"            {name}Fixed(x, xo, in, w, wo, bias, col, floor, y, yo, ldy, blocks);")
        out.append(f"            return;")
        out.append(f"        }}")
    step = "ROW_STRIDE" if fixed else "ldx"
    out.append(f"        for (int blk = 0; blk < blocks; blk++, xo += {R} * {step}, yo += {R} * ldy) {{")
    out.append(f"            FloatVector z = FloatVector.zero(S);")
    out.append(f"            FloatVector lo = FloatVector.broadcast(S, floor);")
    for r in range(R):
        out.append("            FloatVector "+", ".join(f"c{r}{v} = z" for v in range(V))+";")
    out.append(f"            int xk = xo;")
    out.append(f"            for (int k = 0, o = wo; k < in; k++, o += {V*L}, xk++) {{")
    for v in range(V):
        out.append(f"                FloatVector b{v} = FloatVector.fromArray(S, w, o{'' if v==0 else ' + '+str(v*L)});")
    out.append(f"                FloatVector a;")
    for r in range(R):
        if fixed:
            idx = "xk" if r==0 else ("xk + ROW_STRIDE" if r==1 else f"xk + {r} * ROW_STRIDE")
        else:
            idx = "xk" if r==0 else ("xk + ldx" if r==1 else f"xk + {r} * ldx")
        out.append(f"                a = FloatVector.broadcast(S, x[{idx}]);")
        for v in range(V):
            out.append(f"                c{r}{v} = a.fma(b{v}, c{r}{v});")
    out.append(f"            }}")
    for v in range(V):
        out.append(f"            FloatVector d{v} = FloatVector.fromArray(S, bias, col{'' if v==0 else ' + '+str(v*L)});")
    for r in range(R):
        for v in range(V):
            off = "yo" if r==0 else ("yo + ldy" if r==1 else f"yo + {r} * ldy")
            if v: off += f" + {v*L}"
            out.append(f"            c{r}{v}.add(d{v}).max(lo).intoArray(y, {off});")
    out.append(f"        }}")
    out.append(f"    }}")
    return "\n".join(out)
def split(R,L):
    """A block of R rows, x's rows ROW_STRIDE apart (offsets folded into the broadcasts), by 4 vectors
    of L floats over two panels: three vectors from a 3-vector panel (at wo, 3L floats per k) and one
    from the 1-vector panel after it (at wo1, L per k); y's and b's columns run on across them. 4R
    accumulators, per k four loads of W and R broadcasts of x. No strided form: with ldx in a
    register C2 spills it (199 against 234 GFLOP/s for 8x3 + 8x1 at ldx = 576, Zen 5)."""
    name=f"rows{R}x4Split"
    out=[]
    out.append(f"    /**")
    out.append(f"     * {{@code blocks}} blocks of {R} rows, {{@link #ROW_STRIDE}} apart, of a {3*L}-column panel and the {L}-column")
    out.append(f"     * panel after it, as one {4*L}-column block: {R} x 4 accumulators of {L} floats over k, W read at {{@code wo}}")
    out.append(f"     * ({3*L} per k) and {{@code wo1}} ({L} per k).")
    out.append(f"     */")
    out.append(f"    private static void {name}(float[] x, int xo, int in, float[] w, int wo, int wo1, float[] bias, int col, float floor,")
    out.append(f"            float[] y, int yo, int ldy, int blocks) {{")
    out.append(f"        for (int blk = 0; blk < blocks; blk++, xo += {R} * ROW_STRIDE, yo += {R} * ldy) {{")
    out.append(f"            FloatVector z = FloatVector.zero(S);")
    out.append(f"            FloatVector lo = FloatVector.broadcast(S, floor);")
    for r in range(R):
        out.append("            FloatVector "+", ".join(f"c{r}{v} = z" for v in range(4))+";")
    out.append(f"            int xk = xo;")
    out.append(f"            for (int k = 0, o = wo, o1 = wo1; k < in; k++, o += {3*L}, o1 += {L}, xk++) {{")
    for v in range(3):
        out.append(f"                FloatVector b{v} = FloatVector.fromArray(S, w, o{'' if v==0 else ' + '+str(v*L)});")
    out.append(f"                FloatVector b3 = FloatVector.fromArray(S, w, o1);")
    out.append(f"                FloatVector a;")
    for r in range(R):
        idx = "xk" if r==0 else ("xk + ROW_STRIDE" if r==1 else f"xk + {r} * ROW_STRIDE")
        out.append(f"                a = FloatVector.broadcast(S, x[{idx}]);")
        for v in range(4):
            out.append(f"                c{r}{v} = a.fma(b{v}, c{r}{v});")
    out.append(f"            }}")
    for v in range(4):
        out.append(f"            FloatVector d{v} = FloatVector.fromArray(S, bias, col{'' if v==0 else ' + '+str(v*L)});")
    for r in range(R):
        for v in range(4):
            off = "yo" if r==0 else ("yo + ldy" if r==1 else f"yo + {r} * ldy")
            if v: off += f" + {v*L}"
            out.append(f"            c{r}{v}.add(d{v}).max(lo).intoArray(y, {off});")
    out.append(f"        }}")
    out.append(f"    }}")
    return "\n".join(out)
def blocks(R,V,L):
    return block(R,V,L) + "\n\n" + block(R,V,L,True)
def row1(V,L):
    out=[]
    out.append(f"    /** One row of a {V*L}-column panel: k split into even and odd steps, {2*V} accumulators (fewer would wait on the FMA latency). */")
    out.append(f"    private static void row1x{V}(float[] x, int xo, int in, float[] w, int wo, float[] bias, int col, float floor, float[] y, int yo) {{")
    out.append(f"        FloatVector z = FloatVector.zero(S);")
    out.append(f"        FloatVector lo = FloatVector.broadcast(S, floor);")
    out.append("        FloatVector "+", ".join(f"c{v} = z, e{v} = z" for v in range(V))+";")
    out.append(f"        int k = 0;")
    out.append(f"        int o = wo;")
    out.append(f"        for (; k + 2 <= in; k += 2, o += {2*V*L}) {{")
    out.append(f"            FloatVector a = FloatVector.broadcast(S, x[xo + k]);")
    for v in range(V):
        out.append(f"            c{v} = a.fma(FloatVector.fromArray(S, w, o{'' if v==0 else ' + '+str(v*L)}), c{v});")
    out.append(f"            a = FloatVector.broadcast(S, x[xo + k + 1]);")
    for v in range(V):
        out.append(f"            e{v} = a.fma(FloatVector.fromArray(S, w, o + {(V+v)*L}), e{v});")
    out.append(f"        }}")
    out.append(f"        if (k < in) {{")
    out.append(f"            FloatVector a = FloatVector.broadcast(S, x[xo + k]);")
    for v in range(V):
        out.append(f"            c{v} = a.fma(FloatVector.fromArray(S, w, o{'' if v==0 else ' + '+str(v*L)}), c{v});")
    out.append(f"        }}")
    for v in range(V):
        out.append(f"        c{v}.add(e{v}).add(FloatVector.fromArray(S, bias, col{'' if v==0 else ' + '+str(v*L)})).max(lo).intoArray(y, yo{'' if v==0 else ' + '+str(v*L)});")
    out.append(f"    }}")
    return "\n".join(out)

head256='''package dev.aiaas.core.internal;

import dev.aiaas.core.kernel.DenseKernels;
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
 * Generated by {@code tools/gen_vector_kernels.py} (edit that, not this): the blocks are written
 * out per tile shape because C2 keeps accumulators in registers only when they are separate locals.
 *
 * <p>A block reads x's rows {@code ldx} apart. When {@code ldx} is {@link #ROW_STRIDE} (the
 * predictor's buffers), it runs its {@code Fixed} form instead, where each row's offset is a
 * constant: C2 folds it into the broadcast's address, where a stride in a register costs a move
 * and an add per row and k, and spills (README, Performance, has the measured difference).
 */
final class Vector256DenseKernel extends VectorKernel {
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

'''
head512 = '''package dev.aiaas.core.internal;

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

'''

def write(name, head, blocks):
    with open(os.path.join(DIR, name), 'w') as f:
        f.write(head + "\n\n".join(blocks) + "\n}\n")

write('VectorDenseKernel.java', head512,
      [blocks(8, 3, 16), blocks(4, 3, 16), row1(3, 16), blocks(8, 2, 16), blocks(4, 2, 16), row1(2, 16),
       blocks(8, 1, 16), blocks(4, 1, 16), row1(1, 16), split(6, 16)])
write('Vector256DenseKernel.java', head256,
      [blocks(6, 2, 8), blocks(4, 2, 8), row1(2, 8), blocks(6, 1, 8), blocks(4, 1, 8), row1(1, 8)])
