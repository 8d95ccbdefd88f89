package dev.aiaas.nlp.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits pre-tokenised text on runs of whitespace (space, tab, carriage return, form feed,
 * vertical tab), which is how KenLM's {@code lmplz} and {@code query} read their input.
 */
public final class WhitespaceTokenizer implements Tokenizer {

  /** Creates a whitespace tokenizer; it holds no state. */
  public WhitespaceTokenizer() {}

  /** {@inheritDoc} */
  @Override
  public List<String> tokenize(String line) {
    List<String> out = new ArrayList<>();
    int n = line.length();
    int i = 0;
    while (i < n) {
      while (i < n && isSpace(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isSpace(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(line.substring(start, i));
      }
    }
    return out;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\u000B';
  }
}
