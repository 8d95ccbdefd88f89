package dev.aiaas.nlp.text;

import dev.aiaas.core.io.InputLimitException;
import dev.aiaas.core.io.Inputs;
import dev.aiaas.core.io.LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads text corpora in the format of KenLM's {@code lmplz} and {@code query}: UTF-8, one
 * sentence per line, plain or gzip-compressed (detected from the first two bytes, {@code 1f 8b},
 * whatever the file's name), through core's {@link Inputs}: bounded by {@link TextLimits}
 * (decompressed bytes, line length, tokens per line), gzip damage (the trailer's CRC included)
 * reported as {@link dev.aiaas.core.io.CorruptInputException}. Malformed UTF-8 is read as U+FFFD,
 * as lmplz treats bytes it cannot decode as part of a word.
 */
public final class TextFiles {

  /**
   * The most a deflate stream can expand: 1032 bytes out per byte in (a 258-byte match coded in 2
   * bits), so a gzip file of {@code n} bytes decompresses to at most {@code 1032 n} bytes.
   */
  public static final long DEFLATE_MAX_RATIO = 1032;

  /** What a limit's message tells the user to do. */
  static final String FIX =
      "check that this is the text file meant (one sentence per line); to accept it, raise the"
          + " limit (TextLimits.withMaxLineChars or withMaxBytes; on the command line"
          + " --max-line-chars or --max-input-mib)";

  private TextFiles() {}

  /**
   * Opens a UTF-8 text file for reading line by line, within the limits' bytes and line length.
   *
   * @param file the file, plain or gzip-compressed
   * @param limits the limits ({@link TextLimits#maxTokensPerLine()} is not used here)
   * @return a line reader; the caller closes it
   * @throws IOException if the file cannot be opened (e.g. {@link
   *     java.nio.file.NoSuchFileException}) or its gzip header is damaged
   */
  public static LineReader lines(Path file, TextLimits limits) throws IOException {
    Objects.requireNonNull(limits, "limits");
    return Inputs.lines(file, limits.maxBytes(), limits.maxLineChars(), FIX);
  }

  /**
   * The most bytes a file can deliver once decompressed, for checking a count that the file
   * declares (how many entries follow) against what the file could hold before memory is allocated
   * for it: the file's size, or for a gzip file {@link #DEFLATE_MAX_RATIO} times its size; never
   * more than {@code maxBytes}, the reader's limit.
   *
   * @param storedBytes the file's size as stored, or -1 if unknown (a pipe)
   * @param gzip whether the file is gzip-compressed
   * @param maxBytes the reader's limit on decompressed bytes ({@link Inputs#UNLIMITED} for none)
   * @return the bound, in bytes ({@code maxBytes} when the size is unknown)
   */
  public static long maxDecompressedBytes(long storedBytes, boolean gzip, long maxBytes) {
    if (storedBytes < 0) {
      return maxBytes;
    }
    long bound = !gzip ? storedBytes
        : storedBytes > Long.MAX_VALUE / DEFLATE_MAX_RATIO ? Long.MAX_VALUE : storedBytes * DEFLATE_MAX_RATIO;
    return Math.min(bound, maxBytes);
  }

  /**
   * Reads every line of a corpus file as one sentence, within {@link TextLimits#defaults()}.
   *
   * @param file the file, plain or gzip-compressed
   * @param tokenizer splits each line, e.g. {@link WhitespaceTokenizer}
   * @return one token list per line (empty for a blank line); a fresh, modifiable list
   * @throws dev.aiaas.core.io.InputLimitException if the file exceeds a limit (naming the line and
   *     the limit)
   * @throws dev.aiaas.core.io.CorruptInputException if its gzip stream is damaged
   * @throws IOException if the file cannot be read
   */
  public static List<List<String>> readSentences(Path file, Tokenizer tokenizer)
      throws IOException {
    return readSentences(file, tokenizer, TextLimits.defaults());
  }

  /**
   * Reads every line of a corpus file as one sentence.
   *
   * @param file the file, plain or gzip-compressed
   * @param tokenizer splits each line, e.g. {@link WhitespaceTokenizer}
   * @param limits the limits on bytes, line length and tokens per line
   * @return one token list per line (empty for a blank line); a fresh, modifiable list
   * @throws dev.aiaas.core.io.InputLimitException if the file exceeds a limit (naming the line and
   *     the limit)
   * @throws dev.aiaas.core.io.CorruptInputException if its gzip stream is damaged
   * @throws IOException if the file cannot be read
   */
  public static List<List<String>> readSentences(Path file, Tokenizer tokenizer, TextLimits limits)
      throws IOException {
    List<List<String>> sentences = new ArrayList<>();
    forEachSentence(file, tokenizer, limits, sentences::add);
    return sentences;
  }

  /**
   * Splits every line of a corpus file and hands the tokens to {@code action}, line by line, without
   * holding the file (pass {@link Inputs#UNLIMITED} as {@link TextLimits#maxBytes()} for a corpus of
   * any size).
   *
   * @param file the file, plain or gzip-compressed
   * @param tokenizer splits each line
   * @param limits the limits on bytes, line length and tokens per line
   * @param action receives each line's tokens (empty for a blank line), in file order
   * @throws dev.aiaas.core.io.InputLimitException if the file exceeds a limit
   * @throws dev.aiaas.core.io.CorruptInputException if its gzip stream is damaged
   * @throws IOException if the file cannot be read
   */
  public static void forEachSentence(
      Path file, Tokenizer tokenizer, TextLimits limits, Consumer<List<String>> action)
      throws IOException {
    Objects.requireNonNull(tokenizer, "tokenizer");
    Objects.requireNonNull(action, "action");
    forEachSentence(lines(file, limits), tokenizer, limits, action);
  }

  /**
   * Splits every line of a stream as {@link #forEachSentence(Path, Tokenizer, TextLimits, Consumer)}
   * does a file's.
   *
   * @param raw the bytes as stored (plain or gzip-compressed); closed here
   * @param source the name of the file or stream, for messages
   */
  static void forEachSentence(InputStream raw, String source, Tokenizer tokenizer, TextLimits limits,
      Consumer<List<String>> action) throws IOException {
    InputStream in = Inputs.decode(raw, source, limits.maxBytes(), FIX);
    forEachSentence(new LineReader(new InputStreamReader(in, StandardCharsets.UTF_8),
        source, limits.maxLineChars(), FIX), tokenizer, limits, action);
  }

  private static void forEachSentence(LineReader lines, Tokenizer tokenizer, TextLimits limits,
      Consumer<List<String>> action) throws IOException {
    try (LineReader r = lines) {
      String line;
      while ((line = r.readLine()) != null) {
        List<String> tokens = tokenizer.tokenize(line);
        if (tokens.size() > limits.maxTokensPerLine()) {
          throw new InputLimitException(
              r.source(),
              "line " + r.lineNumber() + " (" + tokens.size() + " tokens, more than "
                  + limits.maxTokensPerLine() + ")",
              limits.maxTokensPerLine(),
              "split the line into sentences, or raise TextLimits.maxTokensPerLine");
        }
        action.accept(tokens);
      }
    }
  }

  /**
   * Reads every line of a text file (for example to train a {@link BpeTokenizer} on).
   *
   * @param file the file, plain or gzip-compressed
   * @param limits the limits on bytes and line length
   * @return the lines without their terminators; a fresh, modifiable list
   * @throws dev.aiaas.core.io.InputLimitException if the file exceeds a limit
   * @throws dev.aiaas.core.io.CorruptInputException if its gzip stream is damaged
   * @throws IOException if the file cannot be read
   */
  public static List<String> readLines(Path file, TextLimits limits) throws IOException {
    List<String> lines = new ArrayList<>();
    try (LineReader r = lines(file, limits)) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    }
    return lines;
  }

}
