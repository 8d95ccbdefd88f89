package dev.aiaas.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.data.Dataset;
import dev.aiaas.core.data.FashionMnist;
import dev.aiaas.core.data.TrainTest;
import dev.aiaas.spark.TestSpark;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimator in a Pipeline with Spark's own feature transformers, on a subset of the embedded
 * Fashion-MNIST data, saved and loaded.
 */
class AiaasClassifierTest {

  static SparkSession spark;
  static org.apache.spark.sql.Dataset<Row> train;
  static org.apache.spark.sql.Dataset<Row> test;
  @TempDir static Path dir;

  static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.IntegerType)
      .add("pixels", SQLDataTypes.VectorType())
      .add("label", DataTypes.DoubleType);

  @BeforeAll
  static void data() throws IOException {
    spark = TestSpark.session();
    try (TrainTest tt = FashionMnist.embedded()) {
      train = frame(tt.train(), 800);
      test = frame(tt.test(), 300);
    }
  }

  /** n examples, every (size/n)-th, so that every class is present. */
  private static org.apache.spark.sql.Dataset<Row> frame(Dataset d, int n) {
    float[][] x = d.features().toFloatMatrix();
    int[] y = d.labels();
    List<Row> rows = new ArrayList<>();
    int step = d.size() / n;
    for (int i = 0; i < n; i++) {
      int r = i * step;
      double[] v = new double[x[r].length];
      for (int j = 0; j < v.length; j++) {
        v[j] = x[r][j];
      }
      rows.add(RowFactory.create(r, Vectors.dense(v), (double) y[r]));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(2);
  }

  @Test
  void trainsInAPipelineAndRoundTripsThroughSaveAndLoad() throws IOException {
    VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"pixels"}).setOutputCol("assembled");
    StandardScaler scaler = new StandardScaler().setInputCol("assembled").setOutputCol("features")
        .setWithMean(true).setWithStd(true);
    AiaasClassifier clf = new AiaasClassifier().setHiddenLayers(new int[] {64}).setEpochs(2).setBatchSize(100)
        .setLearningRate(3e-3).setSeed(3);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, scaler, clf});
    PipelineModel fitted = pipeline.fit(train);
    List<Row> predicted = fitted.transform(test).select("id", "label", "prediction", "probability")
        .orderBy("id").collectAsList();
    int right = 0;
    for (Row r : predicted) {
      right += r.getDouble(1) == r.getDouble(2) ? 1 : 0;
      Vector p = (Vector) r.get(3);
      assertEquals(10, p.size());
      double sum = 0;
      for (double v : p.toArray()) {
        sum += v;
      }
      assertEquals(1.0, sum, 1e-9);
      assertEquals(p.argmax(), (int) r.getDouble(2));
    }
    double accuracy = right / (double) predicted.size();
    System.out.printf("AiaasClassifier in a Pipeline: test accuracy %.4f on %d examples%n", accuracy, predicted.size());
    assertTrue(accuracy > 0.6, "accuracy " + accuracy);

    String path = dir.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    AiaasClassificationModel m = (AiaasClassificationModel) loaded.stages()[2];
    assertEquals(2, (Integer) m.getOrDefault(m.epochs()));
    assertEquals(3e-3, (Double) m.getOrDefault(m.learningRate()));
    assertArrayEquals(new int[] {64}, m.getOrDefault(m.hiddenLayers()));
    List<Row> again = loaded.transform(test).select("id", "label", "prediction", "probability")
        .orderBy("id").collectAsList();
    assertEquals(predicted, again);
  }

  @Test
  void badColumnsAndLabelsAreRefused() {
    AiaasClassifier clf = new AiaasClassifier().setFeaturesCol("pixels").setEpochs(1);
    IllegalArgumentException noColumn = assertThrows(IllegalArgumentException.class,
        () -> new AiaasClassifier().fit(train));
    assertTrue(noColumn.getMessage().contains("no features column 'features'"), noColumn.getMessage());
    IllegalArgumentException notVector = assertThrows(IllegalArgumentException.class,
        () -> new AiaasClassifier().setFeaturesCol("label").fit(train));
    assertTrue(notVector.getMessage().contains("expected a vector"), notVector.getMessage());
    org.apache.spark.sql.Dataset<Row> halves = train.limit(8).withColumn("label",
        org.apache.spark.sql.functions.lit(0.5));
    Exception badLabel = assertThrows(Exception.class, () -> clf.fit(halves));
    assertTrue(String.valueOf(badLabel.getMessage()).contains("is not a class index"), badLabel.getMessage());
    IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
        () -> clf.setPredictionCol("label").transformSchema(train.schema()));
    assertTrue(clash.getMessage().contains("already has a column 'label'"), clash.getMessage());
    assertThrows(IllegalArgumentException.class, () -> clf.setHiddenLayers(new int[] {0}));
    assertThrows(IllegalArgumentException.class, () -> clf.set(clf.optimizer(), "lbfgs"));
  }
}
