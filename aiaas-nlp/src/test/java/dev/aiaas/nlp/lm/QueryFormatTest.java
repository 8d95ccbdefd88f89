package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * KenLM query's number format (double-conversion's shortest float32 with query's settings) and its
 * per-word and per-sentence lines.
 */
class QueryFormatTest {

  @Test
  void numbersAreTheShortestDecimalThatReadsBackInKenlmsNotation() {
    assertEquals("-109.06382", QueryFormat.number(-109.06382f), "where a C++ stream prints -109.064");
    assertEquals("-8.534686", QueryFormat.number(-8.534686f));
    assertEquals("0.1", QueryFormat.number(0.1f), "not 0.10000000149 (the float's exact value)");
    assertEquals("-2.0078125", QueryFormat.number(-2.0078125f), "exact, and no shorter decimal is within half an ulp");
    assertEquals("100", QueryFormat.number(100f), "no trailing point or zero");
    assertEquals("123456790", QueryFormat.number(123456789f), "the float is 123456792; 8 digits read back as it");
    assertEquals("15000000000", QueryFormat.number(1.5e10f), "plain below 1e21");
    assertEquals("1e21", QueryFormat.number(1e21f), "exponential from 1e21, without '+'");
    assertEquals("3.4028235e38", QueryFormat.number(Float.MAX_VALUE));
    assertEquals("0.000001", QueryFormat.number(1e-6f), "plain down to 1e-6");
    assertEquals("1e-7", QueryFormat.number(1e-7f));
    assertEquals("-1.5e-7", QueryFormat.number(-1.5e-7f));
    assertEquals("1e-45", QueryFormat.number(Float.MIN_VALUE), "the smallest subnormal");
    assertEquals("-99", QueryFormat.number(-99f), "log10 p(<s>)");
    assertEquals("0", QueryFormat.number(0f));
    assertEquals("-0", QueryFormat.number(-0f));
    assertEquals("-inf", QueryFormat.number(Float.NEGATIVE_INFINITY), "log10 of probability 0");
    assertEquals("inf", QueryFormat.number(Float.POSITIVE_INFINITY));
    assertEquals("NaN", QueryFormat.number(Float.NaN));
  }

  /**
   * The definition checked another way than the implementation computes it: the text parses back
   * to the same float, and neither neighbour of the value at one digit fewer does.
   */
  @Test
  void everyNumberReadsBackAndNoShorterDecimalDoes() {
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < 20_000; i++) {
      float f = i % 2 == 0
          ? Float.intBitsToFloat(random.nextInt()) // any bit pattern
          : (float) -random.nextDouble(0, 200); // log10 totals
      if (Float.isNaN(f) || Float.isInfinite(f) || f == 0) {
        continue;
      }
      String s = QueryFormat.number(f);
      assertEquals(f, Float.parseFloat(s), 0f, s);
      BigDecimal exact = new BigDecimal(f);
      int digits = new BigDecimal(s.replace("e", "E")).stripTrailingZeros().precision();
      if (digits > 1) {
        for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
          BigDecimal shorter = exact.round(new MathContext(digits - 1, mode));
          assertNotEquals(f, Float.parseFloat(shorter.toString()), f + ": " + shorter + " is shorter than " + s);
        }
      }
    }
  }

  @Test
  void linesAreQuerysWordFieldsThenTheFloatTotal() {
    List<TokenScore> scores = List.of(
        new TokenScore("the", 3, -1.25, 2, false),
        new TokenScore("zebra", 0, -0.1, 1, true),
        new TokenScore("</s>", 2, -0.375, 1, false));
    // float sum: -1.25 + -0.1f + -0.375 = -1.725 (to float), one OOV
    assertEquals("Total: -1.725 OOV: 1", QueryFormat.sentence(scores, false));
    assertEquals("the=3 2 -1.25\tzebra=0 1 -0.1\t</s>=2 1 -0.375\tTotal: -1.725 OOV: 1", QueryFormat.sentence(scores, true));
    assertEquals("zebra=0 1 -0.1", QueryFormat.word(scores.get(1)));
  }
}
