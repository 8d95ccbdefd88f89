package dev.aiaas.nlp.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.InputLimitException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corpus files, plain and gzip-compressed, read one sentence per line. */
class TextFilesTest {

  private static final String TEXT = "call me ishmael .\n\n  some years ago\t-\n";
  private static final List<List<String>> SENTENCES =
      List.of(List.of("call", "me", "ishmael", "."), List.of(), List.of("some", "years", "ago", "-"));

  @Test
  void readsPlainText(@TempDir Path dir) throws IOException {
    Path f = Files.writeString(dir.resolve("c.txt"), TEXT, StandardCharsets.UTF_8);
    assertEquals(SENTENCES, TextFiles.readSentences(f, new WhitespaceTokenizer()));
  }

  @Test
  void detectsGzipFromItsBytesNotItsName(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("c.txt"); // no .gz suffix
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(f))) {
      os.write(TEXT.getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(SENTENCES, TextFiles.readSentences(f, new WhitespaceTokenizer()));
  }

  @Test
  void aLineBeyondTheLimitFailsNamingItBeforeItIsHeld(@TempDir Path dir) throws IOException {
    // the finding: a 3 MB gzip file holding one 3 GB line ran out of memory
    Path f = dir.resolve("c.txt.gz");
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(f))) {
      os.write("a b\n".getBytes(StandardCharsets.UTF_8));
      byte[] block = "word ".repeat(20_000).getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 30; i++) { // 3 MB in one line; the default limit is 1 Mi characters
        os.write(block);
      }
    }
    InputLimitException e = assertThrows(InputLimitException.class,
        () -> TextFiles.readSentences(f, new WhitespaceTokenizer()));
    assertTrue(e.getMessage().contains("line 2 (longer than 1048576 characters)"), e.getMessage());
    assertTrue(e.getMessage().contains("--max-line-chars"), e.getMessage());
    assertEquals(TextLimits.DEFAULT_MAX_LINE_CHARS, e.limit());
    assertEquals(2, TextFiles.readSentences(f, new WhitespaceTokenizer(),
        TextLimits.defaults().withMaxLineChars(4_000_000)).size());
  }

  @Test
  void tokensPerLineAndBytesAreBounded(@TempDir Path dir) throws IOException {
    Path f = Files.writeString(dir.resolve("c.txt"), "ab\nabcdefghij\n", StandardCharsets.UTF_8);
    InputLimitException e = assertThrows(InputLimitException.class, () -> TextFiles.readSentences(f,
        new CharacterTokenizer(""), TextLimits.defaults().withMaxTokensPerLine(5)));
    assertTrue(e.getMessage().contains("line 2 (10 tokens, more than 5)"), e.getMessage());
    assertTrue(e.getMessage().contains("TextLimits.maxTokensPerLine"), e.getMessage());
    e = assertThrows(InputLimitException.class, () -> TextFiles.readSentences(f, new WhitespaceTokenizer(),
        TextLimits.defaults().withMaxBytes(10)));
    assertTrue(e.getMessage().contains("more than 10 bytes"), e.getMessage());
    assertEquals(List.of("ab", "abcdefghij"), TextFiles.readLines(f, TextLimits.defaults()));
  }

  @Test
  void aDamagedGzipTrailerIsReported(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("c.txt.gz");
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(f))) {
      os.write(TEXT.getBytes(StandardCharsets.UTF_8));
    }
    byte[] b = Files.readAllBytes(f);
    b[b.length - 8] ^= 1;
    Files.write(f, b);
    assertThrows(CorruptInputException.class, () -> TextFiles.readSentences(f, new WhitespaceTokenizer()));
  }

  @Test
  void forEachSentenceStreamsTheLines(@TempDir Path dir) throws IOException {
    Path f = Files.writeString(dir.resolve("c.txt"), TEXT, StandardCharsets.UTF_8);
    List<List<String>> seen = new java.util.ArrayList<>();
    TextFiles.forEachSentence(f, new WhitespaceTokenizer(), TextLimits.defaults(), seen::add);
    assertEquals(SENTENCES, seen);
  }

  @Test
  void theDecompressedSizeIsBoundedByDeflatesLargestExpansion() {
    assertEquals(300, TextFiles.maxDecompressedBytes(300, false, Long.MAX_VALUE));
    assertEquals(5, TextFiles.maxDecompressedBytes(300, false, 5));
    assertEquals(1032 * 300, TextFiles.maxDecompressedBytes(300, true, Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE, TextFiles.maxDecompressedBytes(Long.MAX_VALUE / 2, true, Long.MAX_VALUE));
    assertEquals(77, TextFiles.maxDecompressedBytes(-1, true, 77), "a size not known: the limit");
  }

  @Test
  void missingFileIsNoSuchFile(@TempDir Path dir) {
    assertThrows(NoSuchFileException.class, () -> TextFiles.lines(dir.resolve("missing.txt"), TextLimits.defaults()));
  }
}
