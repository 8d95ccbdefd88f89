#!/usr/bin/env python3
"""Generates aiaas-core's VectorConvKernel (the packed path's in-place convolution, AVX-512).

Each tile computes R output positions x V vectors of 16 filters with R*V accumulators held in
registers (separate locals: C2 keeps only those in registers), summing over the taps and, per
tap, over a run of input values read where they lie (channels last) and broadcast, against W's
row of V vectors. Run: python3 tools/gen_conv_kernel.py > aiaas-core/src/main/java/dev/aiaas/core/internal/VectorConvKernel.java
"""

import os
TILES = [tuple(int(v) for v in t.split('x')) for t in os.environ.get('TILES', '6x4 8x3 8x2 8x1').split()]  # (positions, vectors): 24, 24, 24, 12 accumulators


def tile(R, V, U):
    out = []
    name = f"tile{R}x{V}" + ("" if U == 1 else f"u{U}")
    what = "" if U == 1 else f", {U} values of each run per iteration (run a multiple of {U})"
    out.append(f"    /** {R} positions from p x {V * 16} filters from f0: {R} x {V} accumulators over the taps and their runs{what}. */")
    out.append(f"    private static void {name}(float[] x, int xOff, int zero, int[] src, int taps, int run, int p, float[] w, int ld, int f0,")
    out.append("            float[] bias, float floor, float[] y, int yOff) {")
    out.append("        FloatVector z = FloatVector.zero(S);")
    out.append("        FloatVector lo = FloatVector.broadcast(S, floor);")
    for r in range(R):
        out.append("        FloatVector " + ", ".join(f"c{r}_{v} = z" for v in range(V)) + ";")
    out.append("        int t0 = p * taps;")
    out.append("        int " + ", ".join(f"s{r} = 0" for r in range(R)) + ";")
    out.append("        // one loop over the taps' values (a nested loop over taps and runs left C2 boxing the")
    out.append("        // accumulators): the sources are looked up at each run's start")
    step = "i++, c++, o += ld" if U == 1 else f"i += {U}, c += {U}, o += {U} * ld"
    out.append(f"        for (int i = 0, c = run, t = t0, o = f0, n = taps * run; i < n; {step}) {{")
    out.append("            if (c == run) {")
    out.append("                c = 0;")
    for r in range(R):
        out.append(f"                s{r} = src[t{'' if r == 0 else ' + ' + str(r) + ' * taps'}];")
        out.append(f"                s{r} = s{r} < 0 ? zero : xOff + s{r};")
    out.append("                t++;")
    out.append("            }")
    for u in range(U):
        for v in range(V):
            off = "o" + ("" if u == 0 else (" + ld" if u == 1 else f" + {u} * ld")) + ("" if v == 0 else f" + {16 * v}")
            decl = "FloatVector " if u == 0 else ""
            out.append(f"            {decl}b{v} = FloatVector.fromArray(S, w, {off});")
        if u == 0:
            out.append("            FloatVector a;")
        for r in range(R):
            out.append(f"            a = FloatVector.broadcast(S, x[s{r} + c{'' if u == 0 else ' + ' + str(u)}]);")
            for v in range(V):
                out.append(f"            c{r}_{v} = a.fma(b{v}, c{r}_{v});")
    out.append("        }")
    for v in range(V):
        out.append(f"        FloatVector d{v} = FloatVector.fromArray(S, bias, f0{'' if v == 0 else ' + ' + str(16 * v)});")
    for r in range(R):
        for v in range(V):
            off = f"yOff + (p + {r}) * ld + f0" + ("" if v == 0 else f" + {16 * v}")
            out.append(f"        c{r}_{v}.add(d{v}).max(lo).intoArray(y, {off});")
    out.append("    }")
    return "\n".join(out)


