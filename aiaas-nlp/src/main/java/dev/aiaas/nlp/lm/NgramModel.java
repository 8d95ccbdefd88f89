package dev.aiaas.nlp.lm;

import dev.aiaas.nlp.text.TextFiles;
import dev.aiaas.nlp.text.Tokenizer;
import dev.aiaas.nlp.text.Vocabulary;
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
 * <p>Storage, as KenLM's {@code probing} structure: unigrams in float probability and backoff
 * arrays indexed by word id; each higher order in a {@link ProbingTable}, an open-addressing table
 * at load factor 2/3 whose slot is the n-gram's entry, keyed by {@code (slot of its (n-1)-word
 * prefix) << 32 | last word id} and holding the key, the float log10 probability and the float
 * log10 backoff side by side (24 bytes per n-gram; 18 for the highest order, which has no
 * backoff). Nothing is quantised. Immutable and thread-safe.
 */
public final class NgramModel implements LanguageModel {

  private final Vocabulary vocabulary;
  private final float[] unigramProb;
  private final float[] unigramBackoff;
  /** Index n = 2..order; 0 and 1 unused. */
  private final ProbingTable[] tables;
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
    this.order = levels.length - 1;
    this.unigramProb = levels[1].prob;
    this.unigramBackoff = levels[1].backoff;
    this.tables = index(levels);
    this.normalised = normalised;
    this.discounts = List.copyOf(discounts);
    this.description = description;
  }

  /**
   * Moves orders 2 and above from the estimation structure (entries numbered in insertion order,
   * with a separate hash index) into probing tables, where the slot is the entry: each order's
   * keys are rewritten with the slots of the order below.
   */
  private static ProbingTable[] index(NgramLevel[] levels) {
    int order = levels.length - 1;
    ProbingTable[] tables = new ProbingTable[order + 1];
    int[] below = null; // entry of order n-1 -> its slot; null for unigrams (the id itself)
    for (int n = 2; n <= order; n++) {
      NgramLevel level = levels[n];
      ProbingTable table = new ProbingTable(level.size, n < order);
      int[] slots = n < order ? new int[level.size] : null;
      for (int i = 0; i < level.size; i++) {
        int prefix = below == null ? level.prefix[i] : below[level.prefix[i]];
        int s = table.insert(prefix, level.word[i], level.prob[i], level.backoff[i]);
        if (slots != null) {
          slots[i] = s;
        }
      }
      tables[n] = table;
      below = slots;
    }
    return tables;
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
   * Loads an ARPA file (plain or gzip-compressed, detected from its first bytes) within {@link
   * ArpaOptions#defaults()}.
   *
   * @param file the file
   * @return the model
   * @throws ArpaFormatException naming the line, its content, what was expected and the fix, if
   *     the file is malformed, damaged or beyond a limit (see {@link ArpaOptions})
   * @throws IOException if it cannot be read
   */
  public static NgramModel readArpa(Path file) throws IOException {
    return readArpa(file, ArpaOptions.defaults());
  }

  /**
   * Loads an ARPA file (plain or gzip-compressed, detected from its first bytes). The reading is
   * strict (as KenLM's) and bounded: the header's counts are checked against the limits, the
   * file's size and the JVM's heap before anything is allocated for them, then against the
   * entries; log10 probabilities must be decimal numbers at most 0 (or {@code -inf}), backoffs
   * decimal numbers (or {@code -inf}), within float's range; nothing but blank lines may follow
   * {@code \end\}, and a gzip file is read to its end, so that its trailer's CRC is checked.
   *
   * @param file the file
   * @param options the limits on bytes, line length and n-grams
   * @return the model
   * @throws ArpaFormatException naming the line, its content, what was expected and the fix, if
   *     the file is malformed, damaged or beyond a limit
   * @throws IOException if it cannot be read
   */
  public static NgramModel readArpa(Path file, ArpaOptions options) throws IOException {
    return Arpa.read(file, java.util.Objects.requireNonNull(options, "options"));
  }

  /**
   * Writes the model as an ARPA file (plain text; gzip-compressed if the name ends in
   * {@code .gz}) that KenLM, SRILM and other toolkits read.
   *
   * @param file the destination, in an existing folder, replaced atomically (an earlier file
   *     stays as it was if the write fails)
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
    return n == 1 ? unigramProb.length : tables[n].size();
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
      s.backoffs[0] = unigramBackoff[Vocabulary.BOS];
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
    if (wordId < 0 || wordId >= unigramProb.length) {
      throw new IllegalArgumentException(
          "word id " + wordId + " out of range; expected 0.." + (unigramProb.length - 1));
    }
    float p = unigramProb[wordId];
    int matched = 1;
    int found = 1;
    int keep = order - 1; // context entries a state holds
    if (keep > 0) {
      out.entries[0] = wordId;
      out.backoffs[0] = unigramBackoff[wordId];
    }
    int max = Math.min(in.length, keep);
    for (int l = 1; l <= max; l++) {
      ProbingTable table = tables[l + 1];
      int e = table.find(in.entries[l - 1], wordId);
      if (e < 0) {
        break;
      }
      if (l < keep) {
        out.entries[l] = e;
        out.backoffs[l] = table.backoff(e);
      }
      found = l + 1;
      float q = table.prob(e);
      if (!Float.isNaN(q)) {
        p = q;
        matched = l + 1;
      }
    }
    float total = p; // float arithmetic, as KenLM's FullScore
    for (int l = matched; l <= in.length; l++) {
      total += in.backoffs[l - 1];
    }
    int len = Math.min(found, keep);
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
    long bytes = 4L * (unigramProb.length + unigramBackoff.length);
    for (int n = 2; n <= order; n++) {
      bytes += tables[n].memoryBytes();
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
      idx = n == 1 ? vocabulary.id(w) : tables[n].find(idx, vocabulary.id(w));
      if (idx < 0) {
        return Optional.empty();
      }
    }
    return Optional.of(toEntry(words.size(), idx));
  }

  /**
   * Visits every stored n-gram, by order and then in storage order (unigrams in id order, higher
   * orders in hash-table slot order).
   *
   * @param visitor receives each entry
   */
  public void forEachEntry(Consumer<NgramEntry> visitor) {
    for (int n = 1; n <= order; n++) {
      int slots = slots(n);
      for (int i = 0; i < slots; i++) {
        if (occupied(n, i)) {
          visitor.accept(toEntry(n, i));
        }
      }
    }
  }

  /** Entries of order {@code n} are numbered {@code 0..slots(n)-1}, some unoccupied. */
  int slots(int n) {
    return n == 1 ? unigramProb.length : tables[n].capacity();
  }

  /** The prefix entry (order n-1) of entry {@code i} of order {@code n >= 2}. */
  int prefixOf(int n, int i) {
    return tables[n].prefix(i);
  }

  /** The last word id of entry {@code i} of order {@code n} (the id itself for unigrams). */
  int lastWordOf(int n, int i) {
    return n == 1 ? i : tables[n].word(i);
  }

  /** Whether entry {@code i} of order {@code n} holds an n-gram. */
  boolean occupied(int n, int i) {
    return n == 1 || tables[n].occupied(i);
  }

  /** The stored log10 probability of entry {@code i} of order {@code n} (NaN for a blank). */
  float prob(int n, int i) {
    return n == 1 ? unigramProb[i] : tables[n].prob(i);
  }

  /** The stored log10 backoff of entry {@code i} of order {@code n}. */
  float backoff(int n, int i) {
    return n == 1 ? unigramBackoff[i] : tables[n].backoff(i);
  }

  NgramEntry toEntry(int n, int i) {
    int[] ids = wordsOf(n, i);
    List<String> words = new ArrayList<>(n);
    for (int id : ids) {
      words.add(vocabulary.token(id));
    }
    double prob = prob(n, i);
    if (Double.isNaN(prob)) {
      prob = backedOffLog10(ids);
    }
    return new NgramEntry(Collections.unmodifiableList(words), prob, backoff(n, i));
  }

  /** The ids of entry {@code i} of order {@code n}, oldest first. */
  int[] wordsOf(int n, int i) {
    int[] ids = new int[n];
    int e = i;
    for (int m = n; m >= 2; m--) {
      ids[m - 1] = tables[m].word(e);
      e = tables[m].prefix(e);
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

  /** {@inheritDoc} */
  @Override
  public String toString() {
    int[] counts = new int[order];
    for (int n = 1; n <= order; n++) {
      counts[n - 1] = ngramCount(n);
    }
    return "NgramModel[" + description + ", ngrams=" + Arrays.toString(counts)
        + ", bytes=" + memoryBytes() + "]";
  }
}
