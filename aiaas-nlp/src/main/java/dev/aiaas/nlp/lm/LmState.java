package dev.aiaas.nlp.lm;

import java.util.Arrays;

/**
 * The context a {@link LanguageModel} conditions on, KenLM's {@code State}: the most recent
 * words (newest first), at most {@code order - 1} of them, kept only as far back as the model
 * has n-grams for them, plus the model's cached lookups for those words.
 *
 * <p>A state is a small mutable buffer so that the hot path
 * {@link LanguageModel#scoreLog10(LmState, int, LmState)} can write the next state into a state
 * the caller owns and reuses, allocating nothing. Obtain states from the model that uses them
 * ({@link LanguageModel#beginSentenceState()}, {@link LanguageModel#nullContextState()},
 * {@link LanguageModel#newState()}). Two states are equal when they hold the same words.
 *
 * <p>A recurrent model ({@link LstmLanguageModel}) keeps its context as a vector instead: the
 * recurrent state (h and c) after the words so far, the word still to be fed into it, and a cache
 * of the next word's distribution; its states are equal when those vector and word are equal.
 *
 * <p>A transformer ({@link TransformerLanguageModel}) keeps the keys and values of every block for
 * the words of its window so far (a KV cache, shared between the states that extend the same
 * prefix), the word still to be fed and the cached distribution of the next word; its states are
 * equal when they hold the same window and the same pending word.
 */
public final class LmState {

  final int[] words;
  final int[] entries;
  final float[] backoffs;
  int length;
  int ngramLength;

  /** Recurrent models: h then c, length 2H (empty for n-gram models). */
  final float[] recurrent;
  /** Recurrent models: the word to feed into {@link #recurrent} before it is used, or -1. */
  int pending = -1;
  /**
   * Recurrent models: ln of the normaliser of the next word's distribution, ln Σ e^z over every
   * id but {@code <s>}, valid when {@link #cached}; log10 p(w) is (z_w − it)/ln 10.
   */
  double logNormaliser;
  boolean cached;
  /** Recurrent models: scratch for the gate pre-activations (4H). */
  final float[] work;
  /** Recurrent models: the logits z of the next word (V), valid when {@link #cached}. */
  final float[] logits;
  /** Recurrent models: float64 scratch of V for the normaliser's exponentials. */
  final double[] scratch;

  /**
   * Transformer models: the key/value cache of the window so far, shared between the states that
   * extend the same prefix (each reads only its first {@link #filled} positions); null before the
   * first word is fed.
   */
  TransformerLanguageModel.Cache cache;
  /** Transformer models: the positions of {@link #cache} this state holds. */
  int filled;
  /** Transformer models: the float64 logits z of the next word (V), valid when {@link #cached}. */
  final double[] values;

  LmState(int capacity) {
    this(capacity, 0, 0);
  }

  LmState(int capacity, int recurrentSize, int vocabularySize) {
    this(capacity, recurrentSize, recurrentSize == 0 ? 0 : vocabularySize, 0);
  }

  /** A state of a transformer model over {@code vocabularySize} ids. */
  static LmState transformer(int vocabularySize) {
    return new LmState(1, 0, vocabularySize, vocabularySize);
  }

  private LmState(int capacity, int recurrentSize, int scratchSize, int valuesSize) {
    words = new int[capacity];
    entries = new int[capacity];
    backoffs = new float[capacity];
    recurrent = new float[recurrentSize];
    scratch = new double[scratchSize];
    work = new float[2 * recurrentSize];
    logits = new float[recurrentSize == 0 ? 0 : scratchSize];
    values = new double[valuesSize];
  }

  /**
   * The number of context words held, {@code 0..order-1}.
   *
   * @return the context length
   */
  public int length() {
    return length;
  }

  /**
   * The context word {@code i} positions back: {@code word(0)} is the most recent one.
   *
   * @param i {@code 0..length()-1}
   * @return its vocabulary id
   */
  public int word(int i) {
    if (i < 0 || i >= length) {
      throw new IndexOutOfBoundsException(
          "context position " + i + " out of range; this state holds " + length + " words");
    }
    return words[i];
  }

  /**
   * The length of the n-gram whose probability was used to score the word that produced this
   * state (KenLM's {@code ngram_length}); 0 for a state that was not produced by scoring.
   *
   * @return the n-gram order used, {@code 0..order}
   */
  public int ngramLength() {
    return ngramLength;
  }

  /**
   * Makes this state a copy of {@code other} (which must come from a model of the same order).
   *
   * @param other the state to copy
   */
  public void copyFrom(LmState other) {
    if (other.words.length != words.length || other.recurrent.length != recurrent.length
        || other.logits.length != logits.length || other.values.length != values.length) {
      throw new IllegalArgumentException(
          "state capacity " + other.words.length + " differs from " + words.length
              + "; copy only between states of the same model");
    }
    System.arraycopy(other.words, 0, words, 0, other.length);
    System.arraycopy(other.entries, 0, entries, 0, other.length);
    System.arraycopy(other.backoffs, 0, backoffs, 0, other.length);
    length = other.length;
    ngramLength = other.ngramLength;
    if (recurrent.length > 0) {
      System.arraycopy(other.recurrent, 0, recurrent, 0, recurrent.length);
      pending = other.pending;
      cached = other.cached;
      if (cached) {
        System.arraycopy(other.logits, 0, logits, 0, logits.length);
        logNormaliser = other.logNormaliser;
      }
    }
    if (values.length > 0) {
      cache = other.cache;
      filled = other.filled;
      pending = other.pending;
      cached = other.cached;
      if (cached) {
        System.arraycopy(other.values, 0, values, 0, values.length);
        logNormaliser = other.logNormaliser;
      }
    }
  }

  /**
   * A new state equal to this one.
   *
   * @return the copy
   */
  public LmState copy() {
    LmState s = new LmState(words.length, recurrent.length, scratch.length, values.length);
    s.copyFrom(this);
    return s;
  }

  /** {@inheritDoc} */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LmState)) {
      return false;
    }
    LmState s = (LmState) o;
    return s.length == length && Arrays.equals(words, 0, length, s.words, 0, length)
        && s.pending == pending && Arrays.equals(recurrent, s.recurrent)
        && s.filled == filled && (filled == 0 || s.cache.sameWindow(cache, filled));
  }

  /** {@inheritDoc} */
  @Override
  public int hashCode() {
    int h = length;
    for (int i = 0; i < length; i++) {
      h = 31 * h + words[i];
    }
    return h;
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return "LmState" + Arrays.toString(Arrays.copyOf(words, length));
  }
}
