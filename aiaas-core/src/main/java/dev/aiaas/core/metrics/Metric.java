package dev.aiaas.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One evaluation number computed from a model's predictions and the targets, as the trainer and
 * evaluation code see them (ND4J arrays). Implementations copy the arrays to the host once and
 * compute on plain arrays ({@link Classification}, {@link Regression}), so results are exact
 * and deterministic. Get them from {@link Metrics}.
 *
 * <p>Shapes accepted by the classification metrics: predictions are scores {@code [n, k]}
 * (logits or probabilities; the predicted class is the row's argmax) or class indices
 * {@code [n]} / {@code [n, 1]}; targets are class indices {@code [n]} / {@code [n, 1]} or one-hot
 * rows {@code [n, k]}. Regression metrics take predictions and targets of equal length, compared
 * element by element in c-order.
 */
public interface Metric {

    /** A short name for logs and reports, for example {@code "accuracy"} or {@code "top5_accuracy"}. */
    String name();

    /**
     * Computes the metric.
     *
     * @param predictions the model's output (see the class Javadoc for shapes)
     * @param targets     the true values
     * @throws IllegalArgumentException when the shapes do not fit the metric
     */
    double compute(INDArray predictions, INDArray targets);

    /**
     * Whether a larger value is better (accuracy, F1, AUC, R²) or a smaller one (MSE, MAE); for
     * early stopping and model selection.
     */
    boolean higherIsBetter();
}
