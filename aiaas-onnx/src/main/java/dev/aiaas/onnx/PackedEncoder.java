package dev.aiaas.onnx;

import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;

/**
 * Internal: the encoder's forward pass in float32 on heap arrays with the packed dense kernel
 * ({@link DenseKernels#VECTOR}), the same formulas as {@link TransformerEncoder}'s layers.
 *
 * <p>The token states are row-major rows {@code [B·T, D]} (row e·T + t is sequence e at
 * position t), {@link #ld} floats apart. Per layer: one kernel product for Q, K and V together
 * ({@code [B·T, D] · [D, 3D]}, the 1/√d_k of the scores folded into W_q and b_q at load); per
 * sequence and head the scores {@code S = Q_h K_hᵀ} and the context {@code C_h = softmax(S) V_h}
 * as two more kernel products, with K_h and V_h packed per call over the unmasked keys only (a
 * masked key's weight is exactly 0, as in the layer); the output projection and the two
 * feed-forward products; residual sums by loops, the layer norms and GELU through the kernel's
 * row operations. Weights are packed once at construction, the working rows grow with the
 * largest batch and are reused. Not thread-safe (as the encoder).
 */
final class PackedEncoder {
    private final DenseKernel k;
    private final int d;
    private final int heads;
    private final int dk;
    private final int f;
    private final int layers;
    private final float eps;
    private final int types;
    /** Row-major tables [V, D], [P, D], [types, D] (null without types). */
    private final float[] word;
    private final float[] position;
    private final float[] type;
    private final float[] embGamma;
    private final float[] embBeta;
    private final float[][] wQkv;
    private final float[][] bQkv;
    private final float[][] wO;
    private final float[][] bO;
    private final float[][] g1;
    private final float[][] be1;
    private final float[][] w1;
    private final float[][] b1;
    private final float[][] w2;
    private final float[][] b2;
    private final float[][] g2;
    private final float[][] be2;
    /** Zero biases for the attention products. */
    private final float[] zeros;
    /** Row strides: of the D-wide rows, the Q|K|V rows, the F-wide rows, the score rows. */
    final int ld;
    private final int ldQkv;
    private final int ldF;
    private final int ldS;
    private int capacity;
    private float[] h;
    private float[] tmp;
    private float[] ctx;
    private float[] qkv;
    private float[] wide;
    private final float[] scores;
    private final float[] kPack;
    private final float[] vPack;
    private final float[] headOut;
    private final int[] keys;

