package dev.aiaas.nlp.lm;

import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.math.MathOps;
import dev.aiaas.core.nn.LayerNorm;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.train.Callback;
import dev.aiaas.core.train.History;
import dev.aiaas.core.train.Trainer;
import dev.aiaas.nlp.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A GPT-style decoder language model (Radford et al. 2018/2019): p(wᵗ | w₀ .. wᵗ⁻¹) =
 * softmax(LN(hᵗ) W + b)[wᵗ], where hᵗ is the output at position t of N pre-LN transformer blocks
 * with causal self-attention over the word and position vectors of {@code <s> w₀ .. wᵗ⁻¹}. Trained
 * with aiaas-core's {@link Trainer} on sentences; served through {@link LanguageModel} over a
 * {@link Vocabulary} with the conventions of {@link NgramModel} and {@link LstmLanguageModel}, so
 * that {@link Perplexity} gives numbers comparable with theirs.
 *
 * <pre>{@code
 * TransformerLanguageModel lm = TransformerLanguageModel.train(Corpora.mobyDickTrain(), TransformerLmOptions.defaults());
 * Perplexity ppl = Perplexity.evaluate(lm, Corpora.mobyDickTest());
 * lm.save(Path.of("moby.gpt.aiaas"));
 * }</pre>
 *
 * <p>The network, in aiaas-core's layers ({@code TransformerLmTrainer.network}):
 * {@code embedding(V, D)}, {@code positionEmbedding(T)}, N × {@code Layers.transformerBlock(D, H,
 * F, p, causal)}, {@code timeDistributed(layerNorm())}, {@code timeDistributed(dense(V))} (dropout
 * after the embeddings when p &gt; 0), trained with {@code Losses.sequenceSparseSoftmaxCrossEntropy()}
 * (mean cross-entropy per token, in nats), AdamW and a warm-up and cosine schedule; rows are cut
 * from sentences as {@link TransformerLmOptions} describes.
 *
 * <p>Conventions, as the LSTM's: ids 0, 1, 2 are {@code <unk>}, {@code <s>}, {@code </s>}; words
 * seen fewer than {@code minCount} times in training are {@code <unk>} there; each sentence is
 * scored with {@code <s>} at position 0, as in training; the distribution of the next word is
 * normalised over every id except {@code <s>}, whose log10 probability is −99.
 *
 * <p><b>KV cache.</b> Scoring runs on the Java heap in float64 over float64 copies of the trained
 * parameters (so it needs no native memory and is immutable and thread-safe). A state
 * ({@link LmState}) holds the keys and values of every block for the words of its window so far,
 * the word still to be fed and the cached distribution of the next word. {@link #scoreLog10}
 * computes its input state's distribution once however many words are scored from it (D·V
 * multiply-adds and V exponentials), and feeds a word only when the state it produced is used as
 * input: one incremental step per word, about N(12D² + 2tD) multiply-adds at position t, not a
 * re-run of the prefix. The cache arrays are shared between a state and the states scored from
 * it, and copied only when two states extend the same prefix with different words.
 *
 * <p><b>Sentences longer than the context.</b> The window holds at most T = {@code context}
 * positions. When it is full and another word must be fed, the window slides as the training rows
 * are cut: it restarts with the last k = {@code contextOverlap} inputs re-encoded at positions
 * 0..k−1 and the new word at position k. So every word is predicted from between k + 1 and T
 * inputs, exactly as the continuation rows it was trained on ({@code <s>} is then no longer in the
 * window). The cost of a slide is k steps, once every T − k words.
 *
 * <p>This class is the model in use; training is {@code TransformerLmTrainer}'s and the file
 * {@code TransformerLmFile}'s, reached through {@link #train} and {@link #save}/{@link #load}.
 */
public final class TransformerLanguageModel implements LanguageModel {

  /** The value of the provenance entry {@code lm.kind} in files of this model. */
  public static final String KIND = "transformer";
  /** log10 p({@code <s>}) in any context, as in ARPA files. */
  public static final double BOS_LOG10 = -99.0;

