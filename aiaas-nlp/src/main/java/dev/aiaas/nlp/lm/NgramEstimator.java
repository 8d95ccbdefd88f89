package dev.aiaas.nlp.lm;

import dev.aiaas.nlp.text.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts n-grams and estimates a backoff model, mirroring KenLM's {@code lmplz} pipeline
 * (corpus_count, adjust_counts, initial_probabilities, interpolate) for modified Kneser-Ney.
 *
 * <p>Counting: sentence {@code <s> w_1..w_k </s>}; for each position {@code j >= 1} the window
 * of the last {@code min(order, j+1)} words is counted. A window shorter than the order starts
 * with {@code <s>}; this is KenLM's padding with {@code order-1} {@code <s>} after it collapses
 * n-grams with {@code <s>} beyond the first position. Raw counts of lower orders then follow by
 * summing over left extensions, and KenLM's adjusted counts by counting distinct left
 * extensions (n-grams that start with {@code <s>} keep their raw count).
 */
final class NgramEstimator {

  private NgramEstimator() {}

  static NgramModel build(Iterable<List<String>> sentences, NgramOptions options) {
    Map<String, Integer> provisional = new HashMap<>();
    List<String> firstSeen = new ArrayList<>();
    List<int[]> encoded = new ArrayList<>();
    long[] counts = new long[16];
    long tokens = 0;
    for (List<String> sentence : sentences) {
      int[] ids = new int[sentence.size()];
      int k = 0;
      for (String t : sentence) {
        if (Vocabulary.isSpecial(t)) {
          continue;
        }
        Integer id = provisional.get(t);
        if (id == null) {
          id = firstSeen.size();
          provisional.put(t, id);
          firstSeen.add(t);
          if (id >= counts.length) {
            counts = Arrays.copyOf(counts, counts.length * 2);
          }
        }
        counts[id]++;
        ids[k++] = id;
      }
      tokens += k;
      encoded.add(k == ids.length ? ids : Arrays.copyOf(ids, k));
    }
    if (tokens == 0) {
      throw new IllegalArgumentException(
          "the corpus is empty: " + encoded.size() + " sentences and no tokens; "
              + "pass a corpus with at least one word (one sentence per line)");
    }
    List<String> kept = new ArrayList<>();
    int[] remap = new int[firstSeen.size()];
    for (int i = 0; i < firstSeen.size(); i++) {
      if (counts[i] >= options.minCount()) {
        remap[i] = 3 + kept.size();
        kept.add(firstSeen.get(i));
      } else {
        remap[i] = Vocabulary.UNK;
      }
    }
    for (int[] s : encoded) {
      for (int i = 0; i < s.length; i++) {
        s[i] = remap[s[i]];
      }
    }
    Vocabulary vocab = Vocabulary.of(kept);
    return estimate(vocab, encoded, tokens, options);
  }

  private static long[] ensure(long[] a, int size) {
    if (size <= a.length) {
      return a;
    }
    return Arrays.copyOf(a, Math.max(size, a.length * 2));
  }