def one(V):
    out = []
    out.append(f"    /** One position p x {V * 16} filters from f0. */")
    out.append(f"    private static void tile1x{V}(float[] x, int xOff, int zero, int[] src, int taps, int run, int p, float[] w, int ld, int f0,")
    out.append("            float[] bias, float floor, float[] y, int yOff) {")
    out.append("        FloatVector z = FloatVector.zero(S);")
    out.append("        FloatVector lo = FloatVector.broadcast(S, floor);")
    out.append("        FloatVector " + ", ".join(f"c{v} = z" for v in range(V)) + ";")
    out.append("        int s = 0;")
    out.append("        for (int i = 0, c = run, t = p * taps, o = f0, n = taps * run; i < n; i++, c++, o += ld) {")
    out.append("            if (c == run) {")
    out.append("                c = 0;")
    out.append("                s = src[t];")
    out.append("                s = s < 0 ? zero : xOff + s;")
    out.append("                t++;")
    out.append("            }")
    out.append("            FloatVector a = FloatVector.broadcast(S, x[s + c]);")
    for v in range(V):
        out.append(f"            c{v} = a.fma(FloatVector.fromArray(S, w, o{'' if v == 0 else ' + ' + str(16 * v)}), c{v});")
    out.append("        }")
    for v in range(V):
        b = f"f0{'' if v == 0 else ' + ' + str(16 * v)}"
        out.append(f"        c{v}.add(FloatVector.fromArray(S, bias, {b})).max(lo).intoArray(y, yOff + p * ld + {b});")
    out.append("    }")
    return "\n".join(out)


PAD_TILES = [(6, 4), (8, 3), (8, 2), (8, 1)]
STRIDES = [1, 16, 32, 64]


def ptile(R, V, D, U):
    """R positions whose bases are D apart (a constant: C2 checks one index and folds the offsets)."""
    out = []
    name = f"rows{R}x{V}d{D}" + ("" if U == 1 else f"u{U}")
    out.append(f"    /** {R} positions from p, their bases {D} apart, x {V * 16} filters: {R} x {V} accumulators{'' if U == 1 else f', {U} values of a run per iteration'}. */")
    out.append(f"    private static void {name}(float[] x, int base, int[] tapOff, int taps, int run, int p, float[] w, int ld,")
    out.append("            float[] bias, float floor, float[] y, int yOff, float[] add, int addOff) {")
    out.append("        FloatVector z = FloatVector.zero(S);")
    out.append("        FloatVector lo = FloatVector.broadcast(S, floor);")
    for r in range(R):
        out.append("        FloatVector " + ", ".join(f"c{r}_{v} = z" for v in range(V)) + ";")
    out.append("        int s = 0;")
    step = "i++, c++, o += ld" if U == 1 else f"i += {U}, c += {U}, o += {U} * ld"
    out.append(f"        for (int i = 0, c = run, t = 0, o = 0, n = taps * run; i < n; {step}) {{")
    out.append("            if (c == run) {")
    out.append("                c = 0;")
    out.append("                s = base + tapOff[t++];")
    out.append("            }")
    for u in range(U):
        for v in range(V):
            off = "o" + ("" if u == 0 else (" + ld" if u == 1 else f" + {u} * ld")) + ("" if v == 0 else f" + {16 * v}")
            decl = "FloatVector " if u == 0 else ""
            out.append(f"            {decl}b{v} = FloatVector.fromArray(S, w, {off});")
        if u == 0:
            out.append("            int q = s + c;")
            out.append("            FloatVector a;")
        for r in range(R):
            k = r * D + u
            out.append(f"            a = FloatVector.broadcast(S, x[q{'' if k == 0 else ' + ' + str(k)}]);")
            for v in range(V):
                out.append(f"            c{r}_{v} = a.fma(b{v}, c{r}_{v});")
    out.append("        }")
    for v in range(V):
        out.append(f"        FloatVector d{v} = FloatVector.fromArray(S, bias, {16 * v});")
    out.append("        if (add == null) {")
    for r in range(R):
        for v in range(V):
            off = f"yOff + (p + {r}) * ld" + ("" if v == 0 else f" + {16 * v}")
            out.append(f"            c{r}_{v}.add(d{v}).max(lo).intoArray(y, {off});")
    out.append("        } else { // a residual block's sum, then f")
    for r in range(R):
        for v in range(V):
            off = f"(p + {r}) * ld" + ("" if v == 0 else f" + {16 * v}")
            out.append(f"            c{r}_{v}.add(d{v}).add(FloatVector.fromArray(S, add, addOff + {off})).max(lo).intoArray(y, yOff + {off});")
    out.append("        }")
    out.append("    }")
    return "\n".join(out)


