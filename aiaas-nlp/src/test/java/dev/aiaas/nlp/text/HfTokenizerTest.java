package dev.aiaas.nlp.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link HfTokenizer} on the real all-MiniLM-L6-v2 and GPT-2 tokenizers: the encoding's parts,
 * the file's truncation and padding, batches, pairs, decoding. The ids below are those of
 * Hugging Face's tokenizers (checked against DJL in {@link HfTokenizersVsDjlTest}).
 */
class HfTokenizerTest {

  static HfTokenizer minilm;
  static HfTokenizer gpt2;

  @BeforeAll
  static void load() throws Exception {
    minilm = HfFixtures.minilm();
    gpt2 = HfFixtures.gpt2();
  }

  @Test
  void minilmEncodesWithTheFilesTemplateTruncationAndPadding() {
    assertEquals(30522, minilm.vocabSize());
    assertEquals(128, minilm.truncation().orElseThrow().maxLength());
    assertEquals(128, minilm.padding().orElseThrow().fixedLength());
    Encoding e = minilm.encode("Hello, world!");
    assertEquals(128, e.length(), "the file pads every text to 128");
    assertArrayEquals(new int[] {101, 7592, 1010, 2088, 999, 102, 0, 0}, Arrays.copyOf(e.ids(), 8));
    assertEquals(List.of("[CLS]", "hello", ",", "world", "!", "[SEP]", "[PAD]"), e.tokens().subList(0, 7));
    assertEquals(6, Arrays.stream(e.attentionMask()).sum());
    assertEquals(0, e.attentionMask()[6]);
    assertEquals(0, Arrays.stream(e.typeIds()).sum());
    assertArrayEquals(new int[] {1, 0, 0, 0, 0, 1, 1}, Arrays.copyOf(e.specialTokensMask(), 7));
    // offsets into the original text: "Hello" is [0, 5), "!" is [12, 13)
    assertEquals(0, e.starts()[1]);
    assertEquals(5, e.ends()[1]);
    assertEquals(12, e.starts()[4]);
    assertEquals(13, e.ends()[4]);
  }

  @Test
  void longTextsAreTruncatedTo128WithTheSeparatorKept() {
    String longText = "the whale ".repeat(200);
    Encoding e = minilm.encode(longText);
    assertEquals(128, e.length());
    assertEquals(101, e.ids()[0]);
    assertEquals(102, e.ids()[127]);
    assertEquals(128, Arrays.stream(e.attentionMask()).sum());
    Encoding full = minilm.withTruncation(null).withPadding(null).encode(longText);
    assertEquals(402, full.length());
    Encoding left = minilm.withTruncation(new Truncation(10, Truncation.Strategy.LONGEST_FIRST,
        Truncation.Direction.LEFT, 0)).withPadding(null).encode("one two three four five six seven eight nine ten");
    assertEquals(List.of("[CLS]", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "[SEP]"),
        left.tokens());
  }

