package dev.aiaas.spark.train;

import dev.aiaas.core.nn.Model;
import java.io.Serializable;

/**
 * Builds a model on an executor: a serialisable recipe (typically a lambda), since a {@link
 * Model} holds native memory and is not shipped itself. Every call must build the same
 * architecture as the driver's model (θ's length is checked); the initial values do not matter,
 * θ is overwritten with the driver's.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {

  /**
   * A new model; the caller owns and closes it.
   *
   * @return the model
   */
  Model create();
}
