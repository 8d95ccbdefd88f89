package dev.aiaas.spark.train;

import java.io.Serializable;
import java.util.Objects;

/**
 * One training example as Spark ships it: the flattened features (the model's input width) and
 * the target values (one class index for a class-index loss such as {@code
 * sparse_softmax_cross_entropy}, else the loss's target width). Immutable once made: the arrays
 * are not copied, and must not be changed after.
 */
public final class Example implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The flattened features. */
  private final float[] features;
  /** The target values. */
  private final float[] target;

  /**
   * An example.
   *
   * @param features the features, not null
   * @param target the targets, not null
   */
  public Example(float[] features, float[] target) {
    this.features = Objects.requireNonNull(features, "features");
    this.target = Objects.requireNonNull(target, "target");
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

  /**
   * The features.
   *
   * @return the flattened features, not a copy
   */
  public float[] features() {
    return features;
  }

  /**
   * The targets.
   *
   * @return the target values, not a copy
   */
  public float[] target() {
    return target;
  }
}
