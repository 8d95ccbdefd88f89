package dev.aiaas.nlp.lm;

import dev.aiaas.nlp.text.TextFiles;
import dev.aiaas.nlp.text.Tokenizer;
import dev.aiaas.nlp.text.Vocabulary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A backoff n-gram language model held in compact int-encoded hash tables: for each order
 * {@code n}, n-gram → (log10 probability, log10 backoff weight), exactly the content of an ARPA
 * file. Built from a corpus with any {@link Smoothing} ({@link #build}) or loaded from an ARPA
 * file ({@link #readArpa(Path)}); both answer through {@link LanguageModel} identically.
 *
 * <p>Scoring follows KenLM (and the ARPA semantics): for word {@code w} after context
 * {@code w_1..w_k} (oldest first), with {@code w_j..w_k w} the longest n-gram in the model,
 * <pre>
 *   log10 p(w | w_1..w_k) = log10 p(w_j..w_k w) + sum_{i &lt; j} log10 b(w_i..w_k)
 * </pre>
 * where {@code b} of a context not in the model is 1. Unknown words are scored as
 * {@code <unk>}.
 *
 * <p>Storage: order-n entry {@code i} is keyed by {@code (index of its (n-1)-word prefix) << 32
 * | last word id} in an open-addressing table, with float probability and backoff arrays;
 * unigrams are indexed by word id. Immutable and thread-safe.
 */
public final class NgramModel implements LanguageModel {

  private final Vocabulary vocabulary;
  private final NgramLevel[] levels;
  private final int order;
  private final boolean normalised;
  private final List<Discounts> discounts;
  private final String description;

  NgramModel(
      Vocabulary vocabulary,
      NgramLevel[] levels,
      boolean normalised,
      List<Discounts> discounts,
      String description) {
    this.vocabulary = vocabulary;
    this.levels = levels;
    this.order = levels.length - 1;
    this.normalised = normalised;
    this.discounts = List.copyOf(discounts);
    this.description = description;
  }

  /**
   * Builds a model from sentences of tokens (one list per sentence, without {@code <s>} and
   * {@code </s>}). Literal {@code <s>}, {@code </s>} and {@code <unk>} tokens are skipped, as
   * lmplz treats them as whitespace.
   *
   * @param sentences the corpus; iterated once
   * @param options order, smoothing and its parameters
   * @return the model
   * @throws IllegalArgumentException if the corpus has no tokens
   * @throws BadDiscountException if discounts cannot be estimated and no fallback is set
   */
  public static NgramModel build(Iterable<List<String>> sentences, NgramOptions options) {
    return NgramEstimator.build(sentences, options);
  }

  /**
   * Builds a model from a text file (UTF-8, or gzip-compressed UTF-8), one sentence per line.
   *
   * @param corpus the file
   * @param tokenizer splits each line, e.g. {@link dev.aiaas.nlp.text.WhitespaceTokenizer}
   * @param options order, smoothing and its parameters
   * @return the model
   * @throws IOException if the file cannot be read
   */
  public static NgramModel build(Path corpus, Tokenizer tokenizer, NgramOptions options)
      throws IOException {
    return build(TextFiles.readSentences(corpus, tokenizer), options);
  }

  /**
   * Loads an ARPA file (plain or gzip-compressed, detected from its first bytes).
   *
   * @param file the file
   * @return the model
   * @throws ArpaFormatException with line number and content if the file is malformed
   * @throws IOException if it cannot be read
   */
  public static NgramModel readArpa(Path file) throws IOException {
    try (BufferedReader r = Arpa.openText(file)) {
      return Arpa.read(r, file.toString());
    }
  }

  /**
   * Writes the model as an ARPA file (plain text; gzip-compressed if the name ends in
   * {@code .gz}) that KenLM, SRILM and other toolkits read.
   *
   * @param file the destination, overwritten
   * @throws IOException on a write failure
   */
  public void writeArpa(Path file) throws IOException {
    Arpa.write(this, file);
  }

  /**
   * Writes the model in ARPA format.
   *
   * @param out the destination; not closed
   * @throws IOException on a write failure
   */
  public void writeArpa(Writer out) throws IOException {
    Arpa.write(this, out);
  }

  /** {@inheritDoc} */
  @Override
  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /** {@inheritDoc} */
  @Override
  public int order() {
    return order;
  }

  /** {@inheritDoc} */
  @Override
  public boolean isNormalised() {
    return normalised;
  }

  /**
   * The discounts used per order (index 0 = unigrams) for Kneser-Ney and absolute discounting;
   * empty for other methods and for loaded models.
   *
   * @return the discounts, unmodifiable
   */
  public List<Discounts> discounts() {
    return discounts;
  }

  /**
   * Where the model came from, e.g. {@code "mkn order 3"} or the ARPA file name.
   *
   * @return a description
   */
  public String description() {
    return description;
  }

  /**
   * The number of n-grams of order {@code n} (the ARPA header's {@code ngram n=}).
   *
   * @param n an order in {@code 1..order()}
   * @return the count
   */
  public int ngramCount(int n) {
    checkOrder(n);
    return levels[n].size;
  }

  private void checkOrder(int n) {
    if (n < 1 || n > order) {
      throw new IllegalArgumentException(
          "order " + n + " out of range; this model has orders 1.." + order);
    }
  }

  /** {@inheritDoc} */
  @Override
  public LmState newState() {
    return new LmState(order - 1);
  }

  /** {@inheritDoc} */
  @Override
  public LmState beginSentenceState() {
    LmState s = newState();
    if (order > 1) {
      s.length = 1;
      s.words[0] = Vocabulary.BOS;
      s.entries[0] = Vocabulary.BOS;
      s.backoffs[0] = levels[1].backoff[Vocabulary.BOS];
    }
    return s;
  }

  /** {@inheritDoc} */
  @Override
  public LmState nullContextState() {
    return newState();
  }

  /** {@inheritDoc} */
  @Override
  public double scoreLog10(LmState in, int wordId, LmState out) {
    if (in == out) {
      throw new IllegalArgumentException(
          "in and out must be different LmState objects; allocate a second with newState()");
    }
    if (wordId < 0 || wordId >= levels[1].size) {
      throw new IllegalArgumentException(
          "word id " + wordId + " out of range; expected 0.." + (levels[1].size - 1));
    }
    float p = levels[1].prob[wordId];
    int matched = 1;
    int found = 1;
    if (order > 1) {
      out.entries[0] = wordId;
    }
    int max = Math.min(in.length, order - 1);
    for (int l = 1; l <= max; l++) {
      NgramLevel level = levels[l + 1];
      int e = level.find(in.entries[l - 1], wordId);
      if (e < 0) {
        break;
      }
      if (l < out.entries.length) {
        out.entries[l] = e;
      }
      found = l + 1;
      float q = level.prob[e];
      if (!Float.isNaN(q)) {
        p = q;
        matched = l + 1;
      }
    }
    float total = p; // float arithmetic, as KenLM's FullScore
    for (int l = matched; l <= in.length; l++) {
      total += in.backoffs[l - 1];
    }
    int len = Math.min(found, order - 1);
    for (int l = 0; l < len; l++) {
      out.backoffs[l] = levels[l + 1].backoff[out.entries[l]];
    }
    if (len > 0) {
      out.words[0] = wordId;
      System.arraycopy(in.words, 0, out.words, 1, len - 1);
    }
    out.length = len;
    out.ngramLength = matched;
    return total;
  }

  /** {@inheritDoc} */
  @Override
  public long memoryBytes() {
    long bytes = 0;
    for (int n = 1; n <= order; n++) {
      bytes += levels[n].memoryBytes();
    }
    return bytes;
  }

  /**
   * The stored entry for an n-gram, if the model has it.
   *
   * @param words the n-gram, oldest word first, 1 to {@code order()} words
   * @return its probability and backoff, or empty if absent
   */
  public Optional<NgramEntry> entry(List<String> words) {
    if (words.isEmpty() || words.size() > order) {
      throw new IllegalArgumentException(
          "n-gram length " + words.size() + " out of range; expected 1.." + order);
    }
    int idx = -1;
    for (int n = 1; n <= words.size(); n++) {
      String w = words.get(n - 1);
      if (!vocabulary.contains(w)) {
        return Optional.empty();
      }
      idx = levels[n].find(idx, vocabulary.id(w));
      if (idx < 0) {
        return Optional.empty();
      }
    }
    return Optional.of(toEntry(words.size(), idx));
  }

  /**
   * Visits every stored n-gram, by order and then in storage order (unigrams in id order).
   *
   * @param visitor receives each entry
   */
  public void forEachEntry(Consumer<NgramEntry> visitor) {
    for (int n = 1; n <= order; n++) {
      for (int i = 0; i < levels[n].size; i++) {
        visitor.accept(toEntry(n, i));
      }
    }
  }

  NgramEntry toEntry(int n, int i) {
    int[] ids = wordsOf(n, i);
    List<String> words = new ArrayList<>(n);
    for (int id : ids) {
      words.add(vocabulary.token(id));
    }
    NgramLevel level = levels[n];
    double prob = level.prob[i];
    if (Double.isNaN(prob)) {
      prob = backedOffLog10(ids);
    }
    return new NgramEntry(Collections.unmodifiableList(words), prob, level.backoff[i]);
  }

  /** The ids of entry {@code i} of order {@code n}, oldest first. */
  int[] wordsOf(int n, int i) {
    int[] ids = new int[n];
    int e = i;
    for (int m = n; m >= 2; m--) {
      ids[m - 1] = levels[m].word[e];
      e = levels[m].prefix[e];
    }
    ids[0] = e;
    return ids;
  }

  /** log10 p(last | the others) computed by scoring, for a blank entry. */
  private double backedOffLog10(int[] ids) {
    LmState a = nullContextState();
    LmState b = newState();
    for (int j = 0; j < ids.length - 1; j++) {
      scoreLog10(a, ids[j], b);
      LmState t = a;
      a = b;
      b = t;
    }
    return scoreLog10(a, ids[ids.length - 1], b);
  }

  NgramLevel level(int n) {
    return levels[n];
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    int[] counts = new int[order];
    for (int n = 1; n <= order; n++) {
      counts[n - 1] = levels[n].size;
    }
    return "NgramModel[" + description + ", ngrams=" + Arrays.toString(counts)
        + ", bytes=" + memoryBytes() + "]";
  }
}
