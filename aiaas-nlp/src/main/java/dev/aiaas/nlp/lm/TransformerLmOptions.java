package dev.aiaas.nlp.lm;

/**
 * The settings of a {@link TransformerLanguageModel}: its size, its vocabulary and how it is
 * trained. Every value is checked; a bad one throws {@link IllegalArgumentException} naming it,
 * the range expected and a usual value.
 *
 * <p>Sentences are cut into training rows of {@code context} positions exactly as for the LSTM
 * ({@link LstmLmOptions}): a row holds the inputs {@code <s> w1 .. wn} and the targets
 * {@code w1 .. wn </s>}, padded at the end; a sentence longer than a row continues in further rows
 * that repeat the last {@code contextOverlap} positions of the previous one as unlabelled context.
 * Scoring slides its window the same way ({@link TransformerLanguageModel}).
 *
 * <p>The learning rate follows a cosine schedule ({@code Schedules.cosine}): a linear warm-up over
 * the first {@code warmup} fraction of all steps, then a cosine decay to {@value #MIN_LR_FACTOR}
 * of {@code learningRate} at the last step; the optimiser is AdamW (decoupled weight decay on the
 * kernels, Loshchilov and Hutter 2019).
 *
 * @param layers N, the number of pre-LN transformer blocks, at least 1 (2 to 4 for a small corpus)
 * @param heads H, attention heads per block, at least 1, dividing {@code dim}
 * @param dim D, the model width (word vectors, positions, blocks), at least 1 (128 to 256 is usual)
 * @param context T, positions per training row and the longest window the model attends over, at
 *     least 2 (48 to 128)
 * @param ffnMultiplier the MLP's hidden width as a multiple of D, at least 1 (4 as in GPT-2)
 * @param minCount words seen fewer times than this in training become {@code <unk>}; at least 1
 *     (2, the LSTM's rule, gives {@code <unk>} training examples)
 * @param contextOverlap context positions repeated at the start of a continuation row (and kept
 *     when the scoring window slides), in {@code [0, context - 1)}
 * @param epochs passes over the training rows, at least 1
 * @param batchSize rows per AdamW step, at least 1
 * @param learningRate the peak step size η, positive and finite
 * @param warmup the fraction of all steps spent in the linear warm-up, in [0, 1)
 * @param weightDecay AdamW's decoupled decay λ on the kernels, at least 0 and finite (0.01 to 0.1)
 * @param clipNorm the largest Euclidean norm of the gradient (larger ones are rescaled); 0 turns
 *     clipping off
 * @param dropout the rate p of inverted dropout after the embeddings, the attention and the MLP in
 *     training, in [0, 1) (0.1 to 0.2 for a small corpus)
 * @param seed the seed of the initial weights, the dropout masks and the shuffling: the same seed
 *     and data give the same model
 * @param tieEmbeddings whether the output layer's kernel W [D, V] is the word-vector table E
 *     [V, D] transposed (weight tying, Press and Wolf 2017): one V·D table learned from both ends,
 *     W = Eᵀ at every step. θ still holds both copies (so files and scorers keep one layout); the
 *     trainer starts W as Eᵀ and gives both the same gradient ∂L/∂E + (∂L/∂W)ᵀ, so AdamW's
 *     element-wise update keeps them equal bit for bit
 */
