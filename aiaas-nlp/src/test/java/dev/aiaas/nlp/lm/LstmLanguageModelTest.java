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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The LSTM language model on tiny corpora: training, scoring, files, sampling and errors. */
class LstmLanguageModelTest {

  /** Two kinds of sentence; which one follows is decided by the first word. */
  static List<List<String>> corpus() {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      out.add(List.of("the", "cat", "sat", "on", "the", "mat"));
      out.add(List.of("a", "dog", "ran", "in", "a", "park", "."));
      out.add(List.of("the", "cat", "ran"));
    }
    out.add(List.of("rare", "words", "appear", "once"));
    return out;
  }

  static LstmLmOptions tiny() {
    return new LstmLmOptions(8, 16, 1, 6, 2, 25, 8, 0.03, 5.0, 7);
  }

  private static LstmLanguageModel model;

  @BeforeAll
  static void train() {
    Backends.current();
    model = LstmLanguageModel.train(corpus(), tiny());
  }

  @Test
  void learnsTheCorpusFarBetterThanUniform() {
    Perplexity p = Perplexity.evaluate(model, corpus().subList(0, 3));
    int v = model.vocabulary().size();
    assertEquals(18, v, "15 words and the 3 reserved ids");
    assertTrue(p.including() < 2.5, "training perplexity " + p.including() + " (uniform: " + (v - 1) + ")");
    // after "the cat" both "sat" and "ran" occur; after "a dog" only "ran"
    double sat = model.scoreTokens(List.of("the", "cat", "sat")).get(2).log10Prob();
    double dogSat = model.scoreTokens(List.of("a", "dog", "sat")).get(2).log10Prob();
    assertTrue(sat > dogSat + 1, "p(sat | the cat) = " + Math.pow(10, sat) + ", p(sat | a dog) = " + Math.pow(10, dogSat));
  }

  @Test
  void scoresWhatTheNetworkComputesAndIsNormalised() {
    List<String> sentence = List.of("a", "dog", "ran", "in");
    List<TokenScore> scores = model.scoreTokens(sentence);
    int[] ids = model.vocabulary().ids(sentence);
    int t = tiny().sequenceLength();
    float[] row = new float[t];
    row[0] = Vocabulary.BOS;
    for (int i = 0; i < ids.length; i++) {
      row[i + 1] = ids[i];
    }
    try (Model network = LstmLmTrainer.network(model.vocabulary().size(), tiny())) {
      network.parameters().assign(Nd4j.createFromArray(model.theta()));
      INDArray logits = network.predict(Nd4j.create(row, new long[] {1, t}, 'c')); // [1, T, V]
      int v = model.vocabulary().size();
      for (int p = 0; p <= ids.length; p++) {
        int target = p < ids.length ? ids[p] : Vocabulary.EOS;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < v; c++) {
          if (c != Vocabulary.BOS) {
            max = Math.max(max, logits.getDouble(0, p, c));
          }
        }
        double sum = 0;
        for (int c = 0; c < v; c++) {
          if (c != Vocabulary.BOS) {
            sum += Math.exp(logits.getDouble(0, p, c) - max);
          }
        }
        double log10 = (logits.getDouble(0, p, target) - max - Math.log(sum)) / LanguageModel.LN_10;
        assertEquals(log10, scores.get(p).log10Prob(), 1e-5, "position " + p + ": network vs scoring (float32 both)");
        assertEquals(p + 1, scores.get(p).ngramLength(), "conditioned on <s> and the words before");
      }
    }
    LmState s = model.beginSentenceState();
    LmState out = model.newState();
    model.scoreLog10(s, model.vocabulary().id("the"), out);
    for (LmState context : new LmState[] {s, out, model.nullContextState()}) {
      double total = 0;
      LmState scratch = model.newState();
      for (int w = 0; w < model.vocabulary().size(); w++) {
        total += w == Vocabulary.BOS ? 0 : Math.pow(10, model.scoreLog10(context, w, scratch));
      }
      assertEquals(1.0, total, 1e-9, "p(. | " + context + ") sums to 1 over every id but <s>");
      assertEquals(LstmLanguageModel.BOS_LOG10, model.scoreLog10(context, Vocabulary.BOS, scratch));
    }
  }

  /**
   * The batched sentence scoring (16 positions a chunk) gives the word-by-word scores bit for bit,
   * over more than two chunks with unknown words, and Perplexity (which uses it) sums them as
   * before; a cached state copies its distribution.
   */
  @Test
  void sentenceScoresEqualWordByWordScoresBitForBit() {
    List<String> sentence = new ArrayList<>();
    for (List<String> s : corpus().subList(0, 6)) {
      sentence.addAll(s);
    }
    sentence.add(3, "zebra");
    sentence.add("unseen");
    Vocabulary v = model.vocabulary();
    int n = sentence.size() + 1;
    assertTrue(n > 32, "three chunks: " + n);
    int[] ids = new int[n];
    for (int i = 0; i < n - 1; i++) {
      ids[i] = v.id(sentence.get(i));
    }
    ids[n - 1] = Vocabulary.EOS;
    double[] batched = new double[n];
    model.sentenceScoresLog10(ids, n, batched);
    List<TokenScore> one = model.scoreTokens(sentence);
    float total = 0f;
    for (int i = 0; i < n; i++) {
      assertEquals(one.get(i).log10Prob(), batched[i], 0.0, "position " + i);
      total += (float) batched[i];
    }
    Perplexity p = Perplexity.evaluate(model, List.of(sentence));
    assertEquals(total, p.log10Total(), 0.0);
    assertEquals(2, p.oovs());
    assertEquals(batched[3] + batched[n - 2], p.log10OovTotal(), 1e-12);

    LmState a = model.beginSentenceState();
    LmState b = model.newState();
    LmState scratch = model.newState();
    model.scoreLog10(a, ids[0], b);
    double first = model.scoreLog10(b, ids[1], scratch); // b now holds its distribution
    LmState copy = b.copy();
    assertEquals(first, model.scoreLog10(copy, ids[1], scratch), 0.0);
    assertEquals(model.scoreLog10(b, ids[2], scratch), model.scoreLog10(copy, ids[2], scratch), 0.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.sentenceScoresLog10(new int[] {2, 99}, 2, new double[2]));
    assertTrue(e.getMessage().contains("word id 99 at position 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> model.sentenceScoresLog10(new int[] {2}, 2, new double[2]));
    assertTrue(e.getMessage().contains("n=2"), e.getMessage());
  }

  @Test
  void statesCopyAndCompareAsTheirContext() {
    Vocabulary v = model.vocabulary();
    LmState a = model.beginSentenceState();
    LmState b = model.newState();
    LmState c = model.newState();
    model.scoreLog10(a, v.id("the"), b);
    model.scoreLog10(a, v.id("the"), c);
    assertEquals(b, c);
    LmState copy = b.copy();
    assertEquals(b, copy);
    LmState d = model.newState();
    double p1 = model.scoreLog10(b, v.id("cat"), d);
    double p2 = model.scoreLog10(copy, v.id("cat"), d);
    assertEquals(p1, p2, 0.0);
    model.scoreLog10(a, v.id("a"), c);
    assertNotEquals(b, c);
  }

  @Test
  void aLoadedModelScoresIdentically(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tiny.lstm.aiaas");
    model.save(file);
    LstmLanguageModel back = LstmLanguageModel.load(file);
    assertEquals(model.options(), back.options());
    assertEquals(model.vocabulary().size(), back.vocabulary().size());
    for (int id = 0; id < model.vocabulary().size(); id++) {
      assertEquals(model.vocabulary().token(id), back.vocabulary().token(id));
    }
    Perplexity a = Perplexity.evaluate(model, corpus());
    Perplexity b = Perplexity.evaluate(back, corpus());
    assertEquals(a, b, "the same totals, bit for bit");
    assertEquals(model.sentenceLog10(List.of("the", "dog", "unknown")),
        back.sentenceLog10(List.of("the", "dog", "unknown")), 0.0);
  }

  /**
   * With dropout the network gains two parameterless time-distributed dropout layers: it still
   * learns the corpus, scores as its network's inference pass (dropout off), and its file
   * records the rate and loads back to the same totals.
   */
  @Test
  void dropoutTrainsScoresAsTheNetworkAndRoundTrips(@TempDir Path dir) throws Exception {
    LstmLanguageModel lm = LstmLanguageModel.train(corpus(), tiny().withDropout(0.25));
    Perplexity p = Perplexity.evaluate(lm, corpus().subList(0, 3));
    assertTrue(p.including() < 5, "training perplexity with dropout " + p.including() + " (uniform: 17)");
    assertNotEquals(Perplexity.evaluate(model, corpus().subList(0, 3)), p, "dropout changes training");
    Path file = dir.resolve("dropout.lstm.aiaas");
    lm.save(file);
    try (Model network = ModelIO.load(file)) {
      assertEquals(5, network.layers().size(), network.layers().toString());
      assertEquals(LstmLanguageModel.parameterCount(18, 8, 16), network.parameterCount());
      List<String> sentence = List.of("a", "dog", "ran");
      int[] ids = lm.vocabulary().ids(sentence);
      float[] row = new float[tiny().sequenceLength()];
      row[0] = Vocabulary.BOS;
      for (int i = 0; i < ids.length; i++) {
        row[i + 1] = ids[i];
      }
      INDArray logits = network.predict(Nd4j.create(row, new long[] {1, row.length}, 'c'));
      double lse = 0;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < 18; c++) {
        max = c == Vocabulary.BOS ? max : Math.max(max, logits.getDouble(0, 1, c));
      }
      for (int c = 0; c < 18; c++) {
        lse += c == Vocabulary.BOS ? 0 : Math.exp(logits.getDouble(0, 1, c) - max);
      }
      double want = (logits.getDouble(0, 1, ids[1]) - max - Math.log(lse)) / LanguageModel.LN_10;
      assertEquals(want, lm.scoreTokens(sentence).get(1).log10Prob(), 1e-5, "p(dog | <s> a), network vs scoring");
    }
    LstmLanguageModel back = LstmLanguageModel.load(file);
    assertEquals(0.25, back.options().dropout(), 0.0);
    assertEquals(lm.options(), back.options());
    assertEquals(p, Perplexity.evaluate(back, corpus().subList(0, 3)), "the same totals, bit for bit");
  }

  @Test
  void theSameSeedGivesTheSameModelAndAnotherSeedAnother() {
    LstmLmOptions short2 = tiny().withTraining(2, 8, 0.03);
    LstmLanguageModel a = LstmLanguageModel.train(corpus(), short2);
    LstmLanguageModel b = LstmLanguageModel.train(corpus(), short2);
    LstmLanguageModel c = LstmLanguageModel.train(corpus(), short2.withSeed(8));
    assertArrayEquals(a.theta(), b.theta());
    assertTrue(!Arrays.equals(a.theta(), c.theta()));
  }

  @Test
  void rareWordsBecomeUnknownAndPerplexityCountsThemAsOovs() {
    LstmLanguageModel lm = LstmLanguageModel.train(corpus(), tiny().withMinCount(2).withTraining(2, 8, 0.03));
    assertEquals(Vocabulary.UNK, lm.vocabulary().id("rare"), "seen once, below minCount 2");
    assertTrue(lm.vocabulary().contains("cat"));
    Perplexity p = Perplexity.evaluate(lm, List.of(List.of("rare", "cat", "zebra")));
    assertEquals(2, p.oovs());
    assertEquals(4, p.tokens());
    assertTrue(p.excludingOovs() > 0 && Double.isFinite(p.including()));
  }

  @Test
  void samplesThroughTheSamplerReproducibly() {
    SamplingOptions o = new SamplingOptions(1.0, 0, 1.0, 20);
    List<String> a = Sampler.sample(model, o, 42L);
    assertEquals(a, Sampler.sample(model, o, 42L));
    assertTrue(!a.isEmpty() && a.size() <= 20);
    for (String w : a) {
      assertTrue(model.vocabulary().contains(w) && !Vocabulary.isSpecial(w), w);
    }
    // the corpus's sentences start with "the" or "a" (and one with "rare")
    for (long seed = 0; seed < 5; seed++) {
      String first = Sampler.sample(model, new SamplingOptions(0.5, 2, 1.0, 20), seed).get(0);
      assertTrue(first.equals("the") || first.equals("a"), first);
    }
  }

  @Test
  void rowsCutLongSentencesWithOverlapAndPadTheLast() {
    // T = 4, overlap 1; the sentence w1..w6 has 7 positions (targets w1..w6 </s>)
    LstmLmOptions o = tiny().withRows(4, 1);
    int[] s = {10, 11, 12, 13, 14, 15};
    LstmLmTrainer.Rows rows = LstmLmTrainer.Rows.of(List.of(s, new int[] {20}), o);
    assertEquals(3, rows.count);
    float pad = Losses.PADDING;
    float bos = Vocabulary.BOS;
    float eos = Vocabulary.EOS;
    assertArrayEquals(new float[] {bos, 10, 11, 12, 12, 13, 14, 15, bos, 20, eos, eos}, rows.x);
    assertArrayEquals(new float[] {10, 11, 12, 13, pad, 14, 15, eos, 20, eos, pad, pad}, rows.y);
  }

  @Test
  void theVocabularyEntryKeepsSpacesAndBackslashes() {
    Vocabulary v = Vocabulary.of(List.of("a b", "c\\d", "\\s", "plain"));
    Vocabulary back = LstmLmFile.decodeVocabulary(LstmLmFile.encodeVocabulary(v));
    assertEquals(v.size(), back.size());
    for (int id = 0; id < v.size(); id++) {
      assertEquals(v.token(id), back.token(id));
    }
  }

  @Test
  void badOptionsNameTheValueTheRangeAndAUsualValue() {
    expect(() -> new LstmLmOptions(0, 16, 1, 6, 2, 1, 8, 0.01, 0, 1), "embeddingSize=0", "for example 64");
    expect(() -> new LstmLmOptions(8, -1, 1, 6, 2, 1, 8, 0.01, 0, 1), "hiddenSize=-1", "for example 128");
    expect(() -> new LstmLmOptions(8, 16, 0, 6, 2, 1, 8, 0.01, 0, 1), "minCount=0", "use 1 to keep every word");
    expect(() -> new LstmLmOptions(8, 16, 1, 1, 0, 1, 8, 0.01, 0, 1), "sequenceLength=1", "48");
    expect(() -> new LstmLmOptions(8, 16, 1, 6, 5, 1, 8, 0.01, 0, 1), "contextOverlap=5", "[0, 5)");
    expect(() -> new LstmLmOptions(8, 16, 1, 6, -1, 1, 8, 0.01, 0, 1), "contextOverlap=-1", "a third");
    expect(() -> new LstmLmOptions(8, 16, 1, 6, 2, 0, 8, 0.01, 0, 1), "epochs=0", "for example 4");
    expect(() -> new LstmLmOptions(8, 16, 1, 6, 2, 1, 0, 0.01, 0, 1), "batchSize=0", "for example 32");
    expect(() -> new LstmLmOptions(8, 16, 1, 6, 2, 1, 8, 0, 0, 1), "learningRate=0.0", "2e-3");
    expect(() -> new LstmLmOptions(8, 16, 1, 6, 2, 1, 8, Double.NaN, 0, 1), "learningRate=NaN", "2e-3");
    expect(() -> new LstmLmOptions(8, 16, 1, 6, 2, 1, 8, 0.01, -1, 1), "clipNorm=-1.0", "0 turns clipping off");
    expect(() -> tiny().withDropout(1.0), "dropout=1.0", "0.2 to 0.3");
    expect(() -> tiny().withDropout(-0.1), "dropout=-0.1", "0 for none");
  }

  @Test
  void misuseFailsWithTheBadValueAndTheFix(@TempDir Path dir) throws Exception {
    expect(() -> LstmLanguageModel.train(List.of(List.of(), List.of()), tiny()), "the corpus is empty", "at least one word");
    LmState begin = model.beginSentenceState();
    LmState out = model.newState();
    expect(() -> model.scoreLog10(begin, model.vocabulary().size(), out), "word id 18", "vocabulary().id");
    expect(() -> model.scoreLog10(begin, -1, out), "word id -1", "[0, 17]");
    expect(() -> model.scoreLog10(begin, 3, begin), "different states", "swap");
    NgramModel ngram = NgramModel.build(corpus(), NgramOptions.kenlm(2).withDiscountFallback(Discounts.KENLM_FALLBACK));
    expect(() -> model.scoreLog10(ngram.beginSentenceState(), 3, out), "not a state of this model", "beginSentenceState()");

    Path plain = dir.resolve("plain.aiaas");
    try (Model m = Model.builder(4).add(Layers.dense(2)).build()) {
      ModelIO.save(m, plain);
    }
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> LstmLanguageModel.load(plain));
    assertTrue(e.getMessage().contains("not an LSTM language model") && e.getMessage().contains("lm train"), e.getMessage());
    Path text = dir.resolve("model.arpa");
    java.nio.file.Files.writeString(text, "\\data\\\n");
    e = assertThrows(ModelFormatException.class, () -> LstmLanguageModel.load(text));
    assertTrue(e.getMessage().contains("is not an aiaas model"), e.getMessage());
    assertThrows(java.nio.file.NoSuchFileException.class, () -> LstmLanguageModel.load(dir.resolve("missing.aiaas")));
  }

  /**
   * A file whose language-model entries describe one network but which holds another is refused:
   * the layout is compared through the layer contract (type, activation, children, shapes and
   * parameter counts), so each kind of difference is caught; the network the entries describe,
   * time-distributed dropout included, loads.
   */
  @Test
  void aNetworkOtherThanTheEntriesDescribeIsRefused(@TempDir Path dir) throws Exception {
    Path saved = dir.resolve("lm.aiaas");
    model.save(saved);
    java.util.Map<String, String> entries = ModelIO.provenance(saved);
    int v = model.vocabulary().size();
    int t = tiny().sequenceLength();
    java.util.Map<String, dev.aiaas.core.nn.Layer[]> wrong = new java.util.LinkedHashMap<>();
    wrong.put("hidden size", new dev.aiaas.core.nn.Layer[] {Layers.embedding(v, 8), Layers.lstm(12),
        Layers.timeDistributed(Layers.dense(v))});
    wrong.put("activation", new dev.aiaas.core.nn.Layer[] {Layers.embedding(v, 8), Layers.lstm(16),
        Layers.timeDistributed(Layers.dense(v, dev.aiaas.core.nn.Activation.TANH))});
    wrong.put("wrapped layer", new dev.aiaas.core.nn.Layer[] {Layers.embedding(v, 8), Layers.lstm(16),
        Layers.timeDistributed(Layers.layerNorm())});
    wrong.put("layer count", new dev.aiaas.core.nn.Layer[] {Layers.embedding(v, 8), Layers.lstm(16)});
    for (java.util.Map.Entry<String, dev.aiaas.core.nn.Layer[]> w : wrong.entrySet()) {
      Path file = dir.resolve(w.getKey().replace(' ', '-') + ".aiaas");
      Model.Builder b = Model.builder(t);
      for (dev.aiaas.core.nn.Layer l : w.getValue()) {
        b.add(l);
      }
      try (Model m = b.build()) {
        ModelIO.save(m, file, entries);
      }
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> LstmLanguageModel.load(file), w.getKey());
      assertTrue(e.getMessage().contains("its entries describe"), w.getKey() + ": " + e.getMessage());
    }
    Path right = dir.resolve("right.aiaas");
    try (Model m = Model.builder(t).add(Layers.embedding(v, 8)).add(Layers.timeDistributed(Layers.dropout(0.2)))
        .add(Layers.lstm(16)).add(Layers.timeDistributed(Layers.dense(v))).build()) {
      ModelIO.save(m, right, entries);
    }
    assertEquals(v, LstmLanguageModel.load(right).vocabulary().size());
  }

  private static void expect(Supplier<?> call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }
  }
}
