package dev.aiaas.nlp.lm;

/**
 * The result of scoring one word, KenLM's {@code FullScoreReturn}.
 *
 * @param log10Prob log10 p(word | context), at most 0 ({@code -Infinity} for probability 0)
 * @param next the context after the word
 * @param ngramLength the order of the n-gram whose probability was used (1 = unigram)
 * @param oov whether the word is out of the vocabulary (scored as {@code <unk>})
 */
public record ScoreResult(double log10Prob, LmState next, int ngramLength, boolean oov) {

  /**
   * The natural-log probability, {@code log10Prob * ln 10}.
   *
   * @return ln p(word | context)
   */
  public double lnProb() {
    return log10Prob * LanguageModel.LN_10;
  }
}
