package dev.aiaas.nlp.lm;

/**
 * One line of KenLM {@code query}'s per-word breakdown ({@code word=id order log10prob}).
 *
 * @param token the token as given ({@code </s>} for the sentence end)
 * @param wordId its vocabulary id ({@code 0} = {@code <unk>} for an OOV)
 * @param log10Prob log10 p(token | context)
 * @param ngramLength the order of the n-gram used
 * @param oov whether the token is out of the vocabulary
 */
public record TokenScore(String token, int wordId, double log10Prob, int ngramLength, boolean oov) {}
