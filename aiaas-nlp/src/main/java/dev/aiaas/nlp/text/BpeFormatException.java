package dev.aiaas.nlp.text;

import java.io.IOException;

/**
 * A BPE merges file could not be read: wrong header, a newer format version, a declared count
 * the file cannot hold, a malformed, duplicate or inconsistent merge line, invalid UTF-8, or a
 * limit exceeded (the cause is then core's {@link dev.aiaas.core.io.InputLimitException} or
 * {@link dev.aiaas.core.io.CorruptInputException}). The message names the file, the line, the
 * text found (at most 100 characters), what was expected there and the fix.
 */
public class BpeFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, where, and what was expected
   */
  public BpeFormatException(String message) {
    super(message);
  }

  /**
   * Creates the exception with the exception that revealed the problem.
   *
   * @param message what was wrong, where, and what was expected
   * @param cause the exception that revealed it (a limit exceeded, damaged gzip data, malformed
   *     UTF-8), or null
   */
  public BpeFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
