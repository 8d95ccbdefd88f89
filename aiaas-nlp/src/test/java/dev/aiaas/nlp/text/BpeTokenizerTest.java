package dev.aiaas.nlp.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.nlp.corpus.Corpora;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte-level BPE: hand-worked merges, round trips, the file format and errors. */
class BpeTokenizerTest {

  private static final int A = 'a';
  private static final int B = 'b';
  private static final int C = 'c';
  private static final int D = 'd';

  /**
   * Wikipedia's example "aaabdaaabac". Overlapping pairs: aa 4, ab 2, the rest 1, so merge 256 =
   * a+a; "aaab" becomes [256, a, b] twice: pairs (256,a) 2 and (a,b) 2 tie, the smaller left id
   * wins, so 257 = a+b; then (256,257) occurs twice: 258 = aa+ab = "aaab", leaving
   * [258, d, 258, a, c] (Wikipedia's "XdXac"). Every pair left occurs once, so with the default
   * minimum count of 2 training stops there.
   */
  @Test
  void wikipediaExampleMergesByHand() {
    BpeTokenizer bpe = BpeTokenizer.train(List.of("aaabdaaabac"), 1000);
    assertEquals(259, bpe.vocabSize());
    List<int[]> m = bpe.merges();
    assertArrayEquals(new int[] {A, A}, m.get(0));
    assertArrayEquals(new int[] {A, B}, m.get(1));
    assertArrayEquals(new int[] {256, 257}, m.get(2));
    assertArrayEquals(new int[] {258, D, 258, A, C}, bpe.encode("aaabdaaabac"));
    assertEquals(List.of("aaab", "d", "aaab", "a", "c"), bpe.tokenize("aaabdaaabac"));
    // With a minimum count of 1 the once-seen pairs follow, smallest left id first:
    // (a,c) 97+99 before (d,258) and (258,a), (258,d).
    BpeTokenizer all = BpeTokenizer.train(List.of("aaabdaaabac"), 260, 1);
    assertArrayEquals(new int[] {A, C}, all.merges().get(3));
    assertArrayEquals(new int[] {258, D, 258, 259}, all.encode("aaabdaaabac"));
  }

  @Test
  void tiesDoNotDependOnTextOrder() {
    BpeTokenizer x = BpeTokenizer.train(List.of("ba", "ab"), 257, 1);
    BpeTokenizer y = BpeTokenizer.train(List.of("ab", "ba"), 257, 1);
    assertArrayEquals(new int[] {A, B}, x.merges().get(0));
    assertArrayEquals(x.merges().get(0), y.merges().get(0));
  }

  @Test
  void mergesStayInsideGpt2Chunks() {
    // " a" and "a" are different chunks; "a a a" splits into "a", " a", " a": pair (space, a) 2.
    BpeTokenizer bpe = BpeTokenizer.train(List.of("a a a"), 300);
    assertEquals(257, bpe.vocabSize());
    assertArrayEquals(new int[] {' ', A}, bpe.merges().get(0));
    assertEquals(List.of("a", "Ġa", "Ġa"), bpe.tokenize("a a a"));
  }

  @Test
  void roundTripsAnyUnicode() {
    BpeTokenizer bpe = BpeTokenizer.train(List.of("the whale, the sea; 鯨 と 海 🐳🐳"), 300);
    for (String s : List.of("", " ", "Call me Ishmael.\n\tTabs  and  spaces ",
        "鯨は海にいる。白鯨", "emoji 🐳🐋 and flags 🇯🇵, ZWJ 👩‍👩‍👧", "e\u0301 combining",
        "\u0000 control \u007f", "the whale the sea 🐳🐳")) {
      assertEquals(s, bpe.decode(bpe.encode(s)), s);
    }
    int[] whale = bpe.encode("🐳");
    assertEquals(1, whale.length, "the emoji's four bytes were merged in training");
    assertEquals(4, bpe.tokenBytes(whale[0]).length);
  }

