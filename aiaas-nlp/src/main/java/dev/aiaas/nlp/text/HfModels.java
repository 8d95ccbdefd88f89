package dev.aiaas.nlp.text;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of Hugging Face's {@code tokenizers} that {@link HfTokenizers} reads: {@code
 * WordPiece} and {@code BPE}. A model turns one word of the pre-tokenised text into tokens.
 */
final class HfModels {

  private HfModels() {}

  /** Tokens being collected: id and the original text's {@code [start, end)} of each. */
  static final class Tokens {
    final IntList ids = new IntList(32);
    final IntList starts = new IntList(32);
    final IntList ends = new IntList(32);

    void add(int id, int start, int end) {
      ids.add(id);
      starts.add(start);
      ends.add(end);
    }

    int size() {
      return ids.size();
    }

    void truncate(int n) {
      ids.truncate(n);
      starts.truncate(n);
      ends.truncate(n);
    }
  }

  /** A tokenisation model. Implementations are immutable (a cache aside) and thread-safe. */
  interface Model {
    /** Appends the tokens of the word {@code [from, to)} of {@code text} to {@code out}. */
    void tokenize(AlignedText text, int from, int to, Tokens out);

    /** The model's vocabulary: token to id. */
    Map<String, Integer> vocab();
  }

  /**
   * WordPiece (Schuster and Nakajima 2012; BERT): greedy longest-match-first from the start of the
   * word, every piece after the first looked up with the continuing-subword prefix ({@code ##}); a
   * word longer than {@code maxInputCharsPerWord} code points, or one that some position of cannot
   * match, becomes the single unknown token.
   */
  static final class WordPiece implements Model {
    private final Map<String, Integer> vocab;
    private final int unkId;
    private final String prefix;
    private final int maxInputCharsPerWord;
    private final int longestToken;

    WordPiece(Map<String, Integer> vocab, int unkId, String prefix, int maxInputCharsPerWord) {
      this.vocab = Map.copyOf(vocab);
      this.unkId = unkId;
      this.prefix = prefix;
      this.maxInputCharsPerWord = maxInputCharsPerWord;
      int longest = 1;
      for (String k : vocab.keySet()) {
        longest = Math.max(longest, k.length());
      }
      this.longestToken = longest;
    }

    @Override
    public Map<String, Integer> vocab() {
      return vocab;
    }

    @Override
    public void tokenize(AlignedText t, int from, int to, Tokens out) {
      String word = t.substring(from, to);
      int len = word.length();
      if (word.codePointCount(0, len) > maxInputCharsPerWord) {
        out.add(unkId, t.start(from), t.end(to - 1));
        return;
      }
      int mark = out.size();
      int start = 0;
      StringBuilder sb = new StringBuilder(prefix.length() + Math.min(len, longestToken));
      while (start < len) {
        int end = Math.min(len, start + longestToken);
        if (end < len && Character.isLowSurrogate(word.charAt(end))
            && Character.isHighSurrogate(word.charAt(end - 1)) && end - 1 > start) {
          end--;
        }
        Integer found = null;
        while (start < end) {
          sb.setLength(0);
          if (start > 0) {
            sb.append(prefix);
          }
          sb.append(word, start, end);
          found = vocab.get(sb.toString());
          if (found != null) {
            break;
          }
          boolean pair = end - 2 >= start && Character.isLowSurrogate(word.charAt(end - 1))
              && Character.isHighSurrogate(word.charAt(end - 2));
          end -= pair ? 2 : 1;
        }
        if (found == null) {
          out.truncate(mark);
          out.add(unkId, t.start(from), t.end(to - 1));
          return;
        }
        out.add(found, t.start(from + start), t.end(from + end - 1));
        start = end;
      }
    }
  }

  /**
   * Byte-pair encoding (Sennrich et al. 2016) applied as Hugging Face applies it: the word's
   * characters are the initial symbols (a character not in the vocabulary becomes the unknown
   * token, or is dropped when there is none), then the adjacent pair of lowest merge rank is merged,
   * leftmost first, until no adjacent pair has a merge. With byte-level pre-tokenisation
   * (GPT-2) every character is one byte and always in the vocabulary. Results for words of up to
   * {@value #CACHE_WORD_CHARS} characters are cached ({@value #CACHE_CAPACITY} words at most).
   */
  static final class Bpe implements Model {
    static final int CACHE_CAPACITY = 10_000;
    static final int CACHE_WORD_CHARS = 64;

