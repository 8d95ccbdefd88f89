package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Modified Kneser-Ney against KenLM on the embedded Moby-Dick corpus ({@link Corpora}; KenLM's
 * outputs in {@code src/test/resources/moby}, see its README): discounts, perplexities,
 * per-sentence totals and ARPA entries.
 */
class MobyKenlmTest {

  /** KenLM query on moby-test with lmplz -o 3 and -o 5 models (REFERENCE.md). */
  private static final double PPL3_INCL = 243.42050701046327;
  private static final double PPL3_EXCL = 199.89416556792477;
  private static final double PPL5_INCL = 241.86228231702847;
  private static final double PPL5_EXCL = 198.65863743918183;
  private static final long OOVS = 842;

  private static final WhitespaceTokenizer TOKENIZER = new WhitespaceTokenizer();
  private static List<List<String>> test;
  private static NgramModel built3;
  private static NgramModel kenlm3;

  static Path resource(String name) {
    try {
      return Path.of(MobyKenlmTest.class.getResource("/moby/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static BufferedReader reader(String gzName) throws IOException {
    return new BufferedReader(
        new InputStreamReader(
            new GZIPInputStream(Files.newInputStream(resource(gzName))), StandardCharsets.UTF_8));
  }

  @BeforeAll
  static void buildModels() throws IOException {
    test = Corpora.mobyDickTest();
    built3 = NgramModel.build(Corpora.mobyDickTrain(), NgramOptions.kenlm(3));
    kenlm3 = NgramModel.readArpa(resource("moby-3.kenlm.arpa.gz"));
  }

  private static void assertRelative(double expected, double actual, double tol, String what) {
    assertTrue(
        Math.abs(actual - expected) <= tol * Math.abs(expected),
        what + ": expected " + expected + ", got " + actual);
  }

  @Test
  void discountsAndCountsEqualLmplzLog() throws IOException {
    Pattern stat = Pattern.compile("^(\\d+) (\\d+) D1=(\\S+) D2=(\\S+) D3\\+=(\\S+)$");
    List<String> log = Files.readAllLines(resource("moby-3.lmplz.log"));
    int seen = 0;
    for (String line : log) {
      Matcher m = stat.matcher(line);
      if (!m.matches()) {
        continue;
      }
      int n = Integer.parseInt(m.group(1));
      assertEquals(Integer.parseInt(m.group(2)), built3.ngramCount(n), "ngram count of order " + n);
      Discounts d = built3.discounts().get(n - 1);
      assertPrinted(m.group(3), d.d1(), "D1 of order " + n);
      assertPrinted(m.group(4), d.d2(), "D2 of order " + n);
      assertPrinted(m.group(5), d.d3plus(), "D3+ of order " + n);
      seen++;
    }
    assertEquals(3, seen, "the log has one statistics line per order");
  }

  /** lmplz prints floats with 6 significant digits (C++ ostream default). */
  private static void assertPrinted(String printed, double actual, String what) {
    BigDecimal rounded = new BigDecimal((float) actual).round(new MathContext(6));
    assertEquals(0, new BigDecimal(printed).compareTo(rounded), what + ": " + actual + " vs " + printed);
  }

  @Test
  void order3PerplexityEqualsKenlmQuery() {
    Perplexity p = Perplexity.evaluate(built3, test);
    assertEquals(OOVS, p.oovs());
    assertEquals(29203 + 1180, p.tokens());
    assertRelative(PPL3_INCL, p.including(), 1e-6, "ppl incl. OOVs");
    assertRelative(PPL3_EXCL, p.excludingOovs(), 1e-6, "ppl excl. OOVs");
  }

  @Test
  void order5PerplexityEqualsKenlmQuery() {
    NgramModel built5 = NgramModel.build(Corpora.mobyDickTrain(), NgramOptions.kenlm(5));
    Perplexity p = Perplexity.evaluate(built5, test);
    assertEquals(OOVS, p.oovs());
    assertRelative(PPL5_INCL, p.including(), 1e-6, "ppl incl. OOVs");
    assertRelative(PPL5_EXCL, p.excludingOovs(), 1e-6, "ppl excl. OOVs");
  }

  @Test
  void loadedKenlmArpaReproducesQuery(@TempDir Path dir) throws IOException {
    // the test part as a plain text file, to go through the file-reading path too
    Path testFile = dir.resolve("moby-test.txt");
    try (InputStream in = Corpora.openMobyDickTest()) {
      Files.copy(in, testFile);
    }
    Perplexity p = Perplexity.evaluate(kenlm3, testFile, TOKENIZER);
    assertEquals(OOVS, p.oovs());
    // float sums as in KenLM query: agreement to the last printed digit
    assertRelative(PPL3_INCL, p.including(), 1e-12, "ppl incl. OOVs");
    assertRelative(PPL3_EXCL, p.excludingOovs(), 1e-12, "ppl excl. OOVs");
    assertSentenceTotals(kenlm3);
  }

  @Test
  void everySentenceTotalEqualsKenlmQuery() throws IOException {
    assertSentenceTotals(built3);
  }

  private static void assertSentenceTotals(LanguageModel model) throws IOException {
    List<String> expected = new ArrayList<>();
    try (BufferedReader r = reader("moby-3.kenlm.test-sentences.txt.gz")) {
      String line;
      while ((line = r.readLine()) != null) {
        expected.add(line);
      }
    }
    assertEquals(test.size(), expected.size());
    for (int i = 0; i < test.size(); i++) {
      String[] f = expected.get(i).trim().split("\\s+");
      double total = Double.parseDouble(f[0]);
      long oov = Long.parseLong(f[1]);
      List<String> s = test.get(i);
      List<TokenScore> scores = model.scoreTokens(s);
      // KenLM query accumulates a sentence's Total in float (ngram_query.hh: float total);
      // sum the same way so that long sentences agree to float precision.
      float kenlmStyle = 0f;
      for (TokenScore t : scores) {
        kenlmStyle += (float) t.log10Prob();
      }
      assertEquals(total, kenlmStyle, 1e-4, "sentence " + (i + 1) + ": " + s);
      // the double-precision chain rule differs from it only by float rounding
      assertEquals(total, model.sentenceLog10(s), 1e-6 * s.size() * Math.abs(total) + 1e-4);
      long ourOov = scores.stream().filter(TokenScore::oov).count();
      assertEquals(oov, ourOov, "OOVs of sentence " + (i + 1));
      if (model == kenlm3) { // KenLM's own entries: the same float sums, so query's very text
        assertEquals("Total: " + f[0] + " OOV: " + f[1], QueryFormat.sentence(scores, false), "sentence " + (i + 1));
      }
    }
  }

  @Test
  void arpaEntriesAgreeWithKenlm() {
    assertEquals(kenlm3.ngramCount(1), built3.ngramCount(1));
    assertEquals(kenlm3.ngramCount(2), built3.ngramCount(2));
    assertEquals(kenlm3.ngramCount(3), built3.ngramCount(3));
    double[] max = new double[2];
    kenlm3.forEachEntry(
        e -> {
          Optional<NgramEntry> ours = built3.entry(e.words());
          assertTrue(ours.isPresent(), "missing n-gram " + e.words());
          max[0] = Math.max(max[0], Math.abs(ours.get().log10Prob() - e.log10Prob()));
          max[1] = Math.max(max[1], Math.abs(ours.get().log10Backoff() - e.log10Backoff()));
        });
    // KenLM estimates in float, we in double then round to float: differences are float ulps.
    assertTrue(max[0] <= 1e-5, "max log10 prob difference " + max[0]);
    assertTrue(max[1] <= 1e-5, "max log10 backoff difference " + max[1]);
  }

  @Test
  void writtenArpaReadsBackAndScoresIdentically(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("moby-3.arpa.gz");
    built3.writeArpa(file);
    NgramModel back = NgramModel.readArpa(file);
    assertEquals(built3.ngramCount(3), back.ngramCount(3));
    for (List<String> s : test) {
      assertEquals(built3.sentenceLog10(s), back.sentenceLog10(s), 0.0, "sentence " + s);
    }
    assertTrue(back.memoryBytes() > 0);
  }

  @Test
  void beginSentenceAndUnknownConventionsMatchKenlm() {
    // <s> has probability 1 as a unigram (KenLM writes 0), and an OOV is scored as <unk>.
    assertEquals(0.0, built3.entry(List.of("<s>")).orElseThrow().log10Prob(), 0.0);
    LmState begin = built3.beginSentenceState();
    ScoreResult r = built3.score(begin, built3.vocabulary().id("no-such-word-in-moby"));
    assertTrue(r.oov());
    assertEquals(1, r.ngramLength());
    double unk = built3.entry(List.of("<unk>")).orElseThrow().log10Prob();
    double bos = built3.entry(List.of("<s>")).orElseThrow().log10Backoff();
    assertEquals(unk + bos, r.log10Prob(), 1e-6);
  }
}
