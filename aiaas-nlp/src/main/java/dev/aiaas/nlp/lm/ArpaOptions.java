package dev.aiaas.nlp.lm;

import dev.aiaas.core.io.Inputs;

/**
 * Limits on an ARPA file that {@link NgramModel#readArpa(java.nio.file.Path, ArpaOptions)} reads,
 * which protect the host process from a damaged or hostile file. Immutable; validated.
 *
 * <p>Besides these, the reader always checks the header's counts before it allocates anything for
 * them: each order's count against the most one order can hold ({@code ProbingTable.MAX_ENTRIES},
 * 715,827,879), the counts together against what the file could hold (an n-gram line takes at
 * least {@code 2n + 1} bytes, and the file delivers at most its size, or 1032 times its size when
 * gzip-compressed), and their tables against the JVM's maximum heap; and it reads the entries into
 * tables that grow as entries arrive, so memory follows what the file really holds.
 *
 * @param maxBytes the most bytes the file may deliver after decompression; default {@link
 *     Inputs#UNLIMITED}: the reader holds the model, not the text, and the model is bounded by the
 *     header's counts, which are checked against the file's size
 * @param maxLineChars the longest line, in characters, at least 1; default {@value
 *     #DEFAULT_MAX_LINE_CHARS}: an ARPA line is a number, a few words and a number
 * @param maxNgrams the most n-grams the header may declare, all orders together, at least 1;
 *     default {@value #DEFAULT_MAX_NGRAMS} (whose tables take about 24 GB of heap)
 */
public record ArpaOptions(long maxBytes, int maxLineChars, long maxNgrams) {

  /** Default {@link #maxBytes()}: no limit. */
  public static final long DEFAULT_MAX_BYTES = Inputs.UNLIMITED;
  /** Default {@link #maxLineChars()}: 1,048,576 characters. */
  public static final int DEFAULT_MAX_LINE_CHARS = 1 << 20;
  /** Default {@link #maxNgrams()}: one billion n-grams. */
  public static final long DEFAULT_MAX_NGRAMS = 1_000_000_000L;

  private static final ArpaOptions DEFAULTS =
      new ArpaOptions(DEFAULT_MAX_BYTES, DEFAULT_MAX_LINE_CHARS, DEFAULT_MAX_NGRAMS);

  /**
   * Validates the limits.
   *
   * @param maxBytes at least 1; {@link Inputs#UNLIMITED} for none
   * @param maxLineChars at least 1
   * @param maxNgrams at least 1
   * @throws IllegalArgumentException naming the value out of range and the default
   */
  public ArpaOptions {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, got maxBytes=" + maxBytes
          + "; the default is Inputs.UNLIMITED (no limit)");
    }
    if (maxLineChars < 1) {
      throw new IllegalArgumentException("maxLineChars must be at least 1, got maxLineChars="
          + maxLineChars + "; the default is " + DEFAULT_MAX_LINE_CHARS);
    }
    if (maxNgrams < 1) {
      throw new IllegalArgumentException("maxNgrams must be at least 1, got maxNgrams=" + maxNgrams
          + "; the default is " + DEFAULT_MAX_NGRAMS);
    }
  }

  /**
   * The defaults: no byte limit, lines of at most 1,048,576 characters, at most a billion n-grams.
   *
   * @return the default options
   */
  public static ArpaOptions defaults() {
    return DEFAULTS;
  }

  /**
   * These options with another byte limit.
   *
   * @param bytes the most bytes after decompression, at least 1; {@link Inputs#UNLIMITED} for none
   * @return new options
   */
  public ArpaOptions withMaxBytes(long bytes) {
    return new ArpaOptions(bytes, maxLineChars, maxNgrams);
  }

  /**
   * These options with another line length limit.
   *
   * @param chars the longest line in characters, at least 1
   * @return new options
   */
  public ArpaOptions withMaxLineChars(int chars) {
    return new ArpaOptions(maxBytes, chars, maxNgrams);
  }

  /**
   * These options with another limit on the declared n-grams.
   *
   * @param ngrams the most n-grams, all orders together, at least 1
   * @return new options
   */
  public ArpaOptions withMaxNgrams(long ngrams) {
    return new ArpaOptions(maxBytes, maxLineChars, ngrams);
  }
}
