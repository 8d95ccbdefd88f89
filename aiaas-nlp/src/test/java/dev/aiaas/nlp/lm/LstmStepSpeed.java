package dev.aiaas.nlp.lm;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.train.Trainer;
import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.text.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: times the parts of one training step of {@link LstmLanguageModel}'s network at the
 * Moby-Dick shapes (V = 9,073 ids of the words seen twice, E, H, batch 32, rows of 48 cut from
 * the real training sentences, so with their real padding), then the whole step through
 * {@link Trainer} (which adds the accuracy tally and gradient clipping), then the scoring of the
 * test part by {@link Perplexity} (three times). Arguments: [steps] [E] [H] [batch].
 *
 * <pre>
 * mvn -B -q -o -pl aiaas-nlp -am test-compile
 * cd aiaas-nlp && java -cp target/classes:target/test-classes:$(cat cp.txt) dev.aiaas.nlp.lm.LstmStepSpeed 300
 * </pre>
 *
 * <p>Each part is timed with {@code System.nanoTime} over {@code steps} steps after
 * {@code steps / 5} warm-up steps, on batches taken in turn from the rows; min and median per
 * part in milliseconds.
 */
public final class LstmStepSpeed {
  private LstmStepSpeed() {}

  public static void main(String[] args) throws Exception {
    Backends.current();
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int e = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int h = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    LstmLmOptions o = LstmLmOptions.defaults().withSize(e, h).withTraining(1, batch, 2e-3);
    List<List<String>> train = Corpora.mobyDickTrain();
    Map<String, Long> counts = new HashMap<>();
    for (List<String> s : train) {
      for (String t : s) {
        counts.merge(t, 1L, Long::sum);
      }
    }
    Vocabulary vocabulary = Vocabulary.fromCounts(counts, o.minCount());
    List<int[]> ids = new ArrayList<>();
    for (List<String> s : train) {
      ids.add(vocabulary.ids(s));
    }
    LstmLmTrainer.Rows rows = LstmLmTrainer.Rows.of(ids, o);
    int t = rows.length;
    long labelled = 0;
    for (float v : rows.y) {
      labelled += v >= 0 ? 1 : 0;
    }
    System.out.printf(Locale.ROOT, "V=%d E=%d H=%d B=%d T=%d: %d rows, %d steps an epoch, %.1f%% of positions labelled%n",
        vocabulary.size(), e, h, batch, t, rows.count, (rows.count + batch - 1) / batch,
        100.0 * labelled / ((long) rows.count * t));
    Loss loss = Losses.sequenceSparseSoftmaxCrossEntropy();
    Optimizer adam = Optimizers.adam(2e-3);
    int batches = rows.count / batch;
    try (Model net = LstmLmTrainer.network(vocabulary.size(), o);
        Optimizer.State state = adam.newState(net.parameters().length(), net.dataType());
        INDArray x = Nd4j.create(DataType.FLOAT, new long[] {batch, t}, 'c');
        INDArray y = Nd4j.create(DataType.FLOAT, new long[] {batch, t}, 'f');
        INDArray grad = Nd4j.create(DataType.FLOAT, new long[] {batch, t, vocabulary.size()}, 'f')) {
      int warm = Math.max(1, steps / 5);
      long[][] ns = new long[4][steps];
      for (int s = -warm; s < steps; s++) {
        int from = Math.floorMod(s, batches) * batch;
        for (int b = 0; b < batch; b++) {
          for (int i = 0; i < t; i++) {
            x.putScalar(new long[] {b, i}, rows.x[(from + b) * t + i]);
            y.putScalar(new long[] {b, i}, rows.y[(from + b) * t + i]);
          }
        }
        long t0 = System.nanoTime();
        INDArray out = net.forward(x, true);
        long t1 = System.nanoTime();
        loss.compute(out, y, grad);
        long t2 = System.nanoTime();
        net.backward(grad);
        long t3 = System.nanoTime();
        adam.step(net.parameters(), net.gradients(), state, 2e-3, s + warm + 1);
        long t4 = System.nanoTime();
        if (s >= 0) {
          ns[0][s] = t1 - t0;
          ns[1][s] = t2 - t1;
          ns[2][s] = t3 - t2;
          ns[3][s] = t4 - t3;
        }
      }
      String[] names = {"forward", "loss", "backward", "adam"};
      long[] total = new long[steps];
      for (int p = 0; p < 4; p++) {
        for (int s = 0; s < steps; s++) {
          total[s] += ns[p][s];
        }
        print(names[p], ns[p]);
      }
      print("sum", total);
      // the output layer's three products alone, on arrays of the same shapes
      int n = batch * t;
      int v = vocabulary.size();
      try (INDArray hx = Nd4j.create(DataType.FLOAT, new long[] {n, h}, 'f').assign(0.5);
          INDArray w = Nd4j.create(DataType.FLOAT, new long[] {h, v}, 'f').assign(0.25);
          INDArray z = Nd4j.create(DataType.FLOAT, new long[] {n, v}, 'f');
          INDArray dw = Nd4j.create(DataType.FLOAT, new long[] {h, v}, 'f');
          INDArray dx = Nd4j.create(DataType.FLOAT, new long[] {n, h}, 'f')) {
        long[][] g = new long[3][steps];
        for (int s = -warm; s < steps; s++) {
          long t0 = System.nanoTime();
          dev.aiaas.core.math.Gemm.gemm(hx, false, w, false, z, 1.0, 0.0);
          long t1 = System.nanoTime();
          dev.aiaas.core.math.Gemm.gemm(hx, true, z, false, dw, 1.0, 0.0);
          long t2 = System.nanoTime();
          dev.aiaas.core.math.Gemm.gemm(z, false, w, true, dx, 1.0, 0.0);
          long t3 = System.nanoTime();
          if (s >= 0) {
            g[0][s] = t1 - t0;
            g[1][s] = t2 - t1;
            g[2][s] = t3 - t2;
          }
        }
        double gflop = 2.0 * n * h * v / 1e9;
        System.out.printf(Locale.ROOT, "output-layer products, %.2f GFLOP each:%n", gflop);
        print("  x W", g[0]);
        print("  xT dz", g[1]);
        print("  dz WT", g[2]);
      }
    }
    // the whole step through the trainer, on the first rows (one epoch of them)
    int n = Math.min(rows.count, batch * Math.max(20, steps / 2));
    try (Model net = LstmLmTrainer.network(vocabulary.size(), o);
        INDArray x = Nd4j.create(Arrays.copyOf(rows.x, n * t), new long[] {n, t}, 'c');
        INDArray y = Nd4j.create(Arrays.copyOf(rows.y, n * t), new long[] {n, t}, 'c')) {
      Trainer trainer = Trainer.builder(loss).optimizer(adam).epochs(2).batchSize(batch).seed(42).clipNorm(5).build();
      long t0 = System.nanoTime();
      trainer.fit(net, x, y);
      long t1 = System.nanoTime();
      System.out.printf(Locale.ROOT, "Trainer.fit: 2 epochs of %d steps, %.1f ms a step (first epoch included)%n",
          n / batch, (t1 - t0) / 1e6 / (2.0 * ((n + batch - 1) / batch)));
      LstmLanguageModel lm = LstmLanguageModel.fromParameters(vocabulary, o, net.parameters().data().asFloat());
      List<List<String>> test = Corpora.mobyDickTest();
      for (int r = 0; r < 3; r++) {
        long s0 = System.nanoTime();
        Perplexity p = Perplexity.evaluate(lm, test);
        long s1 = System.nanoTime();
        System.out.printf(Locale.ROOT, "scoring the test part (%d tokens): %.2f s, perplexity %.4f%n",
            p.tokens(), (s1 - s0) / 1e9, p.including());
      }
    }
  }

  private static void print(String name, long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    System.out.printf(Locale.ROOT, "%-9s min %8.2f ms  median %8.2f ms%n", name, s[0] / 1e6, s[s.length / 2] / 1e6);
  }
}
