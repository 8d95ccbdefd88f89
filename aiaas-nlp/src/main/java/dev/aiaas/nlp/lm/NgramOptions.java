package dev.aiaas.nlp.lm;

import java.util.Objects;
import java.util.Optional;

/**
 * How to build an n-gram model. Validated on construction; immutable.
 *
 * @param order the n-gram order, in {@code 1..}{@value #MAX_ORDER} (3 = trigram)
 * @param smoothing the smoothing method
 * @param discountFallback discounts used when they cannot be estimated from the data (KenLM's
 *     {@code --discount_fallback}); empty = fail with {@link BadDiscountException}
 * @param addK the pseudo-count {@code k} of {@link Smoothing#ADD_K}, positive
 * @param stupidBackoffAlpha the backoff factor of {@link Smoothing#STUPID_BACKOFF}, in (0, 1]
 * @param minCount words seen fewer times than this become {@code <unk>}; 1 keeps every word
 *     (the KenLM default)
 */
public record NgramOptions(
    int order,
    Smoothing smoothing,
    Optional<Discounts> discountFallback,
    double addK,
    double stupidBackoffAlpha,
    long minCount) {

  /**
   * The highest order built or read: 16. KenLM's query is compiled for at most 6 by default
   * ({@code KENLM_MAX_ORDER}) and 5 is the usual choice for words; beyond about 10 almost every
   * n-gram of a text is seen once, so higher orders add memory (a table per order, of up to one
   * entry per token) and no accuracy. 16 leaves room for character- and byte-level models, whose
   * units are short, while a mistyped order fails at once instead of allocating a table per order.
   */
  public static final int MAX_ORDER = 16;

  /** Default {@link #addK()}: add-one (Laplace) smoothing. */
  public static final double DEFAULT_ADD_K = 1.0;
  /** Default {@link #stupidBackoffAlpha()}, Brants et al. 2007. */
  public static final double DEFAULT_STUPID_ALPHA = 0.4;

  /**
   * Validates every field, naming the bad value and the fix.
   *
   * @param order the n-gram order, in {@code 1..}{@value #MAX_ORDER}
   * @param smoothing the smoothing method, not null
   * @param discountFallback the fallback discounts, not null; empty for none
   * @param addK the pseudo-count of {@link Smoothing#ADD_K}, positive and finite
   * @param stupidBackoffAlpha the backoff factor of {@link Smoothing#STUPID_BACKOFF}, in (0, 1]
   * @param minCount the vocabulary cut-off, at least 1
   * @throws IllegalArgumentException when a number is out of its range
   * @throws NullPointerException when {@code smoothing} or {@code discountFallback} is null
   */
  public NgramOptions {
    if (order < 1 || order > MAX_ORDER) {
      throw new IllegalArgumentException(
          "n-gram order must be in 1.." + MAX_ORDER + ", got order=" + order
              + "; use e.g. 3 for a trigram model, 5 as KenLM's usual choice");
    }
    Objects.requireNonNull(smoothing, "smoothing; use Smoothing.parse(\"mkn\") for KenLM's default");
    Objects.requireNonNull(discountFallback, "discountFallback; use Optional.empty() for none");
    if (!(addK > 0) || Double.isInfinite(addK)) {
      throw new IllegalArgumentException(
          "addK must be positive and finite, got addK=" + addK + "; use 1 for add-one smoothing");
    }
    if (!(stupidBackoffAlpha > 0 && stupidBackoffAlpha <= 1)) {
      throw new IllegalArgumentException(
          "stupidBackoffAlpha must be in (0, 1], got " + stupidBackoffAlpha + "; Brants et al. use 0.4");
    }
    if (minCount < 1) {
      throw new IllegalArgumentException(
          "minCount must be at least 1, got minCount=" + minCount + "; use 1 to keep every word");
    }
  }

  /**
   * Options with defaults: no discount fallback, {@code k = 1}, {@code alpha = 0.4}, {@code
   * minCount = 1}.
   *
   * @param order the n-gram order, at least 1
   * @param smoothing the method
   * @return the options
   */
  public static NgramOptions of(int order, Smoothing smoothing) {
    return new NgramOptions(
        order, smoothing, Optional.empty(), DEFAULT_ADD_K, DEFAULT_STUPID_ALPHA, 1);
  }

  /**
   * KenLM {@code lmplz -o order} defaults: modified Kneser-Ney, no fallback.
   *
   * @param order the n-gram order
   * @return the options
   */
  public static NgramOptions kenlm(int order) {
    return of(order, Smoothing.MKN);
  }

  /**
   * These options with a discount fallback.
   *
   * @param fallback the discounts to use where estimation fails, e.g. {@link
   *     Discounts#KENLM_FALLBACK}
   * @return new options
   */
  public NgramOptions withDiscountFallback(Discounts fallback) {
    return new NgramOptions(order, smoothing, Optional.of(fallback), addK, stupidBackoffAlpha, minCount);
  }

  /**
   * These options with another add-k pseudo-count.
   *
   * @param k the pseudo-count, positive
   * @return new options
   */
  public NgramOptions withAddK(double k) {
    return new NgramOptions(order, smoothing, discountFallback, k, stupidBackoffAlpha, minCount);
  }

  /**
   * These options with another stupid-backoff factor.
   *
   * @param alpha the factor, in (0, 1]
   * @return new options
   */
  public NgramOptions withStupidBackoffAlpha(double alpha) {
    return new NgramOptions(order, smoothing, discountFallback, addK, alpha, minCount);
  }

  /**
   * These options with another minimum word count.
   *
   * @param min the minimum count, at least 1
   * @return new options
   */
  public NgramOptions withMinCount(long min) {
    return new NgramOptions(order, smoothing, discountFallback, addK, stupidBackoffAlpha, min);
  }
}