  private final Vocabulary vocabulary;
  private final TransformerLmOptions options;
  private final float[] theta;
  private final int vocab;
  private final int dim;
  private final int context;
  private final int overlap;
  private final int heads;
  private final int headDim;
  private final int ffn;
  private final double scale;
  private final double epsilon = LayerNorm.DEFAULT_EPSILON;
  /** [V][D]: the word vectors. */
  private final double[][] tokenRows;
  /** [T][D]: the position vectors. */
  private final double[][] positionRows;
  private final Block[] blocks;
  private final double[] finalGamma;
  private final double[] finalBeta;
  /** [D][V]: the output kernel by rows. */
  private final double[][] outputRows;
  private final double[] outputBias;
  private final ThreadLocal<Work> work;
  /** The float32 path of {@link #float32()}'s model; null in the float64 model. */
  private final PackedDecoder packed;
  /** The float32 sibling, made on first use of {@link #float32()}; this model when there is no vector kernel. */
  private volatile TransformerLanguageModel float32;

  /** One block's parameters; every matrix by rows of its input ([in][out]). */
  private static final class Block {
    double[] ln1g;
    double[] ln1b;
    double[][] wq;
    double[][] wk;
    double[][] wv;
    double[] bq;
    double[] bk;
    double[] bv;
    double[][] wo;
    double[] bo;
    double[] ln2g;
    double[] ln2b;
    double[][] w1;
    double[] b1;
    double[][] w2;
    double[] b2;
  }

  private TransformerLanguageModel(Vocabulary vocabulary, TransformerLmOptions options, float[] theta) {
    this.vocabulary = vocabulary;
    this.options = options;
    this.theta = theta;
    this.vocab = vocabulary.size();
    this.dim = options.dim();
    this.context = options.context();
    this.overlap = options.contextOverlap();
    this.heads = options.heads();
    this.headDim = dim / heads;
    this.ffn = options.ffnWidth();
    this.scale = 1 / Math.sqrt(headDim);
    long expected = TransformerLmTrainer.parameterCount(vocab, options);
    if (theta.length != expected) {
      throw new IllegalArgumentException("the network has " + theta.length + " parameters where V=" + vocab + ", N="
          + options.layers() + ", D=" + dim + ", T=" + context + ", F=" + ffn + " need " + expected);
    }
    int v = vocab;
    int d = dim;
    int at = 0;
    tokenRows = new double[v][d];
    for (int id = 0; id < v; id++) {
      for (int k = 0; k < d; k++) {
        tokenRows[id][k] = theta[at + id + v * k]; // the embedding [V, D] is column-major
      }
    }
    at += v * d;
    positionRows = new double[context][d];
    for (int t = 0; t < context; t++) {
      for (int c = 0; c < d; c++) {
        positionRows[t][c] = theta[at + t * d + c]; // the position table is row-major
      }
    }
    at += context * d;
    blocks = new Block[options.layers()];
    for (int l = 0; l < blocks.length; l++) {
      Block b = new Block();
      b.ln1g = vector(at, d);
      at += d;
      b.ln1b = vector(at, d);
      at += d;
      b.wq = matrix(at, d, d);
      at += d * d;
      b.wk = matrix(at, d, d);
      at += d * d;
      b.wv = matrix(at, d, d);
      at += d * d;
      b.bq = vector(at, d);
      at += d;
      b.bk = vector(at, d);
      at += d;
      b.bv = vector(at, d);
      at += d;
      b.wo = matrix(at, d, d);
      at += d * d;
      b.bo = vector(at, d);
      at += d;
      b.ln2g = vector(at, d);
      at += d;
      b.ln2b = vector(at, d);
      at += d;
      b.w1 = matrix(at, d, ffn);
      at += d * ffn;
      b.b1 = vector(at, ffn);
      at += ffn;
      b.w2 = matrix(at, ffn, d);
      at += ffn * d;
      b.b2 = vector(at, d);
      at += d;
      blocks[l] = b;
    }
    finalGamma = vector(at, d);
    at += d;
    finalBeta = vector(at, d);
    at += d;
    outputRows = matrix(at, d, v);
    at += d * v;
    outputBias = vector(at, v);
    work = ThreadLocal.withInitial(Work::new);
    packed = null;
  }

