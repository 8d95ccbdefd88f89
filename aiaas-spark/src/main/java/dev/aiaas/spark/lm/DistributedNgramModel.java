package dev.aiaas.spark.lm;

import dev.aiaas.core.io.AtomicFiles;
import dev.aiaas.nlp.lm.Discounts;
import dev.aiaas.nlp.lm.Smoothing;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;

/**
 * A backoff n-gram model estimated by {@link SparkNgramEstimator}, its tables held in Spark: for
 * each order {@code n}, n-gram → (log10 probability, log10 backoff) in double, as an ARPA file
 * holds them. {@link #writeArpa(Path)} streams them to one file on the driver. {@link #close()}
 * unpersists the cached intermediate data.
 */
public final class DistributedNgramModel implements AutoCloseable {

  private final String[] vocabulary;
  private final JavaPairRDD<String, double[]>[] tables;
  private final List<Discounts> discounts;
  private final Smoothing smoothing;
  private final String description;
  private final List<RDD<?>> persisted;
  /** The estimation's broadcasts and the vocabulary's, destroyed by {@link #close()}. */
  private final List<Broadcast<?>> broadcasts;
  private final Broadcast<String[]> vocab;
  private boolean closed;

  DistributedNgramModel(
      JavaSparkContext sc,
      String[] vocabulary,
      JavaPairRDD<String, double[]>[] tables,
      List<Discounts> discounts,
      Smoothing smoothing,
      String description,
      List<RDD<?>> persisted,
      List<Broadcast<?>> broadcasts) {
    this.vocabulary = vocabulary;
    this.tables = tables;
    this.discounts = List.copyOf(discounts);
    this.smoothing = smoothing;
    this.description = description;
    this.persisted = persisted;
    this.vocab = sc.broadcast(vocabulary);
    this.broadcasts = new java.util.ArrayList<>(broadcasts);
    this.broadcasts.add(vocab);
  }

  /**
   * The highest order.
   *
   * @return the order, at least 1
   */
  public int order() {
    return tables.length - 1;
  }

  /**
   * The vocabulary size, {@code <unk>}, {@code <s>} and {@code </s>} included (the number of
   * unigrams).
   *
   * @return the size, at least 4
   */
  public int vocabularySize() {
    return vocabulary.length;
  }

  /**
   * The smoothing method the model was estimated with.
   *
   * @return the method
   */
  public Smoothing smoothing() {
    return smoothing;
  }

  /**
   * The discounts per order (index 0 = unigrams) for Kneser-Ney and absolute discounting, as
   * {@code NgramModel.discounts()}; empty for the other methods.
   *
   * @return the discounts, unmodifiable
   */
  public List<Discounts> discounts() {
    return discounts;
  }

  /**
   * Where the model came from, e.g. {@code "mkn order 5 (Spark)"}.
   *
   * @return a description
   */
  public String description() {
    return description;
  }

  /**
   * The number of n-grams of order {@code n} (the ARPA header's {@code ngram n=}); runs a Spark
   * job.
   *
   * @param n an order in {@code 1..order()}
   * @return the count
   * @throws IllegalArgumentException if {@code n} is out of range
   */
  public long ngramCount(int n) {
    checkOrder(n);
    return n == 1 ? vocabulary.length : tables[n].count();
  }

  private void checkOrder(int n) {
    if (n < 1 || n > order()) {
      throw new IllegalArgumentException(
          "order " + n + " out of range; this model has orders 1.." + order());
    }
  }

  /**
   * The ARPA lines of order {@code n} ({@code log10p \t w_1 .. w_n [\t log10backoff]}), sorted
   * by word ids (unigrams in id order: {@code <unk> <s> </s>} then the words in string order),
   * formatted on the executors.
   *
   * @param n an order in {@code 1..order()}
   * @return the lines, a Spark RDD
   * @throws IllegalArgumentException if {@code n} is out of range
   * @throws IllegalStateException after {@link #close()}
   */
  public org.apache.spark.api.java.JavaRDD<String> arpaLines(int n) {
    checkOrder(n);
    if (closed) {
      throw new IllegalStateException("the model is closed (its Spark data released); write it before close()");
    }
    Broadcast<String[]> vocab = this.vocab;
    final boolean backoff = n < order();
    return tables[n].sortByKey().map(t -> {
      String g = t._1();
      String[] v = vocab.value();
      StringBuilder sb = new StringBuilder(16 + 8 * Grams.length(g));
      sb.append(format((float) t._2()[0])).append('\t');
      for (int i = 0; i < Grams.length(g); i++) {
        if (i > 0) {
          sb.append(' ');
        }
        sb.append(v[Grams.id(g, i)]);
      }
      if (backoff) {
        sb.append('\t').append(format((float) t._2()[1]));
      }
      return sb.toString();
    });
  }

  /**
   * Writes the model as an ARPA file on the driver's file system (gzip-compressed if the name ends
   * in {@code .gz}), replaced atomically; the n-grams stream from the executors one partition at
   * a time, so the driver never holds a whole order. Probabilities and backoffs are rounded to
   * float once, here, and printed as aiaas-nlp prints them ({@code Float.toString}, {@code 0},
   * {@code -inf}).
   *
   * @param file the destination, in an existing folder
   * @throws IOException on a write failure
   * @throws IllegalStateException after {@link #close()}
   */
  public void writeArpa(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    if (closed) {
      throw new IllegalStateException("the model is closed (its Spark data released); write it before close()");
    }
    long[] counts = new long[order() + 1];
    for (int n = 1; n <= order(); n++) {
      counts[n] = ngramCount(n);
    }
    boolean gzip = file.getFileName().toString().endsWith(".gz");
    AtomicFiles.write(file, out -> {
      OutputStream os = gzip ? new GZIPOutputStream(out, 1 << 16) : out;
      try (Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
        w.write("\\data\\\n");
        for (int n = 1; n <= order(); n++) {
          w.write("ngram " + n + "=" + counts[n] + "\n");
        }
        for (int n = 1; n <= order(); n++) {
          w.write("\n\\" + n + "-grams:\n");
          Iterator<String> it = arpaLines(n).toLocalIterator();
          while (it.hasNext()) {
            w.write(it.next());
            w.write('\n');
          }
        }
        w.write("\n\\end\\\n");
      }
    });
  }

  /** A log10 value as aiaas-nlp's ARPA writer prints it. */
  static String format(float f) {
    if (f == 0f) {
      return "0";
    }
    if (f == Float.NEGATIVE_INFINITY) {
      return "-inf";
    }
    return Float.toString(f);
  }

  /** Unpersists the data cached while estimating and destroys the broadcasts; the model cannot be written afterwards. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    SparkNgramEstimator.release(persisted);
    for (Broadcast<?> b : broadcasts) {
      b.destroy();
    }
  }
}
