package dev.aiaas.core.train;

import dev.aiaas.core.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A change to the gradient ∇θ between the backward pass and the optimiser step (a weight
 * penalty, clipping), or to θ around the step (state the optimiser must not move). Get them from
 * {@link GradientTransforms}, or write one; add them with
 * {@link Trainer.Builder#gradientTransforms(GradientTransform...)}.
 *
 * <p>Call order, for one {@code fit}: {@link #bind(Model)} once before the first step; then for
 * every step, after {@code model.backward}: {@link Bound#beforeStep} of each transform in order,
 * the optimiser's step, {@link Bound#afterStep} of each transform in reverse order (so a
 * transform wraps the step and the transforms after it); and {@link Bound#penalty} when the
 * trainer evaluates a loss without a step (validation, {@code evaluate}).
 *
 * <p>A transform is an immutable description and may be shared by trainers; {@code bind} makes
 * the per-run part, which may keep buffers. Nothing may be allocated per step.
 */
public interface GradientTransform {

    /**
     * Prepares this transform for one training run of {@code model}: finds the parameter slices
     * it works on, makes its buffers.
     *
     * @param model the model to be trained
     * @return the run's transform
     */
    Bound bind(Model model);

    /** A transform bound to one model for one run. Used by one thread. */
    interface Bound {

        /**
         * Runs between the backward pass and the optimiser step; may change ∇θ (and look at θ).
         *
         * @param parameters θ, 1-D
         * @param gradients  ∇θ, 1-D, as long as θ: the batch's gradient, changed in place
         * @return a term this transform adds to the batch's logged loss (R(θ) for a weight
         *         penalty whose gradient it added), else 0
         */
        double beforeStep(INDArray parameters, INDArray gradients);

        /**
         * Runs right after the optimiser step.
         *
         * @param parameters θ as the optimiser left it, changed in place
         */
        default void afterStep(INDArray parameters) {
        }

        /**
         * The term {@link #beforeStep} would add to the loss at these parameters, for a loss
         * evaluated without a step ({@code val_loss}, {@code Trainer.evaluate}).
         *
         * @param parameters θ, 1-D
         * @return the term, 0 by default
         */
        default double penalty(INDArray parameters) {
            return 0;
        }
    }
}
