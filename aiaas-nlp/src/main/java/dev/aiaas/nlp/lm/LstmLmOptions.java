package dev.aiaas.nlp.lm;

/**
 * The settings of an {@link LstmLanguageModel}: its size, its vocabulary and how it is trained.
 * Every value is checked; a bad one throws {@link IllegalArgumentException} naming it, the range
 * expected and a usual value.
 *
 * <p>Sentences are cut into training rows of {@code sequenceLength} positions: a row holds the
 * inputs {@code <s> w1 .. wn} and the targets {@code w1 .. wn </s>} (one position per word plus
 * one for {@code </s>}), padded at the end. A sentence longer than a row continues in further
 * rows, each repeating the last {@code contextOverlap} positions of the previous one as context
 * only (their targets do not count), so that every target after the first row is predicted with
 * at least that much of its sentence before it.
 *
 * @param embeddingSize the width E of the word vectors, at least 1 (64 to 128 is usual)
 * @param hiddenSize the width H of the LSTM's state, at least 1 (128 to 256 is usual)
 * @param minCount words seen fewer times than this in training become {@code <unk>}; at least 1
 *     (2 gives {@code <unk>} training examples, so that unknown words get a learned probability)
 * @param sequenceLength positions per training row T, at least 2
 * @param contextOverlap context positions repeated at the start of a continuation row, in
 *     {@code [0, sequenceLength - 1)}
 * @param epochs passes over the training rows, at least 1
 * @param batchSize rows per Adam step, at least 1
 * @param learningRate Adam's step size η, positive and finite
 * @param clipNorm the largest Euclidean norm of the gradient (larger ones are rescaled), against
 *     the exploding gradients of recurrent networks; 0 turns clipping off
 * @param seed the seed of the initial weights and the shuffling: the same seed and data give the
 *     same model
 * @param dropout the rate p of inverted dropout (Srivastava et al. 2014) on the word vectors and on
 *     the LSTM's outputs during training, in [0, 1); 0 (the default) adds no dropout layers, as
 *     in models written before this setting existed (Zaremba et al. 2014 use 0.5 on large
 *     models; 0.2 to 0.3 suits small ones)
 */
