package dev.aiaas.spark.train;

import java.io.Serializable;

/**
 * A partial sum over examples of a global batch: Σ ∇θ ℓ (float32, θ's length), Σ ℓ and the
 * number of examples, added up by {@code treeAggregate}.
 */
final class GradientSum implements Serializable {

  private static final long serialVersionUID = 1L;

  static final GradientSum EMPTY = new GradientSum(null, 0, 0);

  final float[] gradient;
  final double loss;
  final long count;

  GradientSum(float[] gradient, double loss, long count) {
    this.gradient = gradient;
    this.loss = loss;
    this.count = count;
  }

  /** The sum of two partial sums; reuses {@code a}'s or {@code b}'s array. */
  static GradientSum add(GradientSum a, GradientSum b) {
    if (a.count == 0) {
      return b;
    }
    if (b.count == 0) {
      return a;
    }
    float[] g = a.gradient;
    for (int i = 0; i < g.length; i++) {
      g[i] += b.gradient[i];
    }
    return new GradientSum(g, a.loss + b.loss, a.count + b.count);
  }
}
