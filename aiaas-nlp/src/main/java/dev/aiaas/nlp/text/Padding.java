package dev.aiaas.nlp.text;

import java.util.Objects;

/**
 * How an {@link HfTokenizer} pads encodings, as the {@code padding} object of a Hugging Face
 * {@code tokenizer.json}: to a fixed length ({@code Fixed}), or to the longest encoding of the
 * batch ({@code BatchLongest}, {@code fixedLength == 0}), then up to a multiple. Padding positions
 * have attention mask 0. Immutable; validated.
 *
 * @param fixedLength the length to pad to, or 0 for the longest encoding of the batch (a single
 *     encoding then stays as it is); an encoding already longer is left as it is
 * @param direction which end the padding goes to
 * @param multipleOf round the length up to a multiple of this, at least 1 (1: no rounding)
 * @param padId the id of the padding token
 * @param padTypeId the type id of padding positions
 * @param padToken the padding token's string ({@code [PAD]})
 */
public record Padding(int fixedLength, Direction direction, int multipleOf, int padId,
    int padTypeId, String padToken) {

  /** Which end padding goes to. */
  public enum Direction {
    /** Before the tokens. */
    LEFT,
    /** After the tokens (the usual). */
    RIGHT
  }

  /**
   * Validates the settings.
   *
   * @param fixedLength at least 0 (0: to the longest of the batch)
   * @param direction which end
   * @param multipleOf at least 1
   * @param padId at least 0
   * @param padTypeId the padding's type id
   * @param padToken the padding token's string
   * @throws IllegalArgumentException naming the bad value
   */
  public Padding {
    if (fixedLength < 0) {
      throw new IllegalArgumentException("padding fixedLength must be at least 0 (0: to the"
          + " longest of the batch), got " + fixedLength);
    }
    if (multipleOf < 1) {
      throw new IllegalArgumentException("padding multipleOf must be at least 1 (1: none), got "
          + multipleOf);
    }
    if (padId < 0) {
      throw new IllegalArgumentException("padding padId must be at least 0, got " + padId);
    }
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(padToken, "padToken");
  }

  /**
   * Padding on the right to the longest encoding of the batch.
   *
   * @param padId the padding token's id
   * @param padToken the padding token's string
   * @return the settings
   */
  public static Padding longest(int padId, String padToken) {
    return new Padding(0, Direction.RIGHT, 1, padId, 0, padToken);
  }

  /**
   * The length encodings are padded to when the longest is {@code longest} (an encoding already
   * as long stays as it is).
   */
  int target(int longest) {
    int n = fixedLength > 0 ? fixedLength : longest;
    if (multipleOf > 1 && n % multipleOf != 0) {
      n += multipleOf - n % multipleOf;
    }
    return n;
  }
}
