package dev.aiaas.nlp.lm;

import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import dev.aiaas.nlp.text.Vocabulary;

/**
 * Internal: {@link TransformerLanguageModel}'s decoder in float32 on heap arrays with the packed
 * dense kernel ({@link DenseKernels#VECTOR}), the same formulas as the float64 path.
 *
 * <p>{@link #extend} runs m consecutive inputs of one window at once, positions p₀ .. p₀+m−1,
 * as rows {@code [m, D]} {@link #ld} floats apart: per block one kernel product for Q, K and V
 * together ({@code [m, D]·[D, 3D]}, 1/√d_k folded into W_q and b_q), the new keys and values
 * written into the window's float32 cache, causal attention of row r over cache positions
 * 0 .. p₀+r (scores and context by loops over the cached keys, stored transposed per head
 * {@code [N][H][d_k][T]} so that both loops run along contiguous memory, the softmax through the
 * kernel's row softmax), the output projection and the GELU MLP by kernel products, residuals by
 * loops; then the final layer norm. {@link #logits} is one kernel product with the output kernel
 * {@code [D, V]}, {@link #logNormaliser} the kernel's row softmax over V with {@code <s>} left
 * out. A prompt is one call (m rows), a decoding step a call with m = 1.
 *
 * <p>The weights are packed once (this object is immutable and shared by threads); the working
 * rows are per thread ({@link Scratch}) and reused.
 */
final class PackedDecoder {
    final DenseKernel k;
    private final int vocab;
    private final int d;
    private final int context;
    private final int layers;
    private final int heads;
    private final int dk;
    private final int f;
    private final float eps;
    /** Row-major [V, D] and [T, D]. */
    private final float[] token;
    private final float[] position;
    private final float[][] g1;
    private final float[][] be1;
    private final float[][] wQkv;
    private final float[][] bQkv;
    private final float[][] wO;
    private final float[][] bO;
    private final float[][] g2;
    private final float[][] be2;
    private final float[][] w1;
    private final float[][] b1;
    private final float[][] w2;
    private final float[][] b2;
    private final float[] gF;
    private final float[] bF;
    private final float[] wOut;
    private final float[] bOut;
    /** Row strides of the D-wide rows, the Q|K|V rows, the F-wide rows and the logit rows. */
    final int ld;
    private final int ldQkv;
    private final int ldF;
    final int ldV;
    private final int ldS;
    private final ThreadLocal<Scratch> scratch;

    PackedDecoder(float[] theta, int vocab, TransformerLmOptions o, double epsilon, DenseKernel kernel) {
        this.k = kernel;
        this.vocab = vocab;
        d = o.dim();
        context = o.context();
        layers = o.layers();
        heads = o.heads();
        dk = d / heads;
        f = o.ffnWidth();
        eps = (float) epsilon;
        int lanes = kernel.lanes();
        int panel = kernel.panel();
        int at = 0;
        token = new float[vocab * d];
        for (int c = 0; c < d; c++) { // the embedding [V, D] is column-major
            for (int id = 0; id < vocab; id++) {
                token[id * d + c] = theta[at + id + vocab * c];
            }
        }
        at += vocab * d;
        position = java.util.Arrays.copyOfRange(theta, at, at + context * d); // row-major
        at += context * d;
        g1 = new float[layers][];
        be1 = new float[layers][];
        wQkv = new float[layers][];
        bQkv = new float[layers][];
        wO = new float[layers][];
        bO = new float[layers][];
        g2 = new float[layers][];
        be2 = new float[layers][];
        w1 = new float[layers][];
        b1 = new float[layers][];
        w2 = new float[layers][];
        b2 = new float[layers][];
        float scale = (float) (1 / Math.sqrt(dk));
        int dd = d * d;
        for (int l = 0; l < layers; l++) {
            g1[l] = java.util.Arrays.copyOfRange(theta, at, at + d);
            be1[l] = java.util.Arrays.copyOfRange(theta, at + d, at + 2 * d);
            at += 2 * d;
            float[] qkv = java.util.Arrays.copyOfRange(theta, at, at + 3 * dd); // W_q | W_k | W_v: column-major [D, 3D]
            for (int i = 0; i < dd; i++) {
                qkv[i] *= scale;
            }
            wQkv[l] = DenseKernels.pack(qkv, d, 3 * d, panel, lanes);
            at += 3 * dd;
            bQkv[l] = bias(theta, at, 3 * d, lanes);
            for (int i = 0; i < d; i++) {
                bQkv[l][i] *= scale;
            }
            at += 3 * d;
            wO[l] = DenseKernels.pack(java.util.Arrays.copyOfRange(theta, at, at + dd), d, d, panel, lanes);
            at += dd;
            bO[l] = bias(theta, at, d, lanes);
            at += d;
            g2[l] = java.util.Arrays.copyOfRange(theta, at, at + d);
            be2[l] = java.util.Arrays.copyOfRange(theta, at + d, at + 2 * d);
            at += 2 * d;
            w1[l] = DenseKernels.pack(java.util.Arrays.copyOfRange(theta, at, at + d * f), d, f, panel, lanes);
            at += d * f;
            b1[l] = bias(theta, at, f, lanes);
            at += f;
            w2[l] = DenseKernels.pack(java.util.Arrays.copyOfRange(theta, at, at + f * d), f, d, panel, lanes);
            at += f * d;
            b2[l] = bias(theta, at, d, lanes);
            at += d;
        }
        gF = java.util.Arrays.copyOfRange(theta, at, at + d);
        bF = java.util.Arrays.copyOfRange(theta, at + d, at + 2 * d);
        at += 2 * d;
        wOut = DenseKernels.pack(java.util.Arrays.copyOfRange(theta, at, at + d * vocab), d, vocab, panel, lanes);
        at += d * vocab;
        bOut = bias(theta, at, vocab, lanes);
        ld = stride(d, lanes);
        ldQkv = stride(3 * d, lanes);
        ldF = stride(f, lanes);
        ldV = DenseKernels.padded(vocab, lanes);
        ldS = DenseKernels.padded(context, lanes);
        scratch = ThreadLocal.withInitial(Scratch::new);
    }