    PackedEncoder(EncoderWeights w, DenseKernel kernel) {
        TransformerEncoder.Config c = w.config();
        this.k = kernel;
        d = c.dim();
        heads = c.heads();
        dk = d / heads;
        f = c.intermediate();
        layers = c.layers();
        eps = (float) c.epsilon();
        types = c.typeVocabSize();
        int lanes = kernel.lanes();
        int panel = kernel.panel();
        word = rowMajor(w.word(), c.vocabSize(), d);
        position = w.position().clone();
        type = w.type() == null ? null : rowMajor(w.type(), types, d);
        embGamma = java.util.Arrays.copyOfRange(w.embNorm(), 0, d);
        embBeta = java.util.Arrays.copyOfRange(w.embNorm(), d, 2 * d);
        wQkv = new float[layers][];
        bQkv = new float[layers][];
        wO = new float[layers][];
        bO = new float[layers][];
        g1 = new float[layers][];
        be1 = new float[layers][];
        w1 = new float[layers][];
        b1 = new float[layers][];
        w2 = new float[layers][];
        b2 = new float[layers][];
        g2 = new float[layers][];
        be2 = new float[layers][];
        float scale = (float) (1 / Math.sqrt(dk));
        int dd = d * d;
        for (int l = 0; l < layers; l++) {
            float[] a = w.attention().get(l);
            float[] qkvw = java.util.Arrays.copyOf(a, 3 * dd); // W_q | W_k | W_v: column-major [D, 3D]
            for (int i = 0; i < dd; i++) {
                qkvw[i] *= scale;
            }
            float[] qkvb = new float[DenseKernels.padded(3 * d, lanes)];
            System.arraycopy(a, 3 * dd, qkvb, 0, 3 * d);
            for (int i = 0; i < d; i++) {
                qkvb[i] *= scale;
            }
            wQkv[l] = DenseKernels.pack(qkvw, d, 3 * d, panel, lanes);
            bQkv[l] = qkvb;
            wO[l] = DenseKernels.pack(java.util.Arrays.copyOfRange(a, 3 * dd + 3 * d, 4 * dd + 3 * d), d, d, panel, lanes);
            bO[l] = bias(a, 4 * dd + 3 * d, d, lanes);
            float[] n1 = w.norm1().get(l);
            g1[l] = java.util.Arrays.copyOfRange(n1, 0, d);
            be1[l] = java.util.Arrays.copyOfRange(n1, d, 2 * d);
            float[] f1 = w.ff1().get(l);
            w1[l] = DenseKernels.pack(f1, d, f, panel, lanes);
            b1[l] = bias(f1, d * f, f, lanes);
            float[] f2 = w.ff2().get(l);
            w2[l] = DenseKernels.pack(f2, f, d, panel, lanes);
            b2[l] = bias(f2, f * d, d, lanes);
            float[] n2 = w.norm2().get(l);
            g2[l] = java.util.Arrays.copyOfRange(n2, 0, d);
            be2[l] = java.util.Arrays.copyOfRange(n2, d, 2 * d);
        }
        int p = c.maxPositions();
        ld = stride(d, lanes);
        ldQkv = stride(3 * d, lanes);
        ldF = stride(f, lanes);
        ldS = DenseKernels.padded(p, lanes);
        zeros = new float[Math.max(ldS, DenseKernels.padded(dk, lanes))];
        scores = new float[p * ldS];
        kPack = new float[dk * ldS];
        vPack = new float[p * DenseKernels.padded(dk, lanes)];
        headOut = dk % lanes == 0 ? null : new float[p * DenseKernels.padded(dk, lanes)];
        keys = new int[p];
    }

    /** The row stride for rows of {@code cols} values: {@link DenseKernel#ROW_STRIDE} when they fit (the kernel's fastest), else padded. */
    private static int stride(int cols, int lanes) {
        return cols <= DenseKernel.ROW_STRIDE ? DenseKernel.ROW_STRIDE : DenseKernels.padded(cols, lanes);
    }

    private static float[] rowMajor(float[] colMajor, int rows, int cols) {
        float[] out = new float[Math.multiplyExact(rows, cols)];
        for (int c = 0; c < cols; c++) {
            int from = c * rows;
            for (int r = 0; r < rows; r++) {
                out[r * cols + c] = colMajor[from + r];
            }
        }
        return out;
    }

    private static float[] bias(float[] theta, int from, int units, int lanes) {
        float[] b = new float[DenseKernels.padded(units, lanes)];
        System.arraycopy(theta, from, b, 0, units);
        return b;
    }

    private void ensure(int rows) {
        if (rows <= capacity) {
            return;
        }
        int widest = Math.max(ld, Math.max(ldQkv, ldF));
        if (rows > Integer.MAX_VALUE / widest) {
            throw new IllegalArgumentException("a batch of " + rows + " token rows (sequences × padded length) does not fit the encoder's "
                    + "working arrays (at most " + Integer.MAX_VALUE / widest + " rows of " + widest + " floats); split it into smaller batches");
        }
        int wideSize = rows * ldF;
        int qkvSize = rows * ldQkv;
        int size = rows * ld;
        release();
        h = new float[size];
        tmp = new float[size];
        ctx = new float[size];
        qkv = new float[qkvSize];
        wide = new float[wideSize];
        capacity = rows;
    }

    /** Frees the working rows. */
    void release() {
        capacity = 0;
        h = tmp = ctx = qkv = wide = null;
    }

