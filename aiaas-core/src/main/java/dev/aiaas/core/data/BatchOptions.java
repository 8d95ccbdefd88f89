package dev.aiaas.core.data;

/**
 * How a {@link Batcher} cuts an epoch into mini-batches.
 *
 * @param batchSize    examples per batch, {@code >= 1}; the last batch of an epoch may be smaller
 * @param shuffle      whether each epoch visits the examples in a fresh permutation (else in
 *                     dataset order)
 * @param seed         the seed of the permutations; epoch {@code e} uses
 *                     {@link Shuffle#epochSeed(long, int)}{@code (seed, e)}
 * @param featureOrder the layout of the feature buffers: {@code 'c'} (row-major, the default) or
 *                     {@code 'f'} (column-major, which ND4J 1.0.0-M2.1 multiplies about twice as
 *                     fast: ~200 against ~100 GFLOP/s at n = 2048 on the reference machine)
 * @param dropLast     whether to skip the last batch of an epoch when it has fewer than
 *                     {@code batchSize} examples
 */
public record BatchOptions(int batchSize, boolean shuffle, long seed, char featureOrder, boolean dropLast) {

    /** Validates the options. */
    public BatchOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize=" + batchSize + "; expected a positive integer, e.g. 128");
        }
        if (featureOrder != 'c' && featureOrder != 'f') {
            throw new IllegalArgumentException("featureOrder='" + featureOrder
                    + "'; expected 'c' (row-major) or 'f' (column-major)");
        }
    }

    /** {@code batchSize} examples per batch, shuffled with seed 0, c-order, keeping the last partial batch. */
    public static BatchOptions of(int batchSize) {
        return new BatchOptions(batchSize, true, 0L, 'c', false);
    }

    /** These options with shuffling on and this seed. */
    public BatchOptions withSeed(long newSeed) {
        return new BatchOptions(batchSize, true, newSeed, featureOrder, dropLast);
    }

    /** These options with shuffling on or off. */
    public BatchOptions withShuffle(boolean on) {
        return new BatchOptions(batchSize, on, seed, featureOrder, dropLast);
    }

    /** These options with feature buffers in {@code order} ('c' or 'f'). */
    public BatchOptions withFeatureOrder(char order) {
        return new BatchOptions(batchSize, shuffle, seed, order, dropLast);
    }

    /** These options dropping, or keeping, a last batch smaller than {@code batchSize}. */
    public BatchOptions withDropLast(boolean drop) {
        return new BatchOptions(batchSize, shuffle, seed, featureOrder, drop);
    }
}
