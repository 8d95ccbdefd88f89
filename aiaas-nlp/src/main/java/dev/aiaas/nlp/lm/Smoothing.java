package dev.aiaas.nlp.lm;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The catalogue of n-gram smoothing methods. Every method produces the same model structure (a
 * backoff model: n-gram → log10 probability and log10 backoff weight, as in an ARPA file), so
 * all are queried, saved and loaded alike. Notation (Chen &amp; Goodman 1998, "An Empirical
 * Study of Smoothing Techniques for Language Modeling"): {@code c(hw)} the count of n-gram
 * {@code hw}, {@code c(h) = sum_w c(hw)}, {@code N1+(h.)} the number of distinct followers of
 * {@code h}, {@code h'} the context without its oldest word, {@code V} the vocabulary size
 * without {@code <s>}.
 */
public enum Smoothing {

  /**
   * Modified Kneser-Ney exactly as KenLM's {@code lmplz} builds it by default (Chen &amp;
   * Goodman 1998 section 3; Heafield et al. 2013, "Scalable Modified Kneser-Ney Language Model
   * Estimation"): adjusted (continuation) counts for lower orders, three discounts per order
   * {@code D_k = k - (k+1) Y N_{k+1}/N_k}, {@code Y = N_1/(N_1 + 2 N_2)}, interpolation, and
   * unigrams interpolated with the uniform distribution {@code 1/V}.
   */
  MKN("mkn", true),
  /** Interpolated Kneser-Ney: as {@link #MKN} but one discount per order {@code D = Y}. */
  KN("kn", true),
  /**
   * Interpolated Witten-Bell: {@code p(w|h) = (c(hw) + N1+(h.) p(w|h')) / (c(h) + N1+(h.))},
   * unigrams interpolated with {@code 1/V}.
   */
  WITTEN_BELL("wb", true),
  /**
   * Interpolated absolute discounting on raw counts (Ney, Essen &amp; Kneser 1994): {@code
   * p(w|h) = max(c(hw) - D, 0)/c(h) + D N1+(h.)/c(h) p(w|h')}, {@code D = N_1/(N_1 + 2 N_2)}
   * per order.
   */
  ABSOLUTE("abs", true),
  /**
   * Additive smoothing of the highest order: {@code p(w|h) = (c(hw) + k)/(c(h) + kV)} for a
   * full-length (or {@code <s>}-initial) context {@code h}; uniform {@code 1/V} in any shorter
   * context.
   */
  ADD_K("addk", true),
  /**
   * Maximum likelihood {@code c(hw)/c(h)}, using the longest context that was observed;
   * unseen words in an observed context, and {@code <unk>}, get probability 0.
   */
  MLE("mle", true),
  /**
   * Stupid backoff (Brants et al. 2007): {@code S(w|h) = c(hw)/c(h)} if seen, else {@code alpha
   * S(w|h')}, default {@code alpha = 0.4}. Not normalised: scores are not probabilities.
   */
  STUPID_BACKOFF("stupid", false);

  private final String id;
  private final boolean normalised;

  Smoothing(String id, boolean normalised) {
    this.id = id;
    this.normalised = normalised;
  }

  /**
   * The short name used by {@link #parse(String)} and the command line.
   *
   * @return the name, e.g. {@code "mkn"}
   */
  public String id() {
    return id;
  }

  /**
   * Whether the method yields probabilities that sum to 1 in every context.
   *
   * @return false only for stupid backoff
   */
  public boolean isNormalised() {
    return normalised;
  }

  /**
   * The method named {@code name} (case-insensitive): one of {@code mkn|kn|wb|abs|addk|mle|stupid}.
   *
   * @param name a short name
   * @return the method
   * @throws IllegalArgumentException listing the valid names
   */
  public static Smoothing parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (Smoothing s : values()) {
      if (s.id.equals(n)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown smoothing '" + name + "'; valid: " + names());
  }

  /**
   * The valid names separated by {@code |}.
   *
   * @return {@code "mkn|kn|wb|abs|addk|mle|stupid"}
   */
  public static String names() {
    return Arrays.stream(values()).map(Smoothing::id).collect(Collectors.joining("|"));
  }
}
