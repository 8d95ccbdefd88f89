package dev.aiaas.core.train;

import java.util.Map;

/**
 * Hooks into a training run. Call order: {@link #onTrainBegin}; for each epoch
 * {@link #onEpochBegin}, {@link #onBatchEnd} after every optimiser step, {@link #onEpochEnd} with
 * the epoch's logs (loss, metrics, validation values); finally {@link #onTrainEnd}, also when
 * training stops early or fails.
 */
public interface Callback {

    /**
     * Before the first epoch.
     *
     * @param context the run's model, optimiser and controls
     */
    default void onTrainBegin(TrainingContext context) {
    }

    /**
     * Before each epoch.
     *
     * @param epoch   the epoch, from 0
     * @param context the run's model, optimiser and controls
     */
    default void onEpochBegin(int epoch, TrainingContext context) {
    }

    /**
     * After each optimiser step.
     *
     * @param step    the step just taken, from 1
     * @param loss    the batch's loss
     * @param context the run's model, optimiser and controls
     */
    default void onBatchEnd(long step, double loss, TrainingContext context) {
    }

    /**
     * After each epoch.
     *
     * @param epoch   the epoch, from 0
     * @param logs    {@code loss}, metrics such as {@code accuracy}, and {@code val_}-prefixed
     *                validation values, plus {@code lr}
     * @param context the run's model, optimiser and controls
     */
    default void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
    }

    /**
     * After the last epoch, or when training stops early or fails.
     *
     * @param history the epochs run
     * @param context the run's model, optimiser and controls
     */
    default void onTrainEnd(History history, TrainingContext context) {
    }
}
