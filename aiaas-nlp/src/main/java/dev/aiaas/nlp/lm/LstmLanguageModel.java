package dev.aiaas.nlp.lm;

import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.math.MathOps;
import dev.aiaas.core.train.Callback;
import dev.aiaas.core.train.History;
import dev.aiaas.core.train.Trainer;
import dev.aiaas.nlp.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

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
 *
 * <p>This class is the model in use (scoring, states, sampling through {@link Sampler}); training
 * is {@code LstmLmTrainer}'s and the file {@code LstmLmFile}'s, reached through {@link #train} and
 * {@link #save}/{@link #load}, as the n-gram model's are {@code NgramEstimator}'s and
 * {@code Arpa}'s.
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
    scratch = ThreadLocal.withInitial(() -> new Scratch(h, v));
  }

  /** A model over trained parameters θ (the network's, in its order), for tests and tools: θ is copied. */
  static LstmLanguageModel fromParameters(Vocabulary vocabulary, LstmLmOptions options, float[] theta) {
    return new LstmLanguageModel(vocabulary, options, theta.clone());
  }

  /** A model over θ that the caller hands over (the trainer's and the file reader's fresh arrays). */
  static LstmLanguageModel fromOwnedParameters(Vocabulary vocabulary, LstmLmOptions options, float[] theta) {
    return new LstmLanguageModel(vocabulary, options, theta);
  }

  /** θ as trained (a copy), for the file and for tests. */
  float[] theta() {
    return theta.clone();
  }

  /** P = V·E + 4H(E + H + 1) + H·V + V, the network's parameter count. */
  static long parameterCount(long v, long e, long h) {
    return v * e + 4 * h * (e + h + 1) + h * v + v;
  }

  // ------------------------------------------------------------------ training (LstmLmTrainer)

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
    return LstmLmTrainer.train(sentences, options, null, callbacks).model();
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
   * @throws IllegalArgumentException when the corpus has no token or the validation corpus no
   *     sentence
   */
  public static Trained train(
      Iterable<? extends List<String>> sentences,
      LstmLmOptions options,
      Iterable<? extends List<String>> validation,
      Callback... callbacks) {
    return LstmLmTrainer.train(sentences, options, validation, callbacks);
  }

  // ------------------------------------------------------------------ files (LstmLmFile)

  /**
   * Saves the model as an aiaas model file ({@link ModelIO}): the network and its parameters, with
   * the vocabulary and the options in the provenance entries {@code lm.*}: {@code lm.kind}
   * ({@value #KIND}), one per option ({@code lm.embedding_size}, {@code lm.hidden_size}, ...,
   * {@code lm.dropout}) and {@code lm.vocabulary}, the tokens after the reserved three.
   *
   * @param file the destination, replaced atomically
   * @throws IOException when it cannot be written
   */
  public void save(Path file) throws IOException {
    LstmLmFile.save(this, file);
  }

  /**
   * Loads a model saved by {@link #save}, within {@link ModelIO.LoadOptions#defaults()}.
   *
   * @param file the file
   * @return the model, scoring exactly as the saved one did
   * @throws java.nio.file.NoSuchFileException when the file does not exist
   * @throws ModelFormatException when it is not an aiaas model file (or is a malformed one, as
   *     {@link ModelIO#load(Path)} says), or one of another kind of model (a plain network from
   *     {@code aiaas train}), or its {@code lm.*} entries are malformed or disagree with its network
   * @throws IOException on another read failure
   */
  public static LstmLanguageModel load(Path file) throws IOException {
    return LstmLmFile.load(file, ModelIO.LoadOptions.defaults());
  }

  /**
   * Loads a model saved by {@link #save}, within the given limits (the header's limit bounds the
   * vocabulary too).
   *
   * @param file the file
   * @param options the limits of the load
   * @return the model, scoring exactly as the saved one did
   * @throws java.nio.file.NoSuchFileException when the file does not exist
   * @throws ModelFormatException as {@link #load(Path)}, a limit being {@code options}'
   * @throws IOException on another read failure
   */
  public static LstmLanguageModel load(Path file, ModelIO.LoadOptions options) throws IOException {
    return LstmLmFile.load(file, options);
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
   * {@link LmState#ngramLength()} that of {@code in} plus one: from {@link #beginSentenceState()},
   * the word's position in the sentence counted from 1 (the words before it plus the word;
   * {@code <s>} not counted), all of which the LSTM conditions on.
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
   * Feeds the pending word, then computes the logits z of the next word into {@code s.logits} and
   * their log-normaliser ln Σ_{w ≠ <s>} e^z_w into {@code s.logNormaliser}: one pass of H·V
   * multiply-adds, one max and one vectorised pass of exponentials
   * ({@link MathOps#logSumExpFast}, 1e-12 relative) over the vocabulary. Probabilities are then
   * read per word in {@link #scoreLog10}, so nothing else is written per id.
   */
  private void distribution(LmState s) {
    if (s.cached) {
      return;
    }
    if (s.pending >= 0) {
      step(s.recurrent, s.work, s.pending, scratch.get().cell);
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
    s.logNormaliser = MathOps.logSumExpFast(z, vocab, Vocabulary.BOS, s.scratch);
    s.cached = true;
  }

  /** Positions whose logits {@link #sentenceScoresLog10} computes together: 16 x V floats stay in L2. */
  private static final int CHUNK = 16;
  /** Classes per block of the batched output product (a block of the kernel's rows stays in L1). */
  private static final int BLOCK = 1024;

  /** Per-thread scratch of {@link #sentenceScoresLog10} and of the LSTM cell. */
  private final ThreadLocal<Scratch> scratch;

  private static final class Scratch {
    final float[] h;
    final float[][] z;
    final double[] e;
    final float[] recurrent;
    final float[] gates;
    final Cell cell;

    Scratch(int hidden, int vocab) {
      h = new float[CHUNK * hidden];
      z = new float[CHUNK][vocab];
      e = new double[vocab];
      recurrent = new float[2 * hidden];
      gates = new float[4 * hidden];
      cell = new Cell(hidden);
    }
  }

  /** The float64 rows of {@link MathOps#lstmCell} for one step: the gates, c, tanh c and h (H each). */
  private static final class Cell {
    final double[] i;
    final double[] f;
    final double[] g;
    final double[] o;
    final double[] c;
    final double[] tanhC;
    final double[] h;

    Cell(int hidden) {
      i = new double[hidden];
      f = new double[hidden];
      g = new double[hidden];
      o = new double[hidden];
      c = new double[hidden];
      tanhC = new double[hidden];
      h = new double[hidden];
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
    Scratch w = scratch.get();
    float[] r = w.recurrent;
    Arrays.fill(r, 0f);
    int h = hidden;
    for (int t0 = 0; t0 < n; t0 += CHUNK) {
      int m = Math.min(CHUNK, n - t0);
      for (int i = 0; i < m; i++) { // the state that predicts position t0 + i has read <s> ids[0 .. t0+i-1]
        int t = t0 + i;
        step(r, w.gates, t == 0 ? Vocabulary.BOS : ids[t - 1], w.cell);
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
        double lse = MathOps.logSumExpFast(z[i], vocab, Vocabulary.BOS, w.e);
        out[t0 + i] = id == Vocabulary.BOS ? BOS_LOG10 : (z[i][id] - lse) / LN_10;
      }
    }
  }

  /**
   * One LSTM step on r (h then c) with input word w: the gate pre-activations z (4H, in the order
   * i, f, g, o) in float32 from the word's input projection and U, then the cell
   * ({@link MathOps#lstmCell}, exact, in float64) through the rows of {@code m}; h and c are kept
   * in float32.
   */
  private void step(float[] r, float[] z, int w, Cell m) {
    int h = hidden;
    int g = 4 * h;
    System.arraycopy(inputProjection, w * g, z, 0, g);
    for (int j = 0; j < h; j++) {
      float hj = r[j];
      float[] u = recurrentRows[j];
      for (int c = 0; c < g; c++) {
        z[c] += hj * u[c];
      }
    }
    for (int j = 0; j < h; j++) {
      m.i[j] = z[j];
      m.f[j] = z[h + j];
      m.g[j] = z[2 * h + j];
      m.o[j] = z[3 * h + j];
      m.c[j] = r[h + j];
    }
    MathOps.lstmCell(m.i, m.f, m.g, m.o, m.c, m.tanhC, m.h, h);
    for (int j = 0; j < h; j++) {
      r[h + j] = (float) m.c[j];
      r[j] = (float) m.h[j];
    }
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
