package dev.aiaas.nlp.text;

import java.util.List;

/**
 * Splits one line of text (one sentence, by the lmplz convention) into tokens.
 *
 * <p>Implementations are stateless and thread-safe; the returned list is a fresh, modifiable
 * list owned by the caller. A line with no tokens gives an empty list, never {@code null}.
 */
public interface Tokenizer {

  /**
   * Tokenizes one line.
   *
   * @param line the text of one sentence, without its line terminator; not {@code null}
   * @return the tokens in order; empty when the line holds none
   */
  List<String> tokenize(String line);
}