    private static int stride(int cols, int lanes) {
        return cols <= DenseKernel.ROW_STRIDE ? DenseKernel.ROW_STRIDE : DenseKernels.padded(cols, lanes);
    }

    private static float[] bias(float[] theta, int from, int units, int lanes) {
        float[] b = new float[DenseKernels.padded(units, lanes)];
        System.arraycopy(theta, from, b, 0, units);
        return b;
    }

    /** The floats held by the packed weights and tables. */
    long floats() {
        long n = token.length + position.length + gF.length + bF.length + wOut.length + bOut.length;
        for (int l = 0; l < layers; l++) {
            n += g1[l].length + be1[l].length + wQkv[l].length + bQkv[l].length + wO[l].length + bO[l].length
                    + g2[l].length + be2[l].length + w1[l].length + b1[l].length + w2[l].length + b2[l].length;
        }
        return n;
    }

    /** The calling thread's working rows. */
    Scratch scratch() {
        return scratch.get();
    }

    /** A new float32 cache for one window: keys [N][H][d_k][T] (transposed per head), values [N][T][D]. */
    TransformerLanguageModel.Cache newCache() {
        return new TransformerLanguageModel.Cache(new float[layers * context * d], new float[layers * context * d], context, d);
    }

    /**
     * Runs the inputs {@code tokens[p0 .. p0+m)} at positions p₀ .. p₀+m−1 of the window whose
     * first p₀ positions' keys and values {@code c} holds, writing theirs into {@code c}; leaves
     * the final-LN outputs in rows 0 .. m−1 of {@code s.h}.
     */
    void extend(TransformerLanguageModel.Cache c, int p0, int[] tokens, int m, Scratch s) {
        float[] x = s.x;
        float[] h = s.h;
        float[] qkv = s.qkv;
        float[] ctx = s.ctx;
        float[] tmp = s.tmp;
        float[] kt = c.keysF;
        float[] vs = c.valuesF;
        int t = context;
        for (int r = 0; r < m; r++) {
            int o = r * ld;
            int to = tokens[p0 + r] * d;
            int po = (p0 + r) * d;
            for (int j = 0; j < d; j++) {
                x[o + j] = token[to + j] + position[po + j];
            }
        }
        for (int l = 0; l < layers; l++) {
            copyRows(x, h, m);
            k.layerNorm(h, 0, m, d, ld, g1[l], be1[l], eps);
            k.forward(h, 0, ld, m, d, wQkv[l], bQkv[l], 3 * d, false, qkv, 0, ldQkv);
            for (int r = 0; r < m; r++) { // the new keys (transposed) and values into the cache
                int p = p0 + r;
                int q = r * ldQkv;
                for (int hd = 0; hd < heads; hd++) {
                    int kb = (l * heads + hd) * dk * t + p;
                    int from = q + d + hd * dk;
                    for (int j = 0; j < dk; j++) {
                        kt[kb + j * t] = qkv[from + j];
                    }
                }
                System.arraycopy(qkv, q + 2 * d, vs, (l * t + p) * d, d);
            }
            float[] sc = s.scores;
            for (int r = 0; r < m; r++) {
                int p = p0 + r;
                int q = r * ldQkv;
                int co = r * ld;
                for (int hd = 0; hd < heads; hd++) {
                    java.util.Arrays.fill(sc, 0, p + 1, 0f);
                    int kb = (l * heads + hd) * dk * t;
                    int qo = q + hd * dk;
                    for (int j = 0; j < dk; j++) {
                        float qj = qkv[qo + j];
                        int kr = kb + j * t;
                        for (int u = 0; u <= p; u++) {
                            sc[u] += qj * kt[kr + u];
                        }
                    }
                    k.softmax(sc, 0, 1, p + 1, ldS);
                    int c0 = co + hd * dk;
                    java.util.Arrays.fill(ctx, c0, c0 + dk, 0f);
                    for (int u = 0; u <= p; u++) {
                        float a = sc[u];
                        int vb = (l * t + u) * d + hd * dk;
                        for (int j = 0; j < dk; j++) {
                            ctx[c0 + j] += a * vs[vb + j];
                        }
                    }
                }
            }
            k.forward(ctx, 0, ld, m, d, wO[l], bO[l], d, false, tmp, 0, ld);
            addRows(tmp, x, m);
            copyRows(x, h, m);
            k.layerNorm(h, 0, m, d, ld, g2[l], be2[l], eps);
            k.forward(h, 0, ld, m, d, w1[l], b1[l], f, false, s.wide, 0, ldF);
            k.activate(DenseKernel.Fn.GELU, 0f, s.wide, 0, m, f, ldF);
            k.forward(s.wide, 0, ldF, m, f, w2[l], b2[l], d, false, tmp, 0, ld);
            addRows(tmp, x, m);
        }
        copyRows(x, h, m);
        k.layerNorm(h, 0, m, d, ld, gF, bF, eps);
    }