def pone(V):
    out = []
    out.append(f"    /** One position p x {V * 16} filters, its taps from base. */")
    out.append(f"    private static void row1x{V}(float[] x, int base, int[] tapOff, int taps, int run, int p, float[] w, int ld,")
    out.append("            float[] bias, float floor, float[] y, int yOff, float[] add, int addOff) {")
    out.append("        FloatVector z = FloatVector.zero(S);")
    out.append("        FloatVector " + ", ".join(f"c{v} = z" for v in range(V)) + ";")
    out.append("        int s = 0;")
    out.append("        for (int i = 0, c = run, t = 0, o = 0, n = taps * run; i < n; i++, c++, o += ld) {")
    out.append("            if (c == run) {")
    out.append("                c = 0;")
    out.append("                s = base + tapOff[t++];")
    out.append("            }")
    out.append("            FloatVector a = FloatVector.broadcast(S, x[s + c]);")
    for v in range(V):
        out.append(f"            c{v} = a.fma(FloatVector.fromArray(S, w, o{'' if v == 0 else ' + ' + str(16 * v)}), c{v});")
    out.append("        }")
    out.append("        FloatVector lo = FloatVector.broadcast(S, floor);")
    for v in range(V):
        o = "p * ld" + ('' if v == 0 else ' + ' + str(16 * v))
        out.append(f"        c{v} = c{v}.add(FloatVector.fromArray(S, bias, {16 * v}));")
        out.append(f"        if (add != null) {{")
        out.append(f"            c{v} = c{v}.add(FloatVector.fromArray(S, add, addOff + {o}));")
        out.append(f"        }}")
        out.append(f"        c{v}.max(lo).intoArray(y, yOff + {o});")
    out.append("    }")
    return "\n".join(out)


def pad_methods():
    """(R, V, D, U) of every padded block: the main R of V, then 4 and 2 for a row's rest; U = 2 but at D = 1 (odd runs)."""
    for R, V in PAD_TILES:
        for r in ((R, 8, 4, 2) if R > 8 else (R, 4, 2)):
            for D in STRIDES:
                yield r, V, D, (1 if D == 1 else 2)


def tiles_method():
    out = []
    out.append("""    /**
     * {@link VectorDenseKernel#convolveTiles}: each tile {@code p << 5 | R} of R positions (6, 4 or 2
     * for 4 vectors of filters, 8, 4 or 2 else; 1 a single position) whose bases are
     * {@code stride} apart (1 with an odd run, or 16, 32 or 64 with an even one) runs the block
     * written for it; any other, one position at a time.
     */
    static void convolveTiles(float[] x, int[] bases, int[] tapOff, int taps, int run, int[] tiles, int stride, float[] w,
            float[] bias, int ld, boolean relu, float[] y, int yOff, float[] add, int addOff) {
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        int vectors = ld / 16;
        int odd = run % 2;
        for (int i = 0; i < tiles.length; i++) {
            int p = tiles[i] >>> 5;
            int size = tiles[i] & 31;
            int b = bases[p];
            switch (((vectors * 100 + stride) * 32 + size) * 2 + odd) {""")
    for R, V, D, U in pad_methods():
        key = ((V * 100 + D) * 32 + R) * 2 + (1 if U == 1 else 0)
        out.append(f"                case {key} -> rows{R}x{V}d{D}{'' if U == 1 else 'u2'}(x, b, tapOff, taps, run, p, w, ld, bias, floor, y, yOff, add, addOff);")
    out.append("""                default -> {
                    for (int q = p; q < p + size; q++) {
                        switch (vectors) {""")
    for V in (4, 3, 2, 1):
        out.append(f"                            case {V} -> row1x{V}(x, bases[q], tapOff, taps, run, q, w, ld, bias, floor, y, yOff, add, addOff);")
    out.append("""                            default -> throw new IllegalArgumentException("ld must be 16, 32, 48 or 64; got " + ld);
                        }
                    }
                }
            }
        }
    }""")
    return "\n".join(out)