  /** The float32 sibling of {@code base}: its arrays shared, the packed weights made for {@code kernel}. */
  private TransformerLanguageModel(TransformerLanguageModel base, DenseKernel kernel) {
    vocabulary = base.vocabulary;
    options = base.options;
    theta = base.theta;
    vocab = base.vocab;
    dim = base.dim;
    context = base.context;
    overlap = base.overlap;
    heads = base.heads;
    headDim = base.headDim;
    ffn = base.ffn;
    scale = base.scale;
    tokenRows = base.tokenRows;
    positionRows = base.positionRows;
    blocks = base.blocks;
    finalGamma = base.finalGamma;
    finalBeta = base.finalBeta;
    outputRows = base.outputRows;
    outputBias = base.outputBias;
    work = base.work;
    packed = new PackedDecoder(theta, vocab, options, epsilon, kernel);
    float32 = this;
  }

  /**
   * This model scoring in float32 through the packed Vector API kernel ({@code
   * DenseKernels.VECTOR}, present when the JVM runs with {@code --add-modules
   * jdk.incubator.vector} on an AVX2 or AVX-512 CPU), or this model itself when there is none.
   * The float32 model is made on the first call (the weights packed once, about 4 bytes per
   * parameter more) and then shared; it is thread-safe as this one. Its states are its own
   * (a state's float32 KV cache is refused by the float64 model and the reverse), a whole
   * sentence ({@link #sentenceScoresLog10}) or a slid window's restart runs as one pass over all
   * its positions, and its log-probabilities agree with this model's within float32 rounding
   * (about 1e-5 nats on a small model; see {@code PackedDecoderTest}). For generation and
   * prompts; perplexities ({@code lm eval}) are computed on this float64 model.
   *
   * @return the float32 model, or this one without a vector kernel
   */
  public TransformerLanguageModel float32() {
    TransformerLanguageModel f = float32;
    if (f == null) {
      synchronized (this) {
        f = float32;
        if (f == null) {
          f = DenseKernels.VECTOR.isPresent() ? new TransformerLanguageModel(this, DenseKernels.VECTOR.get()) : this;
          float32 = f;
        }
      }
    }
    return f;
  }

  /**
   * The float32 model on the given kernel, for tests.
   *
   * @param kernel the packed kernel
   * @return a new float32 model
   */
  TransformerLanguageModel float32(DenseKernel kernel) {
    return new TransformerLanguageModel(this, kernel);
  }

  /**
   * Whether this model scores on the packed float32 path.
   *
   * @return true for a model returned by {@link #float32()} when a vector kernel is present
   */
  public boolean isFloat32() {
    return packed != null;
  }

