package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.nlp.text.Vocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The transformer language model on tiny corpora: the KV-cached scoring against the network's
 * full forward pass (in float64, sliding windows included), normalisation, shared and branching
 * caches, files, sampling and errors.
 */
class TransformerLanguageModelTest {

  /** Two kinds of sentence, one longer than the context of {@link #tiny()}, and a rare one. */
  static List<List<String>> corpus() {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      out.add(List.of("the", "cat", "sat", "on", "the", "mat"));
      out.add(List.of("a", "dog", "ran", "in", "a", "park", "and", "the", "cat", "sat", "on", "a", "mat", "."));
      out.add(List.of("the", "cat", "ran"));
    }
    out.add(List.of("rare", "words", "appear", "once"));
    return out;
  }

  /** N 2, H 2, D 8, T 6 (overlap 2), F 16, minCount 1, 30 epochs of 8, η 0.01, dropout 0.1. */
  static TransformerLmOptions tiny() {
    return new TransformerLmOptions(2, 2, 8, 6, 2, 1, 2, 30, 8, 0.01, 0.1, 0.01, 1.0, 0.1, 7);
  }

  private static TransformerLanguageModel model;

  @BeforeAll
  static void train() {
    Backends.current();
    model = TransformerLanguageModel.train(corpus(), tiny());
  }

  @Test
  void learnsTheCorpusFarBetterThanUniform() {
    Perplexity p = Perplexity.evaluate(model, corpus().subList(0, 3));
    int v = model.vocabulary().size();
    assertEquals(19, v, "16 words and the 3 reserved ids");
    assertTrue(p.including() < 3.0, "training perplexity " + p.including() + " (uniform: " + (v - 1) + ")");
    double sat = model.scoreTokens(List.of("the", "cat", "sat")).get(2).log10Prob();
    double dogSat = model.scoreTokens(List.of("a", "dog", "sat")).get(2).log10Prob();
    assertTrue(sat > dogSat + 0.5, "p(sat | the cat) = " + Math.pow(10, sat) + ", p(sat | a dog) = " + Math.pow(10, dogSat));
  }

  /**
   * The cached, one-step-per-word scores equal the float64 network's full forward pass over the
   * rows the sentence is cut into (the training rows; their continuation rows are the scorer's
   * slid windows) to 1e-9, for sentences shorter than, equal to and three times longer than the
   * context T = 6, with an unknown word.
   */
  @Test
  void cachedScoringEqualsTheFullForwardPassOfTheNetwork() {
    TransformerLmOptions o = tiny();
    int v = model.vocabulary().size();
    List<List<String>> sentences = List.of(
        List.of("the", "cat"),
        List.of("the", "cat", "sat", "on", "the"),
        List.of("a", "dog", "ran", "in", "a", "park", "and", "the", "cat", "sat", "on", "a", "mat", ".", "zebra", "the",
            "cat"));
    try (Model network = TransformerLmTrainer.network(v, o, DataType.DOUBLE)) {
      float[] theta = model.theta();
      double[] wide = new double[theta.length];
      for (int i = 0; i < theta.length; i++) {
        wide[i] = theta[i];
      }
      network.parameters().assign(Nd4j.createFromArray(wide));
      for (List<String> sentence : sentences) {
        int[] ids = model.vocabulary().ids(sentence);
        LstmLmTrainer.Rows rows = LstmLmTrainer.Rows.of(List.of(ids), o.context(), o.contextOverlap());
        double[] x = new double[rows.x.length];
        for (int i = 0; i < x.length; i++) {
          x[i] = rows.x[i];
        }
        INDArray logits = network.predict(Nd4j.create(x, new long[] {rows.count, o.context()}, 'c'));
        List<Double> expected = new ArrayList<>();
        for (int r = 0; r < rows.count; r++) {
          for (int t = 0; t < o.context(); t++) {
            float target = rows.y[r * o.context() + t];
            if (target == Losses.PADDING) {
              continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < v; c++) {
              if (c != Vocabulary.BOS) {
                max = Math.max(max, logits.getDouble(r, t, c));
              }
            }
            double sum = 0;
            for (int c = 0; c < v; c++) {
              if (c != Vocabulary.BOS) {
                sum += Math.exp(logits.getDouble(r, t, c) - max);
              }
            }
            expected.add((logits.getDouble(r, t, (int) target) - max - Math.log(sum)) / LanguageModel.LN_10);
          }
        }
        List<TokenScore> scores = model.scoreTokens(sentence);
        assertEquals(sentence.size() + 1, expected.size());
        for (int i = 0; i < scores.size(); i++) {
          assertEquals(expected.get(i), scores.get(i).log10Prob(), 1e-9, sentence + " position " + i);
        }
      }
    }
  }

  /**
   * {@code network()} is the float32 network of the model's θ: its logits give the scores of the
   * cached path (to float32's precision); {@code initialised} is the untrained network of the
   * seed, over the vocabulary training would build.
   */
  @Test
  void thePublicNetworkScoresAsTheModelAndInitialisedIsTheSeedsUntrainedNetwork() {
    TransformerLmOptions o = tiny();
    List<String> sentence = List.of("the", "cat", "sat", "on");
    int[] ids = model.vocabulary().ids(sentence);
    float[] x = new float[o.context()];
    x[0] = Vocabulary.BOS;
    for (int i = 0; i < ids.length; i++) {
      x[i + 1] = ids[i];
    }
    List<TokenScore> scores = model.scoreTokens(sentence);
    try (Model network = model.network()) {
      INDArray logits = network.predict(Nd4j.create(x, new long[] {1, o.context()}, 'c'));
      int v = model.vocabulary().size();
      for (int t = 0; t < ids.length; t++) {
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int c = 0; c < v; c++) {
          max = c == Vocabulary.BOS ? max : Math.max(max, logits.getDouble(0, t, c));
        }
        for (int c = 0; c < v; c++) {
          sum += c == Vocabulary.BOS ? 0 : Math.exp(logits.getDouble(0, t, c) - max);
        }
        double log10 = (logits.getDouble(0, t, ids[t]) - max - Math.log(sum)) / LanguageModel.LN_10;
        assertEquals(scores.get(t).log10Prob(), log10, 1e-4, "position " + t);
      }
    }
    TransformerLanguageModel fresh = TransformerLanguageModel.initialised(corpus(), o);
    assertEquals(model.vocabulary().size(), fresh.vocabulary().size());
    try (Model network = TransformerLmTrainer.network(fresh.vocabulary().size(), o)) {
      if (o.tieEmbeddings()) {
        TransformerLmTrainer.TiedTables.tie(network.parameters(), fresh.vocabulary().size(), o.dim());
      }
      assertArrayEquals(network.parameters().toFloatVector(), fresh.theta());
    }
    TransformerLanguageModel tied = TransformerLanguageModel.initialised(corpus(), o.withTiedEmbeddings(true));
    assertTrue(TransformerLmTrainer.TiedTables.tied(tied.theta(), tied.vocabulary().size(), o.dim()),
        "an initialised tied model has equal tables, as a file of it must");
    double trained = model.scoreTokens(sentence).stream().mapToDouble(TokenScore::log10Prob).sum();
    double untrained = fresh.scoreTokens(sentence).stream().mapToDouble(TokenScore::log10Prob).sum();
    assertTrue(trained > untrained + 1, "trained " + trained + " against untrained " + untrained);
  }

  @Test
  void everyContextIsNormalisedSlidWindowsIncluded() {
    List<LmState> contexts = new ArrayList<>();
    contexts.add(model.beginSentenceState());
    contexts.add(model.nullContextState());
    LmState a = model.beginSentenceState();
    LmState b = model.newState();
    int[] ids = model.vocabulary().ids(corpus().get(1)); // 14 words: the window (T = 6) slides twice
    for (int id : ids) {
      model.scoreLog10(a, id, b);
      contexts.add(b.copy());
      LmState t = a;
      a = b;
      b = t;
    }
    LmState scratch = model.newState();
    for (LmState context : contexts) {
      double total = 0;
      for (int w = 0; w < model.vocabulary().size(); w++) {
        total += w == Vocabulary.BOS ? 0 : Math.pow(10, model.scoreLog10(context, w, scratch));
      }
      assertEquals(1.0, total, 1e-9, "p(. | " + context + ") sums to 1 over every id but <s>");
      assertEquals(TransformerLanguageModel.BOS_LOG10, model.scoreLog10(context, Vocabulary.BOS, scratch));
    }
  }

  /**
   * States that extend one prefix share its cache; a second word from the same state copies it,
   * and both continuations score as a fresh word-by-word pass does; copies compare equal.
   */
  @Test
  void branchingStatesScoreAsFreshOnes() {
    Vocabulary voc = model.vocabulary();
    LmState begin = model.beginSentenceState();
    LmState the = model.newState();
    model.scoreLog10(begin, voc.id("the"), the);
    LmState cat = model.newState();
    LmState dog = model.newState();
    model.scoreLog10(the, voc.id("cat"), cat);
    model.scoreLog10(the, voc.id("dog"), dog);
    LmState out = model.newState();
    double afterCat = model.scoreLog10(cat, voc.id("sat"), out);
    double afterDog = model.scoreLog10(dog, voc.id("sat"), out);
    assertEquals(model.scoreTokens(List.of("the", "cat", "sat")).get(2).log10Prob(), afterCat, 0.0);
    assertEquals(model.scoreTokens(List.of("the", "dog", "sat")).get(2).log10Prob(), afterDog, 0.0);
    assertNotEquals(afterCat, afterDog);
    assertEquals(cat, cat.copy());
    assertNotEquals(cat, dog);
    double[] batch = new double[4];
    model.sentenceScoresLog10(voc.ids(List.of("the", "cat", "sat", "</s>")), 4, batch);
    assertEquals(afterCat, batch[2], 0.0);
  }

  /** The batched sentence scoring equals word-by-word scoring bit for bit, over several chunks and slides. */
  @Test
  void sentenceScoresEqualWordByWordScoresBitForBit() {
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      words.addAll(corpus().get(1));
    }
    words.add("zebra");
    int[] ids = java.util.Arrays.copyOf(model.vocabulary().ids(words), words.size() + 1);
    ids[words.size()] = Vocabulary.EOS;
    double[] batch = new double[ids.length];
    model.sentenceScoresLog10(ids, ids.length, batch);
    List<TokenScore> one = model.scoreTokens(words);
    for (int i = 0; i < ids.length; i++) {
      assertEquals(one.get(i).log10Prob(), batch[i], 0.0, "position " + i);
    }
    expect(() -> {
      model.sentenceScoresLog10(new int[] {3, 99}, 2, new double[2]);
      return null;
    }, "word id 99 at position 1");
    expect(() -> {
      model.sentenceScoresLog10(ids, ids.length + 1, batch);
      return null;
    }, "must lie in");
  }

  @Test
  void aLoadedModelScoresIdenticallyAndSamplesTheSame(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("gpt.aiaas");
    model.save(f);
    TransformerLanguageModel again = TransformerLanguageModel.load(f);
    assertEquals(model.options(), again.options());
    assertArrayEquals(model.theta(), again.theta());
    for (List<String> s : corpus().subList(0, 4)) {
      assertEquals(model.sentenceLog10(s), again.sentenceLog10(s), 0.0, s.toString());
    }
    SamplingOptions so = SamplingOptions.defaults();
    assertEquals(Sampler.sample(model, so, 5), Sampler.sample(again, so, 5));
    List<String> drawn = Sampler.sample(model, so, 5);
    assertTrue(drawn.size() <= so.maxTokens());
  }

  @Test
  void theSameSeedGivesTheSameModelAndAnotherSeedAnother() {
    TransformerLmOptions o = tiny().withTraining(2, 8, 0.01);
    float[] a = TransformerLanguageModel.train(corpus(), o).theta();
    assertArrayEquals(a, TransformerLanguageModel.train(corpus(), o).theta());
    assertNotEquals(a[0], TransformerLanguageModel.train(corpus(), o.withSeed(8)).theta()[0]);
  }

  @Test
  void badOptionsNameTheValueTheRangeAndAUsualValue() {
    TransformerLmOptions d = TransformerLmOptions.defaults();
    expect(() -> d.withSize(0, 4, 128, 48), "layers must be a positive integer", "layers=0");
    expect(() -> d.withSize(2, 3, 128, 48), "dim must be a multiple of heads", "heads=3");
    expect(() -> d.withSize(2, 4, 128, 1), "context must be at least 2", "context=1");
    expect(() -> d.withOverlap(47), "contextOverlap must be in [0, context - 1) = [0, 47)", "contextOverlap=47");
    expect(() -> d.withTraining(0, 32, 1e-3), "epochs", "epochs=0");
    expect(() -> d.withTraining(4, 32, Double.NaN), "learningRate must be positive", "NaN");
    expect(() -> d.withDropout(1.0), "dropout must be in [0, 1)", "dropout=1.0");
    expect(() -> d.withOptimiser(1.0, 0.01, 1), "warmup must be in [0, 1)", "warmup=1.0");
    expect(() -> d.withOptimiser(0.05, -1, 1), "weightDecay must be >= 0", "weightDecay=-1.0");
    expect(() -> d.withOptimiser(0.05, 0.01, -1), "clipNorm must be >= 0", "clipNorm=-1.0");
    expect(() -> d.withMinCount(0), "minCount must be at least 1", "minCount=0");
    assertEquals(512, d.ffnWidth());
  }

  @Test
  void misuseFailsWithTheBadValueAndTheFix(@TempDir Path dir) throws Exception {
    expect(() -> TransformerLanguageModel.train(List.of(List.of()), tiny()), "the corpus is empty", "at least one word");
    LmState begin = model.beginSentenceState();
    LmState out = model.newState();
    expect(() -> model.scoreLog10(begin, model.vocabulary().size(), out), "word id 19", "vocabulary().id");
    expect(() -> model.scoreLog10(begin, 3, begin), "different states", "swap");
    LstmLanguageModel lstm = LstmLanguageModel.train(LstmLanguageModelTest.corpus(), LstmLanguageModelTest.tiny().withTraining(1, 8, 0.01));
    expect(() -> model.scoreLog10(lstm.beginSentenceState(), 3, out), "not a state of this model", "beginSentenceState()");

    Path plain = dir.resolve("plain.aiaas");
    try (Model m = Model.builder(4).add(Layers.dense(2)).build()) {
      ModelIO.save(m, plain);
    }
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> TransformerLanguageModel.load(plain));
    assertTrue(e.getMessage().contains("not a transformer language model") && e.getMessage().contains("lm train"), e.getMessage());
    Path lstmFile = dir.resolve("lstm.aiaas");
    lstm.save(lstmFile);
    e = assertThrows(ModelFormatException.class, () -> TransformerLanguageModel.load(lstmFile));
    assertTrue(e.getMessage().contains("lm.kind=lstm"), e.getMessage());
    Path text = dir.resolve("model.arpa");
    Files.writeString(text, "\\data\\\n");
    e = assertThrows(ModelFormatException.class, () -> TransformerLanguageModel.load(text));
    assertTrue(e.getMessage().contains("is not an aiaas model"), e.getMessage());
    assertThrows(java.nio.file.NoSuchFileException.class, () -> TransformerLanguageModel.load(dir.resolve("missing.aiaas")));
  }

  /** Malformed entries (each re-written with a valid CRC) and truncation are named; a network other than the entries say is refused. */
  @Test
  void malformedFilesAreRefusedWithTheFault(@TempDir Path dir) throws Exception {
    Path saved = dir.resolve("gpt.aiaas");
    model.save(saved);
    byte[] good = Files.readAllBytes(saved);
    Map<String, String> broken = Map.of(
        "provenance.lm.dim", "six",
        "provenance.lm.heads", "3",
        "provenance.lm.learning_rate", "NaN");
    for (Map.Entry<String, String> b : broken.entrySet()) {
      contains(refused(dir, LmFileBytes.withEntry(good, b.getKey(), b.getValue())), "has inconsistent language-model entries");
    }
    contains(refused(dir, LmFileBytes.withEntry(good, "provenance.lm.layers", null)), "has no provenance entry 'lm.layers'");
    contains(refused(dir, LmFileBytes.withEntry(good, "provenance.lm.layers", "3")), "not the float32 transformer of 3 blocks");
    contains(refused(dir, LmFileBytes.withEntry(good, "provenance.lm.dim", "16")), "its entries describe");
    contains(refused(dir, LmFileBytes.withEntry(good, "provenance.lm.context", "7")), "its entries describe");
    contains(refused(dir, LmFileBytes.withEntry(good, "provenance.lm.context", "2147483647")),
        "exceed what this scorer holds in one array");
    refused(dir, java.util.Arrays.copyOf(good, good.length - 100));

    Path other = dir.resolve("other.aiaas");
    try (Model m = Model.builder(tiny().context()).add(Layers.embedding(model.vocabulary().size(), 8))
        .add(Layers.timeDistributed(Layers.dense(model.vocabulary().size()))).build()) {
      ModelIO.save(m, other, ModelIO.provenance(saved));
    }
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> TransformerLanguageModel.load(other));
    assertTrue(e.getMessage().contains("its entries describe"), e.getMessage());
  }

  private static ModelFormatException refused(Path dir, byte[] bytes) throws Exception {
    Path f = dir.resolve("bad.aiaas");
    Files.write(f, bytes);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> TransformerLanguageModel.load(f));
    assertEquals(f, e.file());
    return e;
  }

  private static void contains(ModelFormatException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
    }
  }

  private static void expect(Supplier<?> call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }
  }
}
