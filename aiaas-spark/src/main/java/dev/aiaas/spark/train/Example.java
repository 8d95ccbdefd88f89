package dev.aiaas.spark.train;

import java.io.Serializable;
import java.util.Objects;

/**
 * One training example as Spark ships it.
 *
 * @param features the flattened features, the model's input width
 * @param target the target values: one class index for a classification loss with class-index
 *     targets (e.g. {@code sparse_softmax_cross_entropy}), else the loss's target width
 */
public record Example(float[] features, float[] target) implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * Checks that both arrays are present.
   *
   * @param features the features, not null
   * @param target the targets, not null
   */
  public Example {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(target, "target");
  }

  /**
   * An example of a class-index loss.
   *
   * @param features the features
   * @param label the class index, from 0
   * @return the example
   */
  public static Example ofLabel(float[] features, int label) {
    return new Example(features, new float[] {label});
  }
}