  static NgramModel estimate(Vocabulary vocab, List<int[]> sentences, long tokens, NgramOptions opt) {
    final int order = opt.order();
    final int v1 = vocab.size();
    NgramLevel[] lv = new NgramLevel[order + 1];
    long[][] rawMax = new long[order + 1][];
    lv[1] = new NgramLevel(1, v1);
    rawMax[1] = new long[v1];
    int expected = (int) Math.min(1 << 26, tokens + sentences.size());
    for (int n = 2; n <= order; n++) {
      lv[n] = new NgramLevel(n, expected / 2);
      rawMax[n] = new long[16];
    }
    // 1. Count maximal windows.
    int maxLen = 0;
    for (int[] s : sentences) {
      maxLen = Math.max(maxLen, s.length);
    }
    int[] seq = new int[maxLen + 2];
    for (int[] s : sentences) {
      int k = s.length;
      seq[0] = Vocabulary.BOS;
      System.arraycopy(s, 0, seq, 1, k);
      seq[k + 1] = Vocabulary.EOS;
      for (int j = 1; j <= k + 1; j++) {
        int start = Math.max(0, j - order + 1);
        int idx = seq[start];
        for (int t = start + 1; t <= j; t++) {
          idx = lv[t - start + 1].findOrInsert(idx, seq[t]);
        }
        int len = j - start + 1;
        rawMax[len] = ensure(rawMax[len], idx + 1);
        rawMax[len][idx]++;
      }
    }
    // 2. Raw and adjusted counts, top-down; suffix links.
    long[][] adj = new long[order + 1][];
    long[][] raw = new long[order + 1][];
    int[][] suffix = new int[order + 1][];
    long[][] adjAcc = new long[order + 1][];
    long[][] rawAcc = new long[order + 1][];
    for (int n = 1; n <= order; n++) {
      adjAcc[n] = new long[n == 1 ? v1 : 16];
      rawAcc[n] = new long[n == 1 ? v1 : 16];
    }
    int[] words = new int[order];
    for (int n = order; n >= 1; n--) {
      int size = lv[n].size;
      adj[n] = Arrays.copyOf(adjAcc[n], size);
      raw[n] = Arrays.copyOf(rawAcc[n], size);
      long[] rm = rawMax[n];
      for (int i = 0; i < Math.min(size, rm.length); i++) {
        adj[n][i] += rm[i];
        raw[n][i] += rm[i];
      }
      adjAcc[n] = null;
      rawAcc[n] = null;
      rawMax[n] = null;
      if (n == 1) {
        break;
      }
      NgramLevel level = lv[n];
      int[] suf = new int[size];
      for (int i = 0; i < size; i++) {
        int e = i;
        for (int m = n; m >= 2; m--) {
          words[m - 1] = lv[m].word[e];
          e = lv[m].prefix[e];
        }
        words[0] = e;
        int s = words[1];
        for (int t = 2; t <= n - 1; t++) {
          s = lv[t].findOrInsert(s, words[t]);
        }
        suf[i] = s;
        adjAcc[n - 1] = ensure(adjAcc[n - 1], s + 1);
        rawAcc[n - 1] = ensure(rawAcc[n - 1], s + 1);
        adjAcc[n - 1][s] += 1;
        rawAcc[n - 1][s] += raw[n][i];
      }
      suffix[n] = suf;
      if (level.size != size) {
        throw new AssertionError("level " + n + " grew while being processed");
      }
    }
    for (int n = 1; n <= order; n++) {
      lv[n].allocateScores();
    }
    // 3. Discounts.
    Smoothing sm = opt.smoothing();
    boolean knFamily = sm == Smoothing.MKN || sm == Smoothing.KN;
    long[][] counts = knFamily ? adj : raw;
    List<Discounts> discounts = new ArrayList<>();
    if (knFamily || sm == Smoothing.ABSOLUTE) {
      for (int n = 1; n <= order; n++) {
        discounts.add(discounts(n, counts[n], sm, opt));
      }
    }
    // 4. Probabilities and backoffs, bottom-up.
    double uniform = 1.0 / (v1 - 1);
    double[] lower = null;
    boolean[] startsBos = null;
    for (int n = 1; n <= order; n++) {
      NgramLevel level = lv[n];
      int size = level.size;
      long[] c = counts[n];
      int contexts = n == 1 ? 1 : lv[n - 1].size;
      double[] sum = new double[contexts];
      int[] distinct = new int[contexts];
      int[][] buckets = new int[4][];
      for (int b = 1; b <= 3; b++) {
        buckets[b] = new int[contexts];
      }
      for (int i = 0; i < size; i++) {
        int ctx = n == 1 ? 0 : level.prefix[i];
        sum[ctx] += c[i];
        if (c[i] > 0) {
          distinct[ctx]++;
          buckets[(int) Math.min(3, c[i])][ctx]++;
        }
      }
      boolean[] bos = new boolean[size];
      for (int i = 0; i < size; i++) {
        bos[i] = n == 1 ? i == Vocabulary.BOS : startsBos[level.prefix[i]];
      }
      double[] gamma = new double[contexts];
      Discounts d = discounts.isEmpty() ? null : discounts.get(n - 1);
      for (int ctx = 0; ctx < contexts; ctx++) {
        double s = sum[ctx];
        if (distinct[ctx] == 0) {
          gamma[ctx] = 1;
          continue;
        }
        switch (sm) {
          case MKN:
          case KN:
            gamma[ctx] =
                (d.d1() * buckets[1][ctx] + d.d2() * buckets[2][ctx] + d.d3plus() * buckets[3][ctx]) / s;
            break;
          case ABSOLUTE:
            gamma[ctx] = d.d1() * distinct[ctx] / s;
            break;
          case WITTEN_BELL:
            gamma[ctx] = distinct[ctx] / (s + distinct[ctx]);
            break;
          case MLE:
            gamma[ctx] = 0;
            break;
          case STUPID_BACKOFF:
            gamma[ctx] = opt.stupidBackoffAlpha();
            break;
          case ADD_K: {
            double kv = opt.addK() * (v1 - 1);
            boolean top = n == order || (n > 1 && startsBos[ctx]);
            gamma[ctx] = top ? kv / (s + kv) : 1;
            break;
          }
          default:
            throw new AssertionError(sm);
        }
      }
      if (n == 1 && sm == Smoothing.ADD_K && order > 1) {
        gamma[0] = 1;
      }
      double[] p = new double[size];
      for (int i = 0; i < size; i++) {
        if (n == 1 && i == Vocabulary.BOS) {
          p[i] = 1;
          continue;
        }
        int ctx = n == 1 ? 0 : level.prefix[i];
        double s = sum[ctx];
        double lowerP = n == 1 ? uniform : lower[suffix[n][i]];
        long ci = c[i];
        double pi;
        switch (sm) {
          case MKN:
          case KN:
            pi = (ci - d.forCount(ci)) / s + gamma[ctx] * lowerP;
            break;
          case ABSOLUTE:
            pi = Math.max(ci - d.d1(), 0) / s + gamma[ctx] * lowerP;
            break;
          case WITTEN_BELL:
            pi = ci / (s + distinct[ctx]) + gamma[ctx] * lowerP;
            break;
          case MLE:
          case STUPID_BACKOFF:
            pi = ci / s;
            break;
          case ADD_K: {
            boolean top = n == order || bos[i];
            if (n == 1) {
              pi = order == 1 ? (ci + opt.addK()) / (s + opt.addK() * (v1 - 1)) : uniform;
            } else if (top) {
              pi = (ci + opt.addK()) / (s + opt.addK() * (v1 - 1));
            } else {
              pi = Double.NaN;
            }
            break;
          }
          default:
            throw new AssertionError(sm);
        }
        p[i] = pi;
      }
      for (int i = 0; i < size; i++) {
        level.prob[i] = Double.isNaN(p[i]) ? Float.NaN : (float) Math.min(0.0, Math.log10(p[i]));
      }
      if (n > 1) {
        NgramLevel ctxLevel = lv[n - 1];
        for (int ctx = 0; ctx < contexts; ctx++) {
          ctxLevel.backoff[ctx] = distinct[ctx] == 0 ? 0f : (float) Math.log10(gamma[ctx]);
        }
      }
      if (sm == Smoothing.ADD_K) {
        // Blank entries back off to the uniform distribution.
        for (int i = 0; i < size; i++) {
          if (Double.isNaN(p[i])) {
            p[i] = uniform;
          }
        }
      }
      lower = p;
      startsBos = bos;
    }
    String description = sm.id() + " order " + order;
    return new NgramModel(vocab, lv, sm.isNormalised(), discounts, description);
  }

  /** Discounts of order {@code n} from its counts, as KenLM's StatCollector (in float): {@link Discounts#estimate}. */
  static Discounts discounts(int n, long[] c, Smoothing sm, NgramOptions opt) {
    long[] nk = new long[5];
    for (long x : c) {
      if (x > 0 && x < 5) {
        nk[(int) x]++;
      }
    }
    return Discounts.estimate(n, nk, sm, opt);
  }
}
