package dev.aiaas.core.train;

import dev.aiaas.core.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Data augmentation: a random change to each training batch before its forward pass (images
 * shifted or flipped, for example {@code dev.aiaas.vision.transform.RandomShift}). Validation and
 * {@link Trainer#evaluate} batches are never changed. Add one with
 * {@link Trainer.Builder#augmentation(Augmentation)}.
 *
 * <p>Call order, for one {@code fit}: {@link #bind(Model)} once before the first step, then
 * {@link Bound#apply} on every training batch, with a seed the trainer derives from its own seed
 * and the step's number (1, 2, ...): the same trainer seed gives the same changes, bit for bit,
 * and a resumed run draws what the unbroken one would.
 *
 * <p>An augmentation is an immutable description and may be shared by trainers; {@code bind}
 * makes the per-run part, which may keep scratch buffers. Nothing may be allocated per step.
 */
public interface Augmentation {

    /**
     * Prepares this augmentation for one training run of {@code model}.
     *
     * @param model the model to be trained (its flat input width {@code d} is the batch's columns)
     * @return the run's augmentation
     * @throws IllegalArgumentException when the augmentation does not fit the model's inputs
     */
    Bound bind(Model model);

    /** An augmentation bound to one run. Used by one thread. */
    interface Bound {

        /**
         * Changes a training batch in place.
         *
         * @param x    the batch's features {@code [b, d]}, row-major ('c'), of the model's data type;
         *             a buffer the trainer refills for every batch
         * @param seed the seed of this batch's random draws
         */
        void apply(INDArray x, long seed);
    }
}
