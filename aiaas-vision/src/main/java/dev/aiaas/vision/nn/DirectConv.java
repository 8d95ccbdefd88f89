package dev.aiaas.vision.nn;

import dev.aiaas.core.kernel.Parallel;
import dev.aiaas.core.math.Buf;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link Conv2d}'s training passes as a direct convolution on the layer's own layout, with
 * Vector API register blocks ({@link VectorConvKernels}): no patch matrix, no BLAS, no oneDNN.
 *
 * <p>The layer's arrays are 'f'-order {@code [B, C, H, W]}: example b of channel c at position
 * q = h + H·w lies at {@code b + B·(c + C·q)}, so each position holds a contiguous {@code [B, C]}
 * block, and a run of the batch is a vector operand. Per output position p and tap t = (u, v)
 * reading input position q(p, t) inside the image:
 *
 * <pre>
 * y[·, f, p]   = b_f + Σ_{t, c} x[·, c, q(p, t)] · W[f, c, t]            (forward)
 * ∂L/∂x[·, c, q] = Σ_{(p, t): q(p, t) = q} Σ_f ∂L/∂y[·, f, p] · W[f, c, t]   (∂x: the same block, W transposed)
 * ∂L/∂W[f, c, t] = Σ_p Σ_b ∂L/∂y[b, f, p] · x[b, c, q(p, t)]              (∂W: an outer product summed over b and p)
 * ∂L/∂b_f = Σ_p Σ_b ∂L/∂y[b, f, p]
 * </pre>
 *
 * The products run on float32 heap copies of x, y, ∂L/∂y and ∂L/∂x (their channels padded to a
 * multiple of 4 with zeros), 4 vectors of the batch by 4 channels per register block
 * ({@link Kernels#block}, {@link Kernels#outer}); the batch must be a multiple of
 * {@link Kernels#batchBlock()} (64 on AVX-512), else the layer takes its other paths. ∂L/∂W
 * runs over chunks of at least 4 positions (their x and ∂L/∂y rows stay in the L1 cache across
 * the channel tiles: 12 % faster than chunks of 64 for 16 channels), summed per vector lane in
 * float32 over a group of chunks, then into float64 totals. The position loops run on
 * {@code aiaas.threads} threads ({@link Parallel}), ∂L/∂W's totals kept per fixed group of chunks
 * and added in group order, so any thread count gives the same bits. Measured (one thread,
 * thread CPU time, batch 64, 16→16 channels at 32×32, the small ResNet's stage 1): forward
 * 2.5 ms and backward 6.3 ms against oneDNN's 4.3 and 8.5 (docs/benchmarks.md, 2026-12-08).
 *
 * <p>Any stride, padding and dilation; no groups. Heap arrays are made once per batch size and
 * kept; a step allocates nothing.
 */
final class DirectConv {

    /**
     * The register-block kernels. {@code ld} is the distance between the channels of a block
     * (the batch size).
     */
    abstract static class Kernels {
        /** The batch sizes the blocks take: multiples of this (4 vectors). */
        abstract int batchBlock();

        /**
         * out[o + j·ld + i] = Σ_{k &lt; n} a[ao[k] + a0 + i] · w[wo[k] + w0 + j] for i &lt; {@link #batchBlock()}, j &lt; 4.
         */
        abstract void block(float[] a, int[] ao, float[] w, int[] wo, int n, int a0, int w0, float[] out, int o, int ld);

        /** The lanes of a vector: {@link #outer} sums per lane. */
        abstract int lanes();

        /**
         * acc[(at + i·accLd + j)·lanes + l] += Σ_{k &lt; n} Σ_{b ≡ l (mod lanes)} p[po[pBase + i·pStride + k] + b] ·
         * q[qo[k] + q0 + j·ld + b], i, j &lt; 4, b &lt; batch: p's four rows each at their own offsets, q's four rows
         * {@code ld} apart, summed per lane (the lanes are added afterwards).
         */
        abstract void outer(float[] p, int[] po, int pBase, int pStride, float[] q, int[] qo, int q0, int n, int ld, int batch,
                float[] acc, int at, int accLd);
    }

    /** The Vector API kernels, or null without {@code jdk.incubator.vector} or with short vectors. */
    static final Kernels KERNELS = load();

    private static Kernels load() {
        if (!"true".equals(System.getProperty("aiaas.vector", "true")) || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return (Kernels) Class.forName("dev.aiaas.vision.nn.VectorConvKernels").getDeclaredMethod("create").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** Output positions per chunk of ∂L/∂W's pass: about this many floats of ∂L/∂y and x per tap. */
    private static final int CHUNK_VALUES = 4096;

    private final Kernels kernels;
    private final int c;
    private final int cp;
    private final int f;
    private final int fp;
    private final Axis ah;
    private final Axis aw;
    private final int kk;
    private final int inPositions;
    private final int outPositions;
    private final boolean bias;
    /** W as [t][c][fp] (forward) and [t][f][cp] (∂x). */
    private final float[] wf;
    private final float[] wb;
    private final float[] theta;
    /**
     * Per group of position chunks: ∂L/∂W's totals [k][f], added up in group order after the pass
     * (a fixed number of groups, whatever the threads: the same sums in the same order on any
     * thread count).
     */
    private final double[][] dwAcc;
    /** Per lane: ∂L/∂W's float32 sums per vector lane, [k][f][lane], over the chunks of one group. */
    private final float[][] laneAcc;
    /** The groups of ∂L/∂W's chunks. */
    private static final int GROUPS = 8;
    private int chunks;
    /** ∂L/∂W's rows k = t·C + c, in tiles of 4 (the last padded with rows of zeros). */
    private final int kTiles;
    /** Per chunk of positions, row k's x offset at each position ({@link #zeroAt} where the tap reads padding). */
    private final int[][] rowAt;
    private final int[][] dyAt;
    /** Where a batch run of zeros lies in {@link #xh} (after x). */
    private int zeroAt;
    /** Per lane: a block's row offsets in its input and its weights' offsets. */
    private final int[][] ao;
    private final int[][] wo;
    /** The threads of a pass ({@link Parallel#threads()} when the layer was made), each with its own scratch arrays. */
    private final int lanes;
    /** The passes' position loops as tasks over pieces of positions (made once: a step allocates nothing). */
    private final Parallel.Task forwardTask = this::forwardPiece;
    private final Parallel.Task inputTask = this::inputPiece;
    private final Parallel.Task weightTask = this::weightGroup;
    /** The batch size and the pieces of the pass running now. */
    private int runBatch;
    private int pieces;
    private int chunk;
    private final float[] biasValues;
    private int batch = -1;
    private float[] xh;
    private float[] yh;
    private float[] dyh;
    private float[] dxh;
    /** Whether {@link #xh} holds the x of the last training forward pass. */
    private boolean xFresh;

    private DirectConv(Kernels kernels, int channels, int filters, Axis h, Axis w, boolean bias) {
        this.kernels = kernels;
        this.c = channels;
        this.cp = (channels + 3) & ~3;
        this.f = filters;
        this.fp = (filters + 3) & ~3;
        this.ah = h;
        this.aw = w;
        this.kk = h.kernel() * w.kernel();
        this.inPositions = h.in() * w.in();
        this.outPositions = h.out() * w.out();
        this.bias = bias;
        wf = new float[kk * c * fp];
        wb = new float[kk * f * cp];
        theta = new float[f * c * kk];
        kTiles = (kk * channels + 3) / 4;
        lanes = Parallel.threads();
        dwAcc = new double[GROUPS][kTiles * 4 * fp];
        laneAcc = new float[lanes][kTiles * 4 * fp * kernels.lanes()];
        rowAt = new int[lanes][];
        dyAt = new int[lanes][];
        int taps = kk * Math.max(cp, fp);
        ao = new int[lanes][taps];
        wo = new int[lanes][taps];
        biasValues = new float[f];
    }

    /**
     * The direct passes for a layer, or null where they cannot run (no vector kernels, float64, groups).
     *
     * @param channels C
     * @param filters  F
     * @param groups   G (only 1 runs here)
     * @param h        the height axis
     * @param w        the width axis
     * @param bias     whether the layer has a bias
     * @param dataType the layer's values
     * @return the passes, or null
     */
    static DirectConv of(int channels, int filters, int groups, Axis h, Axis w, boolean bias, DataType dataType) {
        if (KERNELS == null || groups != 1 || dataType != DataType.FLOAT) {
            return null;
        }
        return new DirectConv(KERNELS, channels, filters, h, w, bias);
    }

    /**
     * Whether a layer takes the direct passes under {@code setting} ({@link OneDnnConv#PROPERTY}):
     * {@code direct} always, {@code auto} where they measured faster than oneDNN and BLAS.
     */
    static boolean chosen(String setting, int channels, int filters, Axis h, Axis w) {
        if (setting.equals("direct")) {
            return true;
        }
        if (!setting.equals("auto")) {
            return false;
        }
        // oneDNN is faster from 32 input channels on with a wider kernel than 1x1 (docs/benchmarks.md, 2026-12-08)
        return !OneDnnConv.BUILD_HAS_ONEDNN || channels < ONEDNN_CHANNELS || h.kernel() * w.kernel() == 1;
    }

    /** The fewest input channels for which {@code auto} leaves a convolution wider than 1×1 to oneDNN (where the build has it). */
    static final int ONEDNN_CHANNELS = 32;

    /** Whether a batch of {@code n} runs here (a multiple of the register block's batch). */
    boolean runs(int n) {
        return n > 0 && n % kernels.batchBlock() == 0;
    }

    private void ensure(int n) {
        if (batch != n) {
            batch = n;
            zeroAt = Math.multiplyExact(n, cp * inPositions);
            xh = new float[Math.addExact(zeroAt, n)];
            yh = new float[Math.multiplyExact(n, fp * outPositions)];
            dxh = null; // made by the first backward pass at this batch size (an evaluation batch needs none)
            dyh = null;
            xFresh = false;
        }
    }

    /** Copies a [B, ch, positions] native array into a heap one with chp channels (the padding stays 0). */
    private static void read(Buf src, float[] dst, int n, int ch, int chp, int positions) {
        if (ch == chp) {
            src.read(0, dst, 0, n * ch * positions);
            return;
        }
        int run = n * ch;
        for (int q = 0; q < positions; q++) {
            src.read(run * q, dst, n * chp * q, run);
        }
    }

    private static void write(float[] src, Buf dst, int n, int ch, int chp, int positions) {
        if (ch == chp) {
            dst.write(0, src, 0, n * ch * positions);
            return;
        }
        int run = n * ch;
        for (int q = 0; q < positions; q++) {
            dst.write(run * q, src, n * chp * q, run);
        }
    }

    /**
     * y = conv(x, W) + b.
     *
     * @param x        the input {@code [B, C, H, W]} ('f' order, any rank with that layout)
     * @param w        θ's W {@code [F, C, kH, kW]}
     * @param b        b {@code [F]}, or null
     * @param y        the output {@code [B, F, H', W']}, written
     * @param training whether a backward pass follows (x's heap copy is kept for it)
     */
    void forward(INDArray x, INDArray w, INDArray b, INDArray y, boolean training) {
        int n = Math.toIntExact(x.size(0));
        ensure(n);
        Buf.of(w).read(0, theta, theta.length);
        for (int o = 0; o < f; o++) {
            for (int i = 0; i < c; i++) {
                for (int t = 0; t < kk; t++) {
                    float v = theta[(o * c + i) * kk + t];
                    wf[(t * c + i) * fp + o] = v;
                    wb[(t * f + o) * cp + i] = v;
                }
            }
        }
        read(Buf.of(x), xh, n, c, cp, inPositions);
        xFresh = training;
        runBatch = n;
        pieces = pieces(outPositions);
        Parallel.run(lanes, pieces, forwardTask);
        if (bias) {
            Buf.of(b).read(0, biasValues, f);
            for (int p = 0; p < outPositions; p++) {
                for (int o = 0; o < f; o++) {
                    float v = biasValues[o];
                    for (int i = n * (o + fp * p), end = i + n; i < end; i++) {
                        yh[i] += v;
                    }
                }
            }
        }
        write(yh, Buf.of(y), n, f, fp, outPositions);
    }

    /** How many pieces a pass over {@code positions} positions is cut into: 1 on one thread, 4 per lane on more. */
    private int pieces(int positions) {
        return lanes == 1 ? 1 : Math.min(positions, 4 * lanes);
    }

    /** The first position of piece {@code piece} of {@link #pieces}. */
    private int from(int piece, int positions) {
        return (int) ((long) piece * positions / pieces);
    }

    /** The forward pass over one piece of the output positions. */
    private void forwardPiece(int piece, int lane) {
        int n = runBatch;
        int[] ao = this.ao[lane];
        int[] wo = this.wo[lane];
        int bb = kernels.batchBlock();
        for (int p = from(piece, outPositions); p < from(piece + 1, outPositions); p++) {
            int oh = p % ah.out();
            int ow = p / ah.out();
            int m = 0;
            for (int u = 0; u < ah.kernel(); u++) {
                int ih = ah.at(oh, u);
                if (ih < 0 || ih >= ah.in()) {
                    continue;
                }
                for (int v = 0; v < aw.kernel(); v++) {
                    int iw = aw.at(ow, v);
                    if (iw < 0 || iw >= aw.in()) {
                        continue;
                    }
                    int t = u * aw.kernel() + v;
                    int xq = n * cp * (ih + ah.in() * iw);
                    for (int i = 0; i < c; i++, m++) {
                        ao[m] = xq + n * i;
                        wo[m] = (t * c + i) * fp;
                    }
                }
            }
            int yp = n * fp * p;
            for (int f0 = 0; f0 < fp; f0 += 4) {
                for (int b0 = 0; b0 < n; b0 += bb) {
                    kernels.block(xh, ao, wf, wo, m, b0, f0, yh, yp + n * f0 + b0, n);
                }
            }
        }
    }

    /**
     * ∂L/∂x, ∂L/∂W and ∂L/∂b of the last {@link #forward} over x (W unchanged since).
     *
     * @param x  the input of that pass
     * @param dy ∂L/∂y {@code [B, F, H', W']}
     * @param dx ∂L/∂x {@code [B, C, H, W]}, written, or null when not needed
     * @param dw ∂L/∂W in θ's {@code [F, C, kH, kW]} order, written
     * @param db ∂L/∂b {@code [F]}, written, or null without a bias
     */
    void backward(INDArray x, INDArray dy, INDArray dx, INDArray dw, INDArray db) {
        int n = Math.toIntExact(x.size(0));
        if (batch != n || !xFresh) { // an inference pass came between, or another batch size
            ensure(n);
            read(Buf.of(x), xh, n, c, cp, inPositions);
        }
        if (dyh == null) {
            dyh = new float[yh.length];
            dxh = new float[zeroAt];
        }
        read(Buf.of(dy), dyh, n, f, fp, outPositions);
        if (bias) {
            Buf dbb = Buf.of(db);
            for (int o = 0; o < f; o++) {
                double s = 0;
                for (int p = 0; p < outPositions; p++) {
                    for (int i = n * (o + fp * p), end = i + n; i < end; i++) {
                        s += dyh[i];
                    }
                }
                dbb.set(o, s);
            }
        }
        weightGradient(n, Buf.of(dw));
        if (dx != null) {
            inputGradient(n);
            write(dxh, Buf.of(dx), n, c, cp, inPositions);
        }
    }

    /**
     * ∂L/∂W: per chunk of output positions, per tile of 4 filters, per tile of 4 rows k = t·C + c
     * (taps and channels together, so that one input channel fills the register block too), the
     * outer products of x's rows and ∂L/∂y's channels summed over the chunk and the batch.
     */
    private void weightGradient(int n, Buf dw) {
        for (double[] a : dwAcc) {
            java.util.Arrays.fill(a, 0.0);
        }
        chunk = Math.min(outPositions, Math.max(4, CHUNK_VALUES / (n * Math.max(cp, fp))));
        int rows = kTiles * 4;
        for (int l = 0; l < lanes; l++) {
            if (rowAt[l] == null || rowAt[l].length < rows * chunk) {
                rowAt[l] = new int[rows * chunk];
                dyAt[l] = new int[chunk];
            }
        }
        runBatch = n;
        chunks = (outPositions + chunk - 1) / chunk;
        Parallel.run(lanes, Math.min(GROUPS, chunks), weightTask);
        for (int g = 1; g < Math.min(GROUPS, chunks); g++) {
            for (int i = 0; i < dwAcc[0].length; i++) {
                dwAcc[0][i] += dwAcc[g][i];
            }
        }
        for (int o = 0; o < f; o++) {
            for (int i = 0; i < c; i++) {
                for (int t = 0; t < kk; t++) {
                    theta[(o * c + i) * kk + t] = (float) dwAcc[0][(t * c + i) * fp + o];
                }
            }
        }
        dw.write(0, theta, theta.length);
    }

    /** ∂L/∂W's sums over group {@code g} of the chunks of output positions, into the group's totals. */
    private void weightGroup(int g, int lane) {
        int groups = Math.min(GROUPS, chunks);
        float[] acc = laneAcc[lane];
        java.util.Arrays.fill(acc, 0f);
        for (int which = (int) ((long) g * chunks / groups), end = (int) ((long) (g + 1) * chunks / groups); which < end; which++) {
            weightChunk(which, lane, acc);
        }
        double[] totals = dwAcc[g];
        int l = kernels.lanes();
        for (int r = 0; r < totals.length; r++) {
            double sum = 0;
            for (int i = r * l, e = i + l; i < e; i++) {
                sum += acc[i];
            }
            totals[r] = sum;
        }
    }

    /** ∂L/∂W's sums over chunk {@code which} of the output positions, with lane {@code lane}'s scratch arrays. */
    private void weightChunk(int which, int lane, float[] dwAcc) {
        int n = runBatch;
        int chunk = this.chunk;
        int rows = kTiles * 4;
        int[] rowAt = this.rowAt[lane];
        int[] dyAt = this.dyAt[lane];
        int kw = aw.kernel();
        int p0 = which * chunk;
        {
            int pc = Math.min(chunk, outPositions - p0);
            if (c % 4 == 0) { // tiles of 4 channels of one tap: per tap, only the positions where it reads inside x
                for (int t = 0; t < kk; t++) {
                    int u = t / kw;
                    int v = t % kw;
                    int m = 0;
                    for (int p = p0; p < p0 + pc; p++) {
                        int ih = ah.at(p % ah.out(), u);
                        int iw = aw.at(p / ah.out(), v);
                        if (ih >= 0 && ih < ah.in() && iw >= 0 && iw < aw.in()) {
                            rowAt[m] = n * cp * (ih + ah.in() * iw);
                            dyAt[m] = n * fp * p;
                            m++;
                        }
                    }
                    for (int i = 1; i < 4; i++) {
                        for (int j = 0; j < m; j++) {
                            rowAt[i * chunk + j] = rowAt[j] + i * n;
                        }
                    }
                    for (int c0 = 0; c0 < c; c0 += 4) {
                        for (int f0 = 0; f0 < fp; f0 += 4) {
                            kernels.outer(xh, rowAt, 0, chunk, dyh, dyAt, n * f0, m, n, n, dwAcc, (t * c + c0) * fp + f0, fp);
                        }
                        if (c0 + 4 < c) {
                            for (int j = 0; j < 4 * chunk; j++) {
                                rowAt[j] += 4 * n;
                            }
                        }
                    }
                }
                return;
            }
            for (int k = 0; k < rows; k++) {
                int base = k * chunk;
                if (k >= kk * c) {
                    java.util.Arrays.fill(rowAt, base, base + pc, zeroAt);
                    continue;
                }
                int t = k / c;
                int ci = k % c;
                int u = t / kw;
                int v = t % kw;
                for (int m = 0; m < pc; m++) {
                    int p = p0 + m;
                    int ih = ah.at(p % ah.out(), u);
                    int iw = aw.at(p / ah.out(), v);
                    rowAt[base + m] = ih >= 0 && ih < ah.in() && iw >= 0 && iw < aw.in() ? n * (cp * (ih + ah.in() * iw) + ci) : zeroAt;
                }
            }
            for (int m = 0; m < pc; m++) {
                dyAt[m] = n * fp * (p0 + m);
            }
            for (int kt = 0; kt < kTiles; kt++) {
                for (int f0 = 0; f0 < fp; f0 += 4) {
                    kernels.outer(xh, rowAt, kt * 4 * chunk, chunk, dyh, dyAt, n * f0, pc, n, n, dwAcc, kt * 4 * fp + f0, fp);
                }
            }
        }
    }

    /** ∂L/∂x: per input position, the taps of the output positions that read it, W transposed. */
    private void inputGradient(int n) {
        runBatch = n;
        pieces = pieces(inPositions);
        Parallel.run(lanes, pieces, inputTask);
    }

    /** ∂L/∂x over one piece of the input positions. */
    private void inputPiece(int piece, int lane) {
        int n = runBatch;
        int[] ao = this.ao[lane];
        int[] wo = this.wo[lane];
        int bb = kernels.batchBlock();
        for (int q = from(piece, inPositions); q < from(piece + 1, inPositions); q++) {
            int ih = q % ah.in();
            int iw = q / ah.in();
            int m = 0;
            for (int u = 0; u < ah.kernel(); u++) {
                int oh = out(ah, ih, u);
                if (oh < 0) {
                    continue;
                }
                for (int v = 0; v < aw.kernel(); v++) {
                    int ow = out(aw, iw, v);
                    if (ow < 0) {
                        continue;
                    }
                    int t = u * aw.kernel() + v;
                    int yp = n * fp * (oh + ah.out() * ow);
                    for (int o = 0; o < f; o++, m++) {
                        ao[m] = yp + n * o;
                        wo[m] = (t * f + o) * cp;
                    }
                }
            }
            int xq = n * cp * q;
            for (int c0 = 0; c0 < cp; c0 += 4) {
                for (int b0 = 0; b0 < n; b0 += bb) {
                    kernels.block(dyh, ao, wb, wo, m, b0, c0, dxh, xq + n * c0 + b0, n);
                }
            }
        }
    }

    /** The output position whose tap j reads input position i on axis a, or −1 (none, or between strides). */
    private static int out(Axis a, int i, int j) {
        int s = i + a.padBefore() - j * a.dilation();
        if (s < 0 || s % a.stride() != 0) {
            return -1;
        }
        int o = s / a.stride();
        return o < a.out() ? o : -1;
    }
}
