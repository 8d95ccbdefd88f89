package dev.aiaas.nlp.text;

import java.io.IOException;

/**
 * A tokenizer file ({@link TokenizerFiles}) could not be read: unknown header, a newer format
 * version, or an unknown tokenizer line. The message names the file, the line and what was
 * expected there.
 */
public class TokenizerFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, where, and what was expected
   */
  public TokenizerFormatException(String message) {
    super(message);
  }
}