  @Test
  void withoutPaddingASingleTextKeepsItsLengthAndABatchIsPaddedToItsLongest() {
    HfTokenizer t = minilm.withPadding(null);
    assertEquals(6, t.encode("Hello, world!").length());
    List<Encoding> batch = t.encodeBatch(List.of("Hello, world!", "a", "The quick brown fox jumps."));
    assertEquals(List.of(8, 8, 8), batch.stream().map(Encoding::length).toList());
    assertArrayEquals(new int[] {101, 1037, 102, 0, 0, 0, 0, 0}, batch.get(1).ids());
    assertArrayEquals(new int[] {1, 1, 1, 0, 0, 0, 0, 0}, batch.get(1).attentionMask());
    // the file's padding (Fixed 128) applies to batches too
    assertEquals(128, minilm.encodeBatch(List.of("a", "b c")).get(1).length());
    // left padding to a multiple of 4
    Padding p = new Padding(0, Padding.Direction.LEFT, 4, 0, 0, "[PAD]");
    List<Encoding> left = t.withPadding(p).encodeBatch(List.of("a", "a b c d"));
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 101, 1037, 102}, left.get(0).ids());
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 1}, left.get(0).attentionMask());
    assertEquals(8, left.get(1).length());
    assertEquals(List.of(), t.encodeBatch(List.of()));
  }

  @Test
  void pairsHaveTypeIdsOneForTheSecondText() {
    Encoding e = minilm.withPadding(null).encode("a whale", "the sea");
    assertEquals(List.of("[CLS]", "a", "whale", "[SEP]", "the", "sea", "[SEP]"), e.tokens());
    assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1}, e.typeIds());
  }

  @Test
  void specialTokensCanBeLeftOut() {
    Encoding e = minilm.withPadding(null).encode("Hello, world!", false);
    assertArrayEquals(new int[] {7592, 1010, 2088, 999}, e.ids());
    assertEquals(List.of("hello", ",", "world", "!"), minilm.tokenize("Hello, world!"));
  }

  @Test
  void wordPieceSplitsIntoContinuingPiecesAndLongWordsAreUnknown() {
    assertEquals(List.of("una", "##ffa", "##ble"), minilm.tokenize("unaffable"));
    assertEquals(List.of("[UNK]"), minilm.tokenize("a".repeat(101)), "over max_input_chars_per_word");
    assertEquals(List.of("naive", "cafe"), minilm.tokenize("Naïve CAFÉ"), "accents stripped, lower-cased");
    assertEquals(List.of("[CLS]"), minilm.tokenize("[CLS]"), "an added token in the text");
  }

  @Test
  void minilmDecodesAsHuggingFaceDoes() {
    int[] ids = minilm.encode("Hello, world! It's unaffable.").ids();
    // Hugging Face's cleanup works token by token, so the apostrophe keeps its spaces (as DJL's)
    assertEquals("hello, world! it ' s unaffable.", minilm.decode(ids));
    assertTrue(minilm.decode(ids, false).startsWith("[CLS] hello"));
    assertThrows(IllegalArgumentException.class, () -> minilm.decode(new int[] {30522}));
    assertThrows(IllegalArgumentException.class, () -> minilm.decode(new int[] {-1}));
    assertEquals(101, minilm.tokenId("[CLS]").orElseThrow());
    assertFalse(minilm.tokenId("not-a-token-xyz").isPresent());
    assertEquals("##ing", minilm.token(minilm.tokenId("##ing").orElseThrow()));
  }

  @Test
  void gpt2EncodesToItsKnownIds() {
    assertEquals(50257, gpt2.vocabSize());
    assertArrayEquals(new int[] {15496, 995}, gpt2.encode("Hello world").ids());
    assertArrayEquals(new int[] {18435}, gpt2.encode(" Hello").ids());
    assertArrayEquals(new int[] {50256}, gpt2.encode("<|endoftext|>").ids());
    assertEquals(List.of("Hello", ",", "Ġworld", "!"), gpt2.tokenize("Hello, world!"));
    assertEquals(0, gpt2.encode("").length());
    assertTrue(gpt2.truncation().isEmpty());
    assertTrue(gpt2.padding().isEmpty());
  }

  @Test
  void gpt2DecodingGivesBackEveryTextOfTheCorpus() {
    for (String s : HfFixtures.corpus()) {
      int[] ids = gpt2.encode(s).ids();
      assertEquals(s.replace("<|endoftext|>", ""), gpt2.decode(ids), s);
      assertEquals(s, gpt2.decode(ids, false), s);
    }
  }

  @Test
  void loneSurrogatesAreDroppedOrBecomeQuestionMarks() {
    assertEquals(List.of("a", "b"), minilm.tokenize("a\uD800 b"));
    assertEquals("a? b", gpt2.decode(gpt2.encode("a\uD800 b").ids()));
  }

  @Test
  void gpt2CacheGivesTheSameTokensTwice() {
    String s = "Whales whales WHALES whale's whaling";
    assertArrayEquals(gpt2.encode(s).ids(), gpt2.encode(s).ids());
  }

  @Test
  void oneTokenizerServesManyThreadsAlike() throws Exception {
    List<String> corpus = HfFixtures.corpus();
    List<int[]> expected = corpus.stream().map(s -> gpt2.encode(s).ids()).toList();
    HfTokenizer fresh = HfFixtures.gpt2(); // an empty cache, filled by the threads at once
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        results.add(pool.submit(() -> {
          for (int k = 0; k < corpus.size(); k++) {
            int i = (k + offset * 97) % corpus.size();
            if (!Arrays.equals(expected.get(i), fresh.encode(corpus.get(i)).ids())) {
              return false;
            }
          }
          return true;
        }));
      }
      for (var r : results) {
        assertTrue(r.get());
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void longInputsStayFast() {
    // BPE merges with a heap (n log n), WordPiece gives up past 100 characters: no quadratic time
    assertEquals(25_000, gpt2.encode("x".repeat(200_000)).length());
    assertEquals(List.of("[CLS]", "[UNK]", "[SEP]"), minilm.withPadding(null).encode("x".repeat(200_000)).tokens());
  }

  @Test
  void encodingsAreImmutableAndValidated() {
    Encoding e = minilm.withPadding(null).encode("whale");
    int[] ids = e.ids();
    ids[0] = 7;
    assertEquals(101, e.ids()[0]);
    assertEquals(e, minilm.withPadding(null).encode("whale"));
    assertNotEquals(e, minilm.withPadding(null).encode("whales"));
    assertArrayEquals(new long[] {101, 13156, 102}, e.idsAsLongs());
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
        () -> new Encoding(new int[2], new int[1], new int[2], new int[2], List.of("a", "b"), new int[2], new int[2]));
    assertTrue(x.getMessage().contains("typeIds 1"), x.getMessage());
  }

  @Test
  void truncationAndPaddingSettingsAreValidated() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Truncation.of(0)).getMessage()
        .contains("got 0"));
    assertThrows(IllegalArgumentException.class,
        () -> new Truncation(5, Truncation.Strategy.ONLY_FIRST, Truncation.Direction.RIGHT, -1));
    assertThrows(IllegalArgumentException.class,
        () -> new Padding(-1, Padding.Direction.RIGHT, 1, 0, 0, "[PAD]"));
    assertThrows(IllegalArgumentException.class,
        () -> new Padding(0, Padding.Direction.RIGHT, 0, 0, 0, "[PAD]"));
    assertThrows(IllegalArgumentException.class,
        () -> new Padding(0, Padding.Direction.RIGHT, 1, -2, 0, "[PAD]"));
  }

  @Test
  void onlyFirstAndOnlySecondTruncateOneText() {
    HfTokenizer t = minilm.withPadding(null);
    Encoding first = t.withTruncation(new Truncation(7, Truncation.Strategy.ONLY_FIRST,
        Truncation.Direction.RIGHT, 0)).encode("a b c d e", "x y");
    assertEquals(List.of("[CLS]", "a", "b", "[SEP]", "x", "y", "[SEP]"), first.tokens());
    Encoding second = t.withTruncation(new Truncation(7, Truncation.Strategy.ONLY_SECOND,
        Truncation.Direction.RIGHT, 0)).encode("x y", "a b c d e");
    assertEquals(List.of("[CLS]", "x", "y", "[SEP]", "a", "b", "[SEP]"), second.tokens());
  }
}
