package dev.aiaas.nlp.lm;

import java.io.IOException;

/**
 * An ARPA file is malformed. The message gives the file, the line number, the offending line and
 * what was expected there.
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
    super(
        source + (lineNumber > 0 ? " line " + lineNumber : " at end of file") + ": " + problem
            + (line == null ? "" : " [line: '" + abbreviate(line) + "']"));
    this.lineNumber = lineNumber;
    this.line = line;
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
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
   * The offending line, or {@code null} at the end of the file.
   *
   * @return the line's content
   */
  public String line() {
    return line;
  }
}
