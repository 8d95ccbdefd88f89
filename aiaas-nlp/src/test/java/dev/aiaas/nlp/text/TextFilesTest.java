package dev.aiaas.nlp.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
  void missingFileIsNoSuchFile(@TempDir Path dir) {
    assertThrows(NoSuchFileException.class, () -> TextFiles.open(dir.resolve("missing.txt")));
  }
}
