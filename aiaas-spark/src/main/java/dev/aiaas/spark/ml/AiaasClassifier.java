package dev.aiaas.spark.ml;

import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.spark.train.Example;
import dev.aiaas.spark.train.LossFactory;
import dev.aiaas.spark.train.ModelFactory;
import dev.aiaas.spark.train.SparkTrainer;
import java.util.List;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML {@link Estimator} that trains an aiaas dense network, a multi-layer perceptron
 * {@code features -> dense(h_1, act) -> ... -> dense(h_L, act) -> dense(classes)} (logits),
 * with {@link SparkTrainer}'s synchronous data-parallel training, on a vector column and a label
 * column (class indices {@code 0, 1, ..., classes-1} as doubles, Spark ML's convention); {@code
 * classes} is the largest label plus 1.
 *
 * <pre>{@code
 * AiaasClassifier clf = new AiaasClassifier().setHiddenLayers(new int[] {256}).setEpochs(5);
 * Pipeline p = new Pipeline().setStages(new PipelineStage[] {scaler, clf});
 * PipelineModel m = p.fit(train);   // m.transform(test) adds "prediction" and "probability"
 * }</pre>
 *
 * <p>Params: {@code featuresCol} ("features"), {@code labelCol} ("label"), {@code
 * predictionCol} ("prediction"), {@code probabilityCol} ("probability"), {@code hiddenLayers}
 * ([256]), {@code activation} ("relu", any of aiaas's activations), {@code loss}
 * ("sparse_softmax_cross_entropy" or "softmax_cross_entropy", the same objective on one-hot
 * targets), {@code optimizer} ("adam"), {@code learningRate} (1e-3), {@code epochs} (10), {@code
 * batchSize} (128), {@code seed} (42: the initialisation and the shuffling). The row order of
 * the data frame numbers the examples for the shuffling, as the single-machine Trainer's rows.
 */
public class AiaasClassifier extends Estimator<AiaasClassificationModel> implements DefaultParamsWritable {

  private static final long serialVersionUID = 1L;

  /** The uid. */
  private final String uid;
  /** The features column. */
  private final Param<String> featuresCol;
  /** The label column. */
  private final Param<String> labelCol;
  /** The prediction column. */
  private final Param<String> predictionCol;
  /** The probability column. */
  private final Param<String> probabilityCol;
  /** The hidden layer widths. */
  private final IntArrayParam hiddenLayers;
  /** The activation. */
  private final Param<String> activation;
  /** The loss. */
  private final Param<String> loss;
  /** The optimiser. */
  private final Param<String> optimizer;
  /** The learning rate. */
  private final DoubleParam learningRate;
  /** The epochs. */
  private final IntParam epochs;
  /** The global batch size. */
  private final IntParam batchSize;
  /** The seed. */
  private final LongParam seed;

  /** A classifier with a random uid and the defaults. */
  public AiaasClassifier() {
    this("aiaasClassifier_" + UUID.randomUUID().toString().substring(0, 12));
  }

  /**
   * A classifier with the given uid and the defaults (Spark's copy and load use it).
   *
   * @param uid the uid
   */
  public AiaasClassifier(String uid) {
    this.uid = uid;
    featuresCol = new Param<>(this, "featuresCol", "the features column, a vector");
    labelCol = new Param<>(this, "labelCol", "the label column, class indices 0..classes-1 as numbers");
    predictionCol = new Param<>(this, "predictionCol", "the predicted class column the model adds");
    probabilityCol = new Param<>(this, "probabilityCol", "the class probabilities column the model adds");
    hiddenLayers = new IntArrayParam(this, "hiddenLayers", "the widths of the hidden dense layers");
    activation = AiaasParams.stringParam(this, "activation", "the hidden layers' activation",
        Activation.NAMES.toArray(new String[0]));
    loss = AiaasParams.stringParam(this, "loss", "the training loss", AiaasParams.LOSSES);
    optimizer = AiaasParams.stringParam(this, "optimizer", "the optimiser", AiaasParams.OPTIMIZERS);
    learningRate = new DoubleParam(this, "learningRate", "the learning rate, > 0", ParamValidators.gt(0));
    epochs = new IntParam(this, "epochs", "passes over the data, >= 1", ParamValidators.gtEq(1));
    batchSize = new IntParam(this, "batchSize", "examples per global batch, >= 1", ParamValidators.gtEq(1));
    seed = new LongParam(this, "seed", "the seed of the initialisation and the shuffling");
    setDefault(featuresCol, "features");
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(hiddenLayers, new int[] {256});
    setDefault(activation, "relu");
    setDefault(loss, "sparse_softmax_cross_entropy");
    setDefault(optimizer, "adam");
    setDefault(learningRate, 1e-3);
    setDefault(epochs, 10);
    setDefault(batchSize, 128);
    setDefault(seed, 42L);
  }

  @Override
  public String uid() {
    return uid;
  }

  /**

   * The features column param.

   *

   * @return the features column param

   */
  public Param<String> featuresCol() {
    return featuresCol;
  }

  /**

   * The label column param.

   *

   * @return the label column param

   */
  public Param<String> labelCol() {
    return labelCol;
  }

  /**

   * The prediction column param.

   *

   * @return the prediction column param

   */
  public Param<String> predictionCol() {
    return predictionCol;
  }

  /**

   * The probability column param.

   *

   * @return the probability column param

   */
  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  /**

   * The hidden layers param.

   *

   * @return the hidden layers param

   */
  public IntArrayParam hiddenLayers() {
    return hiddenLayers;
  }

  /**

   * The activation param.

   *

   * @return the activation param

   */
  public Param<String> activation() {
    return activation;
  }

  /**

   * The loss param.

   *

   * @return the loss param

   */
  public Param<String> loss() {
    return loss;
  }

  /**

   * The optimizer param.

   *

   * @return the optimizer param

   */
  public Param<String> optimizer() {
    return optimizer;
  }

  /**

   * The learning rate param.

   *

   * @return the learning rate param

   */
  public DoubleParam learningRate() {
    return learningRate;
  }

  /**

   * The epochs param.

   *

   * @return the epochs param

   */
  public IntParam epochs() {
    return epochs;
  }

  /**

   * The batch size param.

   *

   * @return the batch size param

   */
  public IntParam batchSize() {
    return batchSize;
  }

  /**

   * The seed param.

   *

   * @return the seed param

   */
  public LongParam seed() {
    return seed;
  }

  /**
   * Sets the features column.
   *
   * @param v the features column
   * @return this
   */
  public AiaasClassifier setFeaturesCol(String v) {
    set(featuresCol, v);
    return this;
  }

  /**
   * Sets the label column.
   *
   * @param v the label column
   * @return this
   */
  public AiaasClassifier setLabelCol(String v) {
    set(labelCol, v);
    return this;
  }

  /**
   * Sets the prediction column.
   *
   * @param v the prediction column
   * @return this
   */
  public AiaasClassifier setPredictionCol(String v) {
    set(predictionCol, v);
    return this;
  }

  /**
   * Sets the probability column.
   *
   * @param v the probability column
   * @return this
   */
  public AiaasClassifier setProbabilityCol(String v) {
    set(probabilityCol, v);
    return this;
  }

  /**
   * Sets the hidden layer widths, each at least 1 (empty: a linear model).
   *
   * @param v the hidden layer widths, each at least 1 (empty: a linear model)
   * @return this
   * @throws IllegalArgumentException when a width is below 1
   */
  public AiaasClassifier setHiddenLayers(int[] v) {
    for (int h : v) {
      if (h < 1) {
        throw new IllegalArgumentException(
            "hidden layer width " + h + " in " + java.util.Arrays.toString(v) + "; each must be at least 1");
      }
    }
    set(hiddenLayers, v.clone());
    return this;
  }

  /**
   * Sets the activation, e.g. "relu".
   *
   * @param v the activation, e.g. "relu"
   * @return this
   */
  public AiaasClassifier setActivation(String v) {
    set(activation, v);
    return this;
  }

  /**
   * Sets the loss.
   *
   * @param v the loss
   * @return this
   */
  public AiaasClassifier setLoss(String v) {
    set(loss, v);
    return this;
  }

  /**
   * Sets the optimiser, e.g. "adam".
   *
   * @param v the optimiser, e.g. "adam"
   * @return this
   */
  public AiaasClassifier setOptimizer(String v) {
    set(optimizer, v);
    return this;
  }

  /**
   * Sets the learning rate, positive.
   *
   * @param v the learning rate, positive
   * @return this
   */
  public AiaasClassifier setLearningRate(double v) {
    set(learningRate, v);
    return this;
  }

  /**
   * Sets the epochs, at least 1.
   *
   * @param v the epochs, at least 1
   * @return this
   */
  public AiaasClassifier setEpochs(int v) {
    set(epochs, v);
    return this;
  }

  /**
   * Sets the batch size, at least 1.
   *
   * @param v the batch size, at least 1
   * @return this
   */
  public AiaasClassifier setBatchSize(int v) {
    set(batchSize, v);
    return this;
  }

  /**
   * Sets the seed.
   *
   * @param v the seed
   * @return this
   */
  public AiaasClassifier setSeed(long v) {
    set(seed, v);
    return this;
  }

  /**
   * The network this estimator trains for {@code inputs} features and {@code classes} classes.
   *
   * @param inputs the feature count
   * @param hidden the hidden widths
   * @param activation the activation name
   * @param classes the class count
   * @param seed the initialisation seed
   * @return a new model, float32
   */
  static Model network(int inputs, int[] hidden, String activation, int classes, long seed) {
    Model.Builder b = Model.builder(inputs);
    Activation act = Activation.parse(activation);
    for (int h : hidden) {
      b.add(Layers.dense(h, act));
    }
    return b.add(Layers.dense(classes)).seed(seed).build();
  }

  @Override
  public AiaasClassificationModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    String fc = getOrDefault(featuresCol);
    String lc = getOrDefault(labelCol);
    JavaRDD<Row> rows = dataset.select(fc, lc).toJavaRDD();
    rows.cache();
    try {
      List<Row> first = rows.take(1);
      if (first.isEmpty()) {
        throw new IllegalArgumentException("the data frame has no rows; pass at least one example");
      }
      final int inputs = ((Vector) first.get(0).get(0)).size();
      double maxLabel = rows.map(r -> label(r, lc)).reduce(Math::max);
      final int classes = (int) maxLabel + 1;
      if (classes < 2) {
        throw new IllegalArgumentException(
            "labels go up to " + maxLabel + ", so there is 1 class; a classifier needs labels 0..k-1 with k >= 2");
      }
      final boolean oneHot = getOrDefault(loss).equals("softmax_cross_entropy");
      JavaRDD<Example> examples = rows.map(r -> {
        Vector v = (Vector) r.get(0);
        if (v.size() != inputs) {
          throw new IllegalArgumentException(
              "a features vector has " + v.size() + " values, the first had " + inputs
                  + "; give every row the same number of features");
        }
        double[] d = v.toArray();
        float[] x = new float[inputs];
        for (int i = 0; i < inputs; i++) {
          x[i] = (float) d[i];
        }
        int y = (int) label(r, lc);
        if (!oneHot) {
          return Example.ofLabel(x, y);
        }
        float[] t = new float[classes];
        t[y] = 1f;
        return new Example(x, t);
      });
      final int[] hidden = getOrDefault(hiddenLayers).clone();
      final String act = getOrDefault(activation);
      final long s = number(seed).longValue();
      ModelFactory factory = () -> network(inputs, hidden, act, classes, s);
      LossFactory lossFactory = oneHot ? Losses::softmaxCrossEntropy : Losses::sparseSoftmaxCrossEntropy;
      SparkTrainer trainer = SparkTrainer.builder(lossFactory)
          .optimizer(AiaasParams.optimizer(getOrDefault(optimizer), number(learningRate).doubleValue()))
          .epochs(number(epochs).intValue()).batchSize(number(batchSize).intValue()).seed(s).build();
      Model model = factory.create();
      try {
        trainer.fit(model, factory, examples);
        AiaasClassificationModel m = new AiaasClassificationModel(uid, AiaasModelBytes.of(model));
        copyValues(m, ParamMap.empty());
        return m.setParent(this);
      } finally {
        model.close();
      }
    } finally {
      rows.unpersist(false);
    }
  }

  /** The value of a numeric param (Scala's Param[Long] and the like are Param[Object] in Java). */
  private Number number(Param<Object> p) {
    Object v = getOrDefault(p);
    return (Number) v;
  }

  /** The label of row {@code r} (column 1), checked to be a class index. */
  private static double label(Row r, String column) {
    Object o = r.get(1);
    if (!(o instanceof Number n)) {
      throw new IllegalArgumentException(
          "label column '" + column + "' holds " + o + "; expected class indices 0, 1, ... as numbers"
              + " (use StringIndexer for text labels)");
    }
    double y = n.doubleValue();
    if (!(y >= 0) || y != Math.rint(y) || y > 1_000_000) {
      throw new IllegalArgumentException(
          "label " + y + " in column '" + column + "' is not a class index; expected 0, 1, ..., k-1"
              + " (use StringIndexer for text labels)");
    }
    return y;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return AiaasClassificationModel.outputSchema(schema, getOrDefault(featuresCol), getOrDefault(predictionCol),
        getOrDefault(probabilityCol), getOrDefault(labelCol));
  }

  @Override
  public AiaasClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /**
   * The reader of saved classifiers (Spark's default params format).
   *
   * @return the reader
   */
  public static MLReader<AiaasClassifier> read() {
    return new org.apache.spark.ml.util.DefaultParamsReader<>();
  }

  /**
   * Loads a classifier saved with {@code write().save(path)}.
   *
   * @param path the folder
   * @return the classifier
   */
  public static AiaasClassifier load(String path) {
    return read().load(path);
  }
}
