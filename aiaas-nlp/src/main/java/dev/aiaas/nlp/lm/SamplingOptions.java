package dev.aiaas.nlp.lm;

/**
 * How {@link Sampler} draws words. Validated on construction.
 *
 * <p>From p(w | context) the sampler forms {@code q(w) ∝ p(w)^(1/temperature)}, keeps the
 * {@code topK} most probable words (all when 0), then the smallest most-probable prefix whose
 * mass reaches {@code topP} (nucleus sampling, Holtzman et al. 2020), renormalises and draws.
 *
 * @param temperature positive; 1 samples the model's distribution, below 1 sharpens it
 * @param topK how many most probable words to keep; 0 keeps all
 * @param topP nucleus mass in (0, 1]; 1 keeps all
 * @param maxTokens the most words generated per sentence, in {@code 1..}{@value #MAX_TOKENS} (the
 *     sentence then stops without {@code </s>})
 */
public record SamplingOptions(double temperature, int topK, double topP, int maxTokens) {

  /**
   * The most words one sentence may have: 1,000,000. A sentence is held while it is drawn, and a
   * model that rarely draws {@code </s>} runs to the limit: a million words is far beyond any
   * sentence and bounds the memory and time of one draw.
   */
  public static final int MAX_TOKENS = 1_000_000;

  /**
   * Validates each field.
   *
   * @param temperature positive and finite; 1 for the model's own distribution
   * @param topK words kept, at least 0; 0 keeps all
   * @param topP nucleus mass in (0, 1]; 1 keeps all
   * @param maxTokens the most words per sentence, in {@code 1..}{@value #MAX_TOKENS}
   * @throws IllegalArgumentException naming the first value out of range and a usual value
   */
  public SamplingOptions {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "temperature must be positive and finite, got temperature=" + temperature + "; use 1.0 for plain sampling");
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0, got topK=" + topK + "; use 0 to keep all words");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got topP=" + topP + "; use 1.0 to keep all words");
    }
    if (maxTokens < 1 || maxTokens > MAX_TOKENS) {
      throw new IllegalArgumentException("maxTokens must be in 1.." + MAX_TOKENS + ", got maxTokens="
          + maxTokens + "; 100 is usual for sentences");
    }
  }

  /**
   * Plain ancestral sampling: temperature 1, no truncation, at most 100 words.
   *
   * @return the defaults
   */
  public static SamplingOptions defaults() {
    return new SamplingOptions(1.0, 0, 1.0, 100);
  }
}
