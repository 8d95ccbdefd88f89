package dev.aiaas.nlp.lm;

import dev.aiaas.core.io.Inputs;
import dev.aiaas.core.io.LineReader;
import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.text.Tokenizer;
import dev.aiaas.nlp.text.TextFiles;
import dev.aiaas.nlp.text.TextLimits;
import dev.aiaas.nlp.text.Vocabulary;
import dev.aiaas.nlp.text.WordTokenizer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Measures n-gram build time, query throughput and memory per n-gram (a program, not a test):
 * {@code java -cp target/classes:target/test-classes dev.aiaas.nlp.lm.LmSpeed ORDER COPIES
 * [FILE...]} builds an order-ORDER MKN model of the files (raw text tokenized by {@link
 * WordTokenizer} lower-cased; the word {@code moby} stands for the embedded Moby-Dick training
 * part, already tokenized), each repeated COPIES times (with lmplz's discount fallback when
 * COPIES > 1, since then no top-order n-gram occurs once), then scores the Moby-Dick test part with
 * {@link LanguageModel#scoreIdsLog10(int[])} on one thread, in 5 rounds of 100 passes.
 *
 * <p>{@code LmSpeed prepare OUT FILE...} instead writes a corpus as lmplz reads it: each line of
 * the raw-text FILEs (a verse, a paragraph) is tokenized with {@link WordTokenizer} lower-cased
 * and split into sentences after {@code .}, {@code !} or {@code ?} (with the closing quotes and
 * brackets that follow), except after a title (mr, mrs, dr, ...) or a single letter other than
 * a and i (initials, "u.s."); OUT gets one sentence per line, tokens separated by spaces.
 * {@code aiaas-nlp/scripts/lm-corpus.sh} runs it on the King James Bible and the State of the
 * Union addresses.
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
    if (args.length > 0 && args[0].equals("prepare")) {
      prepare(Path.of(args[1]), Arrays.asList(args).subList(2, args.length));
      return;
    }
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
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf("peak heap used (sum of the heap pools' peaks, corpus included): %,d MB%n",
        peak >> 20);
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
    double best = 0;
    double worst = Double.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        sink += lm.scoreIdsLog10(seq);
      }
      double s = (System.nanoTime() - t0) / 1e9;
      double rate = seq.length * (double) reps / s / 1e6;
      best = Math.max(best, rate);
      worst = Math.min(worst, rate);
      System.out.printf("query round %d: %,d tokens x %d in %.2f s = %.2f M tokens/s%n",
          round, seq.length, reps, s, rate);
    }
    System.out.printf("query: %.2f-%.2f M tokens/s (sink %.1f)%n", worst, best, sink);
  }

  private static final Set<String> ENDS = Set.of(".", "!", "?");
  private static final Set<String> CLOSERS = Set.of("\"", "'", "”", "’", ")", "]");
  private static final Set<String> TITLES =
      Set.of("mr", "mrs", "messrs", "ms", "dr", "st", "jr", "sr", "gen", "gov", "hon", "rev", "no",
          "vs");

  /** Writes the raw-text files as one tokenized sentence per line (see the class comment). */
  static void prepare(Path out, List<String> files) throws IOException {
    WordTokenizer tok = new WordTokenizer(true);
    long sentences = 0;
    long tokens = 0;
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (String f : files) {
        try (LineReader r = TextFiles.lines(Path.of(f), TextLimits.defaults().withMaxBytes(Inputs.UNLIMITED))) {
          String line;
          while ((line = r.readLine()) != null) {
            for (List<String> sentence : splitSentences(tok.tokenize(line))) {
              w.write(String.join(" ", sentence));
              w.write('\n');
              sentences++;
              tokens += sentence.size();
            }
          }
        }
      }
    }
    System.out.printf("%s: %,d sentences, %,d tokens%n", out, sentences, tokens);
  }

  static List<List<String>> splitSentences(List<String> tokens) {
    List<List<String>> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < tokens.size()) {
      String t = tokens.get(i++);
      if (!ENDS.contains(t) || i < 2 || isAbbreviation(tokens.get(i - 2))) {
        continue;
      }
      while (i < tokens.size() && (ENDS.contains(tokens.get(i)) || CLOSERS.contains(tokens.get(i)))) {
        i++;
      }
      out.add(tokens.subList(start, i));
      start = i;
    }
    if (start < tokens.size()) {
      out.add(tokens.subList(start, tokens.size()));
    }
    return out;
  }

  private static boolean isAbbreviation(String t) {
    return TITLES.contains(t)
        || (t.length() == 1 && Character.isLetter(t.charAt(0)) && !t.equals("a") && !t.equals("i"));
  }
}
