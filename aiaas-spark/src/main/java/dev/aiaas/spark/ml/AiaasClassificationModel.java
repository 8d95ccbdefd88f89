package dev.aiaas.spark.ml;

import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import scala.Option;

/**
 * The fitted {@link AiaasClassifier}: {@link #transform} adds the predicted class (a double, as
 * Spark ML's classifiers) and the class probabilities (a vector, the softmax of the network's
 * logits). The aiaas model file is broadcast once per transform; each partition loads it into a
 * thread-safe {@link Predictor} and predicts its rows in batches of {@value #BATCH}, closing the
 * predictor when the partition is done. Saved with {@link #write()} as Spark's params metadata
 * plus the aiaas model file ({@code data/model.aiaas}, readable by {@code ModelIO.load} and the
 * CLI).
 */
public class AiaasClassificationModel extends org.apache.spark.ml.Model<AiaasClassificationModel>
    implements MLWritable {

  private static final long serialVersionUID = 1L;

  /** Rows predicted per call of the predictor. */
  static final int BATCH = 256;

  /** The params, held by an estimator of the same uid (so their names and defaults are its). */
  private final AiaasClassifier params;
  /** The aiaas model file. */
  private final byte[] modelFile;

  AiaasClassificationModel(String uid, byte[] modelFile) {
    this.params = new AiaasClassifier(uid);
    this.modelFile = modelFile;
    for (Param<?> p : params.params()) {
      Option<?> d = params.getDefault(p);
      if (d.isDefined()) {
        setDefaultValue(p, d.get());
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void setDefaultValue(Param p, Object value) {
    setDefault(p, value);
  }

  @Override
  public String uid() {
    return params.uid();
  }

  // The params are the estimator's (same names, so copyValues and the saved metadata carry them).

  /**

   * The features column param.

   *

   * @return the features column param

   */
  public Param<String> featuresCol() {
    return params.featuresCol();
  }

  /**

   * The prediction column param.

   *

   * @return the prediction column param

   */
  public Param<String> predictionCol() {
    return params.predictionCol();
  }

  /**

   * The probability column param.

   *

   * @return the probability column param

   */
  public Param<String> probabilityCol() {
    return params.probabilityCol();
  }

  /**

   * The label column param (unused by transform).

   *

   * @return the label column param (unused by transform)

   */
  public Param<String> labelCol() {
    return params.labelCol();
  }

  /**

   * The hidden layers param, as trained.

   *

   * @return the hidden layers param, as trained

   */
  public org.apache.spark.ml.param.IntArrayParam hiddenLayers() {
    return params.hiddenLayers();
  }

  /**

   * The activation param, as trained.

   *

   * @return the activation param, as trained

   */
  public Param<String> activation() {
    return params.activation();
  }

  /**

   * The loss param, as trained.

   *

   * @return the loss param, as trained

   */
  public Param<String> loss() {
    return params.loss();
  }

  /**

   * The optimizer param, as trained.

   *

   * @return the optimizer param, as trained

   */
  public Param<String> optimizer() {
    return params.optimizer();
  }

  /**

   * The learning rate param, as trained.

   *

   * @return the learning rate param, as trained

   */
  public org.apache.spark.ml.param.DoubleParam learningRate() {
    return params.learningRate();
  }

  /**

   * The epochs param, as trained.

   *

   * @return the epochs param, as trained

   */
  public org.apache.spark.ml.param.IntParam epochs() {
    return params.epochs();
  }

  /**

   * The batch size param, as trained.

   *

   * @return the batch size param, as trained

   */
  public org.apache.spark.ml.param.IntParam batchSize() {
    return params.batchSize();
  }

  /**

   * The seed param, as trained.

   *

   * @return the seed param, as trained

   */
  public org.apache.spark.ml.param.LongParam seed() {
    return params.seed();
  }

  /**
   * Sets the features column.
   *
   * @param v the features column
   * @return this
   */
  public AiaasClassificationModel setFeaturesCol(String v) {
    set(featuresCol(), v);
    return this;
  }

  /**
   * Sets the prediction column.
   *
   * @param v the prediction column
   * @return this
   */
  public AiaasClassificationModel setPredictionCol(String v) {
    set(predictionCol(), v);
    return this;
  }

  /**
   * Sets the probability column.
   *
   * @param v the probability column
   * @return this
   */
  public AiaasClassificationModel setProbabilityCol(String v) {
    set(probabilityCol(), v);
    return this;
  }

  /**
   * The trained network as an aiaas model file (a copy).
   *
   * @return the bytes of the file
   */
  public byte[] modelFile() {
    return modelFile.clone();
  }

  /**
   * The trained network, loaded from {@link #modelFile()}; the caller owns and closes it.
   *
   * @return the model
   */
  public Model model() {
    return AiaasModelBytes.load(modelFile);
  }

  static StructType outputSchema(StructType schema, String features, String prediction, String probability,
      String labelOrNull) {
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(features)) {
      throw new IllegalArgumentException(
          "no features column '" + features + "' among " + names + "; set featuresCol (VectorAssembler makes one)");
    }
    if (!SQLDataTypes.VectorType().equals(schema.apply(features).dataType())) {
      throw new IllegalArgumentException(
          "features column '" + features + "' is " + schema.apply(features).dataType().simpleString()
              + "; expected a vector (VectorAssembler makes one)");
    }
    if (labelOrNull != null && !names.contains(labelOrNull)) {
      throw new IllegalArgumentException(
          "no label column '" + labelOrNull + "' among " + names + "; set labelCol");
    }
    for (String c : new String[] {prediction, probability}) {
      if (names.contains(c)) {
        throw new IllegalArgumentException(
            "the data frame already has a column '" + c + "'; set predictionCol/probabilityCol to a new name");
      }
    }
    return schema.add(new StructField(prediction, DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()))
        .add(new StructField(probability, SQLDataTypes.VectorType(), false, org.apache.spark.sql.types.Metadata.empty()));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return outputSchema(schema, getOrDefault(featuresCol()), getOrDefault(predictionCol()),
        getOrDefault(probabilityCol()), null);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema(), true);
    int fi = dataset.schema().fieldIndex(getOrDefault(featuresCol()));
    org.apache.spark.api.java.JavaSparkContext sc =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    Broadcast<byte[]> file = sc.broadcast(modelFile);
    JavaRDD<Row> rows = dataset.toDF().javaRDD().mapPartitions(it -> new Predictions(it, file.value(), fi));
    return dataset.sparkSession().createDataFrame(rows, out);
  }

  /** A partition's rows with their prediction and probabilities, computed in batches. */
  private static final class Predictions implements Iterator<Row> {
    private final Iterator<Row> in;
    private final byte[] file;
    private final int fi;
    private Predictor predictor;
    private List<Row> batch = new ArrayList<>();
    private int next;
    private boolean closed;

    Predictions(Iterator<Row> in, byte[] file, int fi) {
      this.in = in;
      this.file = file;
      this.fi = fi;
      TaskContext task = TaskContext.get();
      if (task != null) { // a task stopped early (a limit, a failure) closes the predictor too
        task.addTaskCompletionListener((TaskCompletionListener) t -> close());
      }
    }

    @Override
    public boolean hasNext() {
      if (next < batch.size()) {
        return true;
      }
      fill();
      return next < batch.size();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return batch.get(next++);
    }

    private void fill() {
      batch = new ArrayList<>();
      next = 0;
      List<Row> rows = new ArrayList<>(BATCH);
      while (in.hasNext() && rows.size() < BATCH) {
        rows.add(in.next());
      }
      if (rows.isEmpty()) {
        close();
        return;
      }
      if (predictor == null) {
        try (Model m = AiaasModelBytes.load(file)) {
          predictor = m.predictor();
        }
      }
      int d = (int) predictor.inputShape()[0];
      int k = (int) predictor.outputShape()[0];
      float[] x = new float[rows.size() * d];
      for (int r = 0; r < rows.size(); r++) {
        Vector v = (Vector) rows.get(r).get(fi);
        if (v.size() != d) {
          close();
          throw new IllegalArgumentException(
              "a features vector has " + v.size() + " values; the model takes " + d);
        }
        double[] a = v.toArray();
        for (int i = 0; i < d; i++) {
          x[r * d + i] = (float) a[i];
        }
      }
      float[] y = predictor.predict(x);
      for (int r = 0; r < rows.size(); r++) {
        double[] p = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        int best = 0;
        for (int j = 0; j < k; j++) {
          if (y[r * k + j] > max) {
            max = y[r * k + j];
            best = j;
          }
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
          p[j] = Math.exp(y[r * k + j] - max);
          sum += p[j];
        }
        for (int j = 0; j < k; j++) {
          p[j] /= sum;
        }
        Row row = rows.get(r);
        Object[] values = new Object[row.length() + 2];
        for (int i = 0; i < row.length(); i++) {
          values[i] = row.get(i);
        }
        values[row.length()] = (double) best;
        values[row.length() + 1] = Vectors.dense(p);
        batch.add(RowFactory.create(values));
      }
      if (!in.hasNext()) {
        close();
      }
    }

    private void close() {
      if (!closed && predictor != null) {
        predictor.close();
      }
      closed = true;
    }
  }

  @Override
  public AiaasClassificationModel copy(ParamMap extra) {
    AiaasClassificationModel m = new AiaasClassificationModel(uid(), modelFile);
    copyValues(m, extra);
    return m.setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  /**
   * The reader of saved models.
   *
   * @return the reader
   */
  public static MLReader<AiaasClassificationModel> read() {
    return new Reader();
  }

  /**
   * Loads a model saved with {@code write().save(path)}.
   *
   * @param path the folder
   * @return the model
   */
  public static AiaasClassificationModel load(String path) {
    return read().load(path);
  }

  private static final class Writer extends MLWriter {
    private final AiaasClassificationModel model;

    Writer(AiaasClassificationModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(model, path, sparkSession());
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path, "data/model.aiaas");
      try {
        FileSystem fs = file.getFileSystem(sc().hadoopConfiguration());
        try (OutputStream os = fs.create(file, true)) {
          os.write(model.modelFile);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the aiaas model file " + file + ": " + e.getMessage(), e);
      }
    }
  }

  private static final class Reader extends MLReader<AiaasClassificationModel> {
    @Override
    public AiaasClassificationModel load(String path) {
      DefaultParamsReader.Metadata meta =
          DefaultParamsReader.loadMetadata(path, sparkSession(), AiaasClassificationModel.class.getName());
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path, "data/model.aiaas");
      byte[] bytes;
      try {
        FileSystem fs = file.getFileSystem(sc().hadoopConfiguration());
        try (InputStream is = fs.open(file)) {
          bytes = is.readAllBytes();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the aiaas model file " + file + ": " + e.getMessage(), e);
      }
      AiaasClassificationModel m = new AiaasClassificationModel(meta.uid(), bytes);
      meta.getAndSetParams(m, Option.empty());
      return m;
    }
  }
}
