package dev.aiaas.spark.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.datasets.EmbeddedDatasets;
import dev.aiaas.nlp.lm.BadDiscountException;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.nlp.lm.NgramOptions;
import dev.aiaas.nlp.lm.Smoothing;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import dev.aiaas.spark.TestSpark;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark estimator writes the same ARPA file as aiaas-nlp's single-machine {@link NgramModel}
 * on the embedded Moby-Dick corpus: the same n-grams in every order, every printed log10
 * probability and backoff within 1e-6. The tests run on its held-out part (moby-test, 29,203
 * tokens; stupid backoff on its first 400 lines) to stay short; {@code -Daiaas.spark.mobyTrain=true} runs orders 3 and 5 on the training
 * part (224,360 tokens) too.
 */
class SparkNgramEstimatorTest {

  @TempDir static Path dir;
  static Path train;
  static Path test;
  static Path part;
  static JavaSparkContext sc;

  @BeforeAll
  static void corpus() throws IOException {
    sc = TestSpark.context();
    train = copy("moby-train.txt.gz");
    test = copy("moby-test.txt.gz");
    part = dir.resolve("moby-part.txt");
    try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(test))) {
      Files.write(part, new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().limit(400).toList());
    }
  }

  private static Path copy(String name) throws IOException {
    Path p = dir.resolve(name);
    try (InputStream in = EmbeddedDatasets.open(EmbeddedDatasets.MOBY_DICK + name)) {
      Files.copy(in, p);
    }
    return p;
  }

  @Test
  void modifiedKneserNeyOrder3EqualsNgramModel() throws IOException {
    Path spark = compare(test, NgramOptions.kenlm(3));
    NgramModel loaded = NgramModel.readArpa(spark);
    assertEquals(3, loaded.order());
    assertTrue(loaded.entry(List.of("the", "white", "whale")).isPresent());
  }

  @Test
  void modifiedKneserNeyOrder5EqualsNgramModel() throws IOException {
    compare(test, NgramOptions.kenlm(5));
  }

  @Test
  @EnabledIfSystemProperty(named = "aiaas.spark.mobyTrain", matches = "true")
  void modifiedKneserNeyOnTheTrainingPartEqualsNgramModel() throws IOException {
    compare(train, NgramOptions.kenlm(3));
    compare(train, NgramOptions.kenlm(5));
  }

  @Test
  void stupidBackoffWithMinCountEqualsNgramModel() throws IOException {
    compare(part, NgramOptions.of(4, Smoothing.STUPID_BACKOFF).withStupidBackoffAlpha(0.5).withMinCount(2));
  }

  private static Path compare(Path corpus, NgramOptions options) throws IOException {
    String name = options.smoothing().id() + options.order() + "-" + corpus.getFileName();
    Path single = dir.resolve(name + "-single.arpa");
    long t0 = System.nanoTime();
    NgramModel.build(corpus, new WhitespaceTokenizer(), options).writeArpa(single);
    long t1 = System.nanoTime();
    Path spark = dir.resolve(name + "-spark.arpa");
    try (DistributedNgramModel m = SparkNgramEstimator.build(sc.textFile(corpus.toString(), 2), options)) {
      m.writeArpa(spark);
      assertEquals(options.order(), m.order());
      assertEquals(options.smoothing(), m.smoothing());
    }
    long t2 = System.nanoTime();
    Map<String, double[]> a = read(single);
    Map<String, double[]> b = read(spark);
    assertEquals(header(single), header(spark), "ARPA headers (n-gram counts)");
    assertEquals(a.keySet(), b.keySet(), "the same n-grams");
    int differ = 0;
    for (Map.Entry<String, double[]> e : a.entrySet()) {
      double[] x = e.getValue();
      double[] y = b.get(e.getKey());
      for (int i = 0; i < 2; i++) {
        double d = x[i] == y[i] ? 0 : Math.abs(x[i] - y[i]);
        assertTrue(d <= 1e-6, () -> e.getKey() + ": " + x[0] + " " + x[1] + " vs " + y[0] + " " + y[1]);
        differ += x[i] == y[i] ? 0 : 1;
      }
    }
    assertTrue(a.size() > 1000, "a real model: " + a.size() + " n-grams");
    assertTrue(differ <= a.size() / 1000, differ + " printed values differ (each within 1e-6)");
    System.out.printf("%s: %d n-grams, %d printed values differ; single machine %.1f s, Spark %.1f s,"
        + " comparison %.1f s%n", name, a.size(), differ, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
        (System.nanoTime() - t2) / 1e9);
    return spark;
  }

  private static List<String> header(Path arpa) throws IOException {
    return Files.readAllLines(arpa, StandardCharsets.UTF_8).stream()
        .filter(l -> l.startsWith("ngram ")).toList();
  }

  /** "n-gram words" -> {log10 p, log10 backoff (0 when absent)}. */
  private static Map<String, double[]> read(Path arpa) throws IOException {
    Map<String, double[]> m = new HashMap<>();
    for (String line : Files.readAllLines(arpa, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t");
      if (f.length < 2) {
        continue;
      }
      double p = f[0].equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(f[0]);
      double bo = f.length > 2 ? (f[2].equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(f[2])) : 0;
      double[] old = m.put(f[1], new double[] {p, bo});
      assertEquals(null, old, "duplicate n-gram " + f[1]);
    }
    return m;
  }

  @Test
  void anEmptyCorpusIsRefused() {
    JavaRDD<String> lines = sc.parallelize(List.of("", "<s> </s>", "  "), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkNgramEstimator.build(lines, NgramOptions.kenlm(3)));
    assertTrue(e.getMessage().contains("the corpus is empty: 3 sentences"), e.getMessage());
  }

  @Test
  void addKIsRefusedNamingTheAlternatives() {
    JavaRDD<String> lines = sc.parallelize(List.of("a b"), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkNgramEstimator.build(lines, NgramOptions.of(2, Smoothing.ADD_K)));
    assertTrue(e.getMessage().contains("addk is not offered"), e.getMessage());
  }

  @Test
  void tinyCorpusNeedsTheDiscountFallbackAsNgramModel() throws IOException {
    List<String> text = List.of("a b c", "a b d", "b c a");
    JavaRDD<String> lines = sc.parallelize(text, 2);
    BadDiscountException e = assertThrows(BadDiscountException.class,
        () -> SparkNgramEstimator.build(lines, NgramOptions.kenlm(3)));
    assertTrue(e.getMessage().contains("discount fallback"), e.getMessage());
    Path corpus = dir.resolve("tiny.txt");
    Files.write(corpus, text);
    NgramOptions fallback = NgramOptions.kenlm(3).withDiscountFallback(dev.aiaas.nlp.lm.Discounts.KENLM_FALLBACK);
    Path single = dir.resolve("tiny-single.arpa");
    NgramModel.build(corpus, new WhitespaceTokenizer(), fallback).writeArpa(single);
    Path spark = dir.resolve("tiny-spark.arpa");
    DistributedNgramModel closed;
    try (DistributedNgramModel m = SparkNgramEstimator.build(lines, fallback)) {
      m.writeArpa(spark);
      closed = m;
    }
    IllegalStateException e2 = assertThrows(IllegalStateException.class,
        () -> closed.writeArpa(dir.resolve("after-close.arpa")));
    assertTrue(e2.getMessage().contains("write it before close()"), e2.getMessage());
    assertEquals(read(single).keySet(), read(spark).keySet());
    for (Map.Entry<String, double[]> x : read(single).entrySet()) {
      double[] y = read(spark).get(x.getKey());
      assertEquals(x.getValue()[0], y[0], 1e-6, x.getKey());
      assertEquals(x.getValue()[1], y[1], 1e-6, x.getKey());
    }
  }
}
