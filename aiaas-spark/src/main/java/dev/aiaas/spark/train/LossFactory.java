package dev.aiaas.spark.train;

import dev.aiaas.core.loss.Loss;
import java.io.Serializable;

/**
 * Gives the loss on an executor: a serialisable recipe, e.g. {@code
 * Losses::sparseSoftmaxCrossEntropy}.
 */
@FunctionalInterface
public interface LossFactory extends Serializable {

  /**
   * The loss.
   *
   * @return the loss
   */
  Loss create();
}