HEAD = '''package dev.aiaas.core.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Internal, not API; generated by {@code tools/gen_conv_kernel.py} (edit that, not this). The
 * packed path's convolution read in place, with 512-bit vectors ({@link VectorDenseKernel#convolve}):
 * no patch matrix. For each output position p and filter j (j below {@code ld}, the filters padded
 * to whole vectors):
 * <pre>
 * y[yOff + p·ld + j] = f(Σ_t Σ_c x[s(p, t) + c] · w[(t·run + c)·ld + j] + bias[j]),
 * s(p, t) = xOff + src[p·taps + t], or {@code zero} (run zeros there) where src is −1 (padding)
 * </pre>
 * (t over the taps, c over a run of {@code run} input values that lie one after the other: a
 * tap's channels in a channels-last row, or a kernel row's channels and columns). A tile of R
 * positions and V vectors of 16 filters keeps R·V accumulators in registers (6 x 4, 8 x 3, 12 x 2
 * or 12 x 1: 24 or 12 of the 32 registers); per tap it looks up R sources, then per value of the
 * run loads V vectors of W's row and broadcasts R inputs, R·V fused multiply-adds. The bias and
 * the ReLU (max with 0; with −∞ for none) are applied before the single store.
 */
final class VectorConvKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

    private VectorConvKernel() {
    }

    /** See the class comment; {@code relu} or the identity after it. */
    static void convolve(float[] x, int xOff, int zero, int[] src, int taps, int run, int positions, float[] w, float[] bias, int ld,
            boolean relu, float[] y, int yOff) {
        // a float, not a vector: a vector argument to a method that is not inlined is boxed
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int f0 = 0; f0 < ld; ) {
            int vectors = Math.min(4, (ld - f0) / 16);
            int p = 0;
            switch (vectors) {
'''


def main():
    parts = [HEAD]
    for R, V in TILES:
        parts.append(f"                case {V} -> {{\n")
        parts.append("                    if (run % 2 == 0) {\n")
        parts.append(f"                        for (; p + {R} <= positions; p += {R}) {{\n")
        parts.append(f"                            tile{R}x{V}u2(x, xOff, zero, src, taps, run, p, w, ld, f0, bias, floor, y, yOff);\n")
        parts.append("                        }\n")
        parts.append("                    }\n")
        parts.append(f"                    for (; p + {R} <= positions; p += {R}) {{\n")
        parts.append(f"                        tile{R}x{V}(x, xOff, zero, src, taps, run, p, w, ld, f0, bias, floor, y, yOff);\n")
        parts.append("                    }\n")
        parts.append(f"                    if (p < positions && positions >= {R}) {{ // the last positions by a tile that ends there, again over a few\n")
        parts.append(f"                        if (run % 2 == 0) {{\n")
        parts.append(f"                            tile{R}x{V}u2(x, xOff, zero, src, taps, run, positions - {R}, w, ld, f0, bias, floor, y, yOff);\n")
        parts.append("                        } else {\n")
        parts.append(f"                            tile{R}x{V}(x, xOff, zero, src, taps, run, positions - {R}, w, ld, f0, bias, floor, y, yOff);\n")
        parts.append("                        }\n")
        parts.append("                        p = positions;\n")
        parts.append("                    }\n")
        parts.append("                    for (; p < positions; p++) {\n")
        parts.append(f"                        tile1x{V}(x, xOff, zero, src, taps, run, p, w, ld, f0, bias, floor, y, yOff);\n")
        parts.append("                    }\n")
        parts.append("                }\n")
    parts.append("                default -> throw new IllegalArgumentException(\"ld must be a multiple of 16; got \" + ld);\n")
    parts.append("            }\n")
    parts.append("            f0 += vectors * 16;\n")
    parts.append("        }\n")
    parts.append("    }\n")
    for R, V in TILES:
        parts.append("\n" + tile(R, V, 1) + "\n")
        parts.append("\n" + tile(R, V, 2) + "\n")
    for V in (4, 3, 2, 1):
        parts.append("\n" + one(V) + "\n")
    parts.append("\n" + tiles_method() + "\n")
    for R, V, D, U in pad_methods():
        parts.append("\n" + ptile(R, V, D, U) + "\n")
    for V in (4, 3, 2, 1):
        parts.append("\n" + pone(V) + "\n")
    parts.append("}\n")
    print("".join(parts), end="")


if __name__ == "__main__":
    main()
