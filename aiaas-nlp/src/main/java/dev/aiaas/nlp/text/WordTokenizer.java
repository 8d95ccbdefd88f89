package dev.aiaas.nlp.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule-based word tokenizer for raw text: words (letters, digits, inner apostrophes and
 * hyphens), numbers (with inner {@code .} or {@code ,}), and every other non-space character
 * (punctuation, symbols) as a token of its own.
 *
 * <p>Example: {@code "Call me Ishmael. Don't!"} gives {@code [call, me, ishmael, ., don't, !]}
 * with {@code lowerCase = true}.
 *
 * @param lowerCase whether tokens are lower-cased (with {@link Locale#ROOT})
 */
public record WordTokenizer(boolean lowerCase) implements Tokenizer {

  private static final Pattern TOKEN =
      Pattern.compile(
          "\\p{N}+(?:[.,]\\p{N}+)*"
              + "|[\\p{L}\\p{M}\\p{N}]+(?:['’\\-][\\p{L}\\p{M}\\p{N}]+)*"
              + "|[^\\s\\p{L}\\p{M}\\p{N}]");

  /** {@inheritDoc} */
  @Override
  public List<String> tokenize(String line) {
    List<String> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(line);
    while (m.find()) {
      String t = m.group();
      out.add(lowerCase ? t.toLowerCase(Locale.ROOT) : t);
    }
    return out;
  }
}
