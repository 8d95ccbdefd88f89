package dev.aiaas.nlp.lm;

import dev.aiaas.core.io.Inputs;
import java.io.IOException;

/**
 * An ARPA file is malformed, damaged (a gzip stream whose data or trailer is corrupt: the cause is
 * core's {@link dev.aiaas.core.io.CorruptInputException}) or beyond a limit (the cause is then
 * core's {@link dev.aiaas.core.io.InputLimitException}, or none for a header count the file cannot
 * hold). The message gives the file, the line number, the offending line (at most 100 characters,
 * quoted), what was expected there and the fix.
 */
public class ArpaFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The 1-based line number, 0 for the end of the file. */
  private final long lineNumber;
  /** The offending line, or null at the end of the file. */
  private final String line;

  /**
   * Creates the exception.
   *
   * @param source the file name
   * @param lineNumber the 1-based line number (0 when the problem is the end of the file)
   * @param line the offending line's content ({@code null} at the end of the file)
   * @param problem what is wrong and what was expected
   */
  public ArpaFormatException(String source, long lineNumber, String line, String problem) {
    this(source, lineNumber, line, problem, null, null);
  }

  /**
   * Creates the exception with the fix and the exception that revealed the problem.
   *
   * @param source the file name
   * @param lineNumber the 1-based line number (0 when the problem is the end of the file)
   * @param line the offending line's content ({@code null} at the end of the file, or when the
   *     line was not held: one beyond the length limit); quoted up to 100 characters
   * @param problem what is wrong and what was expected
   * @param fix what to do about it, or null
   * @param cause the exception that revealed the problem, or null
   */
  public ArpaFormatException(
      String source, long lineNumber, String line, String problem, String fix, Throwable cause) {
    super(
        source + (lineNumber > 0 ? " line " + lineNumber : " at end of file") + ": " + problem
            + (line == null ? "" : "; the line: " + Inputs.excerpt(line))
            + (fix == null ? "" : ". Fix: " + fix),
        cause);
    this.lineNumber = lineNumber;
    this.line = line;
  }

  /**
   * The 1-based line number of the problem, 0 for the end of the file.
   *
   * @return the line number
   */
  public long lineNumber() {
    return lineNumber;
  }

  /**
   * The offending line, or {@code null} at the end of the file (or for a line too long to hold).
   *
   * @return the line's content
   */
  public String line() {
    return line;
  }
}
