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

  /**
   * Creates the exception.
   *
   * @param order the n-gram order whose discounts failed
   * @param message what failed, why, and the fix
   */
  public BadDiscountException(int order, String message) {
    super(message);
    this.order = order;
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
