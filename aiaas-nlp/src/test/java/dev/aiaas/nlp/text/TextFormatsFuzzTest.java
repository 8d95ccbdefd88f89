package dev.aiaas.nlp.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.InputLimitException;
import dev.aiaas.core.io.Inputs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The small text formats (BPE merges, vocabulary, tokenizer file) and the corpus reader, damaged:
 * every truncation, seeded random byte flips, text-level mutations (lines duplicated, deleted or
 * swapped, counts changed, odd tokens) and crafted files (huge declared counts, giant lines, gzip
 * bombs, duplicates, invalid UTF-8). Each read ends normally or in the format's exception (for the
 * corpus, core's {@link InputLimitException} or {@link CorruptInputException}); nothing else is
 * thrown, within the fuzz JVM's 256 MB heap. {@code -Daiaas.fuzz.scale=N} multiplies the random
 * cases.
 */
@Tag("fuzz")
class TextFormatsFuzzTest {

  private static final int SCALE = Integer.getInteger("aiaas.fuzz.scale", 1);
  private static final TextLimits LIMITS = TextLimits.defaults().withMaxBytes(1 << 20);

  /** A reader of one format: the bytes as stored in, a result or the format's exception out. */
  @FunctionalInterface
  private interface Reader {
    Object read(byte[] stored) throws IOException;
  }

  /** The exceptions a format's reader may end in. */
  private record Format(String name, Reader reader, List<Class<? extends IOException>> typed) {

    /** Reads; true if it read, false if it ended in one of the typed exceptions. */
    boolean read(byte[] stored) {
      try {
        reader.read(stored);
        return true;
      } catch (IOException e) {
        if (typed.stream().noneMatch(t -> t.isInstance(e))) {
          fail(name + ": expected " + typed + ", not " + e + " for " + show(stored), e);
        }
        assertTrue(e.getMessage().length() < 2_000, "a bounded message: " + e.getMessage().length());
        return false;
      } catch (Throwable t) {
        fail(name + ": a damaged file must end in " + typed + ", not " + t + " for " + show(stored), t);
        return false;
      }
    }
  }

