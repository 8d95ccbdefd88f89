package dev.aiaas.nlp.text;

import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.InputLimitException;
import dev.aiaas.core.io.Inputs;
import dev.aiaas.core.io.LineReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * The lines of one of aiaas's small text formats (BPE merges, vocabulary, tokenizer file), read
 * through core's {@link Inputs}: bounded by {@link TextLimits} (decompressed bytes, line length),
 * strict UTF-8 (a malformed byte sequence is an error naming its line, not a silent U+FFFD that
 * could turn two tokens into one), and every problem, damaged gzip data and exceeded limits
 * included, reported as the format's own exception (made by {@code errors}) naming the file and the
 * line, with the cause kept.
 */
final class FormatLines implements Closeable {

  private final LineReader in;
  private final String source;
  private final long bound;
  private final BiFunction<String, Throwable, IOException> errors;

  private FormatLines(LineReader in, String source, long bound, BiFunction<String, Throwable, IOException> errors) {
    this.in = in;
    this.source = source;
    this.bound = bound;
    this.errors = errors;
  }

  /**
   * Opens a file of the format.
   *
   * @param file the file (plain or gzip-compressed)
   * @param limits the limits on bytes and line length
   * @param errors makes the format's exception from a message and a cause
   * @return the reader; the caller closes it
   * @throws IOException the format's exception for a damaged gzip header; another if the file
   *     cannot be opened
   */
  static FormatLines open(Path file, TextLimits limits, BiFunction<String, Throwable, IOException> errors)
      throws IOException {
    long size = Files.isRegularFile(file) ? Files.size(file) : -1;
    return open(Files.newInputStream(file), size, file.toString(), limits, errors);
  }

  /**
   * Reads a stream of the format.
   *
   * @param raw the bytes as stored (plain or gzip-compressed); closed by the reader
   * @param size how many bytes {@code raw} holds, or -1 if unknown
   * @param source the file's name, for messages
   * @param limits the limits on bytes and line length
   * @param errors makes the format's exception from a message and a cause
   * @return the reader; the caller closes it
   * @throws IOException the format's exception for a damaged gzip header; another if the stream
   *     cannot be read
   */
  static FormatLines open(InputStream raw, long size, String source, TextLimits limits,
      BiFunction<String, Throwable, IOException> errors) throws IOException {
    String fix = "check that this is the file meant; to accept it, raise the limit (TextLimits)";
    PushbackInputStream peek = new PushbackInputStream(raw, 2);
    boolean gzip;
    InputStream in;
    try {
      byte[] two = peek.readNBytes(2);
      peek.unread(two);
      gzip = two.length == 2 && (two[0] & 0xff) == 0x1f && (two[1] & 0xff) == 0x8b;
      in = Inputs.decode(peek, source, limits.maxBytes(), fix);
    } catch (CorruptInputException e) {
      throw errors.apply(e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      peek.close();
      throw e;
    }
    long bound = TextFiles.maxDecompressedBytes(size, gzip, limits.maxBytes());
    return new FormatLines(new LineReader(new StrictUtf8Reader(in), source, limits.maxLineChars(), fix), source,
        bound, errors);
  }

  /**
   * This reader, raising another format's exceptions (a tokenizer file that turns out to be a BPE
   * merges file).
   *
   * @param other makes the other format's exception
   * @return a reader of the same lines
   */
  FormatLines raising(BiFunction<String, Throwable, IOException> other) {
    return new FormatLines(in, source, bound, other);
  }

  /**
   * {@return the most bytes the file can deliver after decompression: its size, 1032 times its size
   * if gzip-compressed, at most the byte limit} A count the file declares is checked against it.
   */
  long bound() {
    return bound;
  }

  /**
   * The next line.
   *
   * @return the line without its terminator, or null at the end of the file
   * @throws IOException the format's exception for a line beyond the limits, damaged gzip data or
   *     malformed UTF-8; another on a read failure
   */
  String next() throws IOException {
    try {
      return in.readLine();
    } catch (InputLimitException | CorruptInputException e) {
      throw errors.apply(e.getMessage(), e);
    } catch (CharacterCodingException e) {
      throw error(in.lineNumber() + 1, "the line is not valid UTF-8 (a malformed byte sequence)",
          "save the file as UTF-8, or write it again with aiaas", e);
    }
  }

  /** {@return the 1-based number of the line {@link #next()} returned last} */
  long lineNumber() {
    return in.lineNumber();
  }

  /**
   * Reads on to the end of the file (so that a gzip trailer is checked), refusing any line that is
   * not blank.
   *
   * @param after what the file should end after, for the message
   * @throws IOException the format's exception for a non-blank line or damaged data
   */
  void expectEnd(String after) throws IOException {
    String line;
    while ((line = next()) != null) {
      if (!line.isBlank()) {
        throw error(lineNumber(), "expected the end of the file after " + after + ", found "
            + Inputs.excerpt(line), "remove the extra lines, or write the file again with aiaas", null);
      }
    }
  }

  /**
   * The format's exception for a problem on a line.
   *
   * @param line the 1-based line number
   * @param problem what is wrong, with what was found (quoted with {@link Inputs#excerpt}) and
   *     what was expected
   * @param fix what to do about it
   * @param cause the exception that revealed it, or null
   * @return the exception, to throw
   */
  IOException error(long line, String problem, String fix, Throwable cause) {
    return errors.apply(source + " line " + line + ": " + problem + ". Fix: " + fix, cause);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
