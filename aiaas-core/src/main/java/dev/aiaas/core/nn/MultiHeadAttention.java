package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import dev.aiaas.core.math.Gemm;
import dev.aiaas.core.math.MathOps;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Multi-head scaled dot-product self-attention (Vaswani et al. 2017, "Attention is all you need"),
 * as PyTorch's {@code nn.MultiheadAttention(D, H, batch_first=True)} computes it with
 * query = key = value = x.
 *
 * <pre>
 * Q = x W_q + b_q     K = x W_k + b_k     V = x W_v + b_v              (each [T, D], per example)
 * for each head h (columns h·d_k .. (h+1)·d_k − 1, d_k = D / H):
 *   A_h = softmax_rows(Q_h K_hᵀ / √d_k + M)                            [T, T]
 *   C_h = A_h V_h                                                     [T, d_k]
 * y = concat_h(C_h) W_o + b_o                                         [T, D]
 * </pre>
 *
 * where the mask M is 0, or, when {@code causal}, −∞ above the diagonal (position t attends to
 * positions 0..t only). The softmax is {@link MathOps#softmax(double[], int)} over the unmasked
 * positions (max-subtracted, so stable for any scores). Gradients are the chain rule through the
 * above, with the softmax's ∂S = A ⊙ (∂A − rowsum(A ⊙ ∂A)).
 *
 * <p>Shapes: per example x and y {@code [T, D]}; a batch {@code [B, T, D]} in 'f' order (row
 * b + B·t of the {@code [B·T, D]} matrix is example b at step t, as for {@link TimeDistributed}).
 * Parameters, in θ's order, each W {@code [D, D]} column-major (the same memory as PyTorch's
 * {@code weight [out, in]} row by row): W_q, W_k, W_v (PyTorch's {@code in_proj_weight}), b_q,
 * b_k, b_v ({@code in_proj_bias}), W_o ({@code out_proj.weight}), b_o ({@code out_proj.bias}):
 * 4D² + 4D in all. Initialisation: each W Glorot-uniform over [D, D], biases 0.
 *
 * <p>Masks: the causal mask is a property of the layer. A key-padding mask belongs to a batch, and
 * the layer contract carries one input array: {@link #instantiate} therefore returns a
 * {@link MaskedInstance}, whose {@link MaskedInstance#keyPaddingMask} sets, for the following
 * forward and backward calls, which key positions of each example may be attended to (as
 * PyTorch's {@code key_padding_mask}, inverted: true = a real token). A masked key u gets
 * M[t, u] = −∞, so its attention weight is exactly 0 for every query t (BERT's additive
 * {@code (1 − mask)·min_float} gives the same weights); query rows at padded positions are still
 * computed, over the unmasked keys, as PyTorch and ONNX Runtime compute them. A query row with no
 * unmasked key in its window (only possible with the causal mask and left padding) attends to
 * nothing: C_h's row is 0.
 *
 * <p>The instance computes a training step ({@code forward(x, true)}, then {@code backward}) in
 * float64: the projections and their gradients (x W, dY Wᵀ, xᵀ dY: 12 products of [B·T, D] by
 * [D, D] per step) as BLAS dgemm calls ({@link Gemm}) on native float64 copies, the scores,
 * softmax and weighted sums in Java loops; over arrays it keeps between steps (grown only when
 * the batch grows), so a training step at a fixed batch size allocates no native memory. Inference ({@code forward(x, false)})
 * computes the four projections and the per-head scores and weighted sums as BLAS products in
 * the model's data type (as {@link Dense} does), and the masked softmax in float64 on the heap
 * with the fast exponential ({@link MathOps#expFast}, 1e-12 relative): the same formulas, to the
 * data type's rounding (float32 against the training path: about 1e-6 relative).
 *
 * @param heads  H, at least 1; the model width D must be a multiple of it
 * @param causal whether position t attends only to positions 0..t
 */
public record MultiHeadAttention(int heads, boolean causal) implements Layer {

    /**
     * Validates the head count.
     *
     * @param heads  H, at least 1
     * @param causal whether the causal mask applies
     */
    public MultiHeadAttention {
        if (heads < 1) {
            throw new IllegalArgumentException("heads must be a positive integer (the number of attention heads). Received: heads=" + heads);
        }
    }

    @Override
    public String type() {
        return "multi_head_attention";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        check(inputShape);
        return inputShape.clone();
    }

    @Override
    public long parameterCount(long[] inputShape) {
        long d = check(inputShape);
        return Math.addExact(Math.multiplyExact(4, Math.multiplyExact(d, d)), 4 * d);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("heads", heads);
        m.put("causal", causal);
        return m;
    }

    /** W_q, W_k, W_v as kernels, b_q, b_k, b_v as biases, W_o as a kernel, b_o as a bias. */
    @Override
    public List<ParameterSlice> parameterSlices(long[] inputShape) {
        long d = check(inputShape);
        long dd = d * d;
        return List.of(ParameterSlice.kernel(0, 3 * dd), ParameterSlice.bias(3 * dd, 3 * dd + 3 * d),
                ParameterSlice.kernel(3 * dd + 3 * d, 4 * dd + 3 * d), ParameterSlice.bias(4 * dd + 3 * d, 4 * dd + 4 * d));
    }

    /** {@code multi_head_attention (H heads[, causal])}. */
    @Override
    public String summaryName() {
        return type() + " (" + heads + " heads" + (causal ? ", causal" : "") + ")";
    }

    /** Checks [T, D] with D a multiple of H; returns D. */
    private long check(long[] inputShape) {
        if (inputShape.length != 2 || inputShape[0] < 1 || inputShape[1] < 1) {
            throw new IllegalArgumentException("multi_head_attention expects a sequence, input shape [T, D], got "
                    + Arrays.toString(inputShape) + "; put it after an embedding or a layer that outputs [T, D]");
        }
        if (inputShape[1] % heads != 0) {
            throw new IllegalArgumentException("multi_head_attention needs the model width D to be a multiple of heads. Received: D="
                    + inputShape[1] + ", heads=" + heads + "; choose heads dividing " + inputShape[1]);
        }
        return inputShape[1];
    }

    /**
     * The instance of a multi-head attention layer: a {@link Layer.Instance} that also takes a
     * key-padding mask for the batches that follow.
     */
    public interface MaskedInstance extends Layer.Instance {

        /**
         * Sets the key-padding mask for the following {@link #forward} and {@link #backward} calls
         * (kept until set again): {@code valid[b·T + u]} tells whether example b's position u is
         * a real token that queries may attend to; null removes the mask (every key attended).
         * The array is read at each forward call, not copied; its length must then be B·T for
         * that call's batch of B examples.
         *
         * @param valid B·T flags, example by example, or null
         */
        void keyPaddingMask(boolean[] valid);
    }

    /**
     * {@inheritDoc}
     *
     * @return a {@link MaskedInstance}, whose key-padding mask is unset (every key attended)
     */
    @Override
    public MaskedInstance instantiate(long[] inputShape, DataType dataType) {
        int d = Math.toIntExact(check(inputShape));
        int t = Math.toIntExact(inputShape[0]);
        return new Attention(t, d, heads, causal, dataType);
    }

    /** The working state of one instance: parameters and buffers as float64 arrays, reused between steps. */
    private static final class Attention implements MaskedInstance {
        private final int steps;
        private final int d;
        private final int heads;
        private final int dk;
        private final boolean causal;
        private final double scale;
        private final Workspace ws;
        /** Native float64 operands of the training path's BLAS products (dgemm). */
        private final Workspace dws = new Workspace(DataType.DOUBLE);
        private final int wq;
        private final int wk;
        private final int wv;
        private final int bq;
        private final int wo;
        private final int bo;
        private final int count;
        /** θ and ∇θ as float64, and a float32 staging row: made by the first training step (inference does not need them). */
        private double[] w;
        private double[] g;
        private float[] ftmp;
        /** Inference: the four biases' staging row. */
        private final float[] biasTmp;
        private final double[] row;
        private final double[] drow;
        /** Inference: b_q, b_k, b_v, b_o read from θ at each call. */
        private final double[] biasValues;
        /** [B, T, D], B set per call (no array made per step). */
        private final long[] shape;
        private INDArray params;
        private INDArray grads;
        private int rows = -1;
        /** {@link #rows} after an inference forward pass. */
        private static final int INFERRED = -2;
        private double[] x;
        private double[] q;
        private double[] k;
        private double[] v;
        private double[] c;
        private double[] p;
        private double[] dq;
        private double[] dk2;
        private double[] dv;
        private double[] dc;
        /** Training: Q, K, V, C (then ∂C) and ∂Q, ∂K, ∂V head-major, [B][H][T][d_k], so the score and weighted-sum loops read contiguous rows. */
        private double[] qh;
        private double[] kh;
        private double[] vh;
        private double[] ch;
        private double[] dqh;
        private double[] dkh;
        private double[] dvh;
        private float[] big;
        private boolean[] valid;
        /** Inference: Q, K, V [B·H, T, d_k], the scores [B·H, T, T] and the context [B·H, T, d_k], 'c' order, for the last B. */
        private INDArray[] headArrays;
        private float[] scoresTmp;
        /** Inference: Qᵀ, Kᵀ, Vᵀ and Cᵀ, 'f' [D, n], for the last n. */
        private final INDArray[] transposedArrays = new INDArray[4];

        Attention(int steps, int d, int heads, boolean causal, DataType dataType) {
            this.steps = steps;
            this.d = d;
            this.heads = heads;
            this.dk = d / heads;
            this.causal = causal;
            this.scale = 1 / Math.sqrt(dk);
            this.ws = new Workspace(dataType);
            int dd = d * d;
            wq = 0;
            wk = dd;
            wv = 2 * dd;
            bq = 3 * dd; // b_k = bq + d, b_v = bq + 2d
            wo = 3 * dd + 3 * d;
            bo = 4 * dd + 3 * d;
            count = 4 * dd + 4 * d;
            biasTmp = new float[4 * d];
            row = new double[steps];
            drow = new double[steps];
            biasValues = new double[4 * d];
            shape = new long[] {0, steps, d};
        }

        @Override
        public void keyPaddingMask(boolean[] valid) {
            this.valid = valid;
        }

        @Override
        public void bind(INDArray params, INDArray grads) {
            this.params = params;
            this.grads = grads;
        }

        @Override
        public void initialise(SplittableRandom random) {
            Buf b = Buf.of(params);
            double bound = Math.sqrt(6.0 / (2 * d)); // Glorot uniform over a [D, D] matrix
            for (int i = 0; i < count; i++) {
                boolean bias = i >= bq && i < wo || i >= bo;
                b.set(i, bias ? 0.0 : random.nextDouble(-bound, bound));
            }
        }

        /** Grows the per-batch arrays when the batch grows; a fixed batch size allocates nothing. */
        private void ensure(int n, boolean training) {
            int len = n * d;
            if (x == null || x.length < len) { // what both paths use (inference: x, c, dq as scratch)
                x = new double[len];
                c = new double[len];
                dq = new double[len];
                big = new float[len];
                q = null;
            }
            if (training && (q == null || q.length < len)) {
                q = new double[len];
                k = new double[len];
                v = new double[len];
                dk2 = new double[len];
                dv = new double[len];
                dc = new double[len];
                qh = new double[len];
                kh = new double[len];
                vh = new double[len];
                ch = new double[len];
                dqh = new double[len];
                dkh = new double[len];
                dvh = new double[len];
            }
            if (training && w == null) {
                w = new double[count];
                g = new double[count];
                ftmp = new float[count];
            }
            int pl = n * heads * steps; // n = B·T rows, each with H rows of T weights
            if (p == null || p.length < pl) {
                p = new double[pl];
            }
        }

        @Override
        public INDArray forward(INDArray xa, boolean training) {
            int b = Math.toIntExact(xa.size(0));
            int n = b * steps;
            if (valid != null && valid.length != n) {
                throw new IllegalArgumentException("multi_head_attention: the key-padding mask holds " + valid.length
                        + " flags but the batch has " + b + " examples of " + steps + " steps (" + n
                        + " expected); set a mask of B·T flags with keyPaddingMask, or null");
            }
            ensure(n, training);
            if (!training) {
                rows = INFERRED; // no backward after an inference call
                return infer(xa, b, n);
            }
            rows = n;
            Buf.of(params).get(0, w, ftmp, count);
            Buf.of(xa).get(0, x, big, n * d);
            INDArray nw = dws.vector("w", b, count);
            INDArray nx = dws.vector("in", b, (long) n * d);
            Buf.of(nw).write(0, w, count);
            Buf.of(nx).write(0, x, n * d);
            project(nx, n, nw, wq, bq, q, b);
            project(nx, n, nw, wk, bq + d, k, b);
            project(nx, n, nw, wv, bq + 2 * d, v, b);
            gather(q, qh, b);
            gather(k, kh, b);
            gather(v, vh, b);
            Arrays.fill(ch, 0, n * d, 0.0);
            for (int bi = 0; bi < b; bi++) {
                for (int h = 0; h < heads; h++) {
                    int base = (bi * heads + h) * steps * dk;
                    for (int ti = 0; ti < steps; ti++) {
                        int rt = bi + b * ti;
                        int qo = base + ti * dk;
                        int len = causal ? ti + 1 : steps;
                        boolean any = false;
                        for (int u = 0; u < len; u++) {
                            if (valid != null && !valid[bi * steps + u]) {
                                row[u] = Double.NEGATIVE_INFINITY; // a padded key: weight exactly 0
                                continue;
                            }
                            any = true;
                            int ko = base + u * dk;
                            double sc = 0;
                            for (int j = 0; j < dk; j++) {
                                sc += qh[qo + j] * kh[ko + j];
                            }
                            row[u] = sc * scale;
                        }
                        if (any) {
                            MathOps.softmax(row, len);
                        } else {
                            Arrays.fill(row, 0, len, 0.0); // no key to attend to: C_h's row is 0
                        }
                        int at = (rt * heads + h) * steps;
                        System.arraycopy(row, 0, p, at, len);
                        for (int u = 0; u < len; u++) {
                            int vo = base + u * dk;
                            double a = row[u];
                            for (int j = 0; j < dk; j++) {
                                ch[qo + j] += a * vh[vo + j];
                            }
                        }
                    }
                }
            }
            scatter(ch, c, b);
            Buf.of(nx).write(0, c, n * d);
            project(nx, n, nw, wo, bo, dq, b); // dq as scratch for y
            shape[0] = b;
            INDArray y = ws.array("y", shape);
            Buf.of(y).put(0, dq, big, n * d);
            return y;
        }

        /**
         * The inference pass, every product a direct BLAS call ({@link Gemm}, no ND4J op): each
         * projection Zᵀ = Wᵀ xᵀ into a [D, n] 'f' buffer, which is Z row by row (row r = b + B·t),
         * so each head's d_k values of a row are contiguous: Q (scaled by 1/√d_k), K and V, with
         * their biases, are gathered head-major into [B·H, T, d_k] buffers; per head the scores
         * S = Q Kᵀ and the context C = A V are BLAS products on those blocks; the masked softmax
         * A = softmax_rows(S + M) runs on the heap; finally y = C W_o + b_o by BLAS from C's
         * row-major buffer into y, which holds b_o first.
         */
        private INDArray infer(INDArray xa, int b, int n) {
            int bh = b * heads;
            if (headArrays == null || headArrays[0].size(0) != bh) {
                close(headArrays);
                DataType type = params.dataType();
                headArrays = new INDArray[] {
                    org.nd4j.linalg.factory.Nd4j.create(type, new long[] {bh, steps, dk}, 'c'),
                    org.nd4j.linalg.factory.Nd4j.create(type, new long[] {bh, steps, dk}, 'c'),
                    org.nd4j.linalg.factory.Nd4j.create(type, new long[] {bh, steps, dk}, 'c'),
                    org.nd4j.linalg.factory.Nd4j.create(type, new long[] {bh, steps, steps}, 'c'),
                    org.nd4j.linalg.factory.Nd4j.create(type, new long[] {bh, steps, dk}, 'c')};
                scoresTmp = new float[bh * steps * steps];
            }
            INDArray xf = xa.ordering() == 'f' && xa.elementWiseStride() == 1 ? xa : xa.dup('f');
            double[] bias = biasValues;
            Buf.of(params).get(bq, bias, biasTmp, 3 * d); // b_q, b_k, b_v
            Buf.of(params).get(bo, bias, 3 * d, biasTmp, d); // b_o
            int hs = steps * dk;
            double[] heads3 = dq; // head-major scratch
            int[] at = {wq, wk, wv};
            for (int i = 0; i < 3; i++) {
                INDArray zt = transposed(i, n);
                Gemm.gemm(true, true, d, n, d, 1.0, params, at[i], d, xf, 0, n, 0.0, zt, 0, d);
                Buf.of(zt).get(0, x, big, n * d); // row-major Z: x[r·D + j]
                double sc = i == 0 ? scale : 1.0;
                int bAt = i * d;
                for (int bi = 0; bi < b; bi++) {
                    for (int ti = 0; ti < steps; ti++) {
                        int r = (bi + b * ti) * d;
                        for (int h = 0; h < heads; h++) {
                            int o = (bi * heads + h) * hs + ti * dk;
                            int from = r + h * dk;
                            int bb = bAt + h * dk;
                            for (int j = 0; j < dk; j++) {
                                heads3[o + j] = (x[from + j] + bias[bb + j]) * sc;
                            }
                        }
                    }
                }
                Buf.of(headArrays[i]).put(0, heads3, big, n * d);
            }
            INDArray scores = headArrays[3];
            int tt = steps * steps;
            for (int g = 0; g < bh; g++) { // Sᵀ = K Qᵀ, column-major: S row by row
                Gemm.gemm(true, false, steps, steps, dk, 1.0, headArrays[1], (long) g * hs, dk, headArrays[0], (long) g * hs, dk,
                        0.0, scores, (long) g * tt, steps);
            }
            Buf.of(scores).get(0, p, scoresTmp, bh * tt);
            for (int bi = 0; bi < b; bi++) {
                for (int h = 0; h < heads; h++) {
                    int o = (bi * heads + h) * tt;
                    for (int ti = 0; ti < steps; ti++) {
                        int len = causal ? ti + 1 : steps;
                        int pos = o + ti * steps;
                        // softmax over the unmasked keys with the fast exponential (1e-12 relative,
                        // vectorised); a padded key's weight is set to exactly 0 afterwards
                        double max = Double.NEGATIVE_INFINITY;
                        int kb = bi * steps;
                        for (int u = 0; u < len; u++) {
                            double sv = p[pos + u];
                            row[u] = sv;
                            if (valid == null || valid[kb + u]) {
                                max = Math.max(max, sv);
                            }
                        }
                        if (max == Double.NEGATIVE_INFINITY) {
                            Arrays.fill(row, 0, len, 0.0); // no key to attend to: C_h's row is 0
                        } else {
                            for (int u = 0; u < len; u++) {
                                row[u] -= max;
                            }
                            MathOps.expFast(row, len);
                            if (valid != null) {
                                for (int u = 0; u < len; u++) {
                                    if (!valid[kb + u]) {
                                        row[u] = 0.0;
                                    }
                                }
                            }
                            double sum = 0;
                            for (int u = 0; u < len; u++) {
                                sum += row[u];
                            }
                            double inv = 1 / sum;
                            for (int u = 0; u < len; u++) {
                                row[u] *= inv;
                            }
                        }
                        System.arraycopy(row, 0, p, pos, len);
                        Arrays.fill(p, pos + len, pos + steps, 0.0); // the future, under the causal mask
                    }
                }
            }
            Buf.of(scores).put(0, p, scoresTmp, bh * tt);
            for (int g = 0; g < bh; g++) { // Cᵀ = Vᵀ Aᵀ, column-major: C row by row
                Gemm.gemm(false, false, dk, steps, steps, 1.0, headArrays[2], (long) g * hs, dk, scores, (long) g * tt, steps,
                        0.0, headArrays[4], (long) g * hs, dk);
            }
            Buf.of(headArrays[4]).get(0, heads3, big, n * d);
            for (int bi = 0; bi < b; bi++) { // C row-major: c[r·D + h·d_k + j]
                for (int ti = 0; ti < steps; ti++) {
                    int r = (bi + b * ti) * d;
                    for (int h = 0; h < heads; h++) {
                        System.arraycopy(heads3, (bi * heads + h) * hs + ti * dk, c, r + h * dk, dk);
                    }
                }
            }
            INDArray ct = transposed(3, n);
            Buf.of(ct).put(0, c, big, n * d);
            for (int j = 0; j < d; j++) { // y = b_o, column-major [n, D]
                Arrays.fill(c, n * j, n * (j + 1), bias[3 * d + j]);
            }
            shape[0] = b;
            INDArray y = ws.array("y", shape);
            Buf.of(y).put(0, c, big, n * d);
            Gemm.gemm(true, false, n, d, d, 1.0, ct, 0, d, params, wo, d, 1.0, y, 0, n);
            return y;
        }

        private static void close(INDArray[] arrays) {
            if (arrays != null) {
                for (INDArray a : arrays) {
                    a.close();
                }
            }
        }

        /** The inference buffer {@code slot} of shape [D, n], 'f' order (made again when n changes). */
        private INDArray transposed(int slot, int n) {
            INDArray a = transposedArrays[slot];
            if (a == null || a.size(1) != n) {
                if (a != null) {
                    a.close();
                }
                a = org.nd4j.linalg.factory.Nd4j.create(params.dataType(), new long[] {d, n}, 'f');
                transposedArrays[slot] = a;
            }
            return a;
        }

        /** out[r, o] = b[o] + Σ_i in[r, i] W[i, o], all column-major with n rows. */
        /** Column-major [B·T, D] (row b + B·t) to head-major [B][H][T][d_k]. */
        private void gather(double[] src, double[] dst, int b) {
            int n = b * steps;
            for (int col = 0; col < d; col++) {
                int h = col / dk;
                int j = col - h * dk;
                int sc = n * col;
                for (int bi = 0; bi < b; bi++) {
                    int o = (bi * heads + h) * steps * dk + j;
                    for (int ti = 0; ti < steps; ti++) {
                        dst[o + ti * dk] = src[sc + bi + b * ti];
                    }
                }
            }
        }

        /** The inverse of {@link #gather}. */
        private void scatter(double[] src, double[] dst, int b) {
            int n = b * steps;
            for (int col = 0; col < d; col++) {
                int h = col / dk;
                int j = col - h * dk;
                int sc = n * col;
                for (int bi = 0; bi < b; bi++) {
                    int o = (bi * heads + h) * steps * dk + j;
                    for (int ti = 0; ti < steps; ti++) {
                        dst[sc + bi + b * ti] = src[o + ti * dk];
                    }
                }
            }
        }

        /**
         * out[r, o] = Σ_i in[r, i] W[i, o] + b[o] for the n rows: one dgemm (n x D by D x D) on the
         * native float64 copies {@code in} ('f' [n, D]) and {@code nw} (θ), the bias added on the heap.
         */
        private void project(INDArray in, int n, INDArray nw, int wAt, int bAt, double[] out, int b) {
            INDArray t = dws.vector("out", b, (long) n * d);
            Gemm.gemm(false, false, n, d, d, 1.0, in, 0, n, nw, wAt, d, 0.0, t, 0, n);
            Buf.of(t).read(0, out, n * d);
            for (int o = 0; o < d; o++) {
                double bias = w[bAt + o];
                int oc = n * o;
                for (int r = 0; r < n; r++) {
                    out[oc + r] += bias;
                }
            }
        }

        /**
         * ∂W[i, o] = Σ_r in[r, i] dOut[r, o] (one dgemm, inᵀ dOut, into {@code ng} at W's offset);
         * ∂b[o] = Σ_r dOut[r, o] on the heap into g; then, when {@code dIn} is given,
         * dIn (+)= dOut Wᵀ (one dgemm; added when {@code add}).
         */
        private void projectGrads(INDArray in, double[] dOut, int n, INDArray nw, INDArray ng, int wAt, int bAt, INDArray dIn,
                boolean add, int b) {
            for (int o = 0; o < d; o++) {
                int oc = n * o;
                double sb = 0;
                for (int r = 0; r < n; r++) {
                    sb += dOut[oc + r];
                }
                g[bAt + o] = sb;
            }
            INDArray nd = dws.vector("out", b, (long) n * d);
            Buf.of(nd).write(0, dOut, n * d);
            Gemm.gemm(true, false, d, d, n, 1.0, in, 0, n, nd, 0, n, 0.0, ng, wAt, d);
            if (dIn != null) {
                Gemm.gemm(false, true, n, d, d, 1.0, nd, 0, n, nw, wAt, d, add ? 1.0 : 0.0, dIn, 0, n);
            }
        }

        @Override
        public INDArray backward(INDArray xa, INDArray ya, INDArray dya, boolean needInput) {
            int b = Math.toIntExact(xa.size(0));
            int n = b * steps;
            if (rows == INFERRED) {
                throw new IllegalStateException("multi_head_attention: backward after an inference forward (training = false); "
                        + "call forward(x, true) on this batch first");
            }
            if (n != rows) {
                throw new IllegalStateException("multi_head_attention: backward for a batch of " + b
                        + " after a forward for another batch size; call forward(x, true) on this batch first");
            }
            double[] dy = dq; // dq is free until the attention part below: ∂L/∂y first
            Buf.of(dya).get(0, dy, big, n * d);
            INDArray nw = dws.vector("w", b, count);
            INDArray ng = dws.vector("g", b, count);
            INDArray nin = dws.vector("in", b, (long) n * d);
            INDArray ndx = dws.vector("dx", b, (long) n * d);
            Buf.of(nw).write(0, w, count); // θ as the forward pass read it
            Buf.of(nin).write(0, c, n * d);
            projectGrads(nin, dy, n, nw, ng, wo, bo, ndx, false, b);
            Buf.of(ndx).read(0, dc, n * d);
            gather(dc, ch, b); // ch is free after the forward pass: ∂C head-major
            Arrays.fill(dqh, 0, n * d, 0.0);
            Arrays.fill(dkh, 0, n * d, 0.0);
            Arrays.fill(dvh, 0, n * d, 0.0);
            for (int bi = 0; bi < b; bi++) {
                for (int h = 0; h < heads; h++) {
                    int base = (bi * heads + h) * steps * dk;
                    for (int ti = 0; ti < steps; ti++) {
                        int rt = bi + b * ti;
                        int co = base + ti * dk;
                        int len = causal ? ti + 1 : steps;
                        int at = (rt * heads + h) * steps;
                        double dot = 0;
                        for (int u = 0; u < len; u++) {
                            int vo = base + u * dk;
                            double a = p[at + u];
                            double sc = 0;
                            for (int j = 0; j < dk; j++) {
                                double gc = ch[co + j];
                                sc += gc * vh[vo + j];
                                dvh[vo + j] += a * gc;
                            }
                            drow[u] = sc;
                            dot += a * sc;
                        }
                        for (int u = 0; u < len; u++) {
                            int ko = base + u * dk;
                            double ds = p[at + u] * (drow[u] - dot) * scale;
                            for (int j = 0; j < dk; j++) {
                                dqh[co + j] += ds * kh[ko + j];
                                dkh[ko + j] += ds * qh[co + j];
                            }
                        }
                    }
                }
            }
            scatter(dqh, dq, b);
            scatter(dkh, dk2, b);
            scatter(dvh, dv, b);
            Buf.of(nin).write(0, x, n * d);
            INDArray dIn = needInput ? ndx : null;
            projectGrads(nin, dq, n, nw, ng, wq, bq, dIn, false, b);
            projectGrads(nin, dk2, n, nw, ng, wk, bq + d, dIn, true, b);
            projectGrads(nin, dv, n, nw, ng, wv, bq + 2 * d, dIn, true, b);
            Buf gb = Buf.of(ng); // the kernels' gradients from BLAS; the biases' are already in g
            gb.get(wq, g, wq, ftmp, 3 * d * d);
            gb.get(wo, g, wo, ftmp, d * d);
            Buf.of(grads).put(0, g, ftmp, count);
            if (!needInput) {
                return null;
            }
            Buf.of(ndx).read(0, dc, n * d); // ∂L/∂x
            shape[0] = b;
            INDArray dx = ws.array("dx", shape);
            Buf.of(dx).put(0, dc, big, n * d);
            return dx;
        }

        @Override
        public void close() {
            ws.close();
            dws.close();
            close(headArrays);
            headArrays = null;
            for (int i = 0; i < transposedArrays.length; i++) {
                if (transposedArrays[i] != null) {
                    transposedArrays[i].close();
                    transposedArrays[i] = null;
                }
            }
        }
    }
}
