package dev.aiaas.nlp.lm;

import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.text.Vocabulary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: the speed of a saved {@link TransformerLanguageModel} at batch 1, one thread.
 * {@code TransformerLmSpeed MODEL [ROUNDS]} measures, in ROUNDS rounds (default 5) after one
 * warm-up round, and prints each round and the median:
 *
 * <ul>
 *   <li>generation with the KV cache: greedy decoding from {@code <s>}, 40 tokens a sentence (the
 *       window slides past T), 20 sentences a round; a token is one incremental step, the
 *       output product over the vocabulary and the log-normaliser, plus the argmax;</li>
 *   <li>sampling through {@link Sampler} (temperature 1, no truncation: it also sorts the
 *       vocabulary every token), 10 sentences of up to 40 tokens a round;</li>
 *   <li>prompt scoring: every sentence of the Moby-Dick test part scored from {@code <s>} by
 *       {@link LanguageModel#sentenceScoresLog10} (as {@code lm eval} does), tokens counting the
 *       words and {@code </s>}.</li>
 * </ul>
 */
public final class TransformerLmSpeed {
  private TransformerLmSpeed() {}

  public static void main(String[] args) throws Exception {
    TransformerLanguageModel lm = TransformerLanguageModel.load(Path.of(args[0]));
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.println(lm + ", " + Runtime.version());
    List<int[]> test = new ArrayList<>();
    long testTokens = 0;
    for (List<String> s : Corpora.mobyDickTest()) {
      int[] ids = Arrays.copyOf(lm.vocabulary().ids(s), s.size() + 1);
      ids[s.size()] = Vocabulary.EOS;
      test.add(ids);
      testTokens += ids.length;
    }
    double[] gen = new double[rounds];
    double[] sample = new double[rounds];
    double[] prompt = new double[rounds];
    double sink = 0;
    for (int r = -1; r < rounds; r++) {
      long t0 = System.nanoTime();
      long generated = 0;
      for (int s = 0; s < 20; s++) {
        LmState a = lm.beginSentenceState();
        LmState b = lm.newState();
        LmState scratch = lm.newState();
        for (int i = 0; i < 40; i++) {
          lm.scoreLog10(a, Vocabulary.EOS, scratch); // feeds a's word and computes its distribution
          int best = 3 + s; // the first word differs per sentence, then greedy
          if (i > 0) {
            double[] z = a.values;
            for (int w = 3; w < z.length; w++) {
              if (z[w] > z[best]) {
                best = w;
              }
            }
          }
          sink += lm.scoreLog10(a, best, b);
          LmState t = a;
          a = b;
          b = t;
          generated++;
        }
      }
      long t1 = System.nanoTime();
      long sampled = 0;
      for (int s = 0; s < 10; s++) {
        sampled += Sampler.sample(lm, new SamplingOptions(1.0, 0, 1.0, 40), s).size() + 1;
      }
      long t2 = System.nanoTime();
      double[] out = new double[512];
      for (int[] ids : test) {
        if (out.length < ids.length) {
          out = new double[ids.length];
        }
        lm.sentenceScoresLog10(ids, ids.length, out);
        sink += out[0];
      }
      long t3 = System.nanoTime();
      if (r >= 0) {
        gen[r] = generated / ((t1 - t0) / 1e9);
        sample[r] = sampled / ((t2 - t1) / 1e9);
        prompt[r] = testTokens / ((t3 - t2) / 1e9);
        System.out.printf(Locale.ROOT, "round %d: generation (KV cache, greedy) %.0f tokens/s; Sampler %.0f tokens/s;"
            + " prompt scoring %.0f tokens/s (%d tokens)%n", r + 1, gen[r], sample[r], prompt[r], testTokens);
      }
    }
    System.out.printf(Locale.ROOT, "median: generation %.0f tokens/s, Sampler %.0f tokens/s, prompt scoring %.0f tokens/s (%s)%n",
        median(gen), median(sample), median(prompt), sink == 0 ? "" : "ok");
  }

  private static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
