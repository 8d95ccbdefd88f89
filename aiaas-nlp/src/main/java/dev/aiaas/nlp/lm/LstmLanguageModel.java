package dev.aiaas.nlp.lm;

import dev.aiaas.core.internal.Exp;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Dense;
import dev.aiaas.core.nn.Embedding;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Lstm;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.TimeDistributed;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.train.Callback;
import dev.aiaas.core.train.History;
import dev.aiaas.core.train.Trainer;
import dev.aiaas.nlp.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A recurrent neural language model (Mikolov et al. 2010, with LSTM units as in Sundermeyer et
 * al. 2012): p(wᵗ | w₀ .. wᵗ⁻¹) = softmax(V hᵗ + c)[wᵗ], where hᵗ is the state of an LSTM that has
 * read the word vectors of {@code <s> w₀ .. wᵗ⁻¹}. Trained with aiaas-core's {@link Trainer} on
 * sentences; served through {@link LanguageModel} over a {@link Vocabulary} with the conventions of
 * {@link NgramModel}, so that {@link Perplexity} gives numbers comparable with the n-gram models'.
 *
 * <pre>{@code
 * LstmLanguageModel lm = LstmLanguageModel.train(Corpora.mobyDickTrain(), LstmLmOptions.defaults());
 * Perplexity ppl = Perplexity.evaluate(lm, Corpora.mobyDickTest());
 * lm.save(Path.of("moby.lstm.aiaas"));
 * }</pre>
 *
 * <p>The network, in aiaas-core's layers: {@code Layers.embedding(V, E)}, {@code Layers.lstm(H)},
 * {@code Layers.timeDistributed(Layers.dense(V))}, trained with
 * {@code Losses.sequenceSparseSoftmaxCrossEntropy()} (mean cross-entropy per token, in nats) and
 * Adam; rows are cut from sentences as {@link LstmLmOptions} describes. Each sentence is scored
 * from the zero state with {@code <s>} as its first input, as in training.
 *
 * <p>Conventions: ids 0, 1, 2 are {@code <unk>}, {@code <s>}, {@code </s>}; words seen fewer than
 * {@code minCount} times in training are {@code <unk>} there, so p({@code <unk>}) is learned like
 * any word's; the distribution of the next word is normalised over every id except {@code <s>},
 * whose log10 probability is −99 (ARPA's and KenLM's value for it).
 *
 * <p>Scoring runs on the Java heap, not through ND4J: the model keeps float32 copies of its
 * parameters, rearranged for the single-step products (and, per word, the input projection
 * eᵂ W + b precomputed), so it needs no native memory and nothing to close, and is immutable and
 * thread-safe. A state ({@link LmState}) holds the LSTM's h and c, the word still to be fed and the
 * cached distribution of the next word: {@link #scoreLog10} computes the distribution of its
 * input state once (H·V multiply-adds) however many words are scored from it, and feeds a word
 * into the LSTM only when the state it produced is used as input (H·4H).
 */
public final class LstmLanguageModel implements LanguageModel {

  /** The value of the provenance entry {@code lm.kind} in files of this model. */
  public static final String KIND = "lstm";
  /** log10 p({@code <s>}) in any context, as in ARPA files. */
  public static final double BOS_LOG10 = -99.0;

  private final Vocabulary vocabulary;
  private final LstmLmOptions options;
  private final float[] theta;
  private final int vocab;
  private final int hidden;
  /** [V][4H]: the input projection of each word, e(w) W + b. */
  private final float[] inputProjection;
  /**
   * [H][4H]: U by rows. Rows are separate arrays so that the products' inner loops index every
   * array from 0, which the JIT vectorises (with a row offset into one flat array it did not
   * here: 0.62 against 0.11 ns per multiply-add).
   */
  private final float[][] recurrentRows;
  /** [H][V]: the output kernel by rows. */
  private final float[][] outputRows;
  /** [V]: the output bias. */
  private final float[] outputBias;

  private LstmLanguageModel(Vocabulary vocabulary, LstmLmOptions options, float[] theta) {
    this.vocabulary = vocabulary;
    this.options = options;
    this.theta = theta;
    this.vocab = vocabulary.size();
    this.hidden = options.hiddenSize();
    int v = vocab;
    int e = options.embeddingSize();
    int h = hidden;
    int g = 4 * h;
    long expected = parameterCount(v, e, h);
    if (theta.length != expected) {
      throw new IllegalArgumentException(
          "the network has " + theta.length + " parameters where V=" + v + ", E=" + e + ", H=" + h
              + " need " + expected);
    }
    int w = v * e;
    int u = w + e * g;
    int b = u + h * g;
    int d = b + g;
    int db = d + h * v;
    inputProjection = new float[v * g];
    double[] row = new double[g];
    for (int id = 0; id < v; id++) {
      for (int c = 0; c < g; c++) {
        row[c] = theta[b + c];
      }
      for (int k = 0; k < e; k++) {
        double x = theta[id + v * k];
        for (int c = 0; c < g; c++) {
          row[c] += x * theta[w + k + e * c];
        }
      }
      for (int c = 0; c < g; c++) {
        inputProjection[id * g + c] = (float) row[c];
      }
    }
    recurrentRows = new float[h][g];
    for (int j = 0; j < h; j++) {
      for (int c = 0; c < g; c++) {
        recurrentRows[j][c] = theta[u + j + h * c];
      }
    }
    outputRows = new float[h][v];
    for (int j = 0; j < h; j++) {
      for (int c = 0; c < v; c++) {
        outputRows[j][c] = theta[d + j + h * c];
      }
    }
    outputBias = new float[v];
    System.arraycopy(theta, db, outputBias, 0, v);
    sentenceScratch = ThreadLocal.withInitial(() -> new SentenceScratch(h, v));
  }

  /** A model over trained parameters θ (the network's, in its order), for tests and tools. */
  static LstmLanguageModel fromParameters(Vocabulary vocabulary, LstmLmOptions options, float[] theta) {
    return new LstmLanguageModel(vocabulary, options, theta.clone());
  }

  /** θ as trained, for tests: a copy. */
  float[] theta() {
    return theta.clone();
  }

  /** P = V·E + 4H(E + H + 1) + H·V + V, the network's parameter count. */
  static long parameterCount(long v, long e, long h) {
    return v * e + 4 * h * (e + h + 1) + h * v + v;
  }

  // ------------------------------------------------------------------ training

  /**
   * Trains a model on sentences: builds the vocabulary (words seen at least
   * {@code options.minCount()} times), cuts the sentences into rows and fits the network.
   *
   * @param sentences one token list per sentence, without {@code <s>} and {@code </s>}
   * @param options size and training settings
   * @param callbacks run by the trainer, e.g. {@code Callbacks.progress()}
   * @return the trained model
   * @throws IllegalArgumentException when the corpus has no token
   */
  public static LstmLanguageModel train(
      Iterable<? extends List<String>> sentences, LstmLmOptions options, Callback... callbacks) {
    return train(sentences, options, null, callbacks).model();
  }

  /**
   * A trained model with the trainer's history (loss and accuracy per epoch, and their
   * {@code val_} counterparts when validation sentences are given).
   *
   * @param model the model
   * @param history the trainer's history
   */
  public record Trained(LstmLanguageModel model, History history) {}

  /**
   * Trains a model and validates it after each epoch on other sentences (per-token cross-entropy
   * {@code val_loss}, in nats, on rows cut as the training rows are).
   *
   * @param sentences the training sentences
   * @param options size and training settings
   * @param validation sentences to validate on, or null for none
   * @param callbacks run by the trainer
   * @return the model and the history
   */
  public static Trained train(
      Iterable<? extends List<String>> sentences,
      LstmLmOptions options,
      Iterable<? extends List<String>> validation,
      Callback... callbacks) {
    Map<String, Long> counts = new HashMap<>();
    long tokens = 0;
    for (List<String> s : sentences) {
      for (String t : s) {
        counts.merge(t, 1L, Long::sum);
        tokens++;
      }
    }
    if (tokens == 0) {
      throw new IllegalArgumentException(
          "the corpus is empty: no tokens to learn from; pass a corpus with at least one word"
              + " (one sentence per line)");
    }
    Vocabulary vocabulary = Vocabulary.fromCounts(counts, options.minCount());
    Rows rows = Rows.of(encode(sentences, vocabulary), options);
    Rows val = validation == null ? null : Rows.of(encode(validation, vocabulary), options);
    if (val != null && val.count == 0) {
      throw new IllegalArgumentException(
          "the validation corpus has no sentences; pass at least one sentence or none");
    }
    try (Model network = network(vocabulary.size(), options);
        INDArray x = rows.inputs();
        INDArray y = rows.targets();
        INDArray xv = val == null ? null : val.inputs();
        INDArray yv = val == null ? null : val.targets()) {
      Trainer.Builder trainer =
          Trainer.builder(Losses.sequenceSparseSoftmaxCrossEntropy())
              .optimizer(Optimizers.adam(options.learningRate()))
              .epochs(options.epochs())
              .batchSize(options.batchSize())
              .seed(options.seed())
              .callbacks(callbacks);
      if (options.clipNorm() > 0) {
        trainer.clipNorm(options.clipNorm());
      }
      History history = trainer.build().fit(network, x, y, xv, yv);
      float[] theta = network.parameters().data().asFloat();
      return new Trained(new LstmLanguageModel(vocabulary, options, theta), history);
    }
  }

  /**
   * The network for a vocabulary of {@code v} ids: embedding, LSTM, dense output per position;
   * with dropout, a time-distributed dropout layer after the embedding and after the LSTM (no
   * parameters, so θ's layout is the same).
   */
  static Model network(int v, LstmLmOptions o) {
    Model.Builder b = Model.builder(o.sequenceLength()).add(Layers.embedding(v, o.embeddingSize()));
    if (o.dropout() > 0) {
      b.add(Layers.timeDistributed(Layers.dropout(o.dropout())));
    }
    b.add(Layers.lstm(o.hiddenSize()));
    if (o.dropout() > 0) {
      b.add(Layers.timeDistributed(Layers.dropout(o.dropout())));
    }
    return b.add(Layers.timeDistributed(Layers.dense(v))).seed(o.seed()).build();
  }

  private static List<int[]> encode(Iterable<? extends List<String>> sentences, Vocabulary v) {
    List<int[]> out = new ArrayList<>();
    for (List<String> s : sentences) {
      out.add(v.ids(s));
    }
    return out;
  }

  /**
   * Training rows cut from sentences: inputs {@code <s> w₁ .. wₙ} and targets
   * {@code w₁ .. wₙ </s>}, {@code sequenceLength} positions a row, padded with input
   * {@code </s>} and target {@value Losses#PADDING}; long sentences continue in rows that repeat
   * {@code contextOverlap} positions as unlabelled context.
   */
  static final class Rows {
    final int count;
    final int length;
    final float[] x;
    final float[] y;

    private Rows(int count, int length, float[] x, float[] y) {
      this.count = count;
      this.length = length;
      this.x = x;
      this.y = y;
    }

    static Rows of(List<int[]> sentences, LstmLmOptions o) {
      int t = o.sequenceLength();
      int k = o.contextOverlap();
      int count = 0;
      for (int[] s : sentences) {
        int positions = s.length + 1;
        for (int from = 0; from < positions; from = (from == 0 ? 0 : from - k) + t) {
          count++; // the first row labels [0, t); each later one t - k new positions
        }
      }
      float[] x = new float[count * t];
      float[] y = new float[count * t];
      int row = 0;
      for (int[] s : sentences) {
        int positions = s.length + 1;
        int from = 0;
        while (from < positions) {
          int start = from == 0 ? 0 : from - k;
          for (int i = 0; i < t; i++) {
            int p = start + i;
            boolean inside = p < positions;
            x[row * t + i] = inside ? (p == 0 ? Vocabulary.BOS : s[p - 1]) : Vocabulary.EOS;
            y[row * t + i] =
                inside && p >= from ? (p < s.length ? s[p] : Vocabulary.EOS) : Losses.PADDING;
          }
          row++;
          from = start + t;
        }
      }
      return new Rows(count, t, x, y);
    }

    INDArray inputs() {
      return Nd4j.create(x, new long[] {count, length}, 'c');
    }

    INDArray targets() {
      return Nd4j.create(y, new long[] {count, length}, 'c');
    }
  }

  // ------------------------------------------------------------------ files

  /**
   * Saves the model as an aiaas model file ({@link ModelIO}): the network and its parameters, with
   * the vocabulary and the options in the provenance entries {@code lm.*}.
   *
   * @param file the destination, replaced atomically
   * @throws IOException when it cannot be written
   */
  public void save(Path file) throws IOException {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("lm.kind", KIND);
    p.put("lm.embedding_size", Integer.toString(options.embeddingSize()));
    p.put("lm.hidden_size", Integer.toString(options.hiddenSize()));
    p.put("lm.min_count", Long.toString(options.minCount()));
    p.put("lm.sequence_length", Integer.toString(options.sequenceLength()));
    p.put("lm.context_overlap", Integer.toString(options.contextOverlap()));
    p.put("lm.epochs", Integer.toString(options.epochs()));
    p.put("lm.batch_size", Integer.toString(options.batchSize()));
    p.put("lm.learning_rate", Double.toString(options.learningRate()));
    p.put("lm.clip_norm", Double.toString(options.clipNorm()));
    p.put("lm.seed", Long.toString(options.seed()));
    p.put("lm.dropout", Double.toString(options.dropout()));
    p.put("lm.vocabulary", encodeVocabulary(vocabulary));
    try (Model network = network(vocab, options);
        INDArray values = Nd4j.createFromArray(theta)) {
      network.parameters().assign(values);
      ModelIO.save(network, file, p);
    }
  }

  /**
   * Loads a model saved by {@link #save}.
   *
   * @param file the file
   * @return the model, scoring exactly as the saved one did
   * @throws java.nio.file.NoSuchFileException when the file does not exist
   * @throws ModelFormatException when it is not an aiaas model file, or one of another kind of
   *     model (a plain network from {@code aiaas train}), or its entries disagree with its network
   * @throws IOException on another read failure
   */
  public static LstmLanguageModel load(Path file) throws IOException {
    Map<String, String> p = ModelIO.provenance(file);
    if (!KIND.equals(p.get("lm.kind"))) {
      throw new ModelFormatException(file, "is an aiaas model file but not an LSTM language model (its"
          + " provenance has lm.kind=" + p.get("lm.kind") + ", expected " + KIND
          + "); write one with LstmLanguageModel.save or 'aiaas lm train'");
    }
    LstmLmOptions options;
    Vocabulary vocabulary;
    try {
      options = new LstmLmOptions(
          Integer.parseInt(need(p, "lm.embedding_size", file)),
          Integer.parseInt(need(p, "lm.hidden_size", file)),
          Long.parseLong(need(p, "lm.min_count", file)),
          Integer.parseInt(need(p, "lm.sequence_length", file)),
          Integer.parseInt(need(p, "lm.context_overlap", file)),
          Integer.parseInt(need(p, "lm.epochs", file)),
          Integer.parseInt(need(p, "lm.batch_size", file)),
          Double.parseDouble(need(p, "lm.learning_rate", file)),
          Double.parseDouble(need(p, "lm.clip_norm", file)),
          Long.parseLong(need(p, "lm.seed", file)),
          Double.parseDouble(p.getOrDefault("lm.dropout", "0.0"))); // absent in files written before it existed
      vocabulary = decodeVocabulary(need(p, "lm.vocabulary", file));
    } catch (IllegalArgumentException e) { // NumberFormatException included
      throw new ModelFormatException(file, "has inconsistent language-model entries: " + e.getMessage());
    }
    try (Model network = ModelIO.load(file)) {
      List<Layer> expected = List.of(
          Layers.embedding(vocabulary.size(), options.embeddingSize()),
          Layers.lstm(options.hiddenSize()),
          Layers.timeDistributed(Layers.dense(vocabulary.size())));
      if (!sameShape(withoutDropout(network.layers()), expected) || network.dataType() != DataType.FLOAT) {
        throw new ModelFormatException(file, "holds the network " + network.layers() + " (" + network.dataType()
            + "), not the float32 embedding(" + vocabulary.size() + ", " + options.embeddingSize() + "), lstm("
            + options.hiddenSize() + "), time_distributed(dense(" + vocabulary.size() + ")) its entries describe");
      }
      return new LstmLanguageModel(vocabulary, options, network.parameters().data().asFloat());
    }
  }

  /** The layers but the time-distributed dropout ones, which have no parameters and act only in training. */
  private static List<Layer> withoutDropout(List<Layer> layers) {
    List<Layer> out = new ArrayList<>();
    for (Layer l : layers) {
      if (!(l instanceof TimeDistributed t && t.layer() instanceof dev.aiaas.core.nn.Dropout)) {
        out.add(l);
      }
    }
    return out;
  }

  private static boolean sameShape(List<Layer> actual, List<Layer> expected) {
    if (actual.size() != expected.size()) {
      return false;
    }
    return actual.get(0) instanceof Embedding e && e.inputDim() == ((Embedding) expected.get(0)).inputDim()
        && e.outputDim() == ((Embedding) expected.get(0)).outputDim()
        && actual.get(1) instanceof Lstm l && l.units() == ((Lstm) expected.get(1)).units()
        && actual.get(2) instanceof TimeDistributed t && t.layer() instanceof Dense d
        && d.units() == ((Dense) ((TimeDistributed) expected.get(2)).layer()).units()
        && d.activation().equals(dev.aiaas.core.nn.Activation.IDENTITY);
  }

  private static String need(Map<String, String> p, String key, Path file) throws ModelFormatException {
    String v = p.get(key);
    if (v == null) {
      throw new ModelFormatException(file, "has no provenance entry '" + key + "' (written by another program?)");
    }
    return v;
  }

  /** Tokens after the reserved three, separated by spaces; '\' and ' ' escaped as "\\" and "\s". */
  static String encodeVocabulary(Vocabulary v) {
    StringBuilder sb = new StringBuilder();
    for (int id = 3; id < v.size(); id++) {
      if (id > 3) {
        sb.append(' ');
      }
      String t = v.token(id);
      for (int i = 0; i < t.length(); i++) {
        char c = t.charAt(i);
        if (c == '\\') {
          sb.append("\\\\");
        } else if (c == ' ') {
          sb.append("\\s");
        } else {
          sb.append(c);
        }
      }
    }
    return sb.toString();
  }

  static Vocabulary decodeVocabulary(String s) {
    List<String> tokens = new ArrayList<>();
    if (!s.isEmpty()) {
      for (String raw : s.split(" ", -1)) {
        StringBuilder t = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
          char c = raw.charAt(i);
          if (c == '\\' && i + 1 < raw.length()) {
            char n = raw.charAt(++i);
            t.append(n == 's' ? ' ' : n);
          } else {
            t.append(c);
          }
        }
        tokens.add(t.toString());
      }
    }
    return Vocabulary.of(tokens);
  }

  // ------------------------------------------------------------------ LanguageModel

  /** {@inheritDoc} */
  @Override
  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /**
   * The settings the model was built and trained with.
   *
   * @return the options
   */
  public LstmLmOptions options() {
    return options;
  }

  /**
   * Unbounded: the LSTM conditions on the whole sentence so far.
   *
   * @return {@link Integer#MAX_VALUE}
   */
  @Override
  public int order() {
    return Integer.MAX_VALUE;
  }

  /** {@inheritDoc} */
  @Override
  public boolean isNormalised() {
    return true;
  }

  /**
   * The start of a sentence: the zero state, with {@code <s>} to be read.
   *
   * @return a new state
   */
  @Override
  public LmState beginSentenceState() {
    LmState s = newState();
    s.pending = Vocabulary.BOS;
    return s;
  }

  /**
   * No context: the zero state with nothing read (the distribution softmax(c) of the output bias).
   *
   * @return a new state
   */
  @Override
  public LmState nullContextState() {
    return newState();
  }

  /** {@inheritDoc} */
  @Override
  public LmState newState() {
    LmState s = new LmState(1, 2 * hidden, vocab);
    s.pending = -1;
    return s;
  }

  /**
   * log10 p(word | in); {@code out} becomes {@code in} followed by {@code word}, and its
   * {@link LmState#ngramLength()} the number of words the probability conditioned on plus one
   * ({@code <s>} counted).
   */
  @Override
  public double scoreLog10(LmState in, int wordId, LmState out) {
    check(in, "in");
    check(out, "out");
    if (in == out) {
      throw new IllegalArgumentException("in and out must be different states; use two and swap them");
    }
    if (wordId < 0 || wordId >= vocab) {
      throw new IllegalArgumentException(
          "word id " + wordId + " is outside the vocabulary [0, " + (vocab - 1) + "]; map tokens with vocabulary().id");
    }
    distribution(in);
    double p = wordId == Vocabulary.BOS ? BOS_LOG10 : (in.logits[wordId] - in.logNormaliser) / LN_10;
    System.arraycopy(in.recurrent, 0, out.recurrent, 0, 2 * hidden);
    out.pending = wordId;
    out.cached = false;
    out.words[0] = wordId;
    out.length = 1;
    out.ngramLength = in.ngramLength + 1;
    return p;
  }

  private void check(LmState s, String name) {
    if (s.recurrent.length != 2 * hidden || s.scratch.length != vocab) {
      throw new IllegalArgumentException(
          name + " is not a state of this model (it holds " + s.recurrent.length / 2 + " hidden units and "
              + s.scratch.length + " word probabilities, this model " + hidden + " and " + vocab
              + "); get states from this model's beginSentenceState() and newState()");
    }
  }

  /**
   * Feeds the pending word, then computes the logits z of the next word into {@code s.work} (after
   * the 4H gate values) and their log-normaliser ln Σ_{w ≠ <s>} e^z_w into {@code s.logNormaliser}:
   * one pass of H·V multiply-adds, one max and one vectorised pass of exponentials
   * ({@link Exp#nonPositive}, 1e-12 relative) over the vocabulary. Probabilities are then read
   * per word in {@link #scoreLog10}, so nothing else is written per id.
   */
  private void distribution(LmState s) {
    if (s.cached) {
      return;
    }
    if (s.pending >= 0) {
      step(s, s.pending);
      s.pending = -1;
    }
    float[] z = s.logits;
    float[] h = s.recurrent;
    System.arraycopy(outputBias, 0, z, 0, vocab);
    for (int j = 0; j < hidden; j++) {
      float hj = h[j];
      float[] w = outputRows[j];
      for (int c = 0; c < vocab; c++) {
        z[c] += hj * w[c];
      }
    }
    s.logNormaliser = logSumExpWithoutBos(z, vocab, s.scratch);
    s.cached = true;
  }

  /** ln Σ_{c ≠ <s>} e^z[c] over c in [0, v), through the float64 scratch {@code e}. */
  static double logSumExpWithoutBos(float[] z, int v, double[] e) {
    float max = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < Math.min(Vocabulary.BOS, v); c++) {
      max = Math.max(max, z[c]); // NaN propagates
    }
    for (int c = Vocabulary.BOS + 1; c < v; c++) {
      max = Math.max(max, z[c]);
    }
    if (max == Float.NEGATIVE_INFINITY) {
      return max;
    }
    for (int c = 0; c < v; c++) {
      e[c] = (double) z[c] - max;
    }
    e[Vocabulary.BOS] = Double.NEGATIVE_INFINITY;
    Exp.nonPositive(e, v);
    e[Vocabulary.BOS] = 0.0;
    double sum = 0;
    for (int c = 0; c < v; c++) {
      sum += e[c];
    }
    return max + Math.log(sum);
  }

  /** Positions whose logits {@link #sentenceScoresLog10} computes together: 16 x V floats stay in L2. */
  private static final int CHUNK = 16;
  /** Classes per block of the batched output product (a block of the kernel's rows stays in L1). */
  private static final int BLOCK = 1024;

  /** Per-thread scratch of {@link #sentenceScoresLog10}. */
  private final ThreadLocal<SentenceScratch> sentenceScratch;

  private static final class SentenceScratch {
    final float[] h;
    final float[][] z;
    final double[] e;
    final float[] recurrent;
    final float[] gates;

    SentenceScratch(int hidden, int vocab) {
      h = new float[CHUNK * hidden];
      z = new float[CHUNK][vocab];
      e = new double[vocab];
      recurrent = new float[2 * hidden];
      gates = new float[4 * hidden];
    }
  }

  /**
   * Scores a sentence as {@link #scoreLog10} does word by word, with the same float32 arithmetic
   * in the same order (so the same values, bit for bit), but {@value #CHUNK} positions at a time:
   * the LSTM steps run first, then one blocked product of their states with the output kernel,
   * which is read once per chunk instead of once per word.
   */
  @Override
  public void sentenceScoresLog10(int[] ids, int n, double[] out) {
    if (n < 0 || n > ids.length || n > out.length) {
      throw new IllegalArgumentException("n=" + n + " must lie in [0, min(ids.length, out.length)] = [0, "
          + Math.min(ids.length, out.length) + "]; pass arrays of at least n elements");
    }
    for (int i = 0; i < n; i++) {
      if (ids[i] < 0 || ids[i] >= vocab) {
        throw new IllegalArgumentException("word id " + ids[i] + " at position " + i + " is outside the vocabulary [0, "
            + (vocab - 1) + "]; map tokens with vocabulary().id");
      }
    }
    SentenceScratch w = sentenceScratch.get();
    float[] r = w.recurrent;
    java.util.Arrays.fill(r, 0f);
    int h = hidden;
    for (int t0 = 0; t0 < n; t0 += CHUNK) {
      int m = Math.min(CHUNK, n - t0);
      for (int i = 0; i < m; i++) { // the state that predicts position t0 + i has read <s> ids[0 .. t0+i-1]
        int t = t0 + i;
        step(r, w.gates, t == 0 ? Vocabulary.BOS : ids[t - 1]);
        System.arraycopy(r, 0, w.h, i * h, h);
      }
      float[][] z = w.z;
      for (int i = 0; i < m; i++) {
        System.arraycopy(outputBias, 0, z[i], 0, vocab);
      }
      for (int c0 = 0; c0 < vocab; c0 += BLOCK) {
        int c1 = Math.min(vocab, c0 + BLOCK);
        for (int j = 0; j < h; j++) {
          float[] wj = outputRows[j];
          for (int i = 0; i < m; i++) {
            float hj = w.h[i * h + j];
            float[] zi = z[i];
            for (int c = c0; c < c1; c++) {
              zi[c] += hj * wj[c];
            }
          }
        }
      }
      for (int i = 0; i < m; i++) {
        int id = ids[t0 + i];
        double lse = logSumExpWithoutBos(z[i], vocab, w.e);
        out[t0 + i] = id == Vocabulary.BOS ? BOS_LOG10 : (z[i][id] - lse) / LN_10;
      }
    }
  }

  /** One LSTM step on s.recurrent (h then c) with input word w; the gate order is i, f, g, o. */
  private void step(LmState s, int w) {
    step(s.recurrent, s.work, w);
  }

  /** One LSTM step on r (h then c) with input word w, through the gate scratch z (4H). */
  private void step(float[] r, float[] z, int w) {
    int g = 4 * hidden;
    System.arraycopy(inputProjection, w * g, z, 0, g);
    for (int j = 0; j < hidden; j++) {
      float hj = r[j];
      float[] u = recurrentRows[j];
      for (int c = 0; c < g; c++) {
        z[c] += hj * u[c];
      }
    }
    for (int j = 0; j < hidden; j++) {
      double i = sigmoid(z[j]);
      double f = sigmoid(z[hidden + j]);
      double gg = Math.tanh(z[2 * hidden + j]);
      double o = sigmoid(z[3 * hidden + j]);
      double c = f * r[hidden + j] + i * gg;
      r[hidden + j] = (float) c;
      r[j] = (float) (o * Math.tanh(c));
    }
  }

  private static double sigmoid(double v) {
    if (v >= 0) {
      return 1 / (1 + Math.exp(-v));
    }
    double e = Math.exp(v);
    return e / (1 + e);
  }

  /**
   * The heap the scoring arrays take: the input projections (V·4H floats), U (H·4H), the output
   * kernel and bias (H·V + V) and the saved parameters θ.
   *
   * @return bytes
   */
  @Override
  public long memoryBytes() {
    return 4L * (inputProjection.length + (long) hidden * 4 * hidden + (long) hidden * vocab + outputBias.length
        + theta.length);
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return "LstmLanguageModel[V=" + vocab + ", E=" + options.embeddingSize() + ", H=" + hidden + "]";
  }
}
