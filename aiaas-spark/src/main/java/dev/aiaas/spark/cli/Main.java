package dev.aiaas.spark.cli;

import dev.aiaas.core.data.Dataset;
import dev.aiaas.core.data.FashionMnist;
import dev.aiaas.core.data.Mnist;
import dev.aiaas.core.data.TrainTest;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.train.Trainer;
import dev.aiaas.nlp.lm.BadDiscountException;
import dev.aiaas.nlp.lm.Discounts;
import dev.aiaas.nlp.lm.NgramOptions;
import dev.aiaas.nlp.lm.Smoothing;
import dev.aiaas.spark.lm.DistributedNgramModel;
import dev.aiaas.spark.lm.SparkNgramEstimator;
import dev.aiaas.spark.train.Example;
import dev.aiaas.spark.train.SparkTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The aiaas-spark command line, for {@code spark-submit aiaas-spark.jar ...} on a cluster and
 * {@code java -jar aiaas-spark-local.jar ... --master local[N]} on one machine:
 * <pre>
 * train --dataset DIR --model mlp --epochs E --seed S --out FILE   (prints 'test accuracy: X')
 * lm build --order N --input FILE --arpa OUT                        (as 'aiaas lm build')
 * </pre>
 * Each takes {@code --master URL} (else spark-submit's) and {@code --partitions P}.
 */
public final class Main {

  static final String USAGE = String.join("\n",
      "usage: aiaas-spark COMMAND [OPTIONS]",
      "",
      "  train    --dataset DIR (IDX folder; default: the embedded",
      "           Fashion-MNIST subset) --model mlp --hidden 256",
      "           --epochs 10 --batch-size 128 --lr 0.001 --seed 42",
      "           --out FILE; prints 'test accuracy: X'",
      "  lm build --order N --input FILE --arpa OUT",
      "           --smoothing mkn|kn|abs|wb|mle|stupid",
      "           --min-count 1 --discount-fallback",
      "",
      "  common:  --master URL (default: spark-submit's),",
      "           --partitions P (default: Spark's parallelism)",
      "",
      "examples:",
      "  java -jar aiaas-spark-local.jar train --master local[2] \\",
      "      --epochs 15 --seed 42 --out fmnist.aiaas",
      "  spark-submit --master yarn aiaas-spark.jar lm build \\",
      "      --order 5 --input hdfs:///corpus.txt --arpa lm.arpa");

  private Main() {}

  /**
   * Runs a command and exits with 0, 2 for a usage error, 1 for a failure.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs a command.
   *
   * @param args the command line
   * @param out where results go
   * @param err where errors go
   * @return the exit status: 0 done, 1 failed, 2 usage error
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      Options o = Options.parse(args);
      if (o.command.equals("help")) {
        out.println(USAGE);
        return 0;
      }
      return o.command.equals("train") ? train(o, out) : lmBuild(o, out);
    } catch (UsageException e) {
      err.println("aiaas-spark: " + e.getMessage());
      err.println("run 'aiaas-spark help' for the commands and options");
      return 2;
    } catch (BadDiscountException e) {
      err.println("aiaas-spark: " + e.reason() + "; rerun with --discount-fallback");
      return 1;
    } catch (IOException | RuntimeException e) {
      err.println("aiaas-spark: " + e.getMessage());
      return 1;
    }
  }

  /** Whether a SparkSession was running before this command (then it is not stopped at the end). */
  private static boolean running() {
    return SparkSession.getDefaultSession().isDefined() || SparkSession.getActiveSession().isDefined();
  }

  private static void stop(SparkSession spark, boolean wasRunning) {
    if (!wasRunning) {
      spark.stop();
    }
  }

  private static SparkSession session(Options o) {
    SparkSession.Builder b = SparkSession.builder().appName("aiaas-spark " + o.command);
    if (o.master != null) {
      b.master(o.master);
      if (o.master.startsWith("local")) {
        b.config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1");
      }
    }
    SparkSession s = b.getOrCreate();
    if (o.master != null && o.master.startsWith("local")) {
      s.sparkContext().setLogLevel("WARN");
    }
    return s;
  }

  static Model mlp(int inputs, int hidden, int classes, long seed) {
    return Model.builder(inputs).add(Layers.dense(hidden, Activation.RELU)).add(Layers.dense(classes)).seed(seed).build();
  }

  private static int train(Options o, PrintStream out) throws IOException {
    if (!o.model.equals("mlp")) {
      throw new UsageException("--model " + o.model + " is not offered on Spark; use --model mlp"
          + " (dropout and batch normalisation would train differently per partition)");
    }
    if (o.dataset != null && !Files.isDirectory(o.dataset)) {
      throw new UsageException("--dataset: " + o.dataset.toAbsolutePath() + " is not a folder; give the folder"
          + " holding train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz]"
          + " and t10k-labels-idx1-ubyte[.gz]");
    }
    try (TrainTest data = o.dataset == null ? FashionMnist.embedded() : Mnist.load(o.dataset)) {
      boolean wasRunning = running();
      SparkSession spark = session(o);
      try {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Dataset train = data.train();
        int inputs = train.featureCount();
        int classes = train.numClasses();
        float[][] x = train.features().toFloatMatrix();
        int[] y = train.labels();
        List<Example> examples = new ArrayList<>(x.length);
        for (int i = 0; i < x.length; i++) {
          examples.add(Example.ofLabel(x[i], y[i]));
        }
        int partitions = o.partitions > 0 ? o.partitions : sc.defaultParallelism();
        JavaRDD<Example> rdd = sc.parallelize(examples, partitions);
        out.printf(Locale.ROOT, "dataset: %s: %,d training and %,d test examples of %d features, %d classes%n",
            o.dataset == null ? "embedded Fashion-MNIST subset" : o.dataset, train.size(), data.test().size(),
            inputs, classes);
        out.printf(Locale.ROOT, "spark: master %s, %d partitions%n", sc.master(), partitions);
        final int hidden = o.hidden;
        final long seed = o.seed;
        try (Model m = mlp(inputs, hidden, classes, seed)) {
          long t0 = System.nanoTime();
          long[] last = {t0};
          double[] losses = SparkTrainer.builder(Losses::sparseSoftmaxCrossEntropy)
              .optimizer(Optimizers.adam(o.learningRate)).epochs(o.epochs).batchSize(o.batchSize).seed(seed).build()
              .fit(m, () -> mlp(inputs, hidden, classes, seed), rdd, e -> {
                long now = System.nanoTime();
                out.printf(Locale.ROOT, "epoch %d/%d: %.1f s%n", e + 1, o.epochs, (now - last[0]) / 1e9);
                last[0] = now;
              });
          double seconds = (System.nanoTime() - t0) / 1e9;
          Map<String, Double> test = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).batchSize(o.batchSize)
              .build().evaluate(m, data.test());
          double accuracy = test.get("accuracy");
          out.printf(Locale.ROOT, "trained %d epochs in %.1f s (%.2f s per epoch), final training loss %.4f%n",
              o.epochs, seconds, seconds / o.epochs, losses[losses.length - 1]);
          if (o.out != null) {
            Map<String, String> provenance = new LinkedHashMap<>();
            provenance.put("dataset", o.dataset == null ? "embedded Fashion-MNIST subset" : o.dataset.toString());
            provenance.put("trainer", "aiaas-spark adam lr=" + o.learningRate + " epochs=" + o.epochs + " batch_size="
                + o.batchSize + " seed=" + seed + " master=" + sc.master());
            provenance.put("test_accuracy", String.format(Locale.ROOT, "%.4f", accuracy));
            ModelIO.save(m, o.out, provenance);
            out.println("saved: " + o.out);
          }
          out.printf(Locale.ROOT, "test accuracy: %.4f%n", accuracy);
        }
      } finally {
        stop(spark, wasRunning);
      }
    }
    return 0;
  }

  private static int lmBuild(Options o, PrintStream out) throws IOException {
    if (o.order < 1) {
      throw new UsageException("lm build needs --order N (1.." + NgramOptions.MAX_ORDER + "), e.g. --order 5");
    }
    if (o.input == null || o.arpa == null) {
      throw new UsageException("lm build needs --input FILE (one sentence per line) and --arpa OUT");
    }
    NgramOptions options;
    try {
      options = NgramOptions.of(o.order, Smoothing.parse(o.smoothing)).withMinCount(o.minCount);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (o.discountFallback) {
      options = options.withDiscountFallback(Discounts.KENLM_FALLBACK);
    }
    boolean wasRunning = running();
    SparkSession spark = session(o);
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      long t0 = System.nanoTime();
      JavaRDD<String> lines = o.partitions > 0 ? sc.textFile(o.input, o.partitions) : sc.textFile(o.input);
      try (DistributedNgramModel m = SparkNgramEstimator.build(lines, options)) {
        Path arpa = Path.of(o.arpa);
        m.writeArpa(arpa);
        StringBuilder counts = new StringBuilder();
        for (int n = 1; n <= m.order(); n++) {
          counts.append(n == 1 ? "" : " ").append(n).append("-grams ").append(m.ngramCount(n));
        }
        out.printf(Locale.ROOT, "%s: %s; %s in %.1f s%n", m.description(), counts, arpa, (System.nanoTime() - t0) / 1e9);
      }
    } finally {
      stop(spark, wasRunning);
    }
    return 0;
  }

  /** A command-line mistake: exit status 2. */
  static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** The parsed command line. */
  static final class Options {
    String command;
    String master;
    int partitions;
    Path dataset;
    String model = "mlp";
    int hidden = 256;
    int epochs = 10;
    int batchSize = 128;
    double learningRate = 0.001;
    long seed = 42;
    Path out;
    int order;
    String input;
    String arpa;
    String smoothing = "mkn";
    long minCount = 1;
    boolean discountFallback;

    static Options parse(String[] args) {
      Options o = new Options();
      int i = 0;
      if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
        o.command = "help";
        return o;
      }
      if (args[0].equals("train")) {
        o.command = "train";
        i = 1;
      } else if (args[0].equals("lm") && args.length > 1 && args[1].equals("build")) {
        o.command = "lm build";
        i = 2;
      } else {
        throw new UsageException("unknown command '" + String.join(" ", args).split(" --")[0]
            + "'; the commands are 'train' and 'lm build'");
      }
      boolean train = o.command.equals("train");
      while (i < args.length) {
        String name = args[i];
        if (name.equals("--discount-fallback") && !train) {
          o.discountFallback = true;
          i++;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new UsageException(name + " needs a value");
        }
        String v = args[i + 1];
        switch (name) {
          case "--master" -> o.master = v;
          case "--partitions" -> o.partitions = integer(name, v, 1, 1_000_000);
          default -> {
            if (train) {
              switch (name) {
                case "--dataset" -> o.dataset = Path.of(v);
                case "--model" -> o.model = v;
                case "--hidden" -> o.hidden = integer(name, v, 1, 1_000_000);
                case "--epochs" -> o.epochs = integer(name, v, 1, 1_000_000);
                case "--batch-size" -> o.batchSize = integer(name, v, 1, 1_000_000);
                case "--lr" -> o.learningRate = positive(name, v);
                case "--seed" -> o.seed = integer(name, v, Long.MIN_VALUE, Long.MAX_VALUE);
                case "--out" -> o.out = Path.of(v);
                default -> throw unknown(name, "--dataset --model --hidden --epochs --batch-size --lr --seed --out");
              }
            } else {
              switch (name) {
                case "--order" -> o.order = integer(name, v, 1, NgramOptions.MAX_ORDER);
                case "--input" -> o.input = v;
                case "--arpa" -> o.arpa = v;
                case "--smoothing" -> o.smoothing = v;
                case "--min-count" -> o.minCount = integer(name, v, 1, Long.MAX_VALUE);
                default -> throw unknown(name, "--order --input --arpa --smoothing --min-count --discount-fallback");
              }
            }
          }
        }
        i += 2;
      }
      return o;
    }

    private static UsageException unknown(String name, String valid) {
      return new UsageException("unknown option " + name + "; valid: --master --partitions " + valid);
    }

    private static int integer(String name, String v, int min, int max) {
      return (int) integer(name, v, (long) min, (long) max);
    }

    private static long integer(String name, String v, long min, long max) {
      long x;
      try {
        x = Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new UsageException(name + " " + v + " is not a whole number; expected " + min + ".." + max);
      }
      if (x < min || x > max) {
        throw new UsageException(name + " " + v + " is out of range; expected " + min + ".." + max);
      }
      return x;
    }

    private static double positive(String name, String v) {
      double x;
      try {
        x = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new UsageException(name + " " + v + " is not a number; expected a finite number > 0, e.g. 0.001");
      }
      if (!(x > 0) || Double.isInfinite(x)) {
        throw new UsageException(name + " " + v + " is out of range; expected a finite number > 0, e.g. 0.001");
      }
      return x;
    }
  }
}
