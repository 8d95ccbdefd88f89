package dev.aiaas.nlp.lm;

/**
 * The query structure of one order {@code n >= 2} of an {@link NgramModel}: an open-addressing
 * (linear probing) table whose slot is the n-gram's entry, in the manner of KenLM's
 * {@code probing} data structure (Heafield 2011, "KenLM: Faster and Smaller Language Model
 * Queries", section 3.1).
 *
 * <p>An n-gram is keyed by {@code (slot of its (n-1)-word prefix in the table of order n-1) << 32
 * | last word id} (for {@code n = 2} the prefix is a word id), so a lookup is one probe sequence
 * per order. The slot number is what {@link LmState} caches and what the next order's keys refer
 * to. Storage, with {@code capacity = max(entries + 1, floor(1.5 * entries))} slots (KenLM's
 * default probing multiplier 1.5, load factor 2/3):
 *
 * <ul>
 *   <li>orders below the model's order: one {@code long[2 * capacity]}, slot {@code s} holding
 *       the key at {@code 2s} and, at {@code 2s + 1}, the float bits of the log10 probability
 *       (high 32 bits) and of the log10 backoff (low 32 bits): 16 bytes a slot, 24 per n-gram,
 *       and a hit reads one cache line;
 *   <li>the model's order (no backoff): a {@code long[capacity]} of keys and a {@code
 *       float[capacity]} of probabilities: 12 bytes a slot, 18 per n-gram.
 * </ul>
 *
 * Probabilities and backoffs are stored exactly (float, as in ARPA files and KenLM; no
 * quantisation). A probability of {@code NaN} marks a blank entry that exists only as a context.
 * The table has a fixed capacity: all entries are inserted once, after estimation, and it is not
 * modified afterwards.
 */
final class ProbingTable {

  /** Slots per entry, KenLM's default {@code build_binary -p 1.5}. */
  static final double MULTIPLIER = 1.5;

  private static final long EMPTY = -1L;

  /** The largest entry count whose slots fit in one Java array (two longs a slot). */
  static final int MAX_ENTRIES = (int) ((Integer.MAX_VALUE - 8) / 2 / MULTIPLIER);

  private final int capacity;
  /** log2 of the longs per slot in {@link #cells}: 1 with backoffs, 0 without. */
  private final int shift;
  /** Keys, interleaved with packed (prob, backoff) when {@link #shift} is 1. */
  private final long[] cells;
  /** Probabilities by slot when there are no backoffs; otherwise null. */
  private final float[] probs;
  private int size;

  /**
   * An empty table for {@code entries} n-grams.
   *
   * @param entries how many n-grams will be inserted
   * @param withBackoff whether entries carry a backoff (every order but the model's highest)
   */
  ProbingTable(int entries, boolean withBackoff) {
    if (entries < 0 || entries > MAX_ENTRIES) {
      throw new IllegalArgumentException(
          "n-gram count " + entries + " out of range; one order of an NgramModel holds 0.."
              + MAX_ENTRIES + " n-grams; use a lower order or prune the corpus");
    }
    this.capacity = (int) Math.max(entries + 1L, (long) (entries * MULTIPLIER));
    this.shift = withBackoff ? 1 : 0;
    this.cells = new long[capacity << shift];
    for (int s = 0; s < capacity; s++) {
      cells[s << shift] = EMPTY;
    }
    this.probs = withBackoff ? null : new float[capacity];
  }

  static long key(int prefix, int word) {
    return ((long) prefix << 32) | (word & 0xffffffffL);
  }

  /** The first slot to probe for {@code key}: a 64-bit mix (MurmurHash3's fmix64) scaled to the capacity. */
  private int home(long key) {
    long h = key;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) (((h >>> 32) * capacity) >>> 32);
  }

  /**
   * The slot of n-gram (prefix, word), or -1 if absent.
   *
   * @param prefix the slot of the prefix in the table of order n-1 (a word id for order 2)
   * @param word the last word's id
   * @return the slot, or -1
   */
  int find(int prefix, int word) {
    long key = key(prefix, word);
    int i = home(key);
    while (true) {
      long k = cells[i << shift];
      if (k == key) {
        return i;
      }
      if (k == EMPTY) {
        return -1;
      }
      if (++i == capacity) {
        i = 0;
      }
    }
  }

  /**
   * Inserts a new n-gram.
   *
   * @return its slot
   * @throws IllegalStateException if it is already present or the table is full
   */
  int insert(int prefix, int word, float prob, float backoff) {
    if (size >= capacity - 1) { // one slot stays empty, so that a probe for a missing key ends
      throw new IllegalStateException(
          "probing table full: " + size + " entries in " + capacity + " slots");
    }
    long key = key(prefix, word);
    int i = home(key);
    while (true) {
      long k = cells[i << shift];
      if (k == EMPTY) {
        break;
      }
      if (k == key) {
        throw new IllegalStateException("duplicate n-gram key (" + prefix + ", " + word + ")");
      }
      if (++i == capacity) {
        i = 0;
      }
    }
    if (shift == 1) {
      cells[2 * i] = key;
      cells[2 * i + 1] =
          ((long) Float.floatToRawIntBits(prob) << 32)
              | (Float.floatToRawIntBits(backoff) & 0xffffffffL);
    } else {
      cells[i] = key;
      probs[i] = prob;
    }
    size++;
    return i;
  }

  /** Whether slot {@code s} holds an n-gram. */
  boolean occupied(int s) {
    return cells[s << shift] != EMPTY;
  }

  /** The prefix slot (or word id, for order 2) of the n-gram in slot {@code s}. */
  int prefix(int s) {
    return (int) (cells[s << shift] >>> 32);
  }

  /** The last word id of the n-gram in slot {@code s}. */
  int word(int s) {
    return (int) cells[s << shift];
  }

  /** The log10 probability in slot {@code s} ({@code NaN} for a blank entry). */
  float prob(int s) {
    return shift == 1 ? Float.intBitsToFloat((int) (cells[2 * s + 1] >>> 32)) : probs[s];
  }

  /** The log10 backoff in slot {@code s} (0 in a table without backoffs). */
  float backoff(int s) {
    return shift == 1 ? Float.intBitsToFloat((int) cells[2 * s + 1]) : 0f;
  }

  /** The number of slots. */
  int capacity() {
    return capacity;
  }

  /** The number of n-grams held. */
  int size() {
    return size;
  }

  /** The bytes of the arrays: 16 a slot with backoffs, 12 without. */
  long memoryBytes() {
    return 8L * cells.length + (probs == null ? 0 : 4L * probs.length);
  }
}
