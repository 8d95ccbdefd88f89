package dev.aiaas.nlp.lm;

/**
 * Kneser-Ney or absolute discounts could not be estimated from the counts of counts, typically
 * because the corpus is tiny or artificial (KenLM's {@code BadDiscountException}). The message
 * says which order and count failed and how to fix it: set
 * {@link NgramOptions#withDiscountFallback(Discounts)} (KenLM's {@code --discount_fallback}).
 */
public class BadDiscountException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** The order whose discounts failed. */
  private final int order;
  /** What failed and why, without the fix. */
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param order the n-gram order whose discounts failed
   * @param message what failed, why, and the fix
   */
  public BadDiscountException(int order, String message) {
    super(message);
    this.order = order;
    this.reason = message;
  }

  /**
   * Creates the exception from its two parts; the message is {@code reason + "; " + fix}.
   *
   * @param order the n-gram order whose discounts failed
   * @param reason what failed and why, e.g. the counts of counts; no fix
   * @param fix how to fix it in the API's terms, e.g. the discount-fallback option
   */
  public BadDiscountException(int order, String reason, String fix) {
    super(reason + "; " + fix);
    this.order = order;
    this.reason = reason;
  }

  /**
   * What failed and why, without the API-specific fix, so that a front end (the command line)
   * can name its own option instead.
   *
   * @return the reason; the whole message when the exception was made without a separate fix
   */
  public String reason() {
    return reason;
  }

  /**
   * The n-gram order whose discounts could not be estimated.
   *
   * @return the order, at least 1
   */
  public int order() {
    return order;
  }
}
