package dev.aiaas.nlp.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.aiaas.nlp.corpus.Corpora;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Measures encoding speed, sentences per second on one thread (a program, not a test): {@code java
 * -cp CLASSPATH dev.aiaas.nlp.text.HfTokenizerSpeed [ROUNDS]} encodes every line of the Moby-Dick
 * test chapters (1,180 sentences, with special tokens, no truncation or padding) with this
 * library's {@link HfTokenizer} and with Hugging Face's Rust tokenizers through DJL (same
 * tokenizer.json), for all-MiniLM-L6-v2's WordPiece and GPT-2's byte-level BPE. Each round encodes
 * the corpus 5 times; after 3 warm-up rounds it prints the median of ROUNDS rounds (default 7)
 * and the ratio. The two are run alternately, so a busy machine slows both alike.
 */
public final class HfTokenizerSpeed {

  private HfTokenizerSpeed() {}

  /**
   * Runs the measurement.
   *
   * @param args optionally the number of measured rounds
   * @throws IOException on a read failure
   */
  public static void main(String[] args) throws IOException {
    System.setProperty("ai.djl.offline", "true");
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(Corpora.openMobyDickTest(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    }
    Path dir = Files.createTempDirectory("hf-speed");
    try {
      run("WordPiece (all-MiniLM-L6-v2)", HfFixtures.writeMinilmJson(dir), lines, rounds);
      run("byte-level BPE (GPT-2)", HfFixtures.writeGpt2Json(dir, false), lines, rounds);
    } finally {
      try (var s = Files.list(dir)) {
        for (Path p : s.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  private static void run(String name, Path json, List<String> lines, int rounds) throws IOException {
    HfTokenizer ours = HfTokenizers.load(json).withTruncation(null).withPadding(null);
    try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(json,
        java.util.Map.of("addSpecialTokens", "true", "padding", "false", "truncation", "false"))) {
      ToIntFunction<String> a = s -> ours.encode(s).length();
      ToIntFunction<String> b = s -> djl.encode(s).getIds().length;
      long tokensA = 0;
      long tokensB = 0;
      for (String s : lines) {
        tokensA += a.applyAsInt(s);
        tokensB += b.applyAsInt(s);
      }
      double[] ra = new double[rounds];
      double[] rb = new double[rounds];
      for (int r = -3; r < rounds; r++) {
        double sa = round(a, lines);
        double sb = round(b, lines);
        if (r >= 0) {
          ra[r] = sa;
          rb[r] = sb;
        }
      }
      double ma = median(ra);
      double mb = median(rb);
      System.out.printf("%s: %d sentences, %d tokens (DJL %d)%n", name, lines.size(), tokensA, tokensB);
      System.out.printf("  aiaas HfTokenizer   %,10.0f sentences/s  (%,.0f tokens/s)%n", ma,
          ma * tokensA / lines.size());
      System.out.printf("  DJL HF tokenizers   %,10.0f sentences/s  (%,.0f tokens/s)%n", mb,
          mb * tokensB / lines.size());
      System.out.printf("  ratio aiaas / DJL   %.2f%n", ma / mb);
    }
  }

  /** Sentences per second of one round (the corpus 5 times). */
  private static double round(ToIntFunction<String> f, List<String> lines) {
    long sink = 0;
    long t0 = System.nanoTime();
    for (int k = 0; k < 5; k++) {
      for (String s : lines) {
        sink += f.applyAsInt(s);
      }
    }
    long ns = System.nanoTime() - t0;
    if (sink == 42) {
      System.out.print("");
    }
    return 5.0 * lines.size() / (ns / 1e9);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
