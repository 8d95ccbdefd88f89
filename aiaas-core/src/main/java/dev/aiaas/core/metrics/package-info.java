/**
 * Evaluation metrics: accuracy, top-k accuracy, precision / recall / F1 (macro and micro), the
 * confusion matrix, binary ROC-AUC, and MSE / MAE / R².
 *
 * <p>The reference definitions are on plain Java arrays, in double precision, exactly as written in
 * each method's Javadoc ({@link dev.aiaas.core.metrics.Classification},
 * {@link dev.aiaas.core.metrics.Regression}, {@link dev.aiaas.core.metrics.ConfusionMatrix}).
 * {@link dev.aiaas.core.metrics.Metric} computes them on ND4J arrays, and
 * {@link dev.aiaas.core.metrics.Metrics} is the catalogue: {@code Metrics.accuracy()},
 * {@code Metrics.topK(5)}, {@code Metrics.f1(Average.MACRO)}, ...
 *
 * <p>Every metric of the catalogue but ROC-AUC also streams:
 * {@link dev.aiaas.core.metrics.Metric#accumulator(dev.aiaas.core.loss.Loss)} gives an
 * accumulator (reset, update per batch, result) that the trainer logs per epoch
 * ({@code Trainer.Builder.metrics(...)}); accuracy and top-k accuracy have that one
 * implementation, which {@code compute} runs over whole arrays.
 *
 * <p>Argument order is everywhere <em>predictions first, then targets</em>.
 */
package dev.aiaas.core.metrics;
