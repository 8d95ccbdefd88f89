package dev.aiaas.spark.ml;

import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import java.util.Locale;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/** The shared parameter names, defaults and their parsing, for the estimator and its model. */
final class AiaasParams {

  static final String[] LOSSES = {"sparse_softmax_cross_entropy", "softmax_cross_entropy"};
  static final String[] OPTIMIZERS = {"adam", "adamw", "sgd", "momentum", "nesterov", "rmsprop", "adagrad"};

  private AiaasParams() {}

  static Param<String> stringParam(Params parent, String name, String doc, String... allowed) {
    return new Param<>(parent, name, doc + " (one of " + String.join(", ", allowed) + ")",
        ParamValidators.inArray(allowed));
  }

  /** The optimiser named {@code name} with learning rate {@code lr}. */
  static Optimizer optimizer(String name, double lr) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "adam" -> Optimizers.adam(lr);
      case "adamw" -> Optimizers.adamW(lr, 0.01);
      case "sgd" -> Optimizers.sgd(lr);
      case "momentum" -> Optimizers.momentum(lr, 0.9);
      case "nesterov" -> Optimizers.nesterov(lr, 0.9);
      case "rmsprop" -> Optimizers.rmsProp(lr);
      case "adagrad" -> Optimizers.adaGrad(lr);
      default -> throw new IllegalArgumentException(
          "unknown optimizer '" + name + "'; valid: " + String.join(", ", OPTIMIZERS));
    };
  }
}