    /** The logits of rows r0 .. r0+m−1 of {@code s.h} into rows 0 .. m−1 of {@code s.logits} ({@link #ldV} apart). */
    void logits(Scratch s, int r0, int m) {
        k.forward(s.h, r0 * ld, ld, m, d, wOut, bOut, vocab, false, s.logits, 0, ldV);
    }

    /**
     * ln Σ_{w ≠ <s>} e^{z_w} of logit row r of {@code s.logits}, which it overwrites (with the
     * softmax): the kernel's row softmax with {@code <s>} at −∞, read at the largest logit
     * (whose probability is 1/Σ e^{z − max}).
     */
    double logNormaliser(Scratch s, int r) {
        float[] z = s.logits;
        int o = r * ldV;
        float max = Float.NEGATIVE_INFINITY;
        int arg = -1;
        for (int c = 0; c < vocab; c++) {
            if (c != Vocabulary.BOS && z[o + c] > max) {
                max = z[o + c];
                arg = c;
            }
        }
        if (arg < 0) { // NaN logits: no largest
            return Double.NaN;
        }
        z[o + Vocabulary.BOS] = Float.NEGATIVE_INFINITY;
        k.softmax(z, o, 1, vocab, ldV);
        return max - Math.log(z[o + arg]);
    }

    private void copyRows(float[] from, float[] to, int m) {
        for (int r = 0; r < m; r++) {
            System.arraycopy(from, r * ld, to, r * ld, d);
        }
    }

    /** y += x over the first D values of each row. */
    private void addRows(float[] x, float[] y, int m) {
        for (int r = 0; r < m; r++) {
            int o = r * ld;
            for (int j = 0; j < d; j++) {
                y[o + j] += x[o + j];
            }
        }
    }

    /** One thread's working rows for up to T positions, and a window for whole-sentence scoring. */
    final class Scratch {
        final float[] x = new float[context * ld];
        final float[] h = new float[context * ld];
        final float[] tmp = new float[context * ld];
        final float[] ctx = new float[context * ld];
        final float[] qkv = new float[context * ldQkv];
        final float[] wide = new float[context * ldF];
        final float[] scores = new float[ldS];
        final float[] logits = new float[context * ldV];
        final int[] window = new int[context];
        final TransformerLanguageModel.Cache cache = newCache();
    }
}
