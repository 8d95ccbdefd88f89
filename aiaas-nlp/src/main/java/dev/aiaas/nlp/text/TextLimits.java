package dev.aiaas.nlp.text;

import dev.aiaas.core.io.Inputs;

/**
 * Limits on a text file that is read (a corpus, a vocabulary, a tokenizer file), which protect the
 * host process from a file that is damaged or hostile: a gzip bomb, one line of gigabytes, a line
 * that splits into millions of tokens. Each limit is checked before the memory for the part that
 * exceeds it is held; exceeding one throws core's {@link dev.aiaas.core.io.InputLimitException}
 * (for a corpus) or the file format's own exception with it as the cause. Immutable; validated.
 *
 * @param maxBytes the most bytes the file may hold after decompression; {@link Inputs#UNLIMITED}
 *     for no limit (reasonable only where the text is processed as read, never held whole). The
 *     default {@value #DEFAULT_MAX_BYTES} (1 GiB) is for text held in memory: a corpus held as
 *     token lists takes several times its size in heap
 * @param maxLineChars the longest line, in characters (UTF-16 units), at least 1; default {@value
 *     #DEFAULT_MAX_LINE_CHARS} (1 Mi), far above any sentence or paragraph
 * @param maxTokensPerLine the most tokens one line may split into, at least 1; default {@value
 *     #DEFAULT_MAX_TOKENS_PER_LINE}, four per character of the longest line, which a byte-level
 *     tokenizer (at most one token per UTF-8 byte, at most 4 bytes per character) cannot exceed:
 *     the limit stops a tokenizer that emits several tokens per character
 */
public record TextLimits(long maxBytes, int maxLineChars, int maxTokensPerLine) {

  /** Default {@link #maxBytes()}: 1 GiB after decompression. */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;
  /** Default {@link #maxLineChars()}: 1,048,576 characters. */
  public static final int DEFAULT_MAX_LINE_CHARS = 1 << 20;
  /** Default {@link #maxTokensPerLine()}: 4,194,304 tokens. */
  public static final int DEFAULT_MAX_TOKENS_PER_LINE = 1 << 22;

  private static final TextLimits DEFAULTS =
      new TextLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_LINE_CHARS, DEFAULT_MAX_TOKENS_PER_LINE);

  /**
   * Validates the limits.
   *
   * @param maxBytes at least 1; {@link Inputs#UNLIMITED} for none
   * @param maxLineChars at least 1
   * @param maxTokensPerLine at least 1
   * @throws IllegalArgumentException naming the value out of range and a usual value
   */
  public TextLimits {
    if (maxBytes < 1) {
      throw new IllegalArgumentException(
          "maxBytes must be at least 1, got maxBytes=" + maxBytes + "; the default is "
              + DEFAULT_MAX_BYTES + " (1 GiB), Inputs.UNLIMITED for none");
    }
    if (maxLineChars < 1) {
      throw new IllegalArgumentException(
          "maxLineChars must be at least 1, got maxLineChars=" + maxLineChars + "; the default is "
              + DEFAULT_MAX_LINE_CHARS);
    }
    if (maxTokensPerLine < 1) {
      throw new IllegalArgumentException(
          "maxTokensPerLine must be at least 1, got maxTokensPerLine=" + maxTokensPerLine
              + "; the default is " + DEFAULT_MAX_TOKENS_PER_LINE);
    }
  }

  /**
   * The defaults: 1 GiB, lines of at most 1,048,576 characters and 4,194,304 tokens.
   *
   * @return the default limits
   */
  public static TextLimits defaults() {
    return DEFAULTS;
  }

  /**
   * These limits with another byte limit.
   *
   * @param bytes the most bytes after decompression, at least 1; {@link Inputs#UNLIMITED} for none
   * @return new limits
   */
  public TextLimits withMaxBytes(long bytes) {
    return new TextLimits(bytes, maxLineChars, maxTokensPerLine);
  }

  /**
   * These limits with another line length limit; the tokens-per-line limit becomes four per
   * character of it (at most {@link Integer#MAX_VALUE}) unless it was set higher.
   *
   * @param chars the longest line in characters, at least 1
   * @return new limits
   */
  public TextLimits withMaxLineChars(int chars) {
    int tokens = (int) Math.min(Integer.MAX_VALUE, 4L * Math.max(1, chars));
    return new TextLimits(maxBytes, chars, Math.max(maxTokensPerLine, tokens));
  }

  /**
   * These limits with another tokens-per-line limit.
   *
   * @param tokens the most tokens a line may split into, at least 1
   * @return new limits
   */
  public TextLimits withMaxTokensPerLine(int tokens) {
    return new TextLimits(maxBytes, maxLineChars, tokens);
  }
}
