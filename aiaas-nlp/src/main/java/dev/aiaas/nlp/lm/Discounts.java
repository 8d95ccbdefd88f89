package dev.aiaas.nlp.lm;

/**
 * Kneser-Ney discounts of one order: the amount subtracted from an adjusted count of 1, 2, and
 * 3 or more (Chen &amp; Goodman 1998, eq. 26). Single-discount methods ({@code kn}, {@code abs})
 * use {@link #d1()} only.
 *
 * @param d1 discount of count 1, in {@code [0, 1]}
 * @param d2 discount of count 2, in {@code [0, 2]}
 * @param d3plus discount of counts 3 and above, in {@code [0, 3]}
 */
public record Discounts(double d1, double d2, double d3plus) {

  /** KenLM {@code lmplz --discount_fallback}'s default: D1=0.5 D2=1 D3+=1.5. */
  public static final Discounts KENLM_FALLBACK = new Discounts(0.5, 1.0, 1.5);

  /**
   * Validates the ranges KenLM checks ("discount out of range").
   *
   * @param d1 discount of count 1, in {@code [0, 1]}
   * @param d2 discount of count 2, in {@code [0, 2]}
   * @param d3plus discount of counts 3 and above, in {@code [0, 3]}
   * @throws IllegalArgumentException when a discount is out of its range or NaN
   */
  public Discounts {
    check(d1, 1, "d1");
    check(d2, 2, "d2");
    check(d3plus, 3, "d3plus");
  }

  private static void check(double d, int max, String name) {
    if (!(d >= 0 && d <= max)) {
      throw new IllegalArgumentException(
          "discount " + name + "=" + d + " out of range; expected a value in [0, " + max
              + "] so that adjusted counts stay non-negative");
    }
  }

  /**
   * The discount for an adjusted count: 0 for 0, then {@link #d1()}, {@link #d2()}, {@link
   * #d3plus()}.
   *
   * @param count an adjusted count
   * @return the amount to subtract
   */
  public double forCount(long count) {
    if (count <= 0) {
      return 0;
    }
    return count == 1 ? d1 : count == 2 ? d2 : d3plus;
  }
}
