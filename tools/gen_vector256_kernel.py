#!/usr/bin/env python3
"""Writes aiaas-core's Vector256DenseKernel.java: the 256-bit packed dense kernel's register
blocks (6x2, 4x2, 1x2, 6x1, 4x1, 1x1 vectors of 8 floats), written out per tile shape because
C2 keeps accumulators in registers only when they are separate locals.

Run from anywhere: python3 tools/gen_vector256_kernel.py (a developer tool; the build does not run it).
"""
import os
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'aiaas-core', 'src', 'main', 'java', 'dev', 'aiaas',
                   'core', 'internal', 'Vector256DenseKernel.java')
L=8
def block(R,V):
    name=f"rows{R}x{V}"
    out=[]
    out.append(f"    /** {{@code blocks}} blocks of {R} rows of a {V*L}-column panel: {R} x {V} accumulators of {L} floats over k. */")
    out.append(f"    private static void {name}(float[] x, int xo, int ldx, int in, float[] w, int wo, float[] bias, int col, float floor,")
    out.append(f"            float[] y, int yo, int ldy, int blocks) {{")
    out.append(f"        for (int blk = 0; blk < blocks; blk++, xo += {R} * ldx, yo += {R} * ldy) {{")
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
def row1(V):
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

head='''package dev.aiaas.core.internal;

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
 * Generated by {@code tools/gen_vector256_kernel.py} (edit that, not this): the blocks are written
 * out per tile shape because C2 keeps accumulators in registers only when they are separate locals.
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
body="\n\n".join([block(6,2),block(4,2),row1(2),block(6,1),block(4,1),row1(1)])
open(OUT,'w').write(head+body+"\n}\n")