public record TransformerLmOptions(
    int layers,
    int heads,
    int dim,
    int context,
    int ffnMultiplier,
    long minCount,
    int contextOverlap,
    int epochs,
    int batchSize,
    double learningRate,
    double warmup,
    double weightDecay,
    double clipNorm,
    double dropout,
    long seed,
    boolean tieEmbeddings) {

  /** The factor on η at the end of the cosine schedule. */
  public static final double MIN_LR_FACTOR = 0.05;

  /**
   * The options without weight tying, as before {@code tieEmbeddings} existed (files written then
   * read as untied).
   *
   * @param layers N
   * @param heads H
   * @param dim D
   * @param context T
   * @param ffnMultiplier the MLP width over D
   * @param minCount the vocabulary cut-off
   * @param contextOverlap context positions of a continuation row
   * @param epochs passes over the rows
   * @param batchSize rows per step
   * @param learningRate peak η
   * @param warmup warm-up fraction
   * @param weightDecay λ
   * @param clipNorm the gradient norm limit, 0 for none
   * @param dropout p
   * @param seed any value
   * @throws IllegalArgumentException as the canonical constructor
   */
  public TransformerLmOptions(int layers, int heads, int dim, int context, int ffnMultiplier, long minCount,
      int contextOverlap, int epochs, int batchSize, double learningRate, double warmup, double weightDecay,
      double clipNorm, double dropout, long seed) {
    this(layers, heads, dim, context, ffnMultiplier, minCount, contextOverlap, epochs, batchSize, learningRate, warmup,
        weightDecay, clipNorm, dropout, seed, false);
  }

  /**
   * Checks every value (see the class comment for what each means).
   *
   * @param layers N, at least 1
   * @param heads H, at least 1, dividing D
   * @param dim D, at least 1
   * @param context T, at least 2
   * @param ffnMultiplier the MLP width over D, at least 1
   * @param minCount the vocabulary cut-off, at least 1
   * @param contextOverlap context positions of a continuation row, in {@code [0, context - 1)}
   * @param epochs passes over the rows, at least 1
   * @param batchSize rows per step, at least 1
   * @param learningRate peak η, positive and finite
   * @param warmup warm-up fraction, in [0, 1)
   * @param weightDecay λ, at least 0 and finite
   * @param clipNorm the gradient norm limit, at least 0 and finite; 0 for none
   * @param dropout p, in [0, 1)
   * @param seed any value
   * @param tieEmbeddings whether W = Eᵀ
   * @throws IllegalArgumentException naming the first value out of range, the range and a usual
   *     value
   */
  public TransformerLmOptions {
    positive("layers", layers, "2");
    positive("heads", heads, "4");
    positive("dim", dim, "128");
    if (dim % heads != 0) {
      throw new IllegalArgumentException("dim must be a multiple of heads (each head takes dim/heads columns). Received: dim="
          + dim + ", heads=" + heads + "; for example dim=128 with heads=4");
    }
    if (context < 2) {
      throw new IllegalArgumentException(
          "context must be at least 2. Received: context=" + context + "; 64 covers most sentences of an English novel");
    }
    positive("ffnMultiplier", ffnMultiplier, "4");
    if ((long) ffnMultiplier * dim > Integer.MAX_VALUE / 16) {
      throw new IllegalArgumentException("ffnMultiplier * dim is too large. Received: ffnMultiplier=" + ffnMultiplier
          + ", dim=" + dim + "; use 4");
    }
    if (minCount < 1) {
      throw new IllegalArgumentException("minCount must be at least 1. Received: minCount=" + minCount
          + "; use 1 to keep every word, 2 to map words seen once to <unk>");
    }
    if (contextOverlap < 0 || contextOverlap >= context - 1) {
      throw new IllegalArgumentException("contextOverlap must be in [0, context - 1) = [0, " + (context - 1)
          + "). Received: contextOverlap=" + contextOverlap + "; use about a third of context");
    }
    positive("epochs", epochs, "20");
    positive("batchSize", batchSize, "32");
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be positive and finite. Received: learningRate="
          + learningRate + "; 1e-3 is a usual peak for a small transformer");
    }
    if (!(warmup >= 0 && warmup < 1)) {
      throw new IllegalArgumentException("warmup must be in [0, 1) (a fraction of all steps). Received: warmup="
          + warmup + "; 0.05 is usual");
    }
    if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
      throw new IllegalArgumentException("weightDecay must be >= 0 and finite. Received: weightDecay=" + weightDecay
          + "; 0.01 to 0.1 is usual");
    }
    if (!(clipNorm >= 0) || !Double.isFinite(clipNorm)) {
      throw new IllegalArgumentException("clipNorm must be >= 0 (0 turns clipping off). Received: clipNorm="
          + clipNorm + "; 1 is usual for transformers");
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1) (the fraction of activations zeroed in training)."
          + " Received: dropout=" + dropout + "; 0.1 to 0.2 for a small corpus");
    }
  }

  private static void positive(String name, long value, String usual) {
    if (value < 1) {
      throw new IllegalArgumentException(
          name + " must be a positive integer. Received: " + name + "=" + value + "; for example " + usual);
    }
  }

  /**
   * The defaults: 2 blocks of 4 heads, D = 128, T = 48 with 16 of overlap, MLP 4·D, minCount 2,
   * tied input and output embeddings, 6 epochs of batch 32 (the best validation epoch of a pilot on the
   * training chapters), AdamW with peak η = 2e-3, 5% warm-up,
   * λ = 0.1 on the kernels, gradient norm clipped at 1, dropout 0.1, seed 42 (chosen for
   * Moby-Dick's 224k training words on a 2-core machine: docs/benchmarks.md).
   *
   * @return the default options
   */
  public static TransformerLmOptions defaults() {
    return new TransformerLmOptions(2, 4, 128, 48, 4, 2, 16, 6, 32, 2e-3, 0.05, 0.1, 1.0, 0.1, 42, true);
  }

  /**
   * These options with another network size.
   *
   * @param n layers
   * @param h heads
   * @param d dim
   * @param t context
   * @return the new options
   */
  public TransformerLmOptions withSize(int n, int h, int d, int t) {
    return new TransformerLmOptions(n, h, d, t, ffnMultiplier, minCount, Math.min(contextOverlap, Math.max(0, t - 2)),
        epochs, batchSize, learningRate, warmup, weightDecay, clipNorm, dropout, seed, tieEmbeddings);
  }

  /**
   * These options with another training schedule.
   *
   * @param n epochs
   * @param batch batch size
   * @param rate peak learning rate
   * @return the new options
   */
  public TransformerLmOptions withTraining(int n, int batch, double rate) {
    return new TransformerLmOptions(layers, heads, dim, context, ffnMultiplier, minCount, contextOverlap, n, batch,
        rate, warmup, weightDecay, clipNorm, dropout, seed, tieEmbeddings);
  }

  /**
   * These options with another dropout rate.
   *
   * @param p the rate, in [0, 1)
   * @return the new options
   */
  public TransformerLmOptions withDropout(double p) {
    return new TransformerLmOptions(layers, heads, dim, context, ffnMultiplier, minCount, contextOverlap, epochs,
        batchSize, learningRate, warmup, weightDecay, clipNorm, p, seed, tieEmbeddings);
  }

  /**
   * These options with another seed.
   *
   * @param s the seed
   * @return the new options
   */
  public TransformerLmOptions withSeed(long s) {
    return new TransformerLmOptions(layers, heads, dim, context, ffnMultiplier, minCount, contextOverlap, epochs,
        batchSize, learningRate, warmup, weightDecay, clipNorm, dropout, s, tieEmbeddings);
  }

  /**
   * These options with another vocabulary cut-off.
   *
   * @param min the new {@code minCount}
   * @return the new options
   */
  public TransformerLmOptions withMinCount(long min) {
    return new TransformerLmOptions(layers, heads, dim, context, ffnMultiplier, min, contextOverlap, epochs,
        batchSize, learningRate, warmup, weightDecay, clipNorm, dropout, seed, tieEmbeddings);
  }

  /**
   * These options with another continuation overlap.
   *
   * @param overlap the new {@code contextOverlap}
   * @return the new options
   */
  public TransformerLmOptions withOverlap(int overlap) {
    return new TransformerLmOptions(layers, heads, dim, context, ffnMultiplier, minCount, overlap, epochs,
        batchSize, learningRate, warmup, weightDecay, clipNorm, dropout, seed, tieEmbeddings);
  }

  /**
   * These options with other optimiser settings.
   *
   * @param warm the warm-up fraction
   * @param decay the weight decay λ
   * @param clip the gradient norm limit, 0 for none
   * @return the new options
   */
  public TransformerLmOptions withOptimiser(double warm, double decay, double clip) {
    return new TransformerLmOptions(layers, heads, dim, context, ffnMultiplier, minCount, contextOverlap, epochs,
        batchSize, learningRate, warm, decay, clip, dropout, seed, tieEmbeddings);
  }

  /**
   * These options with or without weight tying.
   *
   * @param tie whether the output kernel is the word-vector table transposed
   * @return the new options
   */
  public TransformerLmOptions withTiedEmbeddings(boolean tie) {
    return new TransformerLmOptions(layers, heads, dim, context, ffnMultiplier, minCount, contextOverlap, epochs,
        batchSize, learningRate, warmup, weightDecay, clipNorm, dropout, seed, tie);
  }

  /**
   * The MLP's hidden width F = ffnMultiplier · D.
   *
   * @return F
   */
  public int ffnWidth() {
    return ffnMultiplier * dim;
  }
}