  @Test
  void saveLoadRoundTrip(@TempDir Path dir) throws IOException {
    BpeTokenizer bpe = BpeTokenizer.train(List.of("aaabdaaabac", "鯨 鯨 🐳 🐳"), 300);
    Path f = dir.resolve("bpe.txt");
    bpe.save(f);
    List<String> lines = Files.readAllLines(f);
    assertEquals("aiaas-bpe 1", lines.get(0));
    assertEquals("merges " + (bpe.vocabSize() - 256), lines.get(1));
    assertEquals("97 97 aa", lines.get(2));
    BpeTokenizer back = BpeTokenizer.load(f);
    assertEquals(bpe.vocabSize(), back.vocabSize());
    for (int i = 0; i < bpe.vocabSize() - 256; i++) {
      assertArrayEquals(bpe.merges().get(i), back.merges().get(i));
    }
    assertArrayEquals(bpe.encode("aaab 鯨🐳"), back.encode("aaab 鯨🐳"));
  }

  @Test
  void loadRejectsNewerAndMalformedFiles(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bpe.txt");
    assertLoadFails(f, "aiaas-bpe 2\nmerges 0\n", "format version 2, this library reads up to 1");
    assertLoadFails(f, "", "line 1");
    assertLoadFails(f, "aiaas-bpe x\n", "line 1: the format version should be a non-negative integer, found 'x'");
    assertLoadFails(f, "aiaas-bpe 1\n", "line 2");
    assertLoadFails(f, "aiaas-bpe 1\nmerges 2\n97 97 aa\n", "line 4: the file ends after 1 of 2");
    assertLoadFails(f, "aiaas-bpe 1\nmerges 1\n97 97\n", "line 3: expected 'leftId rightId token'");
    assertLoadFails(f, "aiaas-bpe 1\nmerges 1\n97 z aa\n", "line 3: right id should be a non-negative integer, found 'z'");
    assertLoadFails(f, "aiaas-bpe 1\nmerges 1\n97 256 aa\n", "line 3: right id 256 is not defined before merge 256");
    assertLoadFails(f, "aiaas-bpe 1\nmerges 1\n97 98 aa\n", "line 3: token 'aa' does not match");
    assertLoadFails(f, "aiaas-bpe 1\nmerges 0\n97 98 ab\n", "line 3: expected the end");
  }

  private static void assertLoadFails(Path f, String content, String expected) throws IOException {
    Files.writeString(f, content);
    BpeFormatException e = assertThrows(BpeFormatException.class, () -> BpeTokenizer.load(f));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void rejectsBadArguments() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BpeTokenizer.train(List.of("abc"), 255));
    assertTrue(e.getMessage().contains("vocabSize=255"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.train(List.of(), 300));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.train(List.of("", ""), 300));
    assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.train(List.of("ab"), 300, 0));
    BpeTokenizer bytesOnly = BpeTokenizer.train(List.of("abc"), 256);
    assertEquals(256, bytesOnly.vocabSize());
    assertThrows(IllegalArgumentException.class, () -> bytesOnly.decode(new int[] {256}));
    assertThrows(IllegalArgumentException.class, () -> bytesOnly.token(-1));
  }

  /** About 1,000 merges on the Moby-Dick training part; the test part round-trips. */
  @Test
  void learnsMobyDick() throws IOException {
    List<String> train = lines(true);
    long t0 = System.nanoTime();
    BpeTokenizer bpe = BpeTokenizer.train(train, 1256);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(1256, bpe.vocabSize());
    assertEquals("Ġthe", bpe.token(bpe.encode(" the")[0]));
    long chars = 0;
    long ids = 0;
    for (String s : lines(false)) {
      int[] enc = bpe.encode(s);
      assertEquals(s, bpe.decode(enc));
      chars += s.length();
      ids += enc.length;
    }
    assertTrue(ids * 3 < chars, "fewer than a third as many tokens as characters: " + ids);
    System.out.printf("BPE: 1,000 merges on Moby-Dick train in %d ms; test %d chars -> %d tokens%n",
        ms, chars, ids);
  }

  private static List<String> lines(boolean train) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        train ? Corpora.openMobyDickTrain() : Corpora.openMobyDickTest(), StandardCharsets.UTF_8))) {
      return r.lines().collect(Collectors.toList());
    }
  }
}
