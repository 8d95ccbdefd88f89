package dev.aiaas.nlp.lm;

import java.util.Arrays;

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

  /**
   * The discounts of order n from its counts of counts, as KenLM's StatCollector computes them
   * (in float): {@code Y = N1 / (N1 + 2·N2)} and, for modified Kneser-Ney,
   * {@code D_j = j − (j + 1)·Y·N_{j+1} / N_j} for j = 1, 2, 3 (Chen &amp; Goodman 1998, eq. 26);
   * the single-discount methods ({@code kn}, {@code abs}) take {@code D = Y}. Shared by the
   * one-machine estimator and the Spark one, so that both write the same ARPA file.
   *
   * @param order          n, for messages
   * @param countsOfCounts {@code N_k} at index k for k = 1..4 (index 0 unused): how many n-grams
   *                       have (adjusted) count k
   * @param smoothing      the method
   * @param options        the discount fallback, used when the counts give no valid discount
   * @return the discounts
   * @throws BadDiscountException when a count of counts is 0 or a discount falls out of its range
   *                              and {@code options} has no fallback
   */
  public static Discounts estimate(int order, long[] countsOfCounts, Smoothing smoothing, NgramOptions options) {
    long[] nk = countsOfCounts;
    if (nk.length < 5) {
      throw new IllegalArgumentException("countsOfCounts must hold N1..N4 at indices 1..4. Received " + nk.length + " values");
    }
    int needed = smoothing == Smoothing.MKN ? 3 : 1;
    String kind = smoothing == Smoothing.ABSOLUTE ? "absolute" : "Kneser-Ney";
    String countKind = smoothing == Smoothing.ABSOLUTE ? "count" : "adjusted count";
    for (int j = 1; j <= needed; j++) {
      if (nk[j] == 0) {
        String reason =
            "Could not calculate " + kind + " discounts for " + order + "-grams with " + countKind + " "
                + (j + 1) + " because we didn't observe any " + order + "-grams with " + countKind + " "
                + j + "; Is this small or artificial data? Try deduplicating the corpus or a lower"
                + " order";
        return fallback(order, reason, options, smoothing);
      }
    }
    float y = (float) nk[1] / (float) (nk[1] + 2.0 * nk[2]);
    if (smoothing != Smoothing.MKN) {
      return new Discounts(y, Math.min(2, y), Math.min(3, y));
    }
    float[] amount = new float[4];
    for (int j = 1; j <= 3; j++) {
      amount[j] = (float) j - (float) (j + 1) * y * (float) nk[j + 1] / (float) nk[j];
      if (amount[j] < 0 || amount[j] > j) {
        String reason =
            order + "-gram discount out of range for adjusted count " + j + ": " + amount[j]
                + " (expected 0.." + j + "); the counts of counts are " + Arrays.toString(nk);
        return fallback(order, reason, options, smoothing);
      }
    }
    return new Discounts(amount[1], amount[2], amount[3]);
  }

  private static Discounts fallback(int order, String reason, NgramOptions options, Smoothing smoothing) {
    if (options.discountFallback().isPresent()) {
      Discounts f = options.discountFallback().get();
      // single-discount methods use D1 for every count
      return smoothing == Smoothing.MKN ? f : new Discounts(f.d1(), f.d1(), f.d1());
    }
    throw new BadDiscountException(
        order,
        reason,
        "rerun with discount fallback: NgramOptions.withDiscountFallback(Discounts.KENLM_FALLBACK)"
            + " (aiaas lm build --discount-fallback, as lmplz --discount_fallback: D1=0.5 D2=1 D3+=1.5)");
  }
}