  private static String show(byte[] b) {
    return Inputs.excerpt(new String(b, 0, Math.min(b.length, 200), StandardCharsets.ISO_8859_1));
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
      z.write(data);
    }
    return bytes.toByteArray();
  }

  private static final Format BPE = new Format("merges",
      b -> BpeFile.read(new ByteArrayInputStream(b), b.length, "fuzz.bpe", LIMITS), List.of(BpeFormatException.class));
  private static final Format VOCABULARY = new Format("vocabulary",
      b -> Vocabulary.read(new ByteArrayInputStream(b), b.length, "fuzz.vocab", LIMITS),
      List.of(VocabularyFormatException.class));
  private static final Format TOKENIZER = new Format("tokenizer file",
      b -> TokenizerFiles.read(new ByteArrayInputStream(b), b.length, "fuzz.tokenizer", LIMITS),
      List.of(TokenizerFormatException.class, BpeFormatException.class));
  private static final Format HF_JSON = new Format("tokenizer.json", b -> {
    HfTokenizer t = HfTokenizers.read(new ByteArrayInputStream(b), "fuzz.json", 1 << 20);
    // a damaged file that still loads must encode and decode without crashing
    Encoding e = t.encode("Naïve café 🐳 the whale, [CLS] <|endoftext|> whales!", "a pair");
    try {
      t.decode(e.ids());
    } catch (IllegalArgumentException x) {
      // an id of the template or padding that the vocabulary lacks: decode's documented refusal
    }
    return t.encodeBatch(List.of("a", "the whales of the sea"));
  }, List.of(TokenizerFormatException.class));
  private static final Format CORPUS = new Format("corpus", b -> {
    List<List<String>> out = new ArrayList<>();
    TextFiles.forEachSentence(new ByteArrayInputStream(b), "fuzz.txt", new WordTokenizer(true), LIMITS, out::add);
    return out;
  }, List.of(InputLimitException.class, CorruptInputException.class));

  private static byte[] bpeFile() throws IOException {
    BpeTokenizer bpe = BpeTokenizer.train(List.of("the whale, the whale!", "Naïve café owners 🐳 said: “the sea”",
        "call me ishmael", "the watery part of the world"), 256 + 40);
    StringWriter w = new StringWriter();
    bpe.write(w);
    return w.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] vocabularyFile() throws IOException {
    Vocabulary v = Vocabulary.of(List.of("whale", "ship", "ahab", "café", "鯨", "🐳", "sea", "the", "a", "of"));
    java.nio.file.Path f = java.nio.file.Files.createTempFile("fuzz", ".vocab");
    try {
      v.save(f);
      return java.nio.file.Files.readAllBytes(f);
    } finally {
      java.nio.file.Files.delete(f);
    }
  }

  private static final byte[] TOKENIZER_FILE = "aiaas-tokenizer 1\nword lowercase\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CORPUS_FILE = ("Call me Ishmael.\nSome years ago - never mind how long precisely -\n"
      + "having little or no money in my purse, I thought I would sail about.\n\nNaïve café 🐳 鯨\n")
      .getBytes(StandardCharsets.UTF_8);

  /** Every truncation, 10,000 seeded flips (half of them of the gzip-compressed file), 2,000 mutations. */
  private static void fuzz(Format format, byte[] valid, long seed) throws IOException {
    assertTrue(format.read(valid), format.name + " reads its valid file");
    byte[] gz = gzip(valid);
    assertTrue(format.read(gz), format.name + " reads its valid file gzip-compressed");
    for (int n = 0; n < valid.length; n++) {
      format.read(Arrays.copyOf(valid, n));
    }
    int refused = 0;
    for (int n = 2; n < gz.length; n++) { // from two bytes on, the file is gzip (1f 8b)
      refused += format.read(Arrays.copyOf(gz, n)) ? 0 : 1;
    }
    assertEquals(gz.length - 2, refused, format.name + ": every truncation of a gzip file is refused");
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 10_000 * SCALE; i++) {
      byte[] b = (i % 2 == 0 ? valid : gz).clone();
      for (int k = 1 + random.nextInt(4); k > 0; k--) {
        b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
      }
      format.read(b);
    }
    String[] odd = {"", " ", "0", "-1", "256", "2147483647", "99999999999999999999", "merges 999999999",
        "aiaas-bpe 2", "<s>", "<unk>", "\u0000", "\r", "\uFFFD", "x".repeat(300), "1 2", "1 2 3 4"};
    List<String> base = List.of(new String(valid, StandardCharsets.UTF_8).split("\n", -1));
    for (int i = 0; i < 2_000 * SCALE; i++) {
      List<String> lines = new ArrayList<>(base);
      int at = random.nextInt(lines.size());
      switch (random.nextInt(5)) {
        case 0 -> lines.add(at, lines.get(at));
        case 1 -> lines.remove(at);
        case 2 -> {
          int other = random.nextInt(lines.size());
          String t = lines.get(at);
          lines.set(at, lines.get(other));
          lines.set(other, t);
        }
        case 3 -> lines.set(at, odd[random.nextInt(odd.length)]);
        default -> {
          String[] words = lines.get(at).split(" ", -1);
          words[random.nextInt(words.length)] = odd[random.nextInt(odd.length)];
          lines.set(at, String.join(" ", words));
        }
      }
      format.read(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Crafted files every format must refuse: giant lines, gzip bombs, invalid UTF-8. */
  private static void crafted(Format format, byte[] valid) throws IOException {
    byte[] giant = new byte[3 << 20]; // one line of 3 Mi characters, above the 1 Mi default
    Arrays.fill(giant, (byte) 'w');
    assertTrue(!format.read(giant), format.name + ": a giant line");
    assertTrue(!format.read(gzip(giant)), format.name + ": a giant line, gzip-compressed");
    byte[] blank = new byte[2 << 20]; // 2 MiB of newlines from about 2 KiB, above the 1 MiB limit here
    Arrays.fill(blank, (byte) '\n');
    assertTrue(!format.read(gzip(blank)), format.name + ": a gzip bomb");
    byte[] withBadUtf8 = valid.clone();
    withBadUtf8[withBadUtf8.length / 2] = (byte) 0xff;
    format.read(withBadUtf8);
  }

  @Test
  void bpeMergesFiles() throws IOException {
    byte[] valid = bpeFile();
    fuzz(BPE, valid, 1);
    crafted(BPE, valid);
    String text = new String(valid, StandardCharsets.UTF_8);
    for (String bad : new String[] {
        text.replaceFirst("merges \\d+", "merges 2000000000"),
        text.replaceFirst("merges \\d+", "merges 2147483647"),
        text.replaceFirst("merges \\d+", "merges -1"),
        "aiaas-bpe 1\nmerges 3\n97 97 aa\n256 256 aaaa\n257 257 aaaaaaaa\n".replace("aaaaaaaa", "aaaa"),
        text + "97 97 aa\n", // more merges than declared
        text.replaceFirst("\n(\\d+ \\d+ \\S+)\n", "\n$1\n$1\n").replaceFirst("merges (\\d+)", "merges 41")}) {
      assertTrue(!BPE.read(bad.getBytes(StandardCharsets.UTF_8)), "refused: " + Inputs.excerpt(bad));
    }
  }

  @Test
  void vocabularyFiles() throws IOException {
    byte[] valid = vocabularyFile();
    fuzz(VOCABULARY, valid, 2);
    crafted(VOCABULARY, valid);
    String text = new String(valid, StandardCharsets.UTF_8);
    for (String bad : new String[] {text + "whale\n", text + "<s>\n", text + "\n", text.replace("café", "ca\rfé")}) {
      assertTrue(!VOCABULARY.read(bad.getBytes(StandardCharsets.UTF_8)), "refused: " + Inputs.excerpt(bad));
    }
  }

  @Test
  void tokenizerFiles() throws IOException {
    fuzz(TOKENIZER, TOKENIZER_FILE, 3);
    crafted(TOKENIZER, TOKENIZER_FILE);
    fuzz(TOKENIZER, bpeFile(), 4);
  }

  /** A small WordPiece tokenizer.json with every component HfTokenizers reads, one item a line. */
  private static final String HF_WORDPIECE = """
      {"version": "1.0",
      "truncation": {"direction": "Right", "max_length": 12, "strategy": "LongestFirst", "stride": 0},
      "padding": {"strategy": {"Fixed": 16}, "direction": "Right", "pad_to_multiple_of": null, "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"},
      "added_tokens": [
      {"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
      {"id": 1, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
      {"id": 2, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
      {"id": 3, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
      "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
      "pre_tokenizer": {"type": "BertPreTokenizer"},
      "post_processor": {"type": "TemplateProcessing",
      "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
      "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
      "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
      "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
      "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
      "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "the": 4, "whale": 5, "##s": 6, ",": 7,
      "!": 8, "a": 9, "sea": 10, "of": 11, "naive": 12, "cafe": 13, "pair": 14}}}
      """;

  /** A small byte-level BPE tokenizer.json (GPT-2's layout), one item a line. */
  private static final String HF_BPE = """
      {"added_tokens": [{"id": 12, "content": "<|endoftext|>", "special": true}],
      "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": true, "use_regex": true},
      "post_processor": {"type": "ByteLevel"},
      "decoder": {"type": "ByteLevel"},
      "model": {"type": "BPE", "dropout": null, "unk_token": null, "fuse_unk": false, "byte_fallback": false,
      "vocab": {"Ġ": 0, "t": 1, "h": 2, "e": 3, "w": 4, "a": 5, "l": 6, "Ġt": 7, "Ġth": 8, "Ġthe": 9, "wh": 10, "whale": 11, "<|endoftext|>": 12, "al": 13, "ale": 14},
      "merges": [
      "Ġ t",
      "Ġt h",
      "Ġth e",
      "w h",
      "a l",
      "al e",
      "wh ale"]}}
      """;

  @Test
  void huggingFaceTokenizerFiles() throws IOException {
    byte[] wordPiece = HF_WORDPIECE.getBytes(StandardCharsets.UTF_8);
    fuzz(HF_JSON, wordPiece, 6);
    crafted(HF_JSON, wordPiece);
    fuzz(HF_JSON, HF_BPE.getBytes(StandardCharsets.UTF_8), 7);
    String deep = "{\"model\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertTrue(!HF_JSON.read(deep.getBytes(StandardCharsets.UTF_8)), "deep nesting");
  }

  @Test
  void corpusFiles() throws IOException {
    fuzz(CORPUS, CORPUS_FILE, 5);
    crafted(CORPUS, CORPUS_FILE);
    byte[] tokens = ("a" + " a".repeat(100)).getBytes(StandardCharsets.UTF_8);
    Format fewTokens = new Format("corpus", b -> {
      TextFiles.forEachSentence(new ByteArrayInputStream(b), "fuzz.txt", new WhitespaceTokenizer(),
          LIMITS.withMaxTokensPerLine(50), s -> { });
      return null;
    }, CORPUS.typed());
    assertTrue(!fewTokens.read(tokens), "more tokens on a line than the limit");
  }
}
