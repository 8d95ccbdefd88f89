package dev.aiaas.core.train;

import java.util.Map;

/**
 * Hooks into a training run. Call order: {@link #onTrainBegin}; for each epoch
 * {@link #onEpochBegin}, {@link #onBatchEnd} after every optimiser step, {@link #onEpochEnd} with
 * the epoch's logs (loss, metrics, validation values); finally {@link #onTrainEnd}, also when
 * training stops early or fails.
 */
public interface Callback {

    /** Before the first epoch. */
    default void onTrainBegin(TrainingContext context) {
    }

    /** Before each epoch (from 0). */
    default void onEpochBegin(int epoch, TrainingContext context) {
    }

    /**
     * After each optimiser step.
     *
     * @param step the step just taken, from 1
     * @param loss the batch's loss
     */
    default void onBatchEnd(long step, double loss, TrainingContext context) {
    }

    /**
     * After each epoch.
     *
     * @param logs {@code loss}, metrics such as {@code accuracy}, and {@code val_}-prefixed
     *             validation values, plus {@code lr}
     */
    default void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
    }

    /** After the last epoch, or when training stops early or fails. */
    default void onTrainEnd(History history, TrainingContext context) {
    }
}
