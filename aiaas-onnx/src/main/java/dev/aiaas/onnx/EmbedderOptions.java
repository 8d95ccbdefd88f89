package dev.aiaas.onnx;

import java.util.Objects;

/**
 * How an {@link Embedder} turns sentences into vectors.
 *
 * @param pooling   how the encoder's hidden states become one vector ({@link Pooling#MEAN} by default)
 * @param normalize whether each vector is scaled to unit L2 norm (default true; cosine similarity is then a dot product)
 * @param maxTokens tokens kept per sentence, special tokens included, 2 to the model's positions (default 256,
 *                  sentence-transformers' {@code max_seq_length} for all-MiniLM-L6-v2); longer sentences are truncated
 * @param batchSize sentences per forward pass, 1 to 4,096 (default 32); sentences of a batch are padded to its longest
 */
public record EmbedderOptions(Pooling pooling, boolean normalize, int maxTokens, int batchSize) {

    /** The largest {@link #batchSize()}. */
    public static final int MAX_BATCH = 4096;

    /**
     * Validates the options.
     *
     * @param pooling   how the hidden states become one vector
     * @param normalize whether vectors are scaled to unit L2 norm
     * @param maxTokens tokens kept per sentence, at least 2
     * @param batchSize sentences per forward pass, 1 to {@value #MAX_BATCH}
     * @throws IllegalArgumentException naming the bad value, the range and the fix
     */
    public EmbedderOptions {
        Objects.requireNonNull(pooling, "pooling: give Pooling.MEAN or Pooling.CLS");
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens is " + maxTokens + "; expected at least 2 (the special tokens "
                    + "[CLS] and [SEP] count): give 2 to the model's positions, for example 256");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new IllegalArgumentException("batchSize is " + batchSize + "; expected 1 to " + MAX_BATCH
                    + " sentences per forward pass");
        }
    }

    /** {@return mean pooling, unit vectors, 256 tokens, batches of 32: sentence-transformers' settings for MiniLM} */
    public static EmbedderOptions defaults() {
        return new EmbedderOptions(Pooling.MEAN, true, 256, 32);
    }

    /**
     * @param p the pooling
     * @return these options with another pooling
     */
    public EmbedderOptions withPooling(Pooling p) {
        return new EmbedderOptions(p, normalize, maxTokens, batchSize);
    }

    /**
     * @param n whether to normalise
     * @return these options with normalisation on or off
     */
    public EmbedderOptions withNormalize(boolean n) {
        return new EmbedderOptions(pooling, n, maxTokens, batchSize);
    }

    /**
     * @param n tokens per sentence
     * @return these options with another truncation length
     */
    public EmbedderOptions withMaxTokens(int n) {
        return new EmbedderOptions(pooling, normalize, n, batchSize);
    }

    /**
     * @param b sentences per forward pass
     * @return these options with another batch size
     */
    public EmbedderOptions withBatchSize(int b) {
        return new EmbedderOptions(pooling, normalize, maxTokens, b);
    }
}
