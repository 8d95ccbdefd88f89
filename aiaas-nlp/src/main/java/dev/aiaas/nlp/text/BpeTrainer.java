package dev.aiaas.nlp.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Training of a {@link BpeTokenizer}: merges learnt from a corpus (Sennrich, Haddow and Birch
 * 2016, over UTF-8 bytes as in GPT-2).
 *
 * <p>Counts every adjacent pair of tokens inside every chunk of {@link BpeTokenizer#PRETOKENIZE},
 * weighted by the chunk's frequency (overlapping pairs count: {@code aaa} holds {@code aa}
 * twice), merges the most frequent pair everywhere, left to right without overlap, and repeats.
 * <b>Ties</b> are broken deterministically by the smaller left id, then the smaller right id; so
 * bytes before merges, earlier merges before later ones, and the result does not depend on hash
 * iteration order or the order of the texts. Pair counts are kept incrementally: a merge only
 * revisits the distinct chunks that contain the merged pair. {@link BpeTokenizer#train} is the
 * public entry point.
 */
final class BpeTrainer {

  private BpeTrainer() {}

  /**
   * Learns up to {@code vocabSize - 256} merges; stops earlier when no pair occurs at least
   * {@code minPairCount} times.
   *
   * @param texts the training texts; each is split with {@link BpeTokenizer#PRETOKENIZE}
   * @param vocabSize the wanted vocabulary size, 256 bytes plus the merges, at least 256
   * @param minPairCount the least count of a pair worth merging, at least 1
   * @return the tokenizer of the merges learnt
   * @throws IllegalArgumentException for {@code vocabSize < 256}, {@code minPairCount < 1} or
   *     texts with no characters at all
   */
  static BpeTokenizer train(Iterable<String> texts, int vocabSize, long minPairCount) {
    if (vocabSize < 256) {
      throw new IllegalArgumentException(
          "vocabSize must be at least 256 (the byte alphabet), got vocabSize=" + vocabSize
              + "; pass 256 + the number of merges wanted");
    }
    if (minPairCount < 1) {
      throw new IllegalArgumentException(
          "minPairCount must be at least 1, got " + minPairCount + "; 2 is the usual choice");
    }
    // 1. Distinct chunks and their frequencies.
    Map<String, long[]> chunkCounts = new HashMap<>();
    for (String text : texts) {
      Matcher m = BpeTokenizer.PRETOKENIZE.matcher(text);
      while (m.find()) {
        chunkCounts.computeIfAbsent(m.group(), k -> new long[1])[0]++;
      }
    }
    if (chunkCounts.isEmpty()) {
      throw new IllegalArgumentException(
          "the training texts are empty: no characters to learn merges from; pass at least one"
              + " non-empty text");
    }
    int words = chunkCounts.size();
    int[][] sym = new int[words][];
    int[] len = new int[words];
    long[] freq = new long[words];
    int w = 0;
    for (Map.Entry<String, long[]> e : chunkCounts.entrySet()) {
      byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
      sym[w] = new int[b.length];
      for (int i = 0; i < b.length; i++) {
        sym[w][i] = b[i] & 0xff;
      }
      len[w] = b.length;
      freq[w] = e.getValue()[0];
      w++;
    }
    chunkCounts = null;
    // 2. Pair statistics.
    Map<Long, PairStat> stats = new HashMap<>();
    for (w = 0; w < words; w++) {
      addPairs(stats, sym[w], len[w], freq[w], w, +1);
    }
    // 3. Merge loop.
    // each merge joins at least one pair of symbols in some chunk, so there are fewer merges than
    // symbols: the arrays are sized by the data, not by an asked-for vocabulary of any size
    long symbols = 0;
    for (w = 0; w < words; w++) {
      symbols += len[w];
    }
    int merges = (int) Math.min(vocabSize - 256L, symbols);
    int[] lefts = new int[merges];
    int[] rights = new int[merges];
    int[] visited = new int[words];
    Arrays.fill(visited, -1);
    int done = 0;
    for (; done < merges; done++) {
      long bestKey = -1;
      PairStat best = null;
      for (Map.Entry<Long, PairStat> e : stats.entrySet()) {
        PairStat s = e.getValue();
        long k = e.getKey();
        if (s.count > 0
            && (best == null || s.count > best.count || (s.count == best.count && k < bestKey))) {
          best = s;
          bestKey = k;
        }
      }
      if (best == null || best.count < minPairCount) {
        break;
      }
      int l = (int) (bestKey >>> 32);
      int r = (int) bestKey;
      int id = 256 + done;
      lefts[done] = l;
      rights[done] = r;
      int[] where = best.words;
      int nWhere = best.size;
      for (int j = 0; j < nWhere; j++) {
        int x = where[j];
        if (visited[x] == done) {
          continue;
        }
        visited[x] = done;
        int[] s = sym[x];
        int n = len[x];
        boolean present = false;
        for (int i = 0; i + 1 < n; i++) {
          if (s[i] == l && s[i + 1] == r) {
            present = true;
            break;
          }
        }
        if (!present) {
          continue; // stale entry: an earlier merge removed the pair from this chunk
        }
        addPairs(stats, s, n, freq[x], x, -1);
        int out = 0;
        for (int i = 0; i < n; i++) {
          if (i + 1 < n && s[i] == l && s[i + 1] == r) {
            s[out++] = id;
            i++;
          } else {
            s[out++] = s[i];
          }
        }
        len[x] = out;
        addPairs(stats, s, out, freq[x], x, +1);
      }
      stats.remove(bestKey);
    }
    return BpeTokenizer.fromMerges(Arrays.copyOf(lefts, done), Arrays.copyOf(rights, done));
  }

  /** Count and occurrence list of one pair during training. */
  private static final class PairStat {
    long count;
    int[] words = new int[4];
    int size;
    int lastWord = -1;

    void addWord(int w) {
      if (lastWord == w) {
        return;
      }
      lastWord = w;
      if (size == words.length) {
        words = Arrays.copyOf(words, size * 2);
      }
      words[size++] = w;
    }
  }

  private static void addPairs(
      Map<Long, PairStat> stats, int[] s, int n, long freq, int word, int sign) {
    for (int i = 0; i + 1 < n; i++) {
      long key = BpeTokenizer.pair(s[i], s[i + 1]);
      PairStat st = stats.get(key);
      if (st == null) {
        st = new PairStat();
        stats.put(key, st);
      }
      st.count += sign * freq;
      if (sign > 0) {
        st.addWord(word);
      }
    }
  }
}
