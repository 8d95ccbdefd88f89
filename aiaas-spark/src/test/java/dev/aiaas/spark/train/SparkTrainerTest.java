package dev.aiaas.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.data.Dataset;
import dev.aiaas.core.data.FashionMnist;
import dev.aiaas.core.data.TrainTest;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.train.Trainer;
import dev.aiaas.spark.TestSpark;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Synchronous data-parallel training in local[2] gives the single-machine Trainer's θ: the same
 * global batches in the same order, the gradient summed over partitions.
 */
class SparkTrainerTest {

  static final int N = 600;
  static float[][] x;
  static int[] labels;
  static JavaSparkContext sc;

  @BeforeAll
  static void data() throws IOException {
    sc = TestSpark.context();
    try (TrainTest tt = FashionMnist.embedded()) {
      int[] first = new int[N];
      for (int i = 0; i < N; i++) {
        first[i] = i;
      }
      try (Dataset d = tt.train().subset(first)) {
        x = d.features().toFloatMatrix();
        labels = d.labels();
      }
    }
  }

  static Model mlp() {
    return Model.builder(784).add(Layers.dense(32, Activation.RELU)).add(Layers.dense(10)).seed(7).build();
  }

  static JavaRDD<Example> rdd(int partitions) {
    List<Example> list = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      list.add(Example.ofLabel(x[i], labels[i]));
    }
    return sc.parallelize(list, partitions);
  }

  @Test
  void thetaAfterTwentyStepsEqualsTheSingleMachineTrainer() {
    int epochs = 2;
    int batch = 64; // 10 steps per epoch, the last of 24 examples
    float[] single;
    try (Model m = mlp(); Dataset d = Dataset.of(x, labels, 10)) {
      Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(1e-3))
          .epochs(epochs).batchSize(batch).seed(11).metrics().build().fit(m, d);
      single = m.parameters().toFloatVector();
    }
    float[] initial;
    float[] spark;
    double[] losses;
    try (Model m = mlp()) {
      initial = m.parameters().toFloatVector();
      losses = SparkTrainer.builder(Losses::sparseSoftmaxCrossEntropy).optimizer(Optimizers.adam(1e-3))
          .epochs(epochs).batchSize(batch).seed(11).build()
          .fit(m, SparkTrainerTest::mlp, rdd(3));
      spark = m.parameters().toFloatVector();
    }
    double diff = 0;
    double norm = 0;
    double moved = 0;
    double maxAbs = 0;
    for (int i = 0; i < single.length; i++) {
      diff += (double) (spark[i] - single[i]) * (spark[i] - single[i]);
      norm += (double) single[i] * single[i];
      moved += (double) (single[i] - initial[i]) * (single[i] - initial[i]);
      maxAbs = Math.max(maxAbs, Math.abs(spark[i] - single[i]));
    }
    double rel = Math.sqrt(diff / norm);
    System.out.printf("SparkTrainer vs Trainer after 20 steps: |dθ|/|θ| = %.3g, max |dθ_i| = %.3g,"
        + " |θ-θ0|/|θ| = %.3g%n", rel, maxAbs, Math.sqrt(moved / norm));
    assertTrue(Math.sqrt(moved / norm) > 1e-2, "training moved θ");
    assertTrue(rel <= 1e-5, "relative difference " + rel);
    assertEquals(2, losses.length);
    assertTrue(losses[1] < losses[0], "the loss falls: " + losses[0] + " -> " + losses[1]);
  }

  @Test
  void aFactoryOfAnotherArchitectureIsRefused() {
    try (Model m = mlp()) {
      SparkTrainer t = SparkTrainer.builder(Losses::sparseSoftmaxCrossEntropy).epochs(1).batchSize(N).build();
      Exception e = assertThrows(Exception.class, () -> t.fit(m,
          () -> Model.builder(784).add(Layers.dense(10)).build(), rdd(2)));
      assertTrue(String.valueOf(e.getMessage()).contains("the factory must build the driver's architecture"),
          e.getMessage());
    }
  }

  @Test
  void anEmptyDataSetIsRefused() {
    try (Model m = mlp()) {
      SparkTrainer t = SparkTrainer.builder(Losses::sparseSoftmaxCrossEntropy).build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> t.fit(m, SparkTrainerTest::mlp, sc.parallelize(List.<Example>of(), 2)));
      assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> SparkTrainer.builder(Losses::sparseSoftmaxCrossEntropy).epochs(0));
    assertThrows(IllegalArgumentException.class,
        () -> SparkTrainer.builder(Losses::sparseSoftmaxCrossEntropy).batchSize(0));
  }
}
