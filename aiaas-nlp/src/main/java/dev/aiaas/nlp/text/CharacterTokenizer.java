package dev.aiaas.nlp.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into its Unicode code points, one token each, for character-level models.
 *
 * <p>Supplementary characters (emoji, rare CJK) are one token, not two UTF-16 halves; combining
 * marks are tokens of their own (this is code points, not grapheme clusters). Whitespace is
 * trimmed at both ends of the line and every inner run of whitespace becomes one
 * {@code spaceSymbol} token, so the output can be written one sentence per line with tokens
 * separated by spaces (the lmplz convention). Example with {@link #withSpaceSymbol()}:
 * {@code "ab  c"} gives {@code [a, b, ▁, c]}.
 *
 * @param spaceSymbol the token standing for a run of whitespace, free of whitespace itself; empty
 *     to drop whitespace altogether
 */
public record CharacterTokenizer(String spaceSymbol) implements Tokenizer {

  /** The default space symbol, U+2581 LOWER ONE EIGHTH BLOCK, as in SentencePiece. */
  public static final String SPACE_SYMBOL = "\u2581";

  /**
   * Validates the space symbol.
   *
   * @param spaceSymbol the token for a run of whitespace, without whitespace; empty to drop
   *     whitespace
   * @throws IllegalArgumentException when it is null or contains whitespace
   */
  public CharacterTokenizer {
    if (spaceSymbol == null) {
      throw new IllegalArgumentException(
          "spaceSymbol must not be null; use \"\" to drop whitespace");
    }
    if (spaceSymbol.codePoints().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "spaceSymbol must not contain whitespace, got '" + spaceSymbol + "'; use for example "
              + "CharacterTokenizer.SPACE_SYMBOL");
    }
  }

  /**
   * A tokenizer that marks word boundaries with {@link #SPACE_SYMBOL}.
   *
   * @return the tokenizer
   */
  public static CharacterTokenizer withSpaceSymbol() {
    return new CharacterTokenizer(SPACE_SYMBOL);
  }

  /**
   * A tokenizer that drops whitespace.
   *
   * @return the tokenizer
   */
  public static CharacterTokenizer droppingSpaces() {
    return new CharacterTokenizer("");
  }

  /** {@inheritDoc} */
  @Override
  public List<String> tokenize(String line) {
    List<String> out = new ArrayList<>(line.length());
    boolean pendingSpace = false;
    int i = 0;
    int n = line.length();
    while (i < n) {
      int cp = line.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (Character.isWhitespace(cp)) {
        pendingSpace = !out.isEmpty();
      } else {
        if (pendingSpace && !spaceSymbol.isEmpty()) {
          out.add(spaceSymbol);
        }
        pendingSpace = false;
        out.add(line.substring(i, next));
      }
      i = next;
    }
    return out;
  }
}
