package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ARPA reading (hand-written model, KenLM test style), writing, and malformed files. */
class ArpaTest {

  private static final String TINY = String.join("\n",
      "some comment before the data",
      "\\data\\",
      "ngram 1=5",
      "ngram 2=3",
      "",
      "\\1-grams:",
      "-1.0\t<unk>\t0",
      "0\t<s>\t-0.5",
      "-0.7\t</s>\t0",
      "-0.6\ta\t-0.3",
      "-0.8\tb\t-0.2",
      "",
      "\\2-grams:",
      "-0.1\t<s> a",
      "-0.2\ta b",
      "-0.3 b </s>",
      "",
      "\\end\\",
      "");

  private static Path write(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void scoresAreSumsOfEntries(@TempDir Path dir) throws IOException {
    NgramModel m = NgramModel.readArpa(write(dir, "tiny.arpa", TINY));
    assertEquals(2, m.order());
    assertEquals(-0.1f + -0.2f + -0.3f, m.sentenceLog10(List.of("a", "b")), 1e-6);
    // b|<s>: backoff(<s>) + p(b); a|b: backoff(b) + p(a); </s>|a: backoff(a) + p(</s>)
    double ba = (-0.5 + -0.8) + (-0.2 + -0.6) + (-0.3 + -0.7);
    assertEquals(ba, m.sentenceLog10(List.of("b", "a")), 1e-6);
    // an OOV is <unk>: backoff(<s>) + p(<unk>), then </s> after <unk> (no backoff): p(</s>)
    List<TokenScore> t = m.scoreTokens(List.of("zebra"));
    assertTrue(t.get(0).oov());
    assertEquals(-0.5 + -1.0, t.get(0).log10Prob(), 1e-6);
    assertEquals(-0.7, t.get(1).log10Prob(), 1e-6);
    assertEquals(1, t.get(1).ngramLength());
    assertEquals(2, m.scoreTokens(List.of("a")).get(0).ngramLength());
  }

  @Test
  void readsGzip(@TempDir Path dir) throws IOException {
    Path gz = dir.resolve("tiny.arpa.gz");
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(gz))) {
      os.write(TINY.getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(-0.6f, NgramModel.readArpa(gz).sentenceLog10(List.of("a", "b")), 1e-6);
  }

  @Test
  void missingUnkGetsKenlmPenalty(@TempDir Path dir) throws IOException {
    String noUnk = TINY.replace("ngram 1=5", "ngram 1=4").replace("-1.0\t<unk>\t0\n", "");
    NgramModel m = NgramModel.readArpa(write(dir, "nounk.arpa", noUnk));
    assertEquals(-100.0, m.entry(List.of("<unk>")).orElseThrow().log10Prob(), 0);
  }

  @Test
  void missingPrefixBecomesBlankContext(@TempDir Path dir) throws IOException {
    // the trigram "<s> a b" lacks its prefix "<s> a": KenLM inserts a blank context entry
    String text = String.join("\n", "\\data\\", "ngram 1=5", "ngram 2=1", "ngram 3=1", "",
        "\\1-grams:", "-1\t<unk>", "0\t<s>\t-0.5", "-0.5\t</s>", "-0.3\ta\t-0.25", "-0.4\tb", "",
        "\\2-grams:", "-0.2\ta b\t-0.1", "", "\\3-grams:", "-0.05\t<s> a b", "", "\\end\\", "");
    NgramModel m = NgramModel.readArpa(write(dir, "blank.arpa", text));
    List<TokenScore> t = m.scoreTokens(List.of("a", "b"));
    assertEquals(-0.3f + -0.5f, t.get(0).log10Prob(), 1e-6); // p(a) b(<s>); blank "<s> a" has b=0
    assertEquals(-0.05f, t.get(1).log10Prob(), 1e-6);
    assertEquals(3, t.get(1).ngramLength());
    assertEquals(-0.3f + -0.5f, m.entry(List.of("<s>", "a")).orElseThrow().log10Prob(), 1e-6);
  }

  @Test
  void everySmoothingRoundTripsThroughArpa(@TempDir Path dir) throws IOException {
    List<List<String>> corpus = List.of(
        Arrays.asList("the cat sat on the mat .".split(" ")),
        Arrays.asList("the dog sat on the log .".split(" ")),
        Arrays.asList("a cat and a dog .".split(" ")));
    List<List<String>> probe = List.of(
        Arrays.asList("the cat sat on the log .".split(" ")),
        Arrays.asList("a zebra sat on a mat".split(" ")));
    for (Smoothing s : Smoothing.values()) {
      NgramModel m = NgramModel.build(corpus, NgramOptions.of(3, s).withDiscountFallback(Discounts.KENLM_FALLBACK));
      Path file = dir.resolve(s.id() + ".arpa");
      m.writeArpa(file);
      NgramModel back = NgramModel.readArpa(file);
      for (List<String> sentence : probe) {
        assertEquals(m.sentenceLog10(sentence), back.sentenceLog10(sentence), 1e-5, s + " " + sentence);
      }
    }
  }

  @Test
  void writesTheArpaLayout() throws IOException {
    NgramModel m = NgramModel.build(List.of(List.of("a")), NgramOptions.of(2, Smoothing.MLE));
    StringWriter w = new StringWriter();
    m.writeArpa(w);
    String text = w.toString();
    assertTrue(text.startsWith("\\data\\\nngram 1=4\nngram 2=2\n\n\\1-grams:\n"), text);
    assertTrue(text.contains("\n0\t<s> a\n"), text); // p(a | <s>) = 1/1
    assertTrue(text.endsWith("\n\\end\\\n"), text);
  }

  private static ArpaFormatException malformed(Path dir, String text) {
    return assertThrows(ArpaFormatException.class, () -> NgramModel.readArpa(write(dir, "bad.arpa", text)));
  }

  @Test
  void malformedFilesNameLineAndContent(@TempDir Path dir) {
    ArpaFormatException e = malformed(dir, "just text\n");
    assertTrue(e.getMessage().contains("no \\data\\ header"), e.getMessage());

    e = malformed(dir, TINY.replace("ngram 2=3", "ngram two=3"));
    assertEquals(4, e.lineNumber());
    assertEquals("ngram two=3", e.line());

    e = malformed(dir, TINY.replace("-0.6\ta\t-0.3", "minus\ta\t-0.3"));
    assertEquals(10, e.lineNumber());
    assertTrue(e.getMessage().contains("log10 probability 'minus' is not a decimal number"), e.getMessage());
    assertTrue(e.getMessage().contains("minus\ta\t-0.3"), e.getMessage());

    e = malformed(dir, TINY.replace("-0.2\ta b", "-0.2\ta b\t-0.1"));
    assertEquals(15, e.lineNumber());
    assertTrue(e.getMessage().contains("found 4 fields"), e.getMessage());

    e = malformed(dir, TINY.replace("ngram 2=3", "ngram 2=4"));
    assertTrue(e.getMessage().contains("expected 4 2-grams"), e.getMessage());

    e = malformed(dir, TINY.replace("-0.2\ta b", "-0.2\ta zebra"));
    assertTrue(e.getMessage().contains("word 'zebra' has no unigram entry"), e.getMessage());

    e = malformed(dir, TINY.replace("-0.2\ta b", "-0.2\t<s> a"));
    assertTrue(e.getMessage().contains("duplicate 2-gram"), e.getMessage());

    e = malformed(dir, TINY.replace("-0.8\tb\t-0.2", "-0.8\ta\t-0.2"));
    assertTrue(e.getMessage().contains("duplicate unigram 'a'"), e.getMessage());

    e = malformed(dir, TINY.replace("\\end\\", ""));
    assertTrue(e.getMessage().contains("expected \\end\\"), e.getMessage());
    assertEquals(0, e.lineNumber());

    e = malformed(dir, TINY.replace("\\2-grams:", "\\3-grams:"));
    assertTrue(e.getMessage().contains("expected the section header \\2-grams:"), e.getMessage());

    e = malformed(dir, TINY.replace("0\t<s>\t-0.5", "0\t<t>\t-0.5"));
    assertTrue(e.getMessage().contains("lack <s>"), e.getMessage());
  }
}