  private double[] vector(int at, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = theta[at + i];
    }
    return out;
  }

  /** A dense kernel W [in, out] stored column-major (W[i, o] at i + in·o), as rows [in][out]. */
  private double[][] matrix(int at, int in, int out) {
    double[][] m = new double[in][out];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        m[i][o] = theta[at + i + in * o];
      }
    }
    return m;
  }

  /** A model over trained parameters θ (the network's, in its order), for tests and tools: θ is copied. */
  static TransformerLanguageModel fromParameters(Vocabulary vocabulary, TransformerLmOptions options, float[] theta) {
    return new TransformerLanguageModel(vocabulary, options, theta.clone());
  }

  /** A model over θ that the caller hands over (the trainer's and the file reader's fresh arrays). */
  static TransformerLanguageModel fromOwnedParameters(Vocabulary vocabulary, TransformerLmOptions options, float[] theta) {
    return new TransformerLanguageModel(vocabulary, options, theta);
  }

  /** θ as trained (a copy), for the file and for tests. */
  float[] theta() {
    return theta.clone();
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
  public static TransformerLanguageModel train(
      Iterable<? extends List<String>> sentences, TransformerLmOptions options, Callback... callbacks) {
    return TransformerLmTrainer.train(sentences, options, null, callbacks).model();
  }

  /**
   * A trained model with the trainer's history.
   *
   * @param model the model
   * @param history the trainer's history (loss per epoch, and {@code val_loss} when validation
   *     sentences were given)
   */
  public record Trained(TransformerLanguageModel model, History history) {}

  /**
   * Trains a model and reports the per-token cross-entropy {@code val_loss} on other sentences
   * after each epoch (reported only: nothing is chosen by it).
   *
   * @param sentences the training sentences
   * @param options size and training settings
   * @param validation sentences to validate on, or null for none
   * @param callbacks run by the trainer
   * @return the model and the history
   * @throws IllegalArgumentException when the corpus has no token or the validation corpus no sentence
   */
  public static Trained train(
      Iterable<? extends List<String>> sentences,
      TransformerLmOptions options,
      Iterable<? extends List<String>> validation,
      Callback... callbacks) {
    return TransformerLmTrainer.train(sentences, options, validation, callbacks);
  }

  /**
   * A model with the network's initial, untrained parameters (seeded by {@code options.seed()}) over
   * the vocabulary {@link #train} would build from {@code sentences}: for speed measurements and
   * for tests of the machinery (its probabilities are those of random weights).
   *
   * @param sentences the sentences the vocabulary is built from (words seen at least
   *     {@code options.minCount()} times)
   * @param options the network's size; the training settings are kept but not used
   * @return the model
   * @throws IllegalArgumentException when the corpus has no token
   */
  public static TransformerLanguageModel initialised(
      Iterable<? extends List<String>> sentences, TransformerLmOptions options) {
    Vocabulary vocabulary = LstmLmTrainer.vocabulary(sentences, options.minCount());
    try (Model network = TransformerLmTrainer.network(vocabulary.size(), options)) {
      if (options.tieEmbeddings()) { // the output kernel starts as the word table transposed, as in training
        TransformerLmTrainer.TiedTables.tie(network.parameters(), vocabulary.size(), options.dim());
      }
      return fromOwnedParameters(vocabulary, options, network.parameters().toFloatVector());
    }
  }

  /**
   * The float32 network this model scores with, as a new {@link Model} holding a copy of its
   * parameters: input [B, T] word ids (T = {@code context}, as floats), output [B, T, V] logits of
   * the next word at every position (causal: position t reads positions 0..t). For batch forward
   * passes, training on, and export ({@code OnnxExport}); the caller closes it.
   *
   * @return a new network
   */
  public Model network() {
    Model network = TransformerLmTrainer.network(vocab, options);
    try (INDArray values = Nd4j.createFromArray(theta)) {
      network.parameters().assign(values);
    } catch (RuntimeException e) {
      network.close();
      throw e;
    }
    return network;
  }

  // ------------------------------------------------------------------ files

  /**
   * Saves the model as an aiaas model file ({@link ModelIO}): the network and its parameters, with
   * the vocabulary and the options in the provenance entries {@code lm.*} ({@code lm.kind} is
   * {@value #KIND}); see {@code TransformerLmFile}.
   *
   * @param file the destination, replaced atomically
   * @throws IOException when it cannot be written
   */
  public void save(Path file) throws IOException {
    TransformerLmFile.save(this, file);
  }

  /**
   * Loads a model saved by {@link #save}, within {@link ModelIO.LoadOptions#defaults()}.
   *
   * @param file the file
   * @return the model, scoring exactly as the saved one did
   * @throws java.nio.file.NoSuchFileException when the file does not exist
   * @throws ModelFormatException when it is not an aiaas model file (or a malformed one), or one
   *     of another kind of model, or its {@code lm.*} entries are malformed or disagree with its network
   * @throws IOException on another read failure
   */
  public static TransformerLanguageModel load(Path file) throws IOException {
    return TransformerLmFile.load(file, ModelIO.LoadOptions.defaults());
  }

  /**
   * Loads a model saved by {@link #save}, within the given limits.
   *
   * @param file the file
   * @param options the limits of the load
   * @return the model
   * @throws ModelFormatException as {@link #load(Path)}
   * @throws IOException on another read failure
   */
  public static TransformerLanguageModel load(Path file, ModelIO.LoadOptions options) throws IOException {
    return TransformerLmFile.load(file, options);
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
  public TransformerLmOptions options() {
    return options;
  }

  /**
   * T + 1: a word is predicted from at most T = {@code context} inputs ({@code <s>} included).
   *
   * @return {@code context + 1}
   */
  @Override
  public int order() {
    return context + 1;
  }

  /** {@inheritDoc} */
  @Override
  public boolean isNormalised() {
    return true;
  }

  /**
   * The start of a sentence: an empty window with {@code <s>} to be fed.
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
   * No context: an empty window with nothing fed; its distribution is softmax(b) of the output
   * bias alone (as the LSTM's zero state).
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
    LmState s = LmState.transformer(vocab);
    s.pending = -1;
    return s;
  }

  /**
   * log10 p(word | in); {@code out} becomes {@code in} followed by {@code word} (sharing its
   * cache; the word is fed when {@code out} is first used as input), and its
   * {@link LmState#ngramLength()} that of {@code in} plus one.
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
    double p = wordId == Vocabulary.BOS ? BOS_LOG10 : (in.values[wordId] - in.logNormaliser) / LN_10;
    out.cache = in.cache;
    out.filled = in.filled;
    out.pending = wordId;
    out.cached = false;
    out.words[0] = wordId;
    out.length = 1;
    out.ngramLength = in.ngramLength + 1;
    return p;
  }

  private void check(LmState s, String name) {
    if (s.values.length != vocab || s.recurrent.length != 0) {
      throw new IllegalArgumentException(name + " is not a state of this model (it holds " + s.values.length
          + " word logits, this model " + vocab + "); get states from this model's beginSentenceState() and newState()");
    }
    if (s.cache != null && s.cache.isFloat32() != (packed != null)) {
      throw new IllegalArgumentException(name + " holds a " + (s.cache.isFloat32() ? "float32" : "float64")
          + " KV cache but this model scores in " + (packed != null ? "float32" : "float64")
          + "; get states from the model that scores them (float32() and its base model have separate states)");
    }
  }

  /**
   * Feeds the pending word (one incremental step), then computes the logits z of the next word
   * into {@code s.values} and ln Σ_{w ≠ <s>} e^z_w into {@code s.logNormaliser}.
   */
  private void distribution(LmState s) {
    if (s.cached) {
      return;
    }
    double[] z = s.values;
    if (packed != null && s.pending >= 0) {
      PackedDecoder.Scratch ps = packed.scratch();
      int row = feedPacked(s, s.pending, ps);
      s.pending = -1;
      packed.logits(ps, row, 1);
      float[] zf = ps.logits;
      for (int c = 0; c < vocab; c++) {
        z[c] = zf[c];
      }
      s.logNormaliser = packed.logNormaliser(ps, 0);
      s.cached = true;
      return;
    }
    Work w = work.get();
    if (s.pending >= 0) {
      feed(s, s.pending, w);
      s.pending = -1;
      layerNorm(w.x, finalGamma, finalBeta, w.h);
      System.arraycopy(outputBias, 0, z, 0, vocab);
      for (int j = 0; j < dim; j++) {
        double hj = w.h[j];
        double[] row = outputRows[j];
        for (int c = 0; c < vocab; c++) {
          z[c] += hj * row[c];
        }
      }
    } else if (s.filled == 0) {
      System.arraycopy(outputBias, 0, z, 0, vocab);
    } else {
      throw new IllegalStateException("a state with a window but neither a pending word nor a cached distribution");
    }
    s.logNormaliser = logNormaliser(z, s.scratch);
    s.cached = true;
  }

  /** ln Σ_{w ≠ <s>} e^{z_w}: max-shifted, with {@link MathOps#expFast} (1e-12 relative). */
  private double logNormaliser(double[] z, double[] scratch) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < vocab; c++) {
      if (c != Vocabulary.BOS && z[c] > max) {
        max = z[c];
      }
    }
    for (int c = 0; c < vocab; c++) {
      scratch[c] = z[c] - max;
    }
    MathOps.expFast(scratch, vocab);
    double sum = 0;
    for (int c = 0; c < vocab; c++) {
      sum += scratch[c];
    }
    sum -= scratch[Vocabulary.BOS];
    return max + Math.log(sum);
  }

  /** Positions whose logits {@link #sentenceScoresLog10} computes together. */
  private static final int CHUNK = 16;
  /** Classes per block of the batched output product. */
  private static final int BLOCK = 512;

  /**
   * Scores a sentence as {@link #scoreLog10} does word by word, with the same float64 operations in
   * the same order (so the same values, bit for bit), but {@value #CHUNK} positions at a time: the
   * incremental steps of the chunk run first, then one blocked product of their final-LN outputs
   * with the output kernel, which is then read once per chunk instead of once per word.
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
    if (packed != null) {
      sentenceScoresPacked(ids, n, out);
      return;
    }
    Work w = work.get();
    if (w.chunk == null) {
      w.chunk = new double[CHUNK][dim];
      w.logits = new double[CHUNK][vocab];
      w.exp = new double[vocab];
    }
    LmState s = newState();
    for (int t0 = 0; t0 < n; t0 += CHUNK) {
      int m = Math.min(CHUNK, n - t0);
      for (int i = 0; i < m; i++) { // the position predicting ids[t] has read <s> ids[0 .. t-1]
        int t = t0 + i;
        feed(s, t == 0 ? Vocabulary.BOS : ids[t - 1], w);
        layerNorm(w.x, finalGamma, finalBeta, w.chunk[i]);
      }
      double[][] z = w.logits;
      for (int i = 0; i < m; i++) {
        System.arraycopy(outputBias, 0, z[i], 0, vocab);
      }
      for (int c0 = 0; c0 < vocab; c0 += BLOCK) {
        int c1 = Math.min(vocab, c0 + BLOCK);
        for (int j = 0; j < dim; j++) {
          double[] row = outputRows[j];
          for (int i = 0; i < m; i++) {
            double hj = w.chunk[i][j];
            double[] zi = z[i];
            for (int c = c0; c < c1; c++) {
              zi[c] += hj * row[c];
            }
          }
        }
      }
      for (int i = 0; i < m; i++) {
        int id = ids[t0 + i];
        double lse = logNormaliser(z[i], w.exp);
        out[t0 + i] = id == Vocabulary.BOS ? BOS_LOG10 : (z[i][id] - lse) / LN_10;
      }
    }
  }

  /**
   * {@link #sentenceScoresLog10} on the float32 path: each window in one pass of all its new
   * positions (a slid window's first pass re-encodes the k kept inputs with them), then one
   * product of their final-LN outputs with the output kernel.
   */
  private void sentenceScoresPacked(int[] ids, int n, double[] out) {
    PackedDecoder.Scratch ps = packed.scratch();
    int[] window = ps.window;
    Cache c = ps.cache;
    int filled = 0;
    for (int t = 0; t < n; ) {
      int from = filled;
      if (filled == context) { // slide as feed does: the last k inputs re-encoded at positions 0..k-1
        System.arraycopy(window, context - overlap, window, 0, overlap);
        filled = overlap;
        from = 0;
      }
      int m = Math.min(context - filled, n - t);
      for (int i = 0; i < m; i++) { // the position predicting ids[t] has read <s> ids[0 .. t-1]
        int u = t + i;
        window[filled + i] = u == 0 ? Vocabulary.BOS : ids[u - 1];
      }
      packed.extend(c, from, window, filled + m - from, ps);
      packed.logits(ps, filled - from, m);
      for (int i = 0; i < m; i++) {
        int id = ids[t + i];
        float zi = ps.logits[i * packed.ldV + id];
        double lse = packed.logNormaliser(ps, i);
        out[t + i] = id == Vocabulary.BOS ? BOS_LOG10 : (zi - lse) / LN_10;
      }
      filled += m;
      t += m;
    }
  }

  /**
   * Feeds {@code token} into the state's float32 window (sliding it first when it is full: the
   * kept inputs and the token in one pass); returns the row of {@code ps.h} holding the token's
   * final-LN output.
   */
  private int feedPacked(LmState s, int token, PackedDecoder.Scratch ps) {
    int p = s.filled;
    Cache c = s.cache;
    if (p == context) {
      Cache fresh = packed.newCache();
      System.arraycopy(c.window, context - overlap, fresh.window, 0, overlap);
      fresh.window[overlap] = token;
      fresh.length = overlap + 1;
      s.cache = fresh;
      packed.extend(fresh, 0, fresh.window, overlap + 1, ps);
      s.filled = overlap + 1;
      return overlap;
    }
    if (c == null || !c.claim(p)) {
      Cache fresh = packed.newCache();
      if (c != null) {
        fresh.copyPrefix(c, p);
      }
      fresh.length = p + 1;
      c = fresh;
      s.cache = fresh;
    }
    c.window[p] = token;
    packed.extend(c, p, c.window, 1, ps);
    s.filled = p + 1;
    return 0;
  }

  /**
   * Feeds {@code token} into the state's window (sliding it first when it is full), leaving the
   * last position's output of the last block in {@code w.x}.
   */
  private void feed(LmState s, int token, Work w) {
    if (s.filled == context) {
      Cache old = s.cache;
      System.arraycopy(old.window, context - overlap, w.keep, 0, overlap);
      s.cache = null;
      s.filled = 0;
      for (int i = 0; i < overlap; i++) {
        append(s, w.keep[i], w);
      }
    }
    append(s, token, w);
  }

  /** One incremental step: the word at position {@code s.filled}, its keys and values cached. */
  private void append(LmState s, int token, Work w) {
    int p = s.filled;
    Cache c = s.cache;
    if (c == null || !c.claim(p)) {
      Cache fresh = new Cache(blocks.length, context, dim);
      if (c != null) {
        fresh.copyPrefix(c, p);
      }
      fresh.length = p + 1;
      c = fresh;
      s.cache = fresh;
    }
    c.window[p] = token;
    int d = dim;
    double[] x = w.x;
    double[] h = w.h;
    double[] e = tokenRows[token];
    double[] pos = positionRows[p];
    for (int j = 0; j < d; j++) {
      x[j] = e[j] + pos[j];
    }
    for (int l = 0; l < blocks.length; l++) {
      Block b = blocks[l];
      int base = l * context * d;
      int at = base + p * d;
      layerNorm(x, b.ln1g, b.ln1b, h);
      project(h, d, b.wq, b.bq, w.q, 0);
      project(h, d, b.wk, b.bk, c.keys, at);
      project(h, d, b.wv, b.bv, c.values, at);
      Arrays.fill(w.ctx, 0.0);
      double[] row = w.row;
      for (int hd = 0; hd < heads; hd++) {
        int c0 = hd * headDim;
        for (int u = 0; u <= p; u++) {
          int ku = base + u * d + c0;
          double sc = 0;
          for (int j = 0; j < headDim; j++) {
            sc += w.q[c0 + j] * c.keys[ku + j];
          }
          row[u] = sc * scale;
        }
        MathOps.softmax(row, p + 1);
        for (int u = 0; u <= p; u++) {
          int vu = base + u * d + c0;
          double a = row[u];
          for (int j = 0; j < headDim; j++) {
            w.ctx[c0 + j] += a * c.values[vu + j];
          }
        }
      }
      project(w.ctx, d, b.wo, b.bo, w.q, 0); // q as scratch for the attention's output
      for (int j = 0; j < d; j++) {
        x[j] += w.q[j];
      }
      layerNorm(x, b.ln2g, b.ln2b, h);
      project(h, d, b.w1, b.b1, w.m, 0);
      for (int j = 0; j < ffn; j++) {
        double v = w.m[j];
        w.m[j] = v * MathOps.sigmoid(2 * MathOps.GELU_C * (v + MathOps.GELU_A * v * v * v));
      }
      project(w.m, ffn, b.w2, b.b2, w.q, 0);
      for (int j = 0; j < d; j++) {
        x[j] += w.q[j];
      }
    }
    s.filled = p + 1;
  }

  /** out[at + o] = bias[o] + Σ_i in[i] W[i][o] for i &lt; n. */
  private static void project(double[] in, int n, double[][] w, double[] bias, double[] out, int at) {
    int m = bias.length;
    System.arraycopy(bias, 0, out, at, m);
    for (int i = 0; i < n; i++) {
      double xi = in[i];
      double[] row = w[i];
      for (int o = 0; o < m; o++) {
        out[at + o] += xi * row[o];
      }
    }
  }

  /** y = γ (x − μ)/√(σ² + ε) + β over the D features (σ² the biased variance). */
  private void layerNorm(double[] x, double[] gamma, double[] beta, double[] y) {
    int d = dim;
    double mean = 0;
    for (int j = 0; j < d; j++) {
      mean += x[j];
    }
    mean /= d;
    double var = 0;
    for (int j = 0; j < d; j++) {
      double c = x[j] - mean;
      var += c * c;
    }
    var /= d;
    double inv = 1 / Math.sqrt(var + epsilon);
    for (int j = 0; j < d; j++) {
      y[j] = gamma[j] * ((x[j] - mean) * inv) + beta[j];
    }
  }

  /** Per-thread scratch of a step. */
  private final class Work {
    final double[] x = new double[dim];
    final double[] h = new double[dim];
    final double[] q = new double[dim];
    final double[] ctx = new double[dim];
    final double[] m = new double[ffn];
    final double[] row = new double[context];
    final int[] keep = new int[context];
    /** {@link #sentenceScoresLog10}'s chunk of final-LN outputs, logits and exponentials, made on first use. */
    double[][] chunk;
    double[][] logits;
    double[] exp;
  }

  /**
   * The keys and values of every block for the positions of one window, [N][T][D] each, and the
   * window's word ids. Positions {@code [0, length)} have been claimed by states; a state reads
   * only its own first {@code filled} positions, so the states that extend one prefix share the
   * arrays, and a second state extending the same prefix with another word copies the prefix
   * ({@link #claim} fails for it).
   */
  static final class Cache {
    /** The float64 path's keys and values [N][T][D]; null in a float32 cache. */
    final double[] keys;
    final double[] values;
    /** The float32 path's ({@link PackedDecoder}) keys [N][H][d_k][T] and values [N][T][D]; null in a float64 cache. */
    final float[] keysF;
    final float[] valuesF;
    final int[] window;
    private final int stride;
    int length;

    Cache(int layers, int context, int dim) {
      keys = new double[layers * context * dim];
      values = new double[layers * context * dim];
      keysF = null;
      valuesF = null;
      window = new int[context];
      stride = context * dim;
    }

    /** A float32 cache over the given arrays ([N][H][d_k][T] and [N][T][D]). */
    Cache(float[] keysF, float[] valuesF, int context, int dim) {
      keys = null;
      values = null;
      this.keysF = keysF;
      this.valuesF = valuesF;
      window = new int[context];
      stride = context * dim;
    }

    /** Whether this is a float32 cache. */
    boolean isFloat32() {
      return keysF != null;
    }

    /** Claims position {@code p} for the caller when it is the next free one. */
    synchronized boolean claim(int p) {
      if (length == p) {
        length = p + 1;
        return true;
      }
      return false;
    }

    /** Copies the first {@code p} positions of every block and of the window from {@code other}. */
    void copyPrefix(Cache other, int p) {
      int t = window.length;
      if (keysF != null) {
        for (int r = 0; r * t < keysF.length; r++) { // a row of T per (block, head, key feature)
          System.arraycopy(other.keysF, r * t, keysF, r * t, p);
        }
        int dim = stride / t;
        for (int l = 0; l * stride < valuesF.length; l++) {
          System.arraycopy(other.valuesF, l * stride, valuesF, l * stride, p * dim);
        }
      } else {
        int dim = stride / t;
        for (int l = 0; l * stride < keys.length; l++) {
          System.arraycopy(other.keys, l * stride, keys, l * stride, p * dim);
          System.arraycopy(other.values, l * stride, values, l * stride, p * dim);
        }
      }
      System.arraycopy(other.window, 0, window, 0, p);
    }

    /** Whether the first {@code n} window words equal {@code other}'s. */
    boolean sameWindow(Cache other, int n) {
      return other == this || other != null && Arrays.equals(window, 0, n, other.window, 0, n);
    }
  }

  /**
   * The heap the scoring arrays take: the float64 copies of the parameters (8 bytes each) and the
   * saved float32 θ (4 bytes each); states take 2·N·T·D float64 more per distinct prefix.
   *
   * @return bytes
   */
  @Override
  public long memoryBytes() {
    return 12L * theta.length + (packed == null ? 0 : 4L * packed.floats());
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return "TransformerLanguageModel[V=" + vocab + ", N=" + blocks.length + ", H=" + heads + ", D=" + dim + ", T="
        + context + ", F=" + ffn + (packed == null ? "" : ", float32 " + packed.k.describe()) + "]";
  }
}