    /**
     * The forward pass.
     *
     * @param n     B, sequences
     * @param t     T, the padded length
     * @param ids   [B·T] token ids (row e·T + s)
     * @param tys   [B·T] token types
     * @param valid [B·T] key mask
     * @return the last hidden states, row e·T + s at {@code (e·T + s)·ld} (an internal buffer, valid until the next call)
     */
    float[] run(int n, int t, float[] ids, float[] tys, boolean[] valid) {
        int rows = n * t;
        ensure(rows);
        float[] x = h;
        for (int r = 0; r < rows; r++) {
            int o = r * ld;
            int wo = (int) ids[r] * d;
            int po = (r % t) * d;
            if (type != null) {
                int to = (int) tys[r] * d;
                for (int c = 0; c < d; c++) {
                    x[o + c] = word[wo + c] + position[po + c] + type[to + c];
                }
            } else {
                for (int c = 0; c < d; c++) {
                    x[o + c] = word[wo + c] + position[po + c];
                }
            }
        }
        k.layerNorm(x, 0, rows, d, ld, embGamma, embBeta, eps);
        for (int l = 0; l < layers; l++) {
            k.forward(h, 0, ld, rows, d, wQkv[l], bQkv[l], 3 * d, false, qkv, 0, ldQkv);
            attention(n, t, valid);
            k.forward(ctx, 0, ld, rows, d, wO[l], bO[l], d, false, tmp, 0, ld);
            add(tmp, h, rows);
            k.layerNorm(tmp, 0, rows, d, ld, g1[l], be1[l], eps);
            k.forward(tmp, 0, ld, rows, d, w1[l], b1[l], f, false, wide, 0, ldF);
            k.activate(DenseKernel.Fn.GELU_ERF, 0f, wide, 0, rows, f, ldF);
            k.forward(wide, 0, ldF, rows, f, w2[l], b2[l], d, false, h, 0, ld);
            add(h, tmp, rows);
            k.layerNorm(h, 0, rows, d, ld, g2[l], be2[l], eps);
        }
        return h;
    }

    /** y += x over the first D values of each row. */
    private void add(float[] y, float[] x, int rows) {
        for (int r = 0; r < rows; r++) {
            int o = r * ld;
            for (int c = 0; c < d; c++) {
                y[o + c] += x[o + c];
            }
        }
    }

    /** ctx ← concat_h softmax(Q_h K_hᵀ) V_h per sequence, over its unmasked keys (Q already scaled by 1/√d_k). */
    private void attention(int n, int t, boolean[] valid) {
        int panel = k.panel();
        int lanes = k.lanes();
        for (int e = 0; e < n; e++) {
            int base = e * t;
            int nv = 0;
            for (int u = 0; u < t; u++) {
                if (valid[base + u]) {
                    keys[nv++] = base + u;
                }
            }
            int kFull = nv / panel;
            int kLast = DenseKernels.padded(nv, lanes) - kFull * panel;
            int vFull = dk / panel;
            int vLast = DenseKernels.padded(dk, lanes) - vFull * panel;
            for (int hd = 0; hd < heads; hd++) {
                int kCol = d + hd * dk;
                int vCol = 2 * d + hd * dk;
                // K_hᵀ as W [d_k, nv]: W[i, j] = K[key j, i]
                for (int j = 0; j < nv; j++) {
                    int q = j / panel;
                    int width = q < kFull ? panel : kLast;
                    int to = q * dk * panel + j % panel;
                    int from = keys[j] * ldQkv + kCol;
                    for (int i = 0; i < dk; i++) {
                        kPack[to + i * width] = qkv[from + i];
                    }
                }
                // V_h as W [nv, d_k]: W[u, j] = V[key u, j], a panel's part of a row contiguous in both
                for (int u = 0; u < nv; u++) {
                    int from = keys[u] * ldQkv + vCol;
                    for (int q = 0, j = 0; j < dk; q++, j += panel) {
                        int width = q < vFull ? panel : vLast;
                        System.arraycopy(qkv, from + j, vPack, q * nv * panel + u * width, Math.min(panel, dk - j));
                    }
                }
                k.forward(qkv, base * ldQkv + hd * dk, ldQkv, t, dk, kPack, zeros, nv, false, scores, 0, ldS);
                k.softmax(scores, 0, t, nv, ldS);
                if (headOut == null) {
                    k.forward(scores, 0, ldS, t, nv, vPack, zeros, dk, false, ctx, base * ld + hd * dk, ld);
                } else {
                    int lo = DenseKernels.padded(dk, lanes);
                    k.forward(scores, 0, ldS, t, nv, vPack, zeros, dk, false, headOut, 0, lo);
                    for (int s = 0; s < t; s++) {
                        System.arraycopy(headOut, s * lo, ctx, (base + s) * ld + hd * dk, dk);
                    }
                }
            }
        }
    }
}
