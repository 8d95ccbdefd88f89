package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.train.GradientTransform;
import dev.aiaas.nlp.text.Vocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Weight tying ({@code tieEmbeddings}): the tied gradient against float64 finite differences of
 * the loss in the one shared value, the trained θ's two copies equal bit for bit, the file's
 * {@code lm.tie_embeddings} entry (an older file without it reads as untied) and its check.
 */
class TransformerTiedEmbeddingsTest {

  private static TransformerLanguageModel tied;

  static TransformerLmOptions tinyTied() {
    return TransformerLanguageModelTest.tiny().withTiedEmbeddings(true);
  }

  @BeforeAll
  static void train() {
    Backends.current();
    tied = TransformerLanguageModel.train(TransformerLanguageModelTest.corpus(), tinyTied());
  }

  /**
   * With W = Eᵀ, the loss is a function of the shared table; its derivative in E[v, k] (moving
   * E[v, k] and W[k, v] together) is what {@code TiedTables} gives both copies. Checked by central
   * differences in float64 (no dropout), for every word and width, to 1e-6 relative.
   */
  @Test
  void theTiedGradientIsTheDerivativeInTheSharedValue() {
    TransformerLmOptions o = tinyTied().withDropout(0);
    Vocabulary vocabulary = tied.vocabulary();
    int v = vocabulary.size();
    int d = o.dim();
    LstmLmTrainer.Rows rows = LstmLmTrainer.Rows.of(
        LstmLmTrainer.encode(TransformerLanguageModelTest.corpus().subList(0, 4), vocabulary), o.context(),
        o.contextOverlap());
    double[] xs = new double[rows.x.length];
    double[] ys = new double[rows.y.length];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = rows.x[i];
      ys[i] = rows.y[i];
    }
    Loss loss = Losses.sequenceSparseSoftmaxCrossEntropy();
    try (Model network = TransformerLmTrainer.network(v, o, DataType.DOUBLE);
        INDArray x = Nd4j.create(xs, new long[] {rows.count, o.context()}, 'c');
        INDArray y = Nd4j.create(ys, new long[] {rows.count, o.context()}, 'c')) {
      TransformerLmTrainer.TiedTables.tie(network.parameters(), v, d);
      INDArray out = network.forward(x, true);
      INDArray grad = Nd4j.createUninitialized(DataType.DOUBLE, out.shape(), 'f');
      loss.compute(out, y, grad);
      network.backward(grad);
      GradientTransform.Bound t = new TransformerLmTrainer.TiedTables(v, d).bind(network);
      assertEquals(0.0, t.beforeStep(network.parameters(), network.gradients()));
      double[] g = network.gradients().toDoubleVector();
      Buf p = Buf.of(network.parameters());
      int w = (int) TransformerLmTrainer.TiedTables.outputKernelOffset(p.length, v, d);
      double h = 1e-5;
      int checked = 0;
      for (int id = 0; id < v; id++) {
        for (int k = 0; k < d; k++) {
          int e = id + v * k;
          int wk = w + k + d * id;
          assertEquals(g[e], g[wk], 0.0, "both copies get the same gradient");
          double keep = p.get(e);
          p.set(e, keep + h);
          p.set(wk, keep + h);
          double plus = loss.compute(network.forward(x, false), y, null);
          p.set(e, keep - h);
          p.set(wk, keep - h);
          double minus = loss.compute(network.forward(x, false), y, null);
          p.set(e, keep);
          p.set(wk, keep);
          double numeric = (plus - minus) / (2 * h);
          assertEquals(numeric, g[e], 1e-6 * Math.max(1, Math.abs(numeric)), "E[" + id + ", " + k + "]");
          checked++;
        }
      }
      assertEquals(v * d, checked);
    }
  }

  /** The trained θ has W = Eᵀ exactly; untied training (the same seed) ends with two different tables. */
  @Test
  void trainingKeepsTheCopiesEqualBitForBit() {
    int v = tied.vocabulary().size();
    assertTrue(TransformerLmTrainer.TiedTables.tied(tied.theta(), v, 8));
    TransformerLanguageModel untied = TransformerLanguageModel.train(TransformerLanguageModelTest.corpus(),
        TransformerLanguageModelTest.tiny().withTraining(2, 8, 0.01));
    assertFalse(TransformerLmTrainer.TiedTables.tied(untied.theta(), v, 8));
    Perplexity p = Perplexity.evaluate(tied, TransformerLanguageModelTest.corpus().subList(0, 3));
    assertTrue(p.including() < 3.0, "training perplexity " + p.including() + " (uniform: " + (v - 1) + ")");
  }

  /**
   * The weight decay shrinks the kernels (attention, MLP, output) by 1 − η·schedule(t)·λ after a
   * step and leaves word vectors, positions, layer norms and biases alone; with tied tables the
   * word-vector table shrinks with the output kernel it equals.
   */
  @Test
  void weightDecayShrinksTheKernelsOnly() {
    TransformerLmOptions o = TransformerLanguageModelTest.tiny();
    int v = 11;
    int d = o.dim();
    for (boolean tie : new boolean[] {false, true}) {
      try (Model network = TransformerLmTrainer.network(v, o, DataType.DOUBLE)) {
        GradientTransform.Bound decay = new TransformerLmTrainer.KernelDecay((step, epoch) -> step == 1 ? 0.5 : 0, 0.1,
            0.2, tie ? (long) v * d : 0).bind(network);
        network.parameters().assign(1.0);
        decay.afterStep(network.parameters());
        double[] theta = network.parameters().toDoubleVector();
        boolean[] kernel = new boolean[theta.length];
        for (long[] k : network.kernelSlices()) {
          for (long i = k[0]; i < k[1]; i++) {
            kernel[(int) i] = true;
          }
        }
        int shrunk = 0;
        for (int i = 0; i < theta.length; i++) {
          boolean decayed = kernel[i] || (tie && i < v * d);
          assertEquals(decayed ? 1 - 0.1 * 0.5 * 0.2 : 1.0, theta[i], 1e-15, "θ[" + i + "], tied " + tie);
          shrunk += decayed ? 1 : 0;
        }
        // per block 4D² (attention) + 2DF (MLP) kernels, then the output kernel D·V
        long kernels = o.layers() * (4L * d * d + 2L * d * o.ffnWidth()) + (long) d * v;
        assertEquals(kernels + (tie ? v * d : 0), shrunk);
      }
    }
  }

  @Test
  void theFileKeepsTheTyingAndChecksIt(@TempDir Path dir) throws Exception {
    Path saved = dir.resolve("tied.aiaas");
    tied.save(saved);
    TransformerLanguageModel again = TransformerLanguageModel.load(saved);
    assertTrue(again.options().tieEmbeddings());
    assertEquals(tied.options(), again.options());
    assertArrayEquals(tied.theta(), again.theta());
    List<String> sentence = List.of("the", "cat", "sat", "on", "a", "mat");
    assertEquals(tied.scoreTokens(sentence), again.scoreTokens(sentence));

    byte[] good = Files.readAllBytes(saved);
    // a file written before lm.tie_embeddings existed reads as untied, and scores the same
    Path older = dir.resolve("older.aiaas");
    Files.write(older, LmFileBytes.withEntry(good, "provenance.lm.tie_embeddings", null));
    TransformerLanguageModel old = TransformerLanguageModel.load(older);
    assertFalse(old.options().tieEmbeddings());
    assertEquals(tied.scoreTokens(sentence), old.scoreTokens(sentence));

    Path bad = dir.resolve("bad.aiaas");
    Files.write(bad, LmFileBytes.withEntry(good, "provenance.lm.tie_embeddings", "yes"));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> TransformerLanguageModel.load(bad));
    assertTrue(e.getMessage().contains("lm.tie_embeddings must be true or false") && e.getMessage().contains("yes"),
        e.getMessage());

    // an untied model's file claiming to be tied: its two tables differ
    TransformerLanguageModel untied = TransformerLanguageModel.train(TransformerLanguageModelTest.corpus(),
        TransformerLanguageModelTest.tiny().withTraining(1, 8, 0.01));
    Path plain = dir.resolve("untied.aiaas");
    untied.save(plain);
    Path lying = dir.resolve("lying.aiaas");
    Files.write(lying, LmFileBytes.withEntry(Files.readAllBytes(plain), "provenance.lm.tie_embeddings", "true"));
    e = assertThrows(ModelFormatException.class, () -> TransformerLanguageModel.load(lying));
    assertTrue(e.getMessage().contains("not its word-vector table transposed"), e.getMessage());
  }
}
