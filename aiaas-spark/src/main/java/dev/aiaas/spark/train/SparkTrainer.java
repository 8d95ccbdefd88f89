package dev.aiaas.spark.train;

import dev.aiaas.core.data.Shuffle;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.optim.Schedule;
import dev.aiaas.core.optim.Schedules;
import dev.aiaas.core.train.GradientTransform;
import dev.aiaas.core.train.GradientTransforms;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Synchronous data-parallel training on Spark, step for step the single-machine {@link
 * dev.aiaas.core.train.Trainer}: the same global batches in the same order (epoch {@code e}
 * visits the rows in the order of {@link Shuffle#shuffle(int[], long)} with {@link
 * Shuffle#epochSeed(long, int)}{@code (seed, e)}, batches of {@code batchSize} consecutive rows,
 * the last one smaller), the same optimiser, schedule and step numbers, so θ after K steps equals
 * the single-machine θ up to float summation order.
 *
 * <p>One step: the driver broadcasts θ (float32) and the batch's row numbers; each partition
 * computes, with the engine ({@link Model#forward}, the loss, {@link Model#backward}), the sum
 * of the per-example gradients of its rows of the batch ({@code m} times the gradient of their
 * mean); {@code treeAggregate} adds the partial sums (θ's length in float32, and the loss and
 * the count); the driver divides by the batch size, applies the optimiser to its model (and the
 * frozen-state transform, as the Trainer does) and broadcasts the new θ for the next step. The
 * data set is packed once per partition ({@code P} floats per row, cached), and each step ships
 * {@code 4P} bytes to and from each partition: the cost a step adds to the compute is two
 * transfers of θ and one Spark job (tens of milliseconds locally).
 *
 * <p>Layers whose training behaviour draws random numbers (dropout) draw them per partition, so
 * such models train differently from the single-machine Trainer; batch normalisation normalises
 * with each partition's part of the batch. Dense networks, the CLI's {@code mlp}, train
 * identically.
 */
public final class SparkTrainer {

  private final LossFactory loss;
  private final Optimizer optimizer;
  private final Schedule schedule;
  private final int epochs;
  private final int batchSize;
  private final long seed;

  private SparkTrainer(Builder b) {
    this.loss = b.loss;
    this.optimizer = b.optimizer;
    this.schedule = b.schedule;
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.seed = b.seed;
  }

  /**
   * Starts a trainer for the given loss. Defaults, the Trainer's: Adam(1e-3), constant schedule,
   * 10 epochs, batch 32, seed 0.
   *
   * @param loss the loss recipe, e.g. {@code Losses::sparseSoftmaxCrossEntropy}
   * @return a builder
   */
  public static Builder builder(LossFactory loss) {
    return new Builder(Objects.requireNonNull(loss, "loss; e.g. Losses::sparseSoftmaxCrossEntropy"));
  }

  /** Settings of a {@link SparkTrainer}; each checked when set. */
  public static final class Builder {
    private final LossFactory loss;
    private Optimizer optimizer = Optimizers.adam(1e-3);
    private Schedule schedule = Schedules.constant();
    private int epochs = 10;
    private int batchSize = 32;
    private long seed;

    private Builder(LossFactory loss) {
      this.loss = loss;
    }

    /**
     * The optimiser, applied on the driver (default Adam(1e-3)).
     *
     * @param optimizer the optimiser
     * @return this builder
     */
    public Builder optimizer(Optimizer optimizer) {
      this.optimizer = Objects.requireNonNull(optimizer, "optimizer; e.g. Optimizers.adam(1e-3)");
      return this;
    }

    /**
     * The learning-rate schedule (default constant).
     *
     * @param schedule the schedule
     * @return this builder
     */
    public Builder schedule(Schedule schedule) {
      this.schedule = Objects.requireNonNull(schedule, "schedule; e.g. Schedules.constant()");
      return this;
    }

    /**
     * Passes over the data (default 10).
     *
     * @param epochs at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code epochs < 1}
     */
    public Builder epochs(int epochs) {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs=" + epochs + "; expected at least 1");
      }
      this.epochs = epochs;
      return this;
    }

    /**
     * Examples per global batch, over all partitions (default 32).
     *
     * @param batchSize at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code batchSize < 1}
     */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize=" + batchSize + "; expected at least 1");
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * The seed of the shuffling (default 0), as the Trainer's.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The trainer.
     *
     * @return an immutable trainer
     */
    public SparkTrainer build() {
      return new SparkTrainer(this);
    }
  }

  /**
   * Trains {@code model} (on the driver, in place) on {@code data}, whose order (partition by
   * partition) numbers the rows as the single-machine data set's.
   *
   * @param model the driver's model, float32, trained in place
   * @param factory builds the same architecture on the executors
   * @param data the examples
   * @return the mean training loss of each epoch
   * @throws IllegalArgumentException when the model is not float32, the data set is empty, or
   *     the factory builds another architecture
   */
  public double[] fit(Model model, ModelFactory factory, JavaRDD<Example> data) {
    return fit(model, factory, data, e -> { });
  }

  /**
   * {@link #fit(Model, ModelFactory, JavaRDD)}, calling {@code onEpochEnd} with each finished
   * epoch's index.
   *
   * @param model the driver's model, float32, trained in place
   * @param factory builds the same architecture on the executors
   * @param data the examples
   * @param onEpochEnd told each epoch's index (from 0) when it ends
   * @return the mean training loss of each epoch
   * @throws IllegalArgumentException when the model is not float32, the data set is empty, or
   *     the factory builds another architecture
   */
  public double[] fit(Model model, ModelFactory factory, JavaRDD<Example> data, IntConsumer onEpochEnd) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(data, "data");
    if (model.dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException(
          "the model is " + model.dataType() + "; the Spark trainer ships θ as float32: build it in FLOAT");
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.context());
    JavaRDD<Shard> shards = data.zipWithIndex().mapPartitions(Shard::pack);
    // cached, and cut from its lineage once computed: a step's tasks then name the cached blocks
    // instead of carrying the source's partitions (a parallelised collection's data, say)
    shards.persist(StorageLevel.MEMORY_AND_DISK());
    shards.rdd().localCheckpoint();
    try {
      long n = shards.map(s -> (long) s.rows).fold(0L, Long::sum);
      if (n == 0) {
        throw new IllegalArgumentException("the data set is empty; pass at least one example");
      }
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(n + " examples; the Trainer's row numbers are ints: at most "
            + (Integer.MAX_VALUE - 8));
      }
      int rows = (int) n;
      INDArray params = model.parameters();
      INDArray grads = model.gradients();
      GradientTransform.Bound frozen = GradientTransforms.frozenState().bind(model);
      LossFactory lossFactory = loss;
      double[] epochLoss = new double[epochs];
      int[] order = new int[rows];
      try (Optimizer.State state = optimizer.newState(params.length(), model.dataType())) {
        long t = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
          for (int i = 0; i < rows; i++) {
            order[i] = i;
          }
          Shuffle.shuffle(order, Shuffle.epochSeed(seed, epoch));
          double lossSum = 0;
          for (int from = 0; from < rows; from += batchSize) {
            int[] batch = Arrays.copyOfRange(order, from, Math.min(rows, from + batchSize));
            Broadcast<float[]> theta = sc.broadcast(params.toFloatVector());
            GradientSum sum;
            try {
              sum = shards.treeAggregate(
                  GradientSum.EMPTY,
                  (acc, s) -> GradientSum.add(acc, s.gradient(factory, lossFactory, theta.value(), batch)),
                  GradientSum::add);
            } finally {
              theta.destroy();
            }
            if (sum.count != batch.length) {
              throw new IllegalStateException(
                  "the partitions computed " + sum.count + " examples of a batch of " + batch.length);
            }
            float[] g = sum.gradient;
            for (int i = 0; i < g.length; i++) {
              g[i] /= batch.length;
            }
            try (INDArray mean = Nd4j.createFromArray(g)) {
              grads.assign(mean);
            }
            double l = sum.loss / batch.length + frozen.beforeStep(params, grads);
            t++;
            double lr = optimizer.learningRate() * schedule.factor(t, epoch);
            optimizer.step(params, grads, state, lr, t);
            frozen.afterStep(params);
            lossSum += l * batch.length;
          }
          epochLoss[epoch] = lossSum / rows;
          onEpochEnd.accept(epoch);
        }
      }
      return epochLoss;
    } finally {
      shards.unpersist(false);
    }
  }
}
