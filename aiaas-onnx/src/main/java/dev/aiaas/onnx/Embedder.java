package dev.aiaas.onnx;

import dev.aiaas.nlp.text.Encoding;
import dev.aiaas.nlp.text.HfTokenizer;
import dev.aiaas.nlp.text.HfTokenizers;
import dev.aiaas.nlp.text.Truncation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Sentences in, vectors out: a BERT-family encoder imported from ONNX ({@link OnnxImport#encoder})
 * with its own Hugging Face tokenizer ({@code tokenizer.json}, read by {@link HfTokenizers}).
 *
 * <pre>{@code
 * try (Embedder e = Embedder.load(Path.of("all-minilm-l6-v2.onnx"), Path.of("tokenizer.json"),
 *                                 EmbedderOptions.defaults())) {
 *     float[][] v = e.embed(List.of("A man plays a guitar.", "Someone plays the guitar."));  // [2][384]
 *     double cosine = Embedder.dot(v[0], v[1]);                                               // unit vectors
 * }
 * }</pre>
 *
 * Each sentence is tokenized (normalisation, special tokens, truncation at
 * {@link EmbedderOptions#maxTokens()}), encoded in batches of {@link EmbedderOptions#batchSize()}
 * (padded to the batch's longest; padding is masked out, so a sentence's vector does not depend
 * on its batch), pooled ({@link Pooling}) and, by default, L2-normalised.
 *
 * <p>Thread-safe: calls from several threads run one at a time on the one encoder (its working
 * buffers are not shared); for parallel throughput make one {@code Embedder} per thread.
 */
public final class Embedder implements AutoCloseable {

    private final TransformerEncoder encoder;
    private final HfTokenizer tokenizer;
    private final EmbedderOptions options;
    private final String source;

    private Embedder(TransformerEncoder encoder, HfTokenizer tokenizer, EmbedderOptions options, String source) {
        this.encoder = encoder;
        this.options = options;
        this.source = source;
        int positions = encoder.config().maxPositions();
        if (options.maxTokens() > positions) {
            throw new IllegalArgumentException("maxTokens is " + options.maxTokens() + " but the model " + source + " has "
                    + positions + " positions; give at most " + positions);
        }
        if (tokenizer.vocabSize() > encoder.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " ids but the model " + source
                    + " has " + encoder.config().vocabSize() + " word embeddings: the tokenizer does not fit the model; "
                    + "give the model's own tokenizer.json");
        }
        this.tokenizer = tokenizer.withTruncation(Truncation.of(options.maxTokens())).withPadding(null);
    }

    /**
     * Imports the encoder and reads its tokenizer.
     *
     * @param model     the encoder as an fp32 ONNX file ({@link OnnxImport#encoder(Path)})
     * @param tokenizer its {@code tokenizer.json}
     * @param options   pooling, normalisation, truncation and batch size
     * @return the embedder; close it to free the encoder's buffers
     * @throws OnnxImportException      when the model cannot be imported (the operator or node named)
     * @throws IOException              when a file cannot be read or the tokenizer file is malformed
     * @throws IllegalArgumentException when the tokenizer has more ids than the model has embeddings, or
     *                                  {@code maxTokens} exceeds the model's positions
     */
    public static Embedder load(Path model, Path tokenizer, EmbedderOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        HfTokenizer tok = HfTokenizers.load(tokenizer);
        TransformerEncoder enc = OnnxImport.encoder(model);
        try {
            return new Embedder(enc, tok, options, model.toString());
        } catch (RuntimeException e) {
            enc.close();
            throw e;
        }
    }

    /**
     * An embedder over an encoder already imported; it takes ownership of {@code encoder} (closing
     * the embedder closes it).
     *
     * @param encoder   the encoder
     * @param tokenizer its tokenizer
     * @param options   the options
     * @return the embedder
     * @throws IllegalArgumentException as {@link #load}
     */
    public static Embedder of(TransformerEncoder encoder, HfTokenizer tokenizer, EmbedderOptions options) {
        return new Embedder(Objects.requireNonNull(encoder, "encoder"), Objects.requireNonNull(tokenizer, "tokenizer"),
                Objects.requireNonNull(options, "options"), "(in memory)");
    }

    /**
     * The tokenizer file that belongs beside a model file, by the names Hugging Face exports and
     * Maven-packaged models use: {@code STEM-tokenizer.json}, {@code STEM.tokenizer.json}, then
     * {@code tokenizer.json}, in the model's folder.
     *
     * @param model the model file, e.g. {@code models/all-minilm-l6-v2.onnx}
     * @return the first of those that exists, or empty
     */
    public static Optional<Path> tokenizerBeside(Path model) {
        Path dir = model.toAbsolutePath().getParent();
        String name = model.getFileName().toString();
        String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        for (String candidate : List.of(stem + "-tokenizer.json", stem + ".tokenizer.json", "tokenizer.json")) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** {@return D, the length of every vector} */
    public int dimension() {
        return encoder.config().dim();
    }

    /** {@return the options it embeds with} */
    public EmbedderOptions options() {
        return options;
    }

    /** {@return the encoder's sizes} */
    public TransformerEncoder.Config config() {
        return encoder.config();
    }

    /**
     * Embeds one sentence.
     *
     * @param sentence any text (an empty one gives the special tokens' vector)
     * @return [D]
     */
    public float[] embed(String sentence) {
        return embed(List.of(sentence))[0];
    }

    /**
     * Embeds sentences, in order.
     *
     * @param sentences the texts (none null)
     * @return [N][D], one vector per sentence
     * @throws NullPointerException     naming the null sentence
     * @throws IllegalStateException    after {@link #close()}
     */
    public float[][] embed(List<String> sentences) {
        int n = sentences.size();
        for (int i = 0; i < n; i++) {
            if (sentences.get(i) == null) {
                throw new NullPointerException("sentence " + i + " is null; expected a string (\"\" for an empty one)");
            }
        }
        float[][] out = new float[n][];
        int b = options.batchSize();
        for (int from = 0; from < n; from += b) {
            int m = Math.min(b, n - from);
            int[][] ids = new int[m][];
            int[][] mask = new int[m][];
            int[][] types = new int[m][];
            for (int i = 0; i < m; i++) {
                Encoding e = tokenizer.encode(sentences.get(from + i));
                ids[i] = e.ids();
                mask[i] = e.attentionMask();
                types[i] = e.typeIds();
            }
            float[][] v;
            synchronized (encoder) {
                v = encoder.embed(ids, mask, types, options.pooling(), options.normalize());
            }
            System.arraycopy(v, 0, out, from, m);
        }
        return out;
    }

    /**
     * The dot product of two vectors: their cosine similarity when both are unit vectors.
     *
     * @param a a vector
     * @param b a vector of the same length
     * @return Σ aᵢbᵢ, summed in double
     */
    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of lengths " + a.length + " and " + b.length + "; expected equal lengths");
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** Frees the encoder's working buffers; later calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        synchronized (encoder) {
            encoder.close();
        }
    }
}
