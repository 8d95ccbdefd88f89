package dev.aiaas.core.data;

import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * How a {@link Batcher} cuts an epoch into mini-batches, and the layout of its buffers.
 *
 * @param batchSize    examples per batch, {@code >= 1}; the last batch of an epoch may be smaller
 * @param shuffle      whether each epoch visits the examples in a fresh permutation (else in
 *                     dataset order)
 * @param seed         the seed of the permutations; epoch {@code e} uses
 *                     {@link Shuffle#epochSeed(long, int)}{@code (seed, e)}
 * @param featureOrder the layout of the feature buffers: {@code 'c'} (row-major, the default:
 *                     one bulk copy per example) or {@code 'f'} (column-major, which ND4J
 *                     1.0.0-M2.1 multiplies about twice as fast: ~200 against ~100 GFLOP/s at
 *                     n = 2048 on the reference machine)
 * @param dropLast     whether to skip the last batch of an epoch when it has fewer than
 *                     {@code batchSize} examples
 * @param targetOrder  the layout of the target buffers: {@code 'c'} (the default) or {@code 'f'}
 *                     (column-major, as the losses and the trainer take them)
 * @param dataType     the element type of both buffers: {@link DataType#FLOAT} (the default) or
 *                     {@link DataType#DOUBLE}, the model's type
 */
public record BatchOptions(int batchSize, boolean shuffle, long seed, char featureOrder, boolean dropLast, char targetOrder,
        DataType dataType) {

    /**
     * Validates the options.
     *
     * @param batchSize    examples per batch, {@code >= 1}
     * @param shuffle      whether each epoch is shuffled
     * @param seed         the seed of the permutations
     * @param featureOrder {@code 'c'} or {@code 'f'}
     * @param dropLast     whether to skip a last, smaller batch
     * @param targetOrder  {@code 'c'} or {@code 'f'}
     * @param dataType     {@link DataType#FLOAT} or {@link DataType#DOUBLE}
     */
    public BatchOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize=" + batchSize + "; expected a positive integer, e.g. 128");
        }
        if (featureOrder != 'c' && featureOrder != 'f') {
            throw new IllegalArgumentException("featureOrder='" + featureOrder
                    + "'; expected 'c' (row-major) or 'f' (column-major)");
        }
        if (targetOrder != 'c' && targetOrder != 'f') {
            throw new IllegalArgumentException("targetOrder='" + targetOrder
                    + "'; expected 'c' (row-major) or 'f' (column-major)");
        }
        Objects.requireNonNull(dataType, "dataType");
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType=" + dataType + "; expected FLOAT or DOUBLE (the model's data type)");
        }
    }

    /**
     * The options of earlier releases: c-order float32 targets.
     *
     * @param batchSize    examples per batch, {@code >= 1}
     * @param shuffle      whether each epoch is shuffled
     * @param seed         the seed of the permutations
     * @param featureOrder {@code 'c'} or {@code 'f'}
     * @param dropLast     whether to skip a last, smaller batch
     */
    public BatchOptions(int batchSize, boolean shuffle, long seed, char featureOrder, boolean dropLast) {
        this(batchSize, shuffle, seed, featureOrder, dropLast, 'c', DataType.FLOAT);
    }

    /**
     * {@code batchSize} examples per batch, shuffled with seed 0, c-order float32 buffers, keeping
     * the last partial batch.
     *
     * @param batchSize examples per batch, {@code >= 1}
     * @return the options
     */
    public static BatchOptions of(int batchSize) {
        return new BatchOptions(batchSize, true, 0L, 'c', false);
    }

    /**
     * These options with shuffling on and this seed.
     *
     * @param newSeed the seed of the permutations
     * @return the new options
     */
    public BatchOptions withSeed(long newSeed) {
        return new BatchOptions(batchSize, true, newSeed, featureOrder, dropLast, targetOrder, dataType);
    }

    /**
     * These options with shuffling on or off.
     *
     * @param on whether each epoch is shuffled
     * @return the new options
     */
    public BatchOptions withShuffle(boolean on) {
        return new BatchOptions(batchSize, on, seed, featureOrder, dropLast, targetOrder, dataType);
    }

    /**
     * These options with feature buffers in {@code order}.
     *
     * @param order {@code 'c'} or {@code 'f'}
     * @return the new options
     */
    public BatchOptions withFeatureOrder(char order) {
        return new BatchOptions(batchSize, shuffle, seed, order, dropLast, targetOrder, dataType);
    }

    /**
     * These options with target buffers in {@code order}.
     *
     * @param order {@code 'c'} or {@code 'f'}
     * @return the new options
     */
    public BatchOptions withTargetOrder(char order) {
        return new BatchOptions(batchSize, shuffle, seed, featureOrder, dropLast, order, dataType);
    }

    /**
     * These options dropping, or keeping, a last batch smaller than {@code batchSize}.
     *
     * @param drop whether to skip it
     * @return the new options
     */
    public BatchOptions withDropLast(boolean drop) {
        return new BatchOptions(batchSize, shuffle, seed, featureOrder, drop, targetOrder, dataType);
    }

    /**
     * These options with buffers of this element type.
     *
     * @param type {@link DataType#FLOAT} or {@link DataType#DOUBLE}
     * @return the new options
     */
    public BatchOptions withDataType(DataType type) {
        return new BatchOptions(batchSize, shuffle, seed, featureOrder, dropLast, targetOrder, type);
    }
}
