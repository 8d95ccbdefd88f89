package dev.aiaas.nlp.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed merges file {@code bpe-format-1.txt} (format version 1) must keep loading to the
 * same tokenizer: the encodings below were recorded when the file was written, by
 * {@code BpeTokenizer.train(LINES, 256 + 40)}. If this test fails, the file format or the encoder
 * changed: old files would tokenize differently, and models built with them would no longer fit.
 */
class BpeFormatFixtureTest {

  /** The training lines of the fixture (for the record; the test reads only the file). */
  static final List<String> LINES = List.of(
      "Call me Ishmael.",
      "Some years ago, never mind how long precisely, having little or no money in my purse,",
      "and nothing particular to interest me on shore, I thought I would sail about a little",
      "and see the watery part of the world.",
      "Naïve café owners said: “the whale, the whale!” 🐳");

  private static Path fixture() throws URISyntaxException {
    return Path.of(BpeFormatFixtureTest.class.getResource("bpe-format-1.txt").toURI());
  }

  @Test
  void loadsToTheRecordedMergesAndEncodings() throws Exception {
    BpeTokenizer bpe = BpeTokenizer.load(fixture());
    assertEquals(296, bpe.vocabSize());
    assertArrayEquals(new int[] {116, 104}, bpe.merges().get(0)); // 256 = "th"
    assertArrayEquals(new int[] {226, 128}, bpe.merges().get(29)); // 285 = first two bytes of “
    assertArrayEquals(new int[] {289, 116}, bpe.merges().get(39)); // 295 = "Ġpar" + "t"
    assertArrayEquals(
        new int[] {67, 97, 108, 108, 286, 267, 115, 104, 109, 97, 277, 46},
        bpe.encode("Call me Ishmael."));
    assertArrayEquals(
        new int[] {256, 101, 258, 97, 283, 121, 258, 111, 114, 280},
        bpe.encode("the watery world"));
    assertArrayEquals(
        new int[] {97, 294, 260, 102, 268, 32, 99, 97, 102, 195, 169, 32, 240, 159, 144, 179},
        bpe.encode("a whale of a café 🐳"));
    assertArrayEquals(new int[] {81, 117, 101, 101, 113, 117, 101, 103}, bpe.encode("Queequeg"));
    assertEquals(
        List.of("C", "a", "l", "l", "Ġme", "ĠI", "s", "h", "m", "a", "el", "."),
        bpe.tokenize("Call me Ishmael."));
    assertEquals("a whale of a café 🐳", bpe.decode(bpe.encode("a whale of a café 🐳")));
  }

  @Test
  void writesTheFixtureBackByteForByte() throws Exception {
    BpeTokenizer bpe = BpeTokenizer.load(fixture());
    StringWriter out = new StringWriter();
    bpe.write(out);
    assertEquals(Files.readString(fixture(), StandardCharsets.UTF_8), out.toString());
  }

  @Test
  void loadsAsATokenizerFile() throws IOException, URISyntaxException {
    Tokenizer t = TokenizerFiles.load(fixture());
    BpeTokenizer bpe = assertInstanceOf(BpeTokenizer.class, t);
    assertArrayEquals(new int[] {256, 101, 258, 97, 283, 121, 258, 111, 114, 280}, bpe.encode("the watery world"));
    assertEquals("bpe (40 merges)", TokenizerFiles.describe(t));
  }
}
