package dev.aiaas.core.metrics;

import dev.aiaas.core.loss.Loss;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One evaluation number computed from a model's predictions and the targets, as the trainer and
 * evaluation code see them (ND4J arrays), exact and deterministic. Accuracy and top-k accuracy
 * compute through their streaming {@link Accumulator} (one implementation each); the others copy
 * the arrays to the host once and compute on plain arrays ({@link Classification},
 * {@link Regression}, {@link ConfusionMatrix}), the reference definitions. A prediction row that
 * holds a NaN score has no predicted class: it counts as a miss. Get them from {@link Metrics}.
 *
 * <p>Shapes accepted by the classification metrics: predictions are scores {@code [n, k]}
 * (logits or probabilities; the predicted class is the row's argmax) or class indices
 * {@code [n]} / {@code [n, 1]}; targets are class indices {@code [n]} / {@code [n, 1]} or one-hot
 * rows {@code [n, k]}. Regression metrics take predictions and targets of equal length, compared
 * element by element in c-order.
 *
 * <p>Streaming: {@link #accumulator(Loss)} gives the same metric accumulated batch by batch, as
 * the trainer computes it over an epoch ({@code Trainer.Builder.metrics(...)}). Call order:
 * {@link Accumulator#reset()}, {@link Accumulator#update} for each batch,
 * {@link Accumulator#result()}; then reset for the next epoch. Over the batches of a data set the
 * result equals {@link #compute} on the whole of it (up to the order of floating-point sums).
 */
public interface Metric {

    /**
     * A short name for logs and reports.
     *
     * @return for example {@code "accuracy"} or {@code "top5_accuracy"}
     */
    String name();

    /**
     * Computes the metric.
     *
     * @param predictions the model's output (see the class Javadoc for shapes)
     * @param targets     the true values
     * @return the metric over all the examples
     * @throws IllegalArgumentException when the shapes do not fit the metric
     */
    double compute(INDArray predictions, INDArray targets);

    /**
     * Whether a larger value is better (accuracy, F1, AUC, R²) or a smaller one (MSE, MAE); for
     * early stopping and model selection.
     *
     * @return true when larger is better
     */
    boolean higherIsBetter();

    /**
     * A streaming accumulator of this metric for batches laid out as {@code loss} takes them
     * ({@link Loss#targetKind()}, {@link Loss#decision()}): predictions as the model writes them
     * ({@code [B, k]}, or {@code [B, T, k]} for a sequence loss, whose padding positions are not
     * counted) and the loss's targets. Each call makes a new accumulator, owned by its caller.
     *
     * @param loss the loss whose targets the batches hold
     * @return a fresh accumulator, already reset
     * @throws IllegalArgumentException when this metric does not apply to that loss's targets
     *                                  (a classification metric with a regression loss, a
     *                                  regression metric with class-index targets) or cannot be
     *                                  computed batch by batch (ROC-AUC needs every score at once)
     */
    default Accumulator accumulator(Loss loss) {
        throw new IllegalArgumentException(name() + " cannot be accumulated batch by batch; compute it after training with "
                + "compute(model.predict(x), y)");
    }

    /**
     * The running state of a metric over a stream of batches (an epoch). Not thread-safe; reads
     * the batch's arrays during {@link #update} only, without keeping them. {@code update}
     * allocates nothing once the buffers for the largest batch have grown (so the trainer's step
     * stays free of heap garbage).
     */
    interface Accumulator {
        /** Forgets every batch seen: the state of a new epoch. */
        void reset();

        /**
         * Adds one batch.
         *
         * @param predictions the model's output for the batch
         * @param targets     the batch's targets, as the loss takes them
         * @throws IllegalArgumentException when the shapes do not fit, or a label is out of range
         */
        void update(INDArray predictions, INDArray targets);

        /**
         * The metric over the batches since the last {@link #reset()}.
         *
         * @return the value; 0 for a classification metric that counted nothing, NaN for a
         *         regression metric that saw nothing
         */
        double result();
    }
}
