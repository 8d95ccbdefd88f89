package dev.aiaas.nlp.lm;

import dev.aiaas.nlp.corpus.Corpora;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: the Moby-Dick test perplexity of a saved transformer model on its float64 path
 * (what {@code lm eval} reports) and on its {@link TransformerLanguageModel#float32()} path, with
 * the relative difference and the CPU time of each. Run with {@code --add-modules
 * jdk.incubator.vector}. Argument: the model file.
 */
public final class TransformerFloat32Perplexity {
  private TransformerFloat32Perplexity() {}

  public static void main(String[] args) throws Exception {
    TransformerLanguageModel f64 = TransformerLanguageModel.load(Path.of(args[0]));
    TransformerLanguageModel f32 = f64.float32();
    System.out.println(f32);
    List<List<String>> test = Corpora.mobyDickTest();
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    double[] ppl = new double[2];
    TransformerLanguageModel[] models = {f64, f32};
    for (int round = 0; round < 2; round++) { // the second round's times, after warm-up
      for (int i = 0; i < 2; i++) {
        long t0 = mx.getCurrentThreadCpuTime();
        Perplexity p = Perplexity.evaluate(models[i], test);
        long t1 = mx.getCurrentThreadCpuTime();
        ppl[i] = p.including();
        System.out.printf(Locale.ROOT, "round %d %s: perplexity including OOVs %.6f, excluding %.6f, %.2f s cpu%n", round,
            i == 0 ? "float64" : "float32", p.including(), p.excludingOovs(), (t1 - t0) / 1e9);
      }
    }
    System.out.printf(Locale.ROOT, "relative difference %.3e%n", Math.abs(ppl[1] - ppl[0]) / ppl[0]);
  }
}
