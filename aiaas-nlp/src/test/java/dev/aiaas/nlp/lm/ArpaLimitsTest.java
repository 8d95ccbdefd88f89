package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.InputLimitException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardened ARPA reader: header counts checked before anything is allocated for them, strict
 * numbers, the file read to its end, limits; every path an {@link ArpaFormatException} naming the
 * line, the bad text, what was expected and the fix.
 */
class ArpaLimitsTest {

  /** A valid bigram model: lines 6-10 are the unigrams, 13-15 the bigrams. */
  static final String TINY = String.join("\n",
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
      "-0.3\tb </s>",
      "",
      "\\end\\",
      "");

  @TempDir
  Path dir;

  private Path write(String text) throws IOException {
    return Files.writeString(dir.resolve("m.arpa"), text, StandardCharsets.UTF_8);
  }

  private ArpaFormatException malformed(String text) throws IOException {
    Path f = write(text);
    return assertThrows(ArpaFormatException.class, () -> NgramModel.readArpa(f));
  }

  private static void assertNames(ArpaFormatException e, String... parts) {
    assertTrue(e.getMessage().contains(". Fix: "), "the message gives the fix: " + e.getMessage());
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
    }
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
      z.write(data);
    }
    return bytes.toByteArray();
  }

  @Test
  void theTinyModelLoads() throws IOException {
    NgramModel m = NgramModel.readArpa(write(TINY));
    assertEquals(-0.1f + -0.2f + -0.3f, m.sentenceLog10(List.of("a", "b")), 1e-6);
  }

  // ------------------------------------------------------------------ header counts

  @Test
  void aCountTheFileCannotHoldIsRefusedBeforeAllocating() throws IOException {
    // the finding: a 300-byte file declaring two billion unigrams ran out of memory
    String text = "\\data\\\nngram 1=2000000000\n\n\\1-grams:\n-1\t<s>\n-1\t</s>\n\n\\end\\\n" + "#".repeat(250);
    ArpaFormatException e = malformed(text);
    assertEquals(2, e.lineNumber());
    assertEquals("ngram 1=2000000000", e.line());
    assertNames(e, "line 2", "need at least 6000000000 bytes", "2n+1", "holds " + text.length() + " bytes",
        "'ngram 1=2000000000'", "damaged or truncated");
  }

  @Test
  void aGzipFileIsBoundedByDeflatesLargestExpansion() throws IOException {
    byte[] gz = gzip("\\data\\\nngram 1=2000000\nngram 2=0\n\n\\1-grams:\n".getBytes(StandardCharsets.UTF_8));
    Path f = Files.write(dir.resolve("m.arpa.gz"), gz);
    ArpaFormatException e = assertThrows(ArpaFormatException.class, () -> NgramModel.readArpa(f));
    assertNames(e, "line 2", "need at least 6000000 bytes", gz.length + " gzip-compressed bytes",
        "at most " + 1032L * gz.length + " once decompressed");
  }

  @Test
  void countsBeyondOneOrderTheLimitOrTheHeapAreRefused() throws IOException {
    // a sparse file: its size passes the bytes check, its content is the header alone
    Path big = dir.resolve("sparse.arpa");
    Files.writeString(big, "\\data\\\nngram 1=800000000\n");
    try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
      raf.setLength(3L << 30);
    }
    ArpaFormatException e = assertThrows(ArpaFormatException.class, () -> NgramModel.readArpa(big));
    assertNames(e, "line 2", "800000000 1-grams; one order holds at most " + ProbingTable.MAX_ENTRIES, "prune");

    long heap = Runtime.getRuntime().maxMemory();
    long bigrams = heap / 18 + 1; // their tables alone exceed the heap
    if (bigrams <= ProbingTable.MAX_ENTRIES) {
      Files.writeString(big, "\\data\\\nngram 1=3\nngram 2=" + bigrams + "\n");
      try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
        raf.setLength(6 * bigrams);
      }
      e = assertThrows(ArpaFormatException.class, () -> NgramModel.readArpa(big));
      assertNames(e, "line 3", "need at least " + ((3L * 8 + bigrams * 18) >> 20) + " MiB of heap",
          "maximum of " + (heap >> 20) + " MiB", "-Xmx");
    }

    e = assertThrows(ArpaFormatException.class,
        () -> NgramModel.readArpa(write(TINY), ArpaOptions.defaults().withMaxNgrams(6)));
    assertNames(e, "line 3", "declares 8 n-grams up to order 2, more than the limit of 6", "ArpaOptions.maxNgrams");
  }

  @Test
  void headerLinesAreStrict() throws IOException {
    assertNames(malformed(TINY.replace("ngram 1=5", "ngram 1=-5")), "line 2", "non-negative integer");
    assertNames(malformed(TINY.replace("ngram 1=5", "ngram 1=0x5")), "line 2", "'ngram 1=0x5'");
    assertNames(malformed(TINY.replace("ngram 1=5", "ngram 1=99999999999999999999")), "line 2",
        "non-negative integer");
    assertNames(malformed(TINY.replace("ngram 1=5", "ngram 2=5")), "line 2", "expected 'ngram 1=COUNT'",
        "count up from 1");
    StringBuilder deep = new StringBuilder("\\data\\\n");
    for (int n = 1; n <= NgramOptions.MAX_ORDER + 1; n++) {
      deep.append("ngram ").append(n).append("=0\n");
    }
    ArpaFormatException e = malformed(deep.toString());
    assertNames(e, "line " + (NgramOptions.MAX_ORDER + 2), "order 17 is above the highest this library reads, 16");
    assertNames(malformed("just text\n"), "no \\data\\ header found: this is not an ARPA file");
  }

  @Test
  void theEntriesMustMatchTheCounts() throws IOException {
    assertNames(malformed(TINY.replace("ngram 1=5", "ngram 1=4")), "line 10",
        "more 1-grams than the header's 'ngram 1=4'", "'-0.8\tb\t-0.2'");
    assertNames(malformed(TINY.replace("ngram 2=3", "ngram 2=4")), "expected 4 2-grams as the header said",
        "found only 3");
  }

  // ------------------------------------------------------------------ numbers

  @Test
  void numbersAreDecimalAndWithinFloat() throws IOException {
    for (String bad : new String[] {"0x1p3", "1f", "-1d", "NaN", "Infinity", "-Infinity", "inf", "+0.5", "-",
        ".", "1e", "1.2.3", "-1e-", "1e+", "\u0661", "--1", "-0.5x", "1_0"}) {
      ArpaFormatException e = malformed(TINY.replace("-0.6\ta\t-0.3", bad + "\ta\t-0.3"));
      assertEquals(9, e.lineNumber(), bad);
      assertNames(e, "log10 probability '" + bad + "' is not a decimal number", "-3.4e-05");
      e = malformed(TINY.replace("-0.6\ta\t-0.3", "-0.6\ta\t" + bad));
      assertNames(e, "log10 backoff '" + bad + "' is not a decimal number");
    }
    assertNames(malformed(TINY.replace("-0.6\ta\t-0.3", "-1e39\ta\t-0.3")),
        "log10 probability '-1e39' is beyond float's range", "line 9");
    assertNames(malformed(TINY.replace("-0.6\ta\t-0.3", "-0.6\ta\t4e38")), "log10 backoff '4e38' is beyond");
    ArpaFormatException e = malformed(TINY.replace("-0.6\ta\t-0.3", "-0.6\ta\t" + "1".repeat(101)));
    assertNames(e, "is not a decimal number", "...' (101 characters)");
  }

  /** The ARPA number grammar, {@code -?digits[.digits][(e|E)[+-]?digits]}, checked character by character. */
  private static boolean decimal(String s) {
    return DECIMAL.matcher(s).matches();
  }

  private static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile("-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  @Test
  void theConstantTimeSpellingCheckAfterParsingIsTheGrammar() {
    // the reader parses with Float.parseFloat, then looks at the first two characters and the last
    String alphabet = "0123456789.-+eExXfFdDNaInity \t\u000b\u00a0";
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    int accepted = 0;
    for (int i = 0; i < 100_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int k = random.nextInt(9); k > 0; k--) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String s = random.nextInt(4) == 0 ? "-" + random.nextInt(100) + "." + random.nextInt(100) + b : b.toString();
      boolean parses;
      try {
        Float.parseFloat(s);
        parses = true;
      } catch (NumberFormatException e) {
        parses = false;
      }
      boolean reader = parses && Arpa.decimalSpelling(s);
      assertEquals(decimal(s), reader, "'" + s + "'");
      accepted += reader ? 1 : 0;
    }
    assertTrue(accepted > 2_500, "the sample holds numbers too: " + accepted);
  }

  @Test
  void positiveLog10ProbabilitiesAreRefused() throws IOException {
    // the finding: positive values were accepted and a perplexity of 0.116 reported
    ArpaFormatException e = malformed(TINY.replace("-0.6\ta\t-0.3", "0.5\ta\t-0.3"));
    assertNames(e, "line 9", "positive log10 probability '0.5'", "at most 0", "KenLM refuses");
    e = malformed(TINY.replace("-0.2\ta b", "1e-9\ta b"));
    assertNames(e, "line 14", "positive log10 probability '1e-9'");
  }

  @Test
  void theFormsWritersUseAreRead() throws IOException {
    String text = TINY.replace("-0.6\ta\t-0.3", "-6E-1\ta\t0.25")
        .replace("-1.0\t<unk>\t0", "-inf\t<unk>\t-0")
        .replace("-0.8\tb\t-0.2", "-.8\tb\t-inf")
        .replace("-0.1\t<s> a", "-1.0e-01 <s>  a");
    NgramModel m = NgramModel.readArpa(write(text));
    assertEquals(-0.6, m.entry(List.of("a")).orElseThrow().log10Prob(), 1e-6);
    assertEquals(0.25, m.entry(List.of("a")).orElseThrow().log10Backoff(), 1e-6);
    assertEquals(Double.NEGATIVE_INFINITY, m.entry(List.of("<unk>")).orElseThrow().log10Prob());
    assertEquals(Double.NEGATIVE_INFINITY, m.entry(List.of("b")).orElseThrow().log10Backoff());
    assertEquals(-0.1, m.entry(List.of("<s>", "a")).orElseThrow().log10Prob(), 1e-6);
  }

  // ------------------------------------------------------------------ the end of the file

  @Test
  void onlyBlankLinesMayFollowTheEnd() throws IOException {
    NgramModel.readArpa(write(TINY + "\n  \n\t\n"));
    ArpaFormatException e = malformed(TINY + "\n\\data\\\nngram 1=1\n");
    assertEquals(19, e.lineNumber());
    assertNames(e, "line 19", "text after \\end\\", "'\\data\\'", "two files were not joined");
  }

  @Test
  void aDamagedGzipTrailerIsReportedThoughTheDataEndedAtEnd() throws IOException {
    byte[] gz = gzip(TINY.getBytes(StandardCharsets.UTF_8));
    Path ok = Files.write(dir.resolve("ok.arpa.gz"), gz);
    NgramModel.readArpa(ok);
    for (int at : new int[] {gz.length - 8, gz.length - 1}) { // the CRC-32, the length
      byte[] bad = gz.clone();
      bad[at] ^= 0x40;
      Path f = Files.write(dir.resolve("bad.arpa.gz"), bad);
      ArpaFormatException e = assertThrows(ArpaFormatException.class, () -> NgramModel.readArpa(f));
      assertInstanceOf(CorruptInputException.class, e.getCause());
      assertNames(e, "bad.arpa.gz line 18", "a damaged gzip stream", "after 17 complete lines", "copy it again");
      assertNull(e.line());
    }
    Path header = Files.write(dir.resolve("header.arpa.gz"), new byte[] {0x1f, (byte) 0x8b, 9, 9, 9, 9, 9, 9, 9, 9, 9});
    ArpaFormatException e = assertThrows(ArpaFormatException.class, () -> NgramModel.readArpa(header));
    assertInstanceOf(CorruptInputException.class, e.getCause());
    assertNames(e, "header.arpa.gz line 1", "a damaged gzip stream");
  }

  // ------------------------------------------------------------------ limits

  @Test
  void theLineAndByteLimitsAreTypedWithTheirCause() throws IOException {
    Path f = write(TINY.replace("-0.6\ta\t-0.3", "-0.6\t" + "a".repeat(100) + "\t-0.3"));
    ArpaFormatException e = assertThrows(ArpaFormatException.class,
        () -> NgramModel.readArpa(f, ArpaOptions.defaults().withMaxLineChars(50)));
    assertInstanceOf(InputLimitException.class, e.getCause());
    assertEquals(9, e.lineNumber());
    assertNames(e, "line 9", "longer than 50 characters", "exceeds the limit of 50", "ArpaOptions");

    Path g = write("#".repeat(200) + "\n" + TINY);
    e = assertThrows(ArpaFormatException.class, () -> NgramModel.readArpa(g, ArpaOptions.defaults().withMaxBytes(100)));
    assertInstanceOf(InputLimitException.class, e.getCause());
    assertNames(e, "line 1", "more than 100 bytes", "ArpaOptions");
  }

  @Test
  void theCountsAreCheckedAgainstTheByteLimitWhenItIsBelowTheFileSize() throws IOException {
    // read in blocks of 64 KiB: the header is checked before the reader reaches the limit
    Path f = write("\\data\\\nngram 1=400000\n\n\\1-grams:\n" + "#\n".repeat(1 << 20));
    ArpaFormatException e = assertThrows(ArpaFormatException.class,
        () -> NgramModel.readArpa(f, ArpaOptions.defaults().withMaxBytes(1 << 20)));
    assertNames(e, "line 2", "need at least 1200000 bytes", "may deliver at most 1048576 bytes (ArpaOptions.maxBytes)");
  }

  @Test
  void optionsAreValidated() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ArpaOptions.defaults().withMaxLineChars(0));
    assertTrue(e.getMessage().contains("maxLineChars=0") && e.getMessage().contains("default is 1048576"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ArpaOptions.defaults().withMaxBytes(-1));
    assertTrue(e.getMessage().contains("maxBytes=-1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ArpaOptions.defaults().withMaxNgrams(0));
    assertTrue(e.getMessage().contains("maxNgrams=0"), e.getMessage());
  }

  // ------------------------------------------------------------------ words

  @Test
  void wordsAreCheckedWithTheirLine() throws IOException {
    assertNames(malformed(TINY.replace("-0.8\tb\t-0.2", "-0.8\tb\rc\t-0.2")), "line 10", "carriage return");
    assertNames(malformed(TINY.replace("-0.2\ta b", "-0.2\ta " + "z".repeat(150))), "line 14",
        "word 'zzz", "' (150 characters) has no unigram entry");
    assertNames(malformed(TINY.replace("-0.8\tb\t-0.2", "-0.8\ta\t-0.2")), "line 10", "duplicate unigram 'a'");
    assertNames(malformed(TINY.replace("-0.2\ta b", "-0.2\t<s> a")), "line 14", "duplicate 2-gram");
    ArpaFormatException e = malformed(TINY.replace("0\t<s>\t-0.5", "0\t<t>\t-0.5"));
    assertNames(e, "line 5", "the unigrams (from this line) lack <s>");
  }
}
