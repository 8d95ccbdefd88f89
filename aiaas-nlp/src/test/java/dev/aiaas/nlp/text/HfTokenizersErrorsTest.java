package dev.aiaas.nlp.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.InputLimitException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every error path of {@link HfTokenizers}: unsupported components (typed, naming the type and the
 * supported ones), malformed JSON and files, and the size limits checked before allocating.
 */
class HfTokenizersErrorsTest {

  /** A minimal WordPiece tokenizer.json with {@code extra} fields added at the top level. */
  static String wordPiece(String extra) {
    return "{" + extra + "\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\","
        + " \"vocab\": {\"[UNK]\": 0, \"[CLS]\": 1, \"[SEP]\": 2, \"whale\": 3, \"##s\": 4, \"a\": 5}}}";
  }

  static HfTokenizer read(String json) throws IOException {
    return HfTokenizers.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
        "test.json", HfTokenizers.DEFAULT_MAX_BYTES);
  }

  @Test
  void aMinimalFileWorks() throws IOException {
    HfTokenizer t = read(wordPiece("\"normalizer\": {\"type\": \"Lowercase\"},"
        + " \"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"},"
        + " \"post_processor\": {\"type\": \"BertProcessing\", \"sep\": [\"[SEP]\", 2], \"cls\": [\"[CLS]\", 1]},"));
    assertEquals(java.util.List.of("[CLS]", "whale", "##s", "a", "[UNK]", "[SEP]"),
        t.encode("Whales a b").tokens());
    // no decoder in the file: the tokens joined by spaces; [CLS] is a vocabulary entry, not special
    assertEquals("[CLS] whale ##s a [UNK] [SEP]", t.decode(t.encode("Whales a b").ids()));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "normalizer|\"normalizer\": {\"type\": \"Precompiled\"},|Precompiled|BertNormalizer",
      "normalizer|\"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFKC\"}]},|NFKC|Lowercase",
      "pre_tokenizer|\"pre_tokenizer\": {\"type\": \"Metaspace\"},|Metaspace|BertPreTokenizer",
      "post_processor|\"post_processor\": {\"type\": \"Fancy\"},|Fancy|TemplateProcessing",
      "decoder|\"decoder\": {\"type\": \"Metaspace\"},|Metaspace|ByteLevel"})
  void unsupportedComponentsAreRefusedByName(String component, String extra, String type,
      String aSupported) {
    UnsupportedTokenizerException e =
        assertThrows(UnsupportedTokenizerException.class, () -> read(wordPiece(extra)));
    assertEquals(component, e.component());
    assertEquals(type, e.type());
    assertTrue(e.supported().contains(aSupported), e.supported().toString());
    assertTrue(e.getMessage().contains("test.json") && e.getMessage().contains(type)
        && e.getMessage().contains(aSupported) && e.getMessage().contains("Fix:"), e.getMessage());
  }

  @Test
  void unsupportedModelsAndBpeOptionsAreRefused() {
    UnsupportedTokenizerException e = assertThrows(UnsupportedTokenizerException.class,
        () -> read("{\"model\": {\"type\": \"Unigram\", \"vocab\": {\"a\": 0}}}"));
    assertEquals("model", e.component());
    assertEquals("Unigram", e.type());
    assertEquals(HfTokenizers.MODELS, e.supported());
    String bpe = "{\"model\": {\"type\": \"BPE\", %s \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [\"a b\"]}}";
    assertTrue(assertThrows(UnsupportedTokenizerException.class,
        () -> read(String.format(bpe, "\"dropout\": 0.1,"))).getMessage().contains("dropout"));
    assertTrue(assertThrows(UnsupportedTokenizerException.class,
        () -> read(String.format(bpe, "\"byte_fallback\": true,"))).getMessage().contains("byte_fallback"));
    assertTrue(assertThrows(UnsupportedTokenizerException.class,
        () -> read(String.format(bpe, "\"continuing_subword_prefix\": \"##\","))).getMessage()
        .contains("continuing_subword_prefix"));
  }

  @Test
  void bpeMergesInBothFormatsWork() throws IOException {
    String a = "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [\"a b\"]}}";
    String b = "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [[\"a\", \"b\"]]}}";
    assertEquals(java.util.List.of("ab", "a"), read(a).tokenize("aba"));
    assertEquals(java.util.List.of("ab", "a"), read(b).tokenize("aba"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"model\": |not valid JSON",
      "[1, 2]|expected a JSON object",
      "{}|$.model: missing",
      "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}} {}|not valid JSON",
      "{\"model\": 5}|expected an object",
      "{\"model\": {\"type\": 5, \"vocab\": {}}}|$.model.type",
      "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}|the vocabulary is empty",
      "{\"model\": {\"type\": \"WordPiece\", \"vocab\": [1]}}|expected the vocabulary as an object",
      "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": -1}}}|expected a token id",
      "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 1.5}}}|expected a token id",
      "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0, \"a\": 0}}}|is also the id of",
      "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0, \"a\": 1, \"a\": 2}}}|Duplicate field",
      "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}|is not in the vocabulary",
      "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0, \"a\": 1000000000}}}|far beyond",
      "{\"model\": {\"type\": \"WordPiece\", \"max_input_chars_per_word\": 0, \"vocab\": {\"[UNK]\": 0}}}|max_input_chars_per_word",
      "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [\"a b\"]}}|which is not in the vocabulary",
      "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [\"a b c\"]}}|expected a merge",
      "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}}|$.model.merges",
      "{\"model\": {\"type\": \"BPE\", \"unk_token\": \"<unk>\", \"vocab\": {\"a\": 0}, \"merges\": []}}|$.model.unk_token",
      "{\"added_tokens\": [{\"id\": 1, \"content\": \"\"}], \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}|cannot be empty",
      "{\"added_tokens\": [{\"content\": \"x\"}], \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}|$.added_tokens[0].id",
      "{\"added_tokens\": 3, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}|$.added_tokens",
      "{\"truncation\": {\"max_length\": 5, \"strategy\": \"Middle\"}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}|Middle",
      "{\"truncation\": {\"max_length\": 0}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}|max_length",
      "{\"truncation\": {\"max_length\": 5, \"direction\": \"Up\"}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}|expected Left or Right",
      "{\"padding\": {\"strategy\": \"Sometimes\"}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}|BatchLongest",
      "{\"normalizer\": {\"type\": \"BertNormalizer\", \"lowercase\": \"yes\"}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}|expected true or false",
      "{\"post_processor\": {\"type\": \"TemplateProcessing\", \"single\": [{\"SpecialToken\": {\"id\": \"[X]\"}}], \"pair\": []}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}|is not in special_tokens",
      "{\"post_processor\": {\"type\": \"TemplateProcessing\", \"single\": [{\"Sequence\": {\"id\": \"C\"}}], \"pair\": []}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}|expected A or B",
      "{\"post_processor\": {\"type\": \"BertProcessing\", \"sep\": \"[SEP]\"}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}|expected [token, id]"})
  void malformedFilesAreRefusedWithWhereAndWhat(String json, String expected) {
    TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> read(json));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().contains("test.json") && e.getMessage().contains("Fix:"), e.getMessage());
  }

  @Test
  void anEmptyFileIsRefused() {
    TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> read(""));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void deepNestingIsRefusedBeforeItIsBuilt() {
    String deep = "[".repeat(HfTokenizers.MAX_NESTING + 10) + "]".repeat(HfTokenizers.MAX_NESTING + 10);
    TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> read(deep));
    assertTrue(e.getMessage().contains("not valid JSON") && e.getMessage().contains("nesting"), e.getMessage());
  }

  @Test
  void aFileOverTheByteLimitIsRefusedWhileRead(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, wordPiece(""));
    TokenizerFormatException e = assertThrows(TokenizerFormatException.class,
        () -> HfTokenizers.load(file, 50));
    assertInstanceOf(InputLimitException.class, e.getCause());
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HfTokenizers.load(file, 0));
    // within the limit it loads
    assertEquals(6, HfTokenizers.load(file, 1000).vocabSize());
  }

  @Test
  void gzipFilesLoadAndDamagedOnesAreRefused(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(wordPiece("").getBytes(StandardCharsets.UTF_8));
    }
    Path ok = dir.resolve("ok.json.gz");
    Files.write(ok, bytes.toByteArray());
    assertEquals(6, HfTokenizers.load(ok).vocabSize());
    byte[] damaged = bytes.toByteArray();
    damaged[damaged.length - 6] ^= 0x55; // the CRC
    Path bad = dir.resolve("bad.json.gz");
    Files.write(bad, damaged);
    TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> HfTokenizers.load(bad));
    assertInstanceOf(CorruptInputException.class, e.getCause());
  }

  @Test
  void malformedGpt2FilesAreRefused() throws IOException {
    byte[] vocab = "{\"a\": 0, \"b\": 1, \"ab\": 2}".getBytes(StandardCharsets.UTF_8);
    TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> HfTokenizers.gpt2(
        new ByteArrayInputStream(vocab), "encoder.json",
        new ByteArrayInputStream("#version: 0.2\na b\nab\n".getBytes(StandardCharsets.UTF_8)), "vocab.bpe",
        HfTokenizers.DEFAULT_MAX_BYTES));
    assertTrue(e.getMessage().contains("vocab.bpe line 3") && e.getMessage().contains("'ab'"), e.getMessage());
    e = assertThrows(TokenizerFormatException.class, () -> HfTokenizers.gpt2(
        new ByteArrayInputStream(vocab), "encoder.json",
        new ByteArrayInputStream("#version: 0.2\na c\n".getBytes(StandardCharsets.UTF_8)), "vocab.bpe",
        HfTokenizers.DEFAULT_MAX_BYTES));
    assertTrue(e.getMessage().contains("'c'"), e.getMessage());
    e = assertThrows(TokenizerFormatException.class, () -> HfTokenizers.gpt2(
        new ByteArrayInputStream(vocab), "encoder.json",
        new ByteArrayInputStream(new byte[100]), "vocab.bpe", 10));
    assertInstanceOf(InputLimitException.class, e.getCause());
    HfTokenizer ok = HfTokenizers.gpt2(new ByteArrayInputStream(vocab), "encoder.json",
        new ByteArrayInputStream("#version: 0.2\na b\n".getBytes(StandardCharsets.UTF_8)), "vocab.bpe",
        HfTokenizers.DEFAULT_MAX_BYTES);
    assertEquals(Arrays.asList("ab"), ok.tokenize("ab"));
  }
}
