package dev.aiaas.nlp.text;

import java.io.IOException;

/**
 * A vocabulary file could not be read: wrong header, a newer format version, or a malformed or
 * duplicate entry. The message names the file line and what was expected there.
 */
public class VocabularyFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, where, and what was expected
   */
  public VocabularyFormatException(String message) {
    super(message);
  }
}
