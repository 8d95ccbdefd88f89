package dev.aiaas.nlp.lm;

import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.text.Tokenizer;
import dev.aiaas.nlp.text.TextFiles;
import dev.aiaas.nlp.text.Vocabulary;
import dev.aiaas.nlp.text.WordTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures n-gram build time, query throughput and memory per n-gram (a program, not a test):
 * {@code java -cp target/classes:target/test-classes dev.aiaas.nlp.lm.LmSpeed ORDER COPIES
 * [FILE...]} builds an order-ORDER MKN model of the files (raw text tokenized by {@link
 * WordTokenizer} lower-cased; the word {@code moby} stands for the embedded Moby-Dick training
 * part, already tokenized), each repeated COPIES times (with lmplz's discount fallback when
 * COPIES > 1, since then no top-order n-gram occurs once), then scores the Moby-Dick test part with
 * {@link LanguageModel#scoreIdsLog10(int[])} on one thread.
 */
public final class LmSpeed {

  private LmSpeed() {}

  /**
   * Runs the measurement.
   *
   * @param args order, copies, then corpus files or {@code moby}
   * @throws IOException on a read failure
   */
  public static void main(String[] args) throws IOException {
    int order = Integer.parseInt(args[0]);
    int copies = Integer.parseInt(args[1]);
    List<List<String>> once = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("moby")) {
        once.addAll(Corpora.mobyDickTrain());
      } else {
        Tokenizer tok = new WordTokenizer(true);
        once.addAll(TextFiles.readSentences(Path.of(args[i]), tok));
      }
    }
    List<List<String>> corpus = new ArrayList<>();
    for (int c = 0; c < copies; c++) {
      corpus.addAll(once);
    }
    long tokens = 0;
    for (List<String> s : corpus) {
      tokens += s.size();
    }
    System.out.printf("corpus: %,d sentences, %,d tokens%n", corpus.size(), tokens);
    // a repeated corpus has no top-order n-gram seen once: lmplz --discount_fallback
    NgramOptions options = copies > 1
        ? NgramOptions.kenlm(order).withDiscountFallback(Discounts.KENLM_FALLBACK)
        : NgramOptions.kenlm(order);
    NgramModel lm = null;
    for (int run = 0; run < 3; run++) {
      long t0 = System.nanoTime();
      lm = NgramModel.build(corpus, options);
      System.out.printf("build order %d, run %d: %.2f s%n", order, run, (System.nanoTime() - t0) / 1e9);
    }
    long ngrams = 0;
    StringBuilder counts = new StringBuilder();
    for (int n = 1; n <= order; n++) {
      ngrams += lm.ngramCount(n);
      counts.append(' ').append(lm.ngramCount(n));
    }
    System.out.printf("n-grams:%s = %,d; memoryBytes %,d = %.1f bytes/n-gram%n",
        counts, ngrams, lm.memoryBytes(), (double) lm.memoryBytes() / ngrams);
    // query: the Moby-Dick test part as one id sequence, </s> ending each sentence
    Vocabulary v = lm.vocabulary();
    List<Integer> ids = new ArrayList<>();
    for (List<String> s : Corpora.mobyDickTest()) {
      for (String t : s) {
        ids.add(v.id(t));
      }
      ids.add(Vocabulary.EOS);
    }
    int[] seq = ids.stream().mapToInt(Integer::intValue).toArray();
    double sink = 0;
    for (int w = 0; w < 20; w++) {
      sink += lm.scoreIdsLog10(seq);
    }
    int reps = 100;
    long t0 = System.nanoTime();
    for (int r = 0; r < reps; r++) {
      sink += lm.scoreIdsLog10(seq);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("query: %,d tokens x %d in %.2f s = %.2f M tokens/s (sink %.1f)%n",
        seq.length, reps, s, seq.length * (double) reps / s / 1e6, sink);
  }
}
