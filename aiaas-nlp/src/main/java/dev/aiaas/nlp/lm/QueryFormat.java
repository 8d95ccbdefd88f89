package dev.aiaas.nlp.lm;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;

/**
 * The output lines of KenLM's {@code query} ({@code lm/ngram_query.hh}), for tools that print
 * scores as it does, so that their output can be compared with query's line by line:
 *
 * <pre>
 * the=3 2 -1.25   cat=5 1 -2.5   &lt;/s&gt;=2 2 -0.375   Total: -4.125 OOV: 0
 * </pre>
 *
 * <p>Per token {@code word=id ngram_length log10prob} and a tab ({@link #word}), then
 * {@code Total: T OOV: N} ({@link #sentence}), where T is the sentence's log10 probability
 * summed in float32 as query sums it and N its out-of-vocabulary count. Numbers are printed as
 * KenLM's {@code util::FileStream} prints a float ({@link #number}): the shortest decimal that reads
 * back as the same float32, in plain notation for magnitudes in [1e-6, 1e21), else as
 * {@code 1.5e-7}; so {@code -109.06382} where a C++ stream's default precision prints
 * {@code -109.064}.
 *
 * <p>The id is the model's vocabulary id, which is query's when the model's unigrams list
 * {@code <unk>}, {@code <s>} and {@code </s>} first (as lmplz and aiaas write ARPA files): query
 * numbers words in the order of the ARPA file with {@code <unk>} as 0.
 */
public final class QueryFormat {

  private static final BigDecimal TWO = BigDecimal.valueOf(2);

  private QueryFormat() {}

  /**
   * One sentence's line: with {@code words}, each token's {@link #word} field and a tab first
   * (query's default output and {@code -v word -v sentence}), then {@code Total: T OOV: N}
   * (query's {@code -v sentence}).
   *
   * @param scores the sentence's tokens and then {@code </s>}, as
   *     {@link LanguageModel#scoreTokens} gives them
   * @param words whether to print the tokens before the total
   * @return the line, without a line break
   */
  public static String sentence(List<TokenScore> scores, boolean words) {
    StringBuilder line = new StringBuilder();
    float total = 0f;
    int oovs = 0;
    for (TokenScore t : scores) {
      total += (float) t.log10Prob(); // ngram_query.hh: float total; total += ret.prob
      oovs += t.oov() ? 1 : 0;
      if (words) {
        line.append(word(t)).append('\t');
      }
    }
    return line.append("Total: ").append(number(total)).append(" OOV: ").append(oovs).toString();
  }

  /**
   * One token's field of query's per-word output: {@code word=id ngram_length log10prob}, the
   * probability as the float32 that query holds ({@code FullScoreReturn.prob}).
   *
   * @param t the token's score
   * @return for example {@code the=3 2 -1.2345678}
   */
  public static String word(TokenScore t) {
    return t.token() + "=" + t.wordId() + " " + t.ngramLength() + " " + number((float) t.log10Prob());
  }

  /**
   * A float32 as KenLM prints it (double-conversion's {@code ToShortestSingle} with query's
   * settings): the fewest significant digits that read back as the same float, the closest to it
   * of those (ties to an even last digit); plain notation when the decimal exponent is in
   * [−6, 21) ({@code 0.000001}, {@code 100}), else {@code d.ddde±x} without a {@code +}
   * ({@code 1e-7}, {@code 3.4028235e38}); {@code inf}, {@code -inf}, {@code NaN}, {@code 0},
   * {@code -0}.
   *
   * @param value the value
   * @return its text
   */
  public static String number(float value) {
    if (Float.isNaN(value)) {
      return "NaN";
    }
    if (Float.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    boolean negative = Float.floatToRawIntBits(value) < 0;
    if (value == 0) {
      return negative ? "-0" : "0";
    }
    BigDecimal d = shortest(Math.abs(value)).stripTrailingZeros();
    String digits = d.unscaledValue().toString();
    int length = digits.length();
    int point = length - d.scale(); // value = 0.digits × 10^point
    int exponent = point - 1;
    StringBuilder out = new StringBuilder(negative ? "-" : "");
    if (exponent >= -6 && exponent < 21) {
      if (point <= 0) {
        out.append("0.").append("0".repeat(-point)).append(digits);
      } else if (point >= length) {
        out.append(digits).append("0".repeat(point - length));
      } else {
        out.append(digits, 0, point).append('.').append(digits, point, length);
      }
    } else {
      out.append(digits.charAt(0));
      if (length > 1) {
        out.append('.').append(digits, 1, length);
      }
      out.append('e').append(exponent);
    }
    return out.toString();
  }

  /**
   * The shortest decimal in the rounding interval of {@code a} (positive, finite): the decimals
   * that read back as {@code a}, the interval's ends included when a's significand is even (reading
   * rounds half to even). With p digits, the candidates are a rounded down and up to p digits;
   * if both lie in the interval the closer wins.
   */
  private static BigDecimal shortest(float a) {
    BigDecimal exact = new BigDecimal(a);
    BigDecimal low = exact.add(new BigDecimal(Math.nextDown(a))).divide(TWO);
    BigDecimal high = exact.add(new BigDecimal(Math.ulp(a)).divide(TWO)); // nextUp may be +inf
    boolean even = (Float.floatToRawIntBits(a) & 1) == 0;
    for (int p = 1; ; p++) {
      BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
      BigDecimal up = exact.round(new MathContext(p, RoundingMode.CEILING));
      boolean downIn = inside(down, low, high, even);
      boolean upIn = inside(up, low, high, even);
      if (downIn && upIn) {
        int c = exact.subtract(down).compareTo(up.subtract(exact));
        if (c != 0) {
          return c < 0 ? down : up;
        }
        return lastDigitEven(down) ? down : up;
      }
      if (downIn) {
        return down;
      }
      if (upIn) {
        return up;
      }
    }
  }

  private static boolean inside(BigDecimal d, BigDecimal low, BigDecimal high, boolean closed) {
    int l = d.compareTo(low);
    int h = d.compareTo(high);
    return (l > 0 || closed && l == 0) && (h < 0 || closed && h == 0);
  }

  private static boolean lastDigitEven(BigDecimal d) {
    return !d.unscaledValue().testBit(0);
  }
}
