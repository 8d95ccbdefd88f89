package dev.aiaas.nlp.text;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads text corpora in the format of KenLM's {@code lmplz} and {@code query}: UTF-8, one
 * sentence per line, plain or gzip-compressed (detected from the first two bytes, {@code 1f 8b},
 * whatever the file's name).
 */
public final class TextFiles {

  private TextFiles() {}

  /**
   * Opens a UTF-8 text file, transparently decompressing it if it is gzip-compressed.
   *
   * @param file the file
   * @return a reader; the caller closes it
   * @throws IOException if the file cannot be opened (e.g. {@link
   *     java.nio.file.NoSuchFileException})
   */
  public static BufferedReader open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      in.mark(2);
      int b0 = in.read();
      int b1 = in.read();
      in.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        in = new GZIPInputStream(in, 1 << 16);
      }
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    } catch (IOException e) {
      in.close();
      throw e;
    }
  }

  /**
   * Reads every line of a corpus file as one sentence.
   *
   * @param file the file, plain or gzip-compressed
   * @param tokenizer splits each line, e.g. {@link WhitespaceTokenizer}
   * @return one token list per line (empty for a blank line); a fresh, modifiable list
   * @throws IOException if the file cannot be read
   */
  public static List<List<String>> readSentences(Path file, Tokenizer tokenizer)
      throws IOException {
    List<List<String>> sentences = new ArrayList<>();
    try (BufferedReader r = open(file)) {
      String line;
      while ((line = r.readLine()) != null) {
        sentences.add(tokenizer.tokenize(line));
      }
    }
    return sentences;
  }
}
