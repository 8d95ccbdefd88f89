package dev.aiaas.nlp.lm;

import java.util.Arrays;

/**
 * The n-grams of one order {@code n} while a model is estimated or read, int-encoded: entry {@code i} is the n-gram whose first
 * {@code n-1} words are entry {@code prefix[i]} of order {@code n-1} and whose last word is
 * {@code word[i]}. The index key is {@code (prefix << 32) | word}. For order 1 the entry index is
 * the word id itself and there is no hash index. After estimation each entry carries a float
 * log10 probability ({@code NaN} for a blank entry that exists only as a context) and a log10
 * backoff weight. {@link NgramModel} then moves orders 2 and above into {@link ProbingTable}s,
 * its query structure, and this one is dropped.
 */
final class NgramLevel {

  final int order;
  private final LongIntHashMap index;
  int[] prefix;
  int[] word;
  int size;
  float[] prob;
  float[] backoff;

  NgramLevel(int order, int expected) {
    this.order = order;
    int cap = Math.max(16, expected);
    if (order == 1) {
      index = null;
      size = expected;
      prefix = new int[0];
      word = new int[0];
    } else {
      index = new LongIntHashMap(cap);
      prefix = new int[cap];
      word = new int[cap];
    }
  }

  static long key(int prefixIndex, int w) {
    return ((long) prefixIndex << 32) | (w & 0xffffffffL);
  }

  /** The entry for (prefix entry, word), or -1. For order 1, {@code w} itself. */
  int find(int prefixIndex, int w) {
    if (index == null) {
      return w < size ? w : -1;
    }
    return index.get(key(prefixIndex, w));
  }

  /** The entry for (prefix entry, word), inserted if absent (order 2 and above). */
  int findOrInsert(int prefixIndex, int w) {
    int existing = index.putIfAbsent(key(prefixIndex, w), size);
    if (existing >= 0) {
      return existing;
    }
    if (size == prefix.length) {
      int cap = prefix.length * 2;
      prefix = Arrays.copyOf(prefix, cap);
      word = Arrays.copyOf(word, cap);
    }
    prefix[size] = prefixIndex;
    word[size] = w;
    return size++;
  }

  /** The word of entry {@code i} (its id for order 1). */
  int lastWord(int i) {
    return index == null ? i : word[i];
  }

  /** Allocates the probability and backoff arrays, one entry per n-gram. */
  void allocateScores() {
    prob = new float[size];
    backoff = new float[size];
  }
}