public record LstmLmOptions(
    int embeddingSize,
    int hiddenSize,
    long minCount,
    int sequenceLength,
    int contextOverlap,
    int epochs,
    int batchSize,
    double learningRate,
    double clipNorm,
    long seed,
    double dropout) {

  /**
   * Checks every value (see the class comment for what each means).
   *
   * @param embeddingSize E, at least 1
   * @param hiddenSize H, at least 1
   * @param minCount the vocabulary cut-off, at least 1
   * @param sequenceLength positions per training row T, at least 2
   * @param contextOverlap context positions of a continuation row, in {@code [0, sequenceLength - 1)}
   * @param epochs passes over the rows, at least 1
   * @param batchSize rows per Adam step, at least 1
   * @param learningRate Adam's η, positive and finite
   * @param clipNorm the gradient norm limit, at least 0 and finite; 0 for none
   * @param seed the seed of the weights and the shuffling, any value
   * @param dropout the dropout rate p, in [0, 1)
   * @throws IllegalArgumentException naming the first value out of range, the range and a usual
   *     value
   */
  public LstmLmOptions {
    positive("embeddingSize", embeddingSize, "64");
    positive("hiddenSize", hiddenSize, "128");
    if (minCount < 1) {
      throw new IllegalArgumentException(
          "minCount must be at least 1. Received: minCount=" + minCount
              + "; use 1 to keep every word, 2 to map words seen once to <unk>");
    }
    if (sequenceLength < 2) {
      throw new IllegalArgumentException(
          "sequenceLength must be at least 2. Received: sequenceLength=" + sequenceLength
              + "; 48 covers most sentences of an English novel");
    }
    if (contextOverlap < 0 || contextOverlap >= sequenceLength - 1) {
      throw new IllegalArgumentException(
          "contextOverlap must be in [0, sequenceLength - 1) = [0, " + (sequenceLength - 1)
              + "). Received: contextOverlap=" + contextOverlap
              + "; use about a third of sequenceLength");
    }
    positive("epochs", epochs, "4");
    positive("batchSize", batchSize, "32");
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException(
          "learningRate must be positive and finite. Received: learningRate=" + learningRate
              + "; Adam's 2e-3 is a usual start");
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException(
          "dropout must be in [0, 1) (the fraction of activations zeroed in training). Received: dropout="
              + dropout + "; 0 for none, 0.2 to 0.3 for a small model");
    }
    if (!(clipNorm >= 0) || !Double.isFinite(clipNorm)) {
      throw new IllegalArgumentException(
          "clipNorm must be >= 0 (0 turns clipping off). Received: clipNorm=" + clipNorm
              + "; 5 is usual for LSTMs");
    }
  }

  /**
   * Options without dropout (the form of files written before {@code dropout} existed).
   *
   * @param embeddingSize E
   * @param hiddenSize H
   * @param minCount the vocabulary cut-off
   * @param sequenceLength positions per training row
   * @param contextOverlap context positions of a continuation row
   * @param epochs passes over the rows
   * @param batchSize rows per step
   * @param learningRate Adam's rate
   * @param clipNorm the gradient norm limit, 0 for none
   * @param seed the seed
   */
  public LstmLmOptions(int embeddingSize, int hiddenSize, long minCount, int sequenceLength, int contextOverlap,
      int epochs, int batchSize, double learningRate, double clipNorm, long seed) {
    this(embeddingSize, hiddenSize, minCount, sequenceLength, contextOverlap, epochs, batchSize, learningRate,
        clipNorm, seed, 0.0);
  }

  private static void positive(String name, long value, String usual) {
    if (value < 1) {
      throw new IllegalArgumentException(
          name + " must be a positive integer. Received: " + name + "=" + value + "; for example "
              + usual);
    }
  }

  /**
   * The defaults: E = 64, H = 128, minCount 2, rows of 48 positions with 16 of overlap, 4
   * epochs of batch 32, Adam with η = 2e-3, gradient norm clipped at 5, seed 42.
   *
   * @return the default options
   */
  public static LstmLmOptions defaults() {
    return new LstmLmOptions(64, 128, 2, 48, 16, 4, 32, 2e-3, 5.0, 42);
  }

  /**
   * These options with another model size.
   *
   * @param embedding E
   * @param hidden H
   * @return the new options
   */
  public LstmLmOptions withSize(int embedding, int hidden) {
    return new LstmLmOptions(embedding, hidden, minCount, sequenceLength, contextOverlap, epochs,
        batchSize, learningRate, clipNorm, seed, dropout);
  }

  /**
   * These options with another vocabulary cut-off.
   *
   * @param min the new {@code minCount}
   * @return the new options
   */
  public LstmLmOptions withMinCount(long min) {
    return new LstmLmOptions(embeddingSize, hiddenSize, min, sequenceLength, contextOverlap,
        epochs, batchSize, learningRate, clipNorm, seed, dropout);
  }

  /**
   * These options with other training rows.
   *
   * @param length the new {@code sequenceLength}
   * @param overlap the new {@code contextOverlap}
   * @return the new options
   */
  public LstmLmOptions withRows(int length, int overlap) {
    return new LstmLmOptions(embeddingSize, hiddenSize, minCount, length, overlap, epochs,
        batchSize, learningRate, clipNorm, seed, dropout);
  }

  /**
   * These options with another training schedule.
   *
   * @param n epochs
   * @param batch batch size
   * @param rate Adam's learning rate
   * @return the new options
   */
  public LstmLmOptions withTraining(int n, int batch, double rate) {
    return new LstmLmOptions(embeddingSize, hiddenSize, minCount, sequenceLength, contextOverlap,
        n, batch, rate, clipNorm, seed, dropout);
  }

  /**
   * These options with another seed.
   *
   * @param s the seed
   * @return the new options
   */
  public LstmLmOptions withSeed(long s) {
    return new LstmLmOptions(embeddingSize, hiddenSize, minCount, sequenceLength, contextOverlap,
        epochs, batchSize, learningRate, clipNorm, s, dropout);
  }

  /**
   * These options with another dropout rate.
   *
   * @param p the rate, in [0, 1)
   * @return the new options
   */
  public LstmLmOptions withDropout(double p) {
    return new LstmLmOptions(embeddingSize, hiddenSize, minCount, sequenceLength, contextOverlap,
        epochs, batchSize, learningRate, clipNorm, seed, p);
  }
}
