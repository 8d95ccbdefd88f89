package dev.aiaas.nlp.text;

/**
 * How an {@link HfTokenizer} shortens an encoding that is too long, as the {@code truncation}
 * object of a Hugging Face {@code tokenizer.json}: the encoding, special tokens included, keeps at
 * most {@code maxLength} positions. Immutable; validated.
 *
 * @param maxLength the most positions, special tokens included, at least 1 (all-MiniLM-L6-v2's
 *     file says 128; sentence-transformers uses 256 for it)
 * @param strategy which text of a pair loses tokens
 * @param direction which end of a text loses tokens
 * @param stride kept for the file's sake (the overflowing windows it defines are not produced);
 *     at least 0
 */
public record Truncation(int maxLength, Strategy strategy, Direction direction, int stride) {

  /** Which text of a pair is shortened. */
  public enum Strategy {
    /** One token at a time from the longer text (Hugging Face's {@code LongestFirst}). */
    LONGEST_FIRST,
    /** Only the first text ({@code OnlyFirst}). */
    ONLY_FIRST,
    /** Only the second text ({@code OnlySecond}). */
    ONLY_SECOND
  }

  /** Which end loses tokens. */
  public enum Direction {
    /** Tokens are removed from the start. */
    LEFT,
    /** Tokens are removed from the end (the usual). */
    RIGHT
  }

  /**
   * Validates the settings.
   *
   * @param maxLength at least 1
   * @param strategy which text of a pair loses tokens
   * @param direction which end loses tokens
   * @param stride at least 0
   * @throws IllegalArgumentException naming the bad value
   */
  public Truncation {
    if (maxLength < 1) {
      throw new IllegalArgumentException("truncation maxLength must be at least 1, got "
          + maxLength + "; 512 suits BERT models, 128 or 256 sentence encoders");
    }
    if (stride < 0) {
      throw new IllegalArgumentException("truncation stride must be at least 0, got " + stride);
    }
    java.util.Objects.requireNonNull(strategy, "strategy");
    java.util.Objects.requireNonNull(direction, "direction");
  }

  /**
   * Truncation to {@code maxLength} positions from the right, longest text first.
   *
   * @param maxLength the most positions, special tokens included, at least 1
   * @return the settings
   */
  public static Truncation of(int maxLength) {
    return new Truncation(maxLength, Strategy.LONGEST_FIRST, Direction.RIGHT, 0);
  }
}
