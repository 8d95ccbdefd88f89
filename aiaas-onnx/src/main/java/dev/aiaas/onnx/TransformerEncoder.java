package dev.aiaas.onnx;

import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Embedding;
import dev.aiaas.core.nn.Initializer;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.LayerNorm;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.MultiHeadAttention;
import dev.aiaas.core.nn.PositionEmbedding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A BERT-family sentence encoder (post-LN transformer encoder) computed by aiaas layers, with
 * weights imported from ONNX by {@link OnnxImport#encoder}.
 *
 * <pre>
 * h₀ = LayerNorm(Embedding_word(ids) + PositionEmbedding(0..T−1) + Embedding_type(types))
 * for each of the L layers:
 *   h₁ = LayerNorm(h + MultiHeadAttention(h; key-padding mask))        bidirectional, H heads
 *   h  = LayerNorm(h₁ + Dense_D(Dense_F(h₁, gelu_erf)))
 * hiddenStates = h                                                    [B, T, D]
 * embed = normalise(Σ_t mask[t]·h[t] / Σ_t mask[t])                   mean pooling, then L2
 * </pre>
 *
 * The layers are the core's {@link Embedding}, {@link PositionEmbedding}, {@link LayerNorm},
 * {@link MultiHeadAttention} (through its {@link MultiHeadAttention.MaskedInstance} key-padding
 * mask) and {@link dev.aiaas.core.nn.Dense} with {@link Activation#GELU_ERF}, each applied over
 * the sequence by {@link dev.aiaas.core.nn.TimeDistributed}; the model's data type is float32
 * (attention computes in float64 inside). A batch of sequences of different lengths is padded to
 * the longest with id 0, type 0 and mask 0; the padded keys get attention weight 0, so each
 * sequence's states are those it has alone.
 *
 * <p>When the JVM runs the packed Vector API kernel ({@code --add-modules jdk.incubator.vector}
 * on a CPU with AVX2 or AVX-512), the same formulas are computed instead in float32 on heap rows
 * with that kernel, the weights packed once at construction and the working rows reused between
 * calls (about 3x faster for all-MiniLM-L6-v2 at one thread); the layers above are the fallback.
 * Both agree to float32 rounding.
 *
 * <p>Inference only. Instances of the layers are made per padded length T (the attention layer
 * is built for a fixed T) and kept for the last few lengths. Not thread-safe: one thread at a
 * time per encoder (make one per thread; they may not share the weights yet).
 */
public final class TransformerEncoder implements AutoCloseable {

    /** How many padded lengths keep their layer instances. */
    private static final int CACHED_LENGTHS = 4;

    /**
     * The encoder's sizes.
     *
     * @param vocabSize     V, the word table's rows (token ids in [0, V))
     * @param maxPositions  P, the position table's rows: the longest sequence
     * @param typeVocabSize the token-type table's rows (types in [0, this)); 0 when the model has no token types
     * @param dim           D, the hidden width
     * @param heads         H, attention heads (D a multiple of H)
     * @param layers        L, encoder layers
     * @param intermediate  F, the feed-forward width
     * @param epsilon       the layer normalisations' ε
     */
    public record Config(int vocabSize, int maxPositions, int typeVocabSize, int dim, int heads, int layers, int intermediate,
            double epsilon) {

        /**
         * Validates the sizes.
         *
         * @param vocabSize     V, at least 1
         * @param maxPositions  P, at least 1
         * @param typeVocabSize token types, at least 0
         * @param dim           D, at least 1, a multiple of heads
         * @param heads         H, at least 1
         * @param layers        L, at least 1
         * @param intermediate  F, at least 1
         * @param epsilon       ε &gt; 0
         */
        public Config {
            if (vocabSize < 1 || maxPositions < 1 || typeVocabSize < 0 || dim < 1 || heads < 1 || layers < 1 || intermediate < 1
                    || dim % heads != 0 || !(epsilon > 0)) {
                throw new IllegalArgumentException("invalid encoder sizes: " + "vocabSize=" + vocabSize + ", maxPositions=" + maxPositions
                        + ", typeVocabSize=" + typeVocabSize + ", dim=" + dim + ", heads=" + heads + ", layers=" + layers
                        + ", intermediate=" + intermediate + ", epsilon=" + epsilon
                        + "; expected positive sizes (typeVocabSize >= 0), dim a multiple of heads and epsilon > 0");
            }
        }
    }

    private final Config config;
    private final List<String> inputNames;
    /** The float32 heap path with the packed kernel, or null: then the layers below compute (ND4J). */
    private final PackedEncoder packed;
    private final INDArray word;
    private final INDArray position;
    private final INDArray type;
    private final INDArray embNorm;
    private final INDArray[] attention;
    private final INDArray[] norm1;
    private final INDArray[] ff1;
    private final INDArray[] ff2;
    private final INDArray[] norm2;
    private final Layer wordLayer;
    private final Layer positionLayer;
    private final Layer typeLayer;
    private final Layer normLayer;
    private final MultiHeadAttention attentionLayer;
    private final Layer ff1Layer;
    private final Layer ff2Layer;
    private final LinkedHashMap<Integer, Stack> stacks = new LinkedHashMap<>(8, 0.75f, true);
    private boolean closed;
    /** The row stride of the states {@link #run} returned last. */
    private int outLd;

    TransformerEncoder(EncoderWeights w) {
        this(w, DenseKernels.VECTOR.orElse(null));
    }

    /**
     * @param w      the weights
     * @param kernel the packed kernel of the float32 heap path, or null for the layers on ND4J
     */
    TransformerEncoder(EncoderWeights w, DenseKernel kernel) {
        this.config = w.config();
        List<String> names = new ArrayList<>();
        for (String n : w.inputs()) {
            names.add(n == null ? "" : n);
        }
        this.inputNames = List.copyOf(names);
        Config c = config;
        packed = kernel == null ? null : new PackedEncoder(w, kernel);
        boolean nd4j = packed == null;
        word = nd4j ? vector(w.word()) : null;
        position = nd4j ? vector(w.position()) : null;
        type = w.type() == null || !nd4j ? null : vector(w.type());
        embNorm = nd4j ? vector(w.embNorm()) : null;
        attention = new INDArray[c.layers()];
        norm1 = new INDArray[c.layers()];
        ff1 = new INDArray[c.layers()];
        ff2 = new INDArray[c.layers()];
        norm2 = new INDArray[c.layers()];
        for (int l = 0; l < c.layers() && nd4j; l++) {
            attention[l] = vector(w.attention().get(l));
            norm1[l] = vector(w.norm1().get(l));
            ff1[l] = vector(w.ff1().get(l));
            ff2[l] = vector(w.ff2().get(l));
            norm2[l] = vector(w.norm2().get(l));
        }
        wordLayer = new Embedding(c.vocabSize(), c.dim(), Initializer.zeros());
        positionLayer = Layers.positionEmbedding(c.maxPositions());
        typeLayer = c.typeVocabSize() == 0 ? null : new Embedding(c.typeVocabSize(), c.dim(), Initializer.zeros());
        normLayer = Layers.timeDistributed(Layers.layerNorm(c.epsilon()));
        attentionLayer = Layers.multiHeadAttention(c.heads(), false);
        ff1Layer = Layers.timeDistributed(Layers.dense(c.intermediate(), Activation.GELU_ERF));
        ff2Layer = Layers.timeDistributed(Layers.dense(c.dim()));
    }

    private static INDArray vector(float[] values) {
        return Nd4j.createFromArray(values);
    }

    /** {@return the encoder's sizes} */
    public Config config() {
        return config;
    }

    /**
     * The ONNX graph's input names, in the order ids, attention mask, token types (empty when the
     * model has none): for a caller that feeds the same file to another runtime.
     *
     * @return three names
     */
    public List<String> inputNames() {
        return inputNames;
    }

    /** The layer instances for one padded length T. */
    private final class Stack implements AutoCloseable {
        final Layer.Instance word;
        final Layer.Instance position;
        final Layer.Instance type;
        final Layer.Instance embNorm;
        final MultiHeadAttention.MaskedInstance[] attention;
        final Layer.Instance[] norm1;
        final Layer.Instance[] ff1;
        final Layer.Instance[] ff2;
        final Layer.Instance[] norm2;
        private final List<Layer.Instance> all = new ArrayList<>();

        Stack(int t) {
            Config c = config;
            long[] ids = {t};
            long[] seq = {t, c.dim()};
            long[] wide = {t, c.intermediate()};
            word = make(wordLayer, ids, TransformerEncoder.this.word);
            position = make(positionLayer, seq, TransformerEncoder.this.position);
            type = typeLayer == null ? null : make(typeLayer, ids, TransformerEncoder.this.type);
            embNorm = make(normLayer, seq, TransformerEncoder.this.embNorm);
            int n = c.layers();
            attention = new MultiHeadAttention.MaskedInstance[n];
            norm1 = new Layer.Instance[n];
            ff1 = new Layer.Instance[n];
            ff2 = new Layer.Instance[n];
            norm2 = new Layer.Instance[n];
            for (int l = 0; l < n; l++) {
                MultiHeadAttention.MaskedInstance a = attentionLayer.instantiate(seq, DataType.FLOAT);
                all.add(a);
                bind(a, TransformerEncoder.this.attention[l]);
                attention[l] = a;
                norm1[l] = make(normLayer, seq, TransformerEncoder.this.norm1[l]);
                ff1[l] = make(ff1Layer, seq, TransformerEncoder.this.ff1[l]);
                ff2[l] = make(ff2Layer, wide, TransformerEncoder.this.ff2[l]);
                norm2[l] = make(normLayer, seq, TransformerEncoder.this.norm2[l]);
            }
        }

        private Layer.Instance make(Layer layer, long[] shape, INDArray params) {
            Layer.Instance i = layer.instantiate(shape, DataType.FLOAT);
            all.add(i);
            bind(i, params);
            return i;
        }

        /**
         * Binds θ; inference never calls backward, so the gradient views the layers take alias θ
         * instead of allocating a second copy of the weights.
         */
        private void bind(Layer.Instance i, INDArray params) {
            i.bind(params, params);
        }

        @Override
        public void close() {
            for (Layer.Instance i : all) {
                i.close();
            }
        }
    }

    private Stack stack(int t) {
        Stack s = stacks.get(t);
        if (s == null) {
            s = new Stack(t);
            stacks.put(t, s);
            if (stacks.size() > CACHED_LENGTHS) {
                Map.Entry<Integer, Stack> eldest = stacks.entrySet().iterator().next();
                stacks.remove(eldest.getKey());
                eldest.getValue().close();
            }
        }
        return s;
    }

    /**
     * The last hidden states of a batch of token-id sequences.
     *
     * @param ids            B sequences of token ids in [0, V), each of length 1 .. P; lengths may differ
     * @param attentionMask  per sequence, 1 for a token that may be attended to and 0 for padding (same lengths
     *                       as {@code ids}, at least one 1 each); null for all ones
     * @param tokenTypeIds   per sequence, token types in [0, typeVocabSize) (same lengths); null for all zeros
     * @return [B][T_b][D]: each sequence's states at its own T_b positions
     * @throws IllegalArgumentException when an id, type or mask value or a length is out of range,
     *                                  naming the sequence and position
     */
    public float[][][] hiddenStates(int[][] ids, int[][] attentionMask, int[][] tokenTypeIds) {
        Batch b = batch(ids, attentionMask, tokenTypeIds);
        float[] h = run(b);
        int d = config.dim();
        int n = b.size;
        int t = b.steps;
        int ld = outLd;
        float[][][] out = new float[n][][];
        for (int e = 0; e < n; e++) {
            out[e] = new float[ids[e].length][d];
            for (int s = 0; s < ids[e].length; s++) {
                System.arraycopy(h, (e * t + s) * ld, out[e][s], 0, d);
            }
        }
        return out;
    }

    /**
     * Sentence embeddings as all-MiniLM-L6-v2 (sentence-transformers) computes them: the hidden
     * states averaged over the positions whose mask is 1, then divided by their L2 norm.
     *
     * @param ids           as for {@link #hiddenStates}
     * @param attentionMask as for {@link #hiddenStates} (null: all ones)
     * @param tokenTypeIds  as for {@link #hiddenStates} (null: all zeros)
     * @return [B][D] unit vectors
     */
    public float[][] embed(int[][] ids, int[][] attentionMask, int[][] tokenTypeIds) {
        return embed(ids, attentionMask, tokenTypeIds, Pooling.MEAN, true);
    }

    /**
     * Sentence embeddings with a chosen pooling: {@link Pooling#MEAN} averages the hidden states
     * over the positions whose mask is 1 (sentence-transformers' default), {@link Pooling#CLS}
     * takes the state at position 0 (the {@code [CLS]} token); then, when {@code normalize},
     * each vector is divided by its L2 norm (max(‖v‖, 1e-12)).
     *
     * @param ids           as for {@link #hiddenStates}
     * @param attentionMask as for {@link #hiddenStates} (null: all ones)
     * @param tokenTypeIds  as for {@link #hiddenStates} (null: all zeros)
     * @param pooling       how a sequence's states become one vector
     * @param normalize     whether to scale each vector to unit length
     * @return [B][D]
     */
    public float[][] embed(int[][] ids, int[][] attentionMask, int[][] tokenTypeIds, Pooling pooling, boolean normalize) {
        java.util.Objects.requireNonNull(pooling, "pooling");
        Batch b = batch(ids, attentionMask, tokenTypeIds);
        float[] h = run(b);
        int d = config.dim();
        int n = b.size;
        int t = b.steps;
        int ld = outLd;
        float[][] out = new float[n][d];
        double[] sum = new double[d];
        for (int e = 0; e < n; e++) {
            java.util.Arrays.fill(sum, 0);
            if (pooling == Pooling.CLS) {
                for (int c = 0; c < d; c++) {
                    sum[c] = h[e * t * ld + c];
                }
            } else {
                double count = 0;
                for (int s = 0; s < t; s++) {
                    if (!b.valid[e * t + s]) {
                        continue;
                    }
                    count++;
                    int o = (e * t + s) * ld;
                    for (int c = 0; c < d; c++) {
                        sum[c] += h[o + c];
                    }
                }
                for (int c = 0; c < d; c++) {
                    sum[c] /= count;
                }
            }
            double norm = 1;
            if (normalize) {
                double sq = 0;
                for (int c = 0; c < d; c++) {
                    sq += sum[c] * sum[c];
                }
                norm = Math.max(Math.sqrt(sq), 1e-12);
            }
            for (int c = 0; c < d; c++) {
                out[e][c] = (float) (sum[c] / norm);
            }
        }
        return out;
    }

    /**
     * {@link #embed(int[][], int[][], int[][])} of unpadded sequences: every token attended, types 0.
     *
     * @param ids B sequences of token ids
     * @return [B][D] unit vectors
     */
    public float[][] embed(int[][] ids) {
        return embed(ids, null, null);
    }

    /** A checked, padded batch: ids, types as float32 [B, T] row-major, the key mask as B·T flags. */
    private record Batch(int size, int steps, float[] ids, float[] types, boolean[] valid) {
    }

    private Batch batch(int[][] ids, int[][] mask, int[][] types) {
        if (closed) {
            throw new IllegalStateException("this TransformerEncoder is closed");
        }
        if (ids == null || ids.length == 0) {
            throw new IllegalArgumentException("ids must hold at least one sequence");
        }
        int n = ids.length;
        check(mask, n, "attentionMask");
        check(types, n, "tokenTypeIds");
        int t = 0;
        for (int e = 0; e < n; e++) {
            if (ids[e] == null || ids[e].length < 1 || ids[e].length > config.maxPositions()) {
                throw new IllegalArgumentException("sequence " + e + " has " + (ids[e] == null ? "no array" : ids[e].length + " tokens")
                        + "; each sequence must have 1 to " + config.maxPositions() + " tokens (the model's position table; truncate longer ones)");
            }
            t = Math.max(t, ids[e].length);
        }
        float[] x = new float[n * t];
        float[] y = new float[n * t];
        boolean[] valid = new boolean[n * t];
        for (int e = 0; e < n; e++) {
            int len = ids[e].length;
            if (mask != null && mask[e].length != len || types != null && types[e].length != len) {
                throw new IllegalArgumentException("sequence " + e + " has " + len + " ids but " + (mask != null && mask[e].length != len
                        ? mask[e].length + " attention-mask values" : types[e].length + " token types") + "; give one per id");
            }
            boolean any = false;
            for (int s = 0; s < len; s++) {
                int id = ids[e][s];
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " at sequence " + e + ", position " + s
                            + " is outside the vocabulary [0, " + config.vocabSize() + ")");
                }
                int m = mask == null ? 1 : mask[e][s];
                if (m != 0 && m != 1) {
                    throw new IllegalArgumentException("attention-mask value " + m + " at sequence " + e + ", position " + s
                            + "; expected 1 (attend) or 0 (padding)");
                }
                int ty = types == null ? 0 : types[e][s];
                if (ty < 0 || ty >= Math.max(1, config.typeVocabSize()) || ty != 0 && typeLayer == null) {
                    throw new IllegalArgumentException("token type " + ty + " at sequence " + e + ", position " + s + " is outside [0, "
                            + Math.max(1, config.typeVocabSize()) + ")" + (typeLayer == null ? "; the model has no token types" : ""));
                }
                x[e * t + s] = id;
                y[e * t + s] = ty;
                valid[e * t + s] = m == 1;
                any |= m == 1;
            }
            if (!any) {
                throw new IllegalArgumentException("sequence " + e + " has no position with attention-mask 1; at least one token must be attended");
            }
        }
        return new Batch(n, t, x, y, valid);
    }

    private static void check(int[][] values, int n, String what) {
        if (values == null) {
            return;
        }
        if (values.length != n) {
            throw new IllegalArgumentException(what + " holds " + values.length + " sequences but ids holds " + n + "; give one per sequence");
        }
        for (int e = 0; e < n; e++) {
            if (values[e] == null) {
                throw new IllegalArgumentException(what + "[" + e + "] is null; give an array per sequence, or null for the whole argument");
            }
        }
    }

    /**
     * The forward pass; the last hidden states as row-major [B·T, D] rows {@link #outLd} apart
     * (sequence b's position t at {@code (b·T + t)·outLd}).
     */
    private float[] run(Batch b) {
        if (packed != null) {
            outLd = packed.ld;
            return packed.run(b.size, b.steps, b.ids, b.types, b.valid);
        }
        Stack s = stack(b.steps);
        INDArray ids = Nd4j.create(b.ids, new long[] {b.size, b.steps}, 'c');
        INDArray h = s.position.forward(s.word.forward(ids, false), false);
        if (s.type != null) {
            h.addi(s.type.forward(Nd4j.create(b.types, new long[] {b.size, b.steps}, 'c'), false));
        }
        h = s.embNorm.forward(h, false);
        for (int l = 0; l < config.layers(); l++) {
            s.attention[l].keyPaddingMask(b.valid);
            INDArray a = s.attention[l].forward(h, false);
            a.addi(h);
            INDArray h1 = s.norm1[l].forward(a, false);
            INDArray f = s.ff2[l].forward(s.ff1[l].forward(h1, false), false);
            f.addi(h1);
            h = s.norm2[l].forward(f, false);
        }
        outLd = config.dim();
        return h.dup('c').data().asFloat(); // [B, T, D] 'c': (b·T + t)·D + c
    }

    /** Frees the layers' working buffers (the encoder cannot be used afterwards). */
    @Override
    public void close() {
        closed = true;
        for (Stack s : stacks.values()) {
            s.close();
        }
        stacks.clear();
        if (packed != null) {
            packed.release();
        }
    }
}
