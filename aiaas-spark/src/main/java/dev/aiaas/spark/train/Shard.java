package dev.aiaas.spark.train;

import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.nn.Model;
import java.io.Serializable;
import java.util.Iterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * The examples of one partition, packed on the heap: rows {@code start .. start+rows-1} of the
 * data set in its global order (row-major features {@code [rows, d]}, targets {@code [rows, k]}).
 */
final class Shard implements Serializable {

  private static final long serialVersionUID = 1L;

  final long start;
  final int rows;
  final int d;
  final int k;
  final float[] x;
  final float[] y;

  private Shard(long start, int rows, int d, int k, float[] x, float[] y) {
    this.start = start;
    this.rows = rows;
    this.d = d;
    this.k = k;
    this.x = x;
    this.y = y;
  }

  /** Packs one partition of (example, global row) pairs, which zipWithIndex numbers contiguously. */
  static Iterator<Shard> pack(Iterator<Tuple2<Example, Long>> it) {
    java.util.List<Tuple2<Example, Long>> all = new java.util.ArrayList<>();
    it.forEachRemaining(all::add);
    if (all.isEmpty()) {
      return java.util.Collections.emptyIterator();
    }
    int d = all.get(0)._1().features().length;
    int k = all.get(0)._1().target().length;
    float[] x = new float[all.size() * d];
    float[] y = new float[all.size() * k];
    long start = all.get(0)._2();
    for (int r = 0; r < all.size(); r++) {
      Example e = all.get(r)._1();
      if (all.get(r)._2() != start + r) {
        throw new IllegalStateException("rows of a partition are not numbered contiguously");
      }
      if (e.features().length != d || e.target().length != k) {
        throw new IllegalArgumentException(
            "example " + (start + r) + " has " + e.features().length + " features and "
                + e.target().length + " targets; the first has " + d + " and " + k
                + "; give every example the same widths");
      }
      System.arraycopy(e.features(), 0, x, r * d, d);
      System.arraycopy(e.target(), 0, y, r * k, k);
    }
    return java.util.List.of(new Shard(start, all.size(), d, k, x, y)).iterator();
  }

  /**
   * The sum over this shard's rows of the global batch {@code batch} (global row indices, in
   * batch order) of the per-example loss and its gradient at θ: m times the gradient of the mean
   * over those m rows, which is what the engine's loss gives.
   */
  GradientSum gradient(ModelFactory factory, LossFactory lossFactory, float[] theta, int[] batch) {
    int m = 0;
    int[] local = new int[batch.length];
    for (int g : batch) {
      if (g >= start && g < start + rows) {
        local[m++] = (int) (g - start);
      }
    }
    if (m == 0) {
      return GradientSum.EMPTY;
    }
    Loss loss = lossFactory.create();
    float[] bx = new float[m * d];
    float[] by = new float[m * k];
    for (int i = 0; i < m; i++) {
      System.arraycopy(x, local[i] * d, bx, i * d, d);
      System.arraycopy(y, local[i] * k, by, i * k, k);
    }
    try (Model model = factory.create();
        INDArray xs = Nd4j.create(bx, new long[] {m, d}, 'c');
        INDArray yc = Nd4j.create(by, new long[] {m, k}, 'c');
        INDArray ys = yc.dup('f');
        INDArray th = Nd4j.createFromArray(theta)) {
      if (model.dataType() != DataType.FLOAT) {
        throw new IllegalArgumentException(
            "the model factory builds a " + model.dataType() + " model; the Spark trainer ships θ as float32:"
                + " build the model in FLOAT");
      }
      INDArray params = model.parameters();
      if (params.length() != theta.length) {
        throw new IllegalArgumentException(
            "the model factory builds a model of " + params.length() + " parameters, the driver's has "
                + theta.length + "; the factory must build the driver's architecture");
      }
      params.assign(th);
      INDArray out = model.forward(xs, true);
      try (INDArray grad = Nd4j.create(out.dataType(), out.shape(), out.ordering())) {
        double l = loss.compute(out, ys, grad);
        model.backward(grad);
        float[] g = model.gradients().toFloatVector();
        for (int i = 0; i < g.length; i++) {
          g[i] *= m;
        }
        return new GradientSum(g, l * m, m);
      }
    }
  }
}