    private final Map<String, Integer> vocab;
    private final LongLongMap merges;
    private final int unkId;
    private final boolean fuseUnk;
    private final boolean ignoreMerges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param merges pair key ({@link #pair}) to {@code rank << 32 | newId}
     * @param unkId the unknown token's id, or -1 for none
     */
    Bpe(Map<String, Integer> vocab, LongLongMap merges, int unkId, boolean fuseUnk,
        boolean ignoreMerges) {
      this.vocab = Map.copyOf(vocab);
      this.merges = merges;
      this.unkId = unkId;
      this.fuseUnk = fuseUnk;
      this.ignoreMerges = ignoreMerges;
    }

    static long pair(int l, int r) {
      return ((long) l << 32) | (r & 0xffffffffL);
    }

    @Override
    public Map<String, Integer> vocab() {
      return vocab;
    }

    @Override
    public void tokenize(AlignedText t, int from, int to, Tokens out) {
      String word = t.substring(from, to);
      if (ignoreMerges) {
        Integer id = vocab.get(word);
        if (id != null) {
          out.add(id, t.start(from), t.end(to - 1));
          return;
        }
      }
      int[] r = word.length() <= CACHE_WORD_CHARS ? cache.get(word) : null;
      if (r == null) {
        r = merge(word);
        if (word.length() <= CACHE_WORD_CHARS && cache.size() < CACHE_CAPACITY) {
          cache.put(word, r);
        }
      }
      // r holds pairs (id, chars)
      int at = from;
      for (int k = 0; k < r.length; k += 2) {
        int n = r[k + 1];
        if (n > 0) {
          out.add(r[k], t.start(at), t.end(at + n - 1));
        }
        at += n;
      }
    }

    /** The tokens of one word as pairs (id, number of the word's chars it covers). */
    private int[] merge(String word) {
      int len = word.length();
      int[] id = new int[len];
      int[] chars = new int[len];
      int n = 0;
      int skipped = 0; // chars of dropped characters, carried into the next symbol
      for (int i = 0; i < len; ) {
        int cp = word.codePointAt(i);
        int cl = Character.charCount(cp);
        Integer v = vocab.get(word.substring(i, i + cl));
        i += cl;
        if (v != null) {
          id[n] = v;
          chars[n] = cl + skipped;
          skipped = 0;
          n++;
        } else if (unkId >= 0) {
          if (fuseUnk && n > 0 && id[n - 1] == unkId) {
            chars[n - 1] += cl;
          } else {
            id[n] = unkId;
            chars[n] = cl + skipped;
            skipped = 0;
            n++;
          }
        } else {
          skipped += cl;
        }
      }
      int[] prev = new int[n];
      int[] next = new int[n];
      for (int i = 0; i < n; i++) {
        prev[i] = i - 1;
        next[i] = i + 1 < n ? i + 1 : -1;
      }
      LongHeap heap = new LongHeap(Math.max(4, n));
      for (int i = 0; i + 1 < n; i++) {
        long m = merges.get(pair(id[i], id[i + 1]));
        if (m != LongLongMap.MISSING) {
          heap.push((m & 0xffffffff00000000L) | i);
        }
      }
      while (!heap.isEmpty()) {
        long top = heap.pop();
        int pos = (int) top;
        int rank = (int) (top >>> 32);
        if (chars[pos] == 0 || next[pos] < 0) {
          continue;
        }
        int right = next[pos];
        long m = merges.get(pair(id[pos], id[right]));
        if (m == LongLongMap.MISSING || (int) (m >>> 32) != rank) {
          continue;
        }
        id[pos] = (int) m;
        chars[pos] += chars[right];
        chars[right] = 0;
        next[pos] = next[right];
        if (next[pos] >= 0) {
          prev[next[pos]] = pos;
        }
        if (prev[pos] >= 0) {
          long pm = merges.get(pair(id[prev[pos]], id[pos]));
          if (pm != LongLongMap.MISSING) {
            heap.push((pm & 0xffffffff00000000L) | prev[pos]);
          }
        }
        if (next[pos] >= 0) {
          long nm = merges.get(pair(id[pos], id[next[pos]]));
          if (nm != LongLongMap.MISSING) {
            heap.push((nm & 0xffffffff00000000L) | pos);
          }
        }
      }
      int[] r = new int[2 * n];
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (chars[i] > 0) {
          r[k++] = id[i];
          r[k++] = chars[i];
        }
      }
      // a dropped character at the end belongs to no token: it covers no chars of a kept token
      return Arrays.copyOf(r, k);
    }
  }

  /** A min-heap of longs. */
  static final class LongHeap {
    private long[] a;
    private int size;

    LongHeap(int capacity) {
      a = new long[capacity];
    }

    boolean isEmpty() {
      return size == 0;
    }

    void push(long v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      int i = size++;
      while (i > 0) {
        int p = (i - 1) >>> 1;
        if (a[p] <= v) {
          break;
        }
        a[i] = a[p];
        i = p;
      }
      a[i] = v;
    }

    long pop() {
      long top = a[0];
      long last = a[--size];
      int i = 0;
      int half = size >>> 1;
      while (i < half) {
        int c = 2 * i + 1;
        if (c + 1 < size && a[c + 1] < a[c]) {
          c++;
        }
        if (last <= a[c]) {
          break;
        }
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
      return top;
    }
  }

  /** An open-addressing map from non-negative long keys to long values. */
  static final class LongLongMap {
    static final long MISSING = Long.MIN_VALUE;
    private final long[] keys;
    private final long[] values;
    private final int mask;
    private int size;

    LongLongMap(int expected) {
      int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
      keys = new long[cap];
      values = new long[cap];
      Arrays.fill(keys, -1L);
      mask = cap - 1;
    }

    private int slot(long k) {
      long h = k * 0x9E3779B97F4A7C15L;
      int i = (int) (h ^ (h >>> 29)) & mask;
      while (keys[i] != -1L && keys[i] != k) {
        i = (i + 1) & mask;
      }
      return i;
    }

    /** Puts a value; the map must have been sized for all puts. */
    void put(long k, long v) {
      int i = slot(k);
      if (keys[i] == -1L) {
        if (size + 1 > keys.length * 3 / 4) {
          throw new IllegalStateException("LongLongMap sized for fewer entries");
        }
        keys[i] = k;
        size++;
      }
      values[i] = v;
    }

    long get(long k) {
      int i = slot(k);
      return keys[i] == -1L ? MISSING : values[i];
    }
  }
}
