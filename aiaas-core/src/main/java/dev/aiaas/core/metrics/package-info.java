/**
 * Evaluation metrics: accuracy, top-k accuracy, precision / recall / F1 (macro and micro), the
 * confusion matrix, binary ROC-AUC, and MSE / MAE / R².
 *
 * <p>The computations are on plain Java arrays, in double precision, exactly as written in each
 * method's Javadoc ({@link dev.aiaas.core.metrics.Classification},
 * {@link dev.aiaas.core.metrics.Regression}, {@link dev.aiaas.core.metrics.ConfusionMatrix}).
 * {@link dev.aiaas.core.metrics.Metric} wraps them for ND4J arrays, and
 * {@link dev.aiaas.core.metrics.Metrics} is the catalogue: {@code Metrics.accuracy()},
 * {@code Metrics.topK(5)}, {@code Metrics.f1(Average.MACRO)}, ...
 *
 * <p>Argument order is everywhere <em>predictions first, then targets</em>.
 */
package dev.aiaas.core.metrics;
