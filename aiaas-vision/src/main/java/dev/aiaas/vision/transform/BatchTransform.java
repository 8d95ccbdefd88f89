package dev.aiaas.vision.transform;

/**
 * A transform of a whole batch (images mixed with each other, labels mixed alike), deterministic
 * given a seed as {@link Transform} is. Build with {@link BatchTransforms}.
 */
public interface BatchTransform {

    /**
     * Transforms a batch.
     *
     * @param batch the input (not changed)
     * @param seed  the seed of this call's random draws
     * @return the output, of the same shape
     */
    Batch apply(Batch batch, long seed);
}
