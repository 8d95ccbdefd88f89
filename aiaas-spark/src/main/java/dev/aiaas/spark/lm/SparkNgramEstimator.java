package dev.aiaas.spark.lm;

import dev.aiaas.nlp.lm.BadDiscountException;
import dev.aiaas.nlp.lm.Discounts;
import dev.aiaas.nlp.lm.NgramOptions;
import dev.aiaas.nlp.lm.Smoothing;
import dev.aiaas.nlp.text.Vocabulary;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Estimates a backoff n-gram model with Spark, over a corpus of any size: the same model, n-gram
 * for n-gram, as aiaas-nlp's single-machine {@link dev.aiaas.nlp.lm.NgramModel#build} (and so as
 * KenLM's {@code lmplz} for modified Kneser-Ney), written as an ARPA file by {@link
 * DistributedNgramModel#writeArpa}.
 *
 * <p>The pipeline, one Spark stage per step (KenLM's {@code lmplz} steps, Heafield et al. 2013,
 * as shuffles instead of sorted streams):
 * <ol>
 *   <li>Tokenise each line on whitespace ({@link WhitespaceTokenizer}, lmplz's convention;
 *       literal {@code <s>}, {@code </s>}, {@code <unk>} are dropped), count words, and collect
 *       the vocabulary on the driver: words seen at least {@link NgramOptions#minCount()} times
 *       (ids 3.. in string order), the rest map to {@code <unk>}.
 *   <li>Count the maximal windows of each sentence {@code <s> w_1..w_k </s>}: at position
 *       {@code j >= 1} the last {@code min(order, j+1)} words ({@code reduceByKey}).
 *   <li>Top-down, order {@code n} from {@code order} to 1: the raw count of an n-gram is its
 *       maximal-window count plus the raw counts of its left extensions, its adjusted count
 *       {@code a(w) = c_max(w) + N1+(. w)} (each (n+1)-gram adds 1 to its suffix's; n-grams
 *       starting with {@code <s>} have no left extension and keep their raw count).
 *   <li>Discounts of order {@code n} from the counts of counts {@code N_1..N_4} ({@code
 *       aggregate}), in float as KenLM: {@code Y = N_1/(N_1+2N_2)}, {@code D_k = k - (k+1) Y
 *       N_{k+1}/N_k}.
 *   <li>Bottom-up: per context {@code h} ({@code reduceByKey} on the first n-1 words) {@code c(h)}
 *       and {@code N_1(h.), N_2(h.), N_3+(h.)}, so {@code gamma(h) = (D_1 N_1 + D_2 N_2 + D_3+
 *       N_3+)/c(h)}; each n-gram joined with its context's and then with its suffix's interpolated
 *       probability: {@code p(w|h) = (a(hw) - D(a(hw)))/c(h) + gamma(h) p(w|h')}, unigrams
 *       interpolated with {@code 1/(V-1)}; the backoff of context {@code h} is {@code gamma(h)}.
 * </ol>
 * Everything is computed in double; each log10 is rounded to float once, as the ARPA file and
 * {@code NgramModel} store it. The same formulas as {@code NgramModel} give Kneser-Ney ({@code
 * kn}), absolute discounting, Witten-Bell, maximum likelihood and stupid backoff (Brants et al.
 * 2007, the method Google used at web scale: {@code S(w|h) = c(hw)/c(h)}, backoff {@code alpha});
 * add-k is not offered (its blank entries need a query of the model).
 *
 * <p>Lines are split as Hadoop's text input splits them ({@code \n}, {@code \r\n} or a lone
 * {@code \r}); aiaas-nlp splits on {@code \n} and {@code \r\n}, so a corpus with lone carriage
 * returns inside lines gives different sentences.
 */
public final class SparkNgramEstimator {

  private SparkNgramEstimator() {}

  /**
   * Builds a model from a corpus of lines, one sentence per line.
   *
   * @param lines the corpus, e.g. {@code sc.textFile(path)} (gzip files are read as such by
   *     their {@code .gz} name)
   * @param options order, smoothing and its parameters, as for {@code NgramModel.build}
   * @return the model, its tables held in Spark (persisted); {@link
   *     DistributedNgramModel#close()} releases them
   * @throws IllegalArgumentException if the corpus has no tokens, or the smoothing is {@code
   *     addk}
   * @throws BadDiscountException if discounts cannot be estimated and no fallback is set
   */
  public static DistributedNgramModel build(JavaRDD<String> lines, NgramOptions options) {
    Objects.requireNonNull(lines, "lines");
    Objects.requireNonNull(options, "options");
    final Smoothing sm = options.smoothing();
    if (sm == Smoothing.ADD_K) {
      throw new IllegalArgumentException(
          "smoothing addk is not offered on Spark (its blank entries need the model's query);"
              + " use mkn (the default), kn, wb, abs, mle or stupid, or build add-k with aiaas-nlp's"
              + " NgramModel.build on one machine");
    }
    final int order = options.order();
    List<RDD<?>> persisted = new ArrayList<>();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(lines.context());

    // 1. Tokens and vocabulary.
    JavaRDD<List<String>> sentences =
        lines.mapPartitions(it -> {
          WhitespaceTokenizer tok = new WhitespaceTokenizer();
          List<List<String>> out = new ArrayList<>();
          while (it.hasNext()) {
            List<String> words = new ArrayList<>();
            for (String t : tok.tokenize(it.next())) {
              if (!Vocabulary.isSpecial(t)) {
                words.add(t);
              }
            }
            out.add(words);
          }
          return out.iterator();
        });
    sentences.persist(StorageLevel.MEMORY_AND_DISK());
    persisted.add(sentences.rdd());
    Map<String, Long> wordCounts =
        sentences.flatMap(List::iterator).mapToPair(w -> new Tuple2<>(w, 1L))
            .reduceByKey(Long::sum).collectAsMap();
    long tokens = 0;
    for (long c : wordCounts.values()) {
      tokens += c;
    }
    if (tokens == 0) {
      long n = sentences.count();
      release(persisted);
      throw new IllegalArgumentException(
          "the corpus is empty: " + n + " sentences and no tokens; "
              + "pass a corpus with at least one word (one sentence per line)");
    }
    List<String> kept = new ArrayList<>();
    for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
      if (e.getValue() >= options.minCount()) {
        kept.add(e.getKey());
      }
    }
    kept.sort(null);
    String[] vocab = new String[3 + kept.size()];
    vocab[Vocabulary.UNK] = Vocabulary.UNK_TOKEN;
    vocab[Vocabulary.BOS] = Vocabulary.BOS_TOKEN;
    vocab[Vocabulary.EOS] = Vocabulary.EOS_TOKEN;
    HashMap<String, Integer> ids = new HashMap<>(2 * vocab.length);
    for (int i = 0; i < kept.size(); i++) {
      vocab[3 + i] = kept.get(i);
      ids.put(kept.get(i), 3 + i);
    }
    final int v1 = vocab.length;
    Broadcast<HashMap<String, Integer>> idsB = sc.broadcast(ids);
    List<Broadcast<?>> broadcasts = new ArrayList<>(List.of(idsB));

    // 2. Maximal windows.
    JavaPairRDD<String, Long> maximal =
        sentences.flatMapToPair(s -> {
          Map<String, Integer> m = idsB.value();
          int k = s.size();
          int[] seq = new int[k + 2];
          seq[0] = Vocabulary.BOS;
          for (int i = 0; i < k; i++) {
            seq[i + 1] = m.getOrDefault(s.get(i), Vocabulary.UNK);
          }
          seq[k + 1] = Vocabulary.EOS;
          List<Tuple2<String, Long>> out = new ArrayList<>(k + 1);
          for (int j = 1; j <= k + 1; j++) {
            out.add(new Tuple2<>(Grams.of(seq, Math.max(0, j - order + 1), j + 1), 1L));
          }
          return out.iterator();
        }).reduceByKey(Long::sum);
    maximal.persist(StorageLevel.MEMORY_AND_DISK());
    persisted.add(maximal.rdd());

    // 3. Raw and adjusted counts, top-down: value {raw, adjusted}.
    @SuppressWarnings("unchecked")
    JavaPairRDD<String, long[]>[] counts = new JavaPairRDD[order + 1];
    for (int n = order; n >= 1; n--) {
      final int len = n;
      JavaPairRDD<String, long[]> level =
          maximal.filter(t -> Grams.length(t._1()) == len)
              .mapValues(c -> new long[] {c, c});
      if (n < order) {
        level = level.union(counts[n + 1].mapToPair(
            t -> new Tuple2<>(Grams.suffix(t._1()), new long[] {t._2()[0], 1})));
      }
      if (n == 1) {
        List<Integer> all = new ArrayList<>(v1);
        for (int i = 0; i < v1; i++) {
          all.add(i);
        }
        level = level.union(sc.parallelize(all, Math.max(1, Math.min(sc.defaultParallelism(), v1 / 1024 + 1)))
            .mapToPair(i -> new Tuple2<>(Grams.of(i), new long[2])));
      }
      counts[n] = level.reduceByKey((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      counts[n].persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(counts[n].rdd());
    }

    // 4. Discounts.
    final boolean knFamily = sm == Smoothing.MKN || sm == Smoothing.KN;
    final int which = knFamily ? 1 : 0;
    List<Discounts> discounts = new ArrayList<>();
    if (knFamily || sm == Smoothing.ABSOLUTE) {
      for (int n = 1; n <= order; n++) {
        long[] nk = counts[n].values().aggregate(
            new long[5],
            (acc, v) -> {
              long c = v[which];
              if (c > 0 && c < 5) {
                acc[(int) c]++;
              }
              return acc;
            },
            (a, b) -> {
              for (int i = 0; i < 5; i++) {
                a[i] += b[i];
              }
              return a;
            });
        try {
          discounts.add(discounts(n, nk, sm, options));
        } catch (RuntimeException e) {
          release(persisted);
          idsB.destroy();
          throw e;
        }
      }
    }

    // 5. Probabilities and backoffs, bottom-up.
    final double uniform = 1.0 / (v1 - 1);
    final double alpha = options.stupidBackoffAlpha();
    @SuppressWarnings("unchecked")
    JavaPairRDD<String, double[]>[] tables = new JavaPairRDD[order + 1];
    JavaPairRDD<String, Double> lower = null;
    for (int n = 1; n <= order; n++) {
      // Discounts is not Serializable: the closures take its three numbers
      final double[] d = discounts.isEmpty() ? null : new double[] {
          discounts.get(n - 1).d1(), discounts.get(n - 1).d2(), discounts.get(n - 1).d3plus()};
      JavaPairRDD<String, Long> c = counts[n].mapValues(v -> v[which]);
      // per context: {c(h), N1+(h.), N1(h.), N2(h.), N3+(h.)} -> {c(h), gamma(h), N1+(h.)}
      JavaPairRDD<String, double[]> contexts =
          c.mapToPair(t -> {
            long x = t._2();
            long[] st = new long[5];
            st[0] = x;
            if (x > 0) {
              st[1] = 1;
              st[1 + (int) Math.min(3, x)] = 1;
            }
            return new Tuple2<>(Grams.context(t._1()), st);
          }).reduceByKey((a, b) -> {
            long[] s = new long[5];
            for (int i = 0; i < 5; i++) {
              s[i] = a[i] + b[i];
            }
            return s;
          }).mapValues(st -> new double[] {st[0], gamma(sm, d, alpha, st), st[1]});
      contexts.persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(contexts.rdd());
      // each n-gram with its context's: (n-gram, {c(hw), c(h), gamma(h), N1+(h.)})
      JavaPairRDD<String, double[]> withContext =
          c.mapToPair(t -> new Tuple2<>(Grams.context(t._1()), new Tuple2<>(t._1(), t._2())))
              .join(contexts)
              .mapToPair(t -> new Tuple2<>(t._2()._1()._1(),
                  new double[] {t._2()._1()._2(), t._2()._2()[0], t._2()._2()[1], t._2()._2()[2]}));
      JavaPairRDD<String, Double> p;
      if (n == 1) {
        p = withContext.mapToPair(t -> new Tuple2<>(t._1(),
            Grams.id(t._1(), 0) == Vocabulary.BOS ? 1.0 : prob(sm, d, t._2(), uniform)));
      } else {
        p = withContext.mapToPair(t -> new Tuple2<>(Grams.suffix(t._1()), t))
            .join(lower)
            .mapToPair(t -> new Tuple2<>(t._2()._1()._1(), prob(sm, d, t._2()._1()._2(), t._2()._2())));
      }
      p.persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(p.rdd());
      if (n > 1) {
        tables[n - 1] = lower.leftOuterJoin(contexts).mapValues(t -> new double[] {
            Math.min(0.0, Math.log10(t._1())),
            t._2().isPresent() && t._2().get()[2] > 0 ? Math.log10(t._2().get()[1]) : 0.0});
        tables[n - 1].persist(StorageLevel.MEMORY_AND_DISK());
        persisted.add(tables[n - 1].rdd());
      }
      lower = p;
    }
    tables[order] = lower.mapValues(x -> new double[] {Math.min(0.0, Math.log10(x)), 0.0});
    tables[order].persist(StorageLevel.MEMORY_AND_DISK());
    persisted.add(tables[order].rdd());
    String description = sm.id() + " order " + order + " (Spark)";
    return new DistributedNgramModel(sc, vocab, tables, discounts, sm, description, persisted, broadcasts);
  }

  /** gamma(h) from {c(h), N1+(h.), N1(h.), N2(h.), N3+(h.)}, as NgramModel's estimator. */
  private static double gamma(Smoothing sm, double[] d, double alpha, long[] st) {
    double s = st[0];
    if (st[1] == 0) {
      return 1;
    }
    switch (sm) {
      case MKN:
      case KN:
        return (d[0] * st[2] + d[1] * st[3] + d[2] * st[4]) / s;
      case ABSOLUTE:
        return d[0] * st[1] / s;
      case WITTEN_BELL:
        return st[1] / (s + st[1]);
      case MLE:
        return 0;
      case STUPID_BACKOFF:
        return alpha;
      default:
        throw new AssertionError(sm);
    }
  }

  /**
   * p(w|h) from {c(hw), c(h), gamma(h), N1+(h.)} and the lower order's p(w|h') (uniform for
   * unigrams).
   */
  private static double prob(Smoothing sm, double[] d, double[] v, double lowerP) {
    long ci = (long) v[0];
    double s = v[1];
    double gamma = v[2];
    switch (sm) {
      case MKN:
      case KN:
        return (ci - (ci <= 0 ? 0 : ci == 1 ? d[0] : ci == 2 ? d[1] : d[2])) / s + gamma * lowerP;
      case ABSOLUTE:
        return Math.max(ci - d[0], 0) / s + gamma * lowerP;
      case WITTEN_BELL:
        return ci / (s + v[3]) + gamma * lowerP;
      case MLE:
      case STUPID_BACKOFF:
        return ci / s;
      default:
        throw new AssertionError(sm);
    }
  }

  /** Discounts of order {@code n} from the counts of counts {@code nk[1..4]}: {@link Discounts#estimate}, as aiaas-nlp's estimator. */
  static Discounts discounts(int n, long[] nk, Smoothing sm, NgramOptions opt) {
    return Discounts.estimate(n, nk, sm, opt);
  }

  static void release(List<RDD<?>> persisted) {
    for (RDD<?> r : persisted) {
      r.unpersist(false);
    }
    persisted.clear();
  }
}
