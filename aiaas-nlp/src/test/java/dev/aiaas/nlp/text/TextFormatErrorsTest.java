package dev.aiaas.nlp.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.InputLimitException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new error paths of the small text formats (BPE merges, vocabulary, tokenizer file): declared
 * sizes the file cannot hold, duplicates, invalid UTF-8, damaged gzip, limits. Each is the format's
 * exception naming the file, the line, the text found, what was expected and the fix.
 */
class TextFormatErrorsTest {

  @TempDir
  Path dir;

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
      z.write(data);
    }
    return bytes.toByteArray();
  }

  /** The bytes of {@code text} with {@code bad} in place of the first {@code @}. */
  private static byte[] withBytes(String text, byte... bad) {
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    int at = text.indexOf('@');
    byte[] out = new byte[t.length - 1 + bad.length];
    System.arraycopy(t, 0, out, 0, at);
    System.arraycopy(bad, 0, out, at, bad.length);
    System.arraycopy(t, at + 1, out, at + bad.length, t.length - at - 1);
    return out;
  }

  private static <T extends Throwable> T fails(Class<T> type, Executable call, String... parts) {
    T e = assertThrows(type, call);
    assertTrue(e.getMessage().contains("Fix: "), "the message gives the fix: " + e.getMessage());
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
    }
    return e;
  }

  // ------------------------------------------------------------------ BPE merges

  @Test
  void aMergeCountTheFileCannotHoldIsRefusedBeforeAllocating() throws IOException {
    String text = "aiaas-bpe 1\nmerges 2000000000\n97 98 ab\n";
    Path f = write("bpe.txt", text);
    fails(BpeFormatException.class, () -> BpeTokenizer.load(f), "bpe.txt line 2", "declares 2000000000 merges",
        "holds at most " + text.length() + " bytes, room for " + text.length() / 6 + " merge lines of at least 6 bytes");
    Path g = write("bpe2.txt", "aiaas-bpe 1\nmerges 999999999999999999\n");
    fails(BpeFormatException.class, () -> BpeTokenizer.load(g), "line 2", "ids are ints: at most 2147483391");
  }

  @Test
  void aPairMergedTwiceIsRefusedNamingBothLines() throws IOException {
    Path f = write("bpe.txt", "aiaas-bpe 1\nmerges 3\n97 98 ab\n99 100 cd\n97 98 ab\n");
    fails(BpeFormatException.class, () -> BpeTokenizer.load(f), "line 5",
        "merge 258 joins ids 97 and 98, as merge 256 on line 3 does");
  }

  @Test
  void doublingTokensAreBoundedByWhatTheFileHolds() throws IOException {
    // each merge joins the previous one with itself: 2^n bytes at merge n, unless its token must be in the file
    StringBuilder b = new StringBuilder("aiaas-bpe 1\nmerges 3\n97 97 aa\n");
    b.append("256 256 aaaa\n").append("257 257 aaaa\n");
    Path f = write("bpe.txt", b.toString());
    fails(BpeFormatException.class, () -> BpeTokenizer.load(f), "line 5",
        "token 'aaaa' does not match its ids (257 + 257 = 'aaaaaaaa')");
  }

  @Test
  void bpeLimitsDamageAndEncodingAreBpeFormatExceptions() throws IOException {
    Path f = write("bpe.txt", withBytes("aiaas-bpe 1\nmerges 1\n97 98 a@\n", (byte) 0xff));
    BpeFormatException e = fails(BpeFormatException.class, () -> BpeTokenizer.load(f), "line 3", "not valid UTF-8");
    assertInstanceOf(CharacterCodingException.class, e.getCause());

    Path g = write("bpe.gz", gzip("aiaas-bpe 1\nmerges 1\n97 98 ab\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(257, BpeTokenizer.load(g).vocabSize());
    byte[] bad = Files.readAllBytes(g);
    bad[bad.length - 5] ^= 1; // the CRC-32
    Path h = write("bad.gz", bad);
    e = fails(BpeFormatException.class, () -> BpeTokenizer.load(h), "bad.gz", "damaged gzip stream");
    assertInstanceOf(CorruptInputException.class, e.getCause());

    Path l = write("long.txt", "aiaas-bpe 1\nmerges 1\n97 98 ab" + " ".repeat(100) + "\n");
    e = fails(BpeFormatException.class, () -> BpeTokenizer.load(l, TextLimits.defaults().withMaxLineChars(50)),
        "line 3 (longer than 50 characters)");
    assertInstanceOf(InputLimitException.class, e.getCause());
  }

  @Test
  void trainingSizesItsTablesByTheDataNotTheAskedVocabulary() {
    // the arrays were allocated for vocabSize - 256 merges: 16 GB for this one
    BpeTokenizer t = BpeTokenizer.train(List.of("abab abab"), Integer.MAX_VALUE);
    assertTrue(t.vocabSize() < 270, "merges stop when no pair occurs twice: " + t.vocabSize());
  }

  // ------------------------------------------------------------------ vocabulary

  @Test
  void vocabularyTokensAreCheckedWithTheirLine() throws IOException {
    String head = "aiaas-vocabulary 1\n<unk>\n<s>\n</s>\n";
    Path f = write("v.txt", head + "whale\n\nship\n");
    fails(VocabularyFormatException.class, () -> Vocabulary.load(f), "v.txt line 6", "an empty line");
    Path g = write("v.txt", head + "whale\n<s>\n");
    fails(VocabularyFormatException.class, () -> Vocabulary.load(g), "line 6", "reserved token '<s>' again",
        "(line 3)");
    Path h = write("v.txt", head + "whale\nship\nwhale\n");
    fails(VocabularyFormatException.class, () -> Vocabulary.load(h), "line 7", "'whale' again, already on line 5");
    Path r = write("v.txt", head + "wh\rale\n");
    fails(VocabularyFormatException.class, () -> Vocabulary.load(r), "line 5", "carriage return");
    Path t = write("v.txt", "aiaas-vocabulary 1\n<unk>\n<s>\n");
    fails(VocabularyFormatException.class, () -> Vocabulary.load(t), "line 4",
        "reserved token '</s>' (id 2), found the end of the file");
  }

  @Test
  void invalidUtf8InAVocabularyIsNotASilentReplacement() throws IOException {
    // read leniently, the two tokens would both become "caf\uFFFD" and merge
    String head = "aiaas-vocabulary 1\n<unk>\n<s>\n</s>\n";
    Path f = write("v.txt", withBytes(head + "caf@\n", (byte) 0xe9));
    VocabularyFormatException e = fails(VocabularyFormatException.class, () -> Vocabulary.load(f), "line 5",
        "not valid UTF-8", "save the file as UTF-8");
    assertInstanceOf(CharacterCodingException.class, e.getCause());
    Path g = write("v.txt", withBytes(head + "whale\n@\n", (byte) 0xc3));
    fails(VocabularyFormatException.class, () -> Vocabulary.load(g), "line 6", "not valid UTF-8");
  }

  @Test
  void vocabularyLimitsAndDamage() throws IOException {
    Path f = write("v.txt", "aiaas-vocabulary 1\n<unk>\n<s>\n</s>\n" + "w".repeat(200) + "\n");
    VocabularyFormatException e = fails(VocabularyFormatException.class,
        () -> Vocabulary.load(f, TextLimits.defaults().withMaxLineChars(100)), "line 5 (longer than 100 characters)");
    assertInstanceOf(InputLimitException.class, e.getCause());
    e = fails(VocabularyFormatException.class, () -> Vocabulary.load(f, TextLimits.defaults().withMaxBytes(100)),
        "more than 100 bytes");
    assertInstanceOf(InputLimitException.class, e.getCause());
    Path g = write("v.gz", java.util.Arrays.copyOf(gzip(Files.readAllBytes(f)), 30));
    e = fails(VocabularyFormatException.class, () -> Vocabulary.load(g), "damaged gzip stream");
    assertInstanceOf(CorruptInputException.class, e.getCause());
  }

  // ------------------------------------------------------------------ tokenizer file

  @Test
  void aTokenizerFileEndsAfterItsTokenizerLine() throws IOException {
    Path f = write("t.tokenizer", "aiaas-tokenizer 1\nword\n\n\nlowercase\n");
    fails(TokenizerFormatException.class, () -> TokenizerFiles.load(f), "line 5",
        "expected the end of the file after the tokenizer line, found 'lowercase'");
    assertInstanceOf(WordTokenizer.class, TokenizerFiles.load(write("u.tokenizer", "aiaas-tokenizer 1\nword\n\n \n")));
  }

  @Test
  void tokenizerFileDamageEncodingAndLimits() throws IOException {
    Path f = write("t.tokenizer", withBytes("aiaas-tokenizer 1\nw@rd\n", (byte) 0x80));
    TokenizerFormatException e = fails(TokenizerFormatException.class, () -> TokenizerFiles.load(f), "line 2",
        "not valid UTF-8");
    assertInstanceOf(CharacterCodingException.class, e.getCause());
    Path g = write("t.gz", java.util.Arrays.copyOf(gzip("aiaas-tokenizer 1\nword\n".getBytes(StandardCharsets.UTF_8)), 25));
    e = fails(TokenizerFormatException.class, () -> TokenizerFiles.load(g), "damaged gzip stream");
    assertInstanceOf(CorruptInputException.class, e.getCause());
    Path h = write("t.tokenizer", "x".repeat(300));
    e = fails(TokenizerFormatException.class, () -> TokenizerFiles.load(h, TextLimits.defaults().withMaxLineChars(100)),
        "line 1 (longer than 100 characters)");
    assertInstanceOf(InputLimitException.class, e.getCause());
    Path v = write("t.tokenizer", "aiaas-tokenizer 99999999999\nword\n");
    fails(TokenizerFormatException.class, () -> TokenizerFiles.load(v), "line 1",
        "the version should be an integer, found '99999999999'");
    Path w = write("t.tokenizer", "aiaas-tokenizer 1\n" + "z".repeat(500) + "\n");
    fails(TokenizerFormatException.class, () -> TokenizerFiles.load(w), "line 2", "found 'zzz", "...' (500 characters)");
  }

  // ------------------------------------------------------------------ limits record

  @Test
  void textLimitsAreValidated() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextLimits.defaults().withMaxBytes(0));
    assertTrue(e.getMessage().contains("maxBytes=0") && e.getMessage().contains("1 GiB"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TextLimits.defaults().withMaxLineChars(-1));
    assertTrue(e.getMessage().contains("maxLineChars=-1") && e.getMessage().contains("1048576"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TextLimits.defaults().withMaxTokensPerLine(0));
    assertTrue(e.getMessage().contains("maxTokensPerLine=0"), e.getMessage());
    assertEquals(4 * 5_000_000, TextLimits.defaults().withMaxLineChars(5_000_000).maxTokensPerLine());
    assertEquals(TextLimits.DEFAULT_MAX_TOKENS_PER_LINE, TextLimits.defaults().withMaxLineChars(10).maxTokensPerLine());
  }
}
