package dev.aiaas.nlp.text;

import java.io.IOException;

/**
 * A BPE merges file could not be read: wrong header, a newer format version, or a malformed
 * merge line. The message names the file line and what was expected there.
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
}
