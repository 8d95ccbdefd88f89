package dev.aiaas.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Model;
import dev.aiaas.datasets.EmbeddedDatasets;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.nlp.lm.NgramOptions;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import dev.aiaas.spark.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in this JVM on the tests' SparkSession (which it leaves running). */
class MainTest {

  @TempDir static Path dir;

  @BeforeAll
  static void spark() {
    TestSpark.session();
  }

  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {String.valueOf(rc), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void lmBuildWritesNgramModelsArpa() throws IOException {
    Path corpus = dir.resolve("moby-part.txt");
    try (InputStream in = new GZIPInputStream(EmbeddedDatasets.open(EmbeddedDatasets.MOBY_DICK + "moby-test.txt.gz"))) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().limit(400).toList();
      Files.write(corpus, lines);
    }
    Path arpa = dir.resolve("lm.arpa");
    String[] r = run("lm", "build", "--order", "3", "--input", corpus.toString(), "--arpa", arpa.toString(),
        "--partitions", "3");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("mkn order 3 (Spark)"), r[1]);
    NgramModel single = NgramModel.build(corpus, new WhitespaceTokenizer(), NgramOptions.kenlm(3));
    NgramModel spark = NgramModel.readArpa(arpa);
    for (int n = 1; n <= 3; n++) {
      assertEquals(single.ngramCount(n), spark.ngramCount(n));
    }
    assertEquals(single.entry(List.of("the", "white", "whale")).orElseThrow().log10Prob(),
        spark.entry(List.of("the", "white", "whale")).orElseThrow().log10Prob(), 1e-6);
    assertTrue(TestSpark.session().sparkContext().isStopped() == false, "the shared session still runs");
  }

  @Test
  void trainPrintsTestAccuracyAndSavesTheModel() throws IOException {
    Path out = dir.resolve("m.aiaas");
    String[] r = run("train", "--model", "mlp", "--hidden", "32", "--epochs", "1", "--batch-size", "500",
        "--seed", "5", "--out", out.toString());
    assertEquals("0", r[0], r[2]);
    String last = r[1].strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.matches("test accuracy: 0\\.\\d{4}"), r[1]);
    assertTrue(Double.parseDouble(last.substring("test accuracy: ".length())) > 0.5, last);
    try (Model m = ModelIO.load(out)) {
      assertEquals(784 * 32 + 32 + 32 * 10 + 10, m.parameterCount());
    }
  }

  @Test
  void usageErrorsExitWithTwoAndNameTheFix() {
    String[] r = run("fit");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("the commands are 'train' and 'lm build'"), r[2]);
    r = run("train", "--epochs", "0");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--epochs 0 is out of range"), r[2]);
    r = run("train", "--model", "cnn");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("use --model mlp"), r[2]);
    r = run("train", "--dataset", dir.resolve("nowhere").toString());
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("is not a folder"), r[2]);
    r = run("lm", "build", "--order", "3");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--input FILE"), r[2]);
    r = run("lm", "build", "--order", "3", "--input", "x", "--arpa", "y", "--smoothing", "magic");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("unknown smoothing 'magic'"), r[2]);
    r = run("lm", "build", "--colour", "red");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("unknown option --colour"), r[2]);
    r = run("help");
    assertEquals("0", r[0]);
    for (String line : r[1].split("\n")) {
      assertTrue(line.length() < 80, "help wider than 80 columns: " + line);
    }
  }

  @Test
  void tinyCorpusAsksForTheDiscountFallback() throws IOException {
    Path corpus = dir.resolve("tiny.txt");
    Files.write(corpus, List.of("a b c", "a b d"));
    String[] r = run("lm", "build", "--order", "3", "--input", corpus.toString(), "--arpa",
        dir.resolve("tiny.arpa").toString());
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("rerun with --discount-fallback"), r[2]);
    r = run("lm", "build", "--order", "3", "--input", corpus.toString(), "--arpa",
        dir.resolve("tiny.arpa").toString(), "--discount-fallback");
    assertEquals("0", r[0], r[2]);
  }
}
