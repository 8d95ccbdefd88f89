package dev.aiaas.nlp.lm;

import dev.aiaas.nlp.text.Vocabulary;
import java.util.ArrayList;
import java.util.List;

/**
 * A left-to-right language model over a fixed {@link Vocabulary}, queried KenLM style: a
 * context {@link LmState} and a word id give log10 p(word | context) and the next state.
 *
 * <p>Call order: take a start state ({@link #beginSentenceState()} for sentence-initial
 * context {@code <s>}, or {@link #nullContextState()} for no context), then for each word call
 * {@link #scoreLog10(LmState, int, LmState)} with a second state as output, swap the two, and
 * finally score {@link Vocabulary#EOS}. {@link #sentenceLog10(List)} does exactly that.
 *
 * <p>Units are in the names: {@code log10} is base-10 log probability (KenLM's and ARPA's
 * unit), {@code ln} natural log. Implementations are immutable and thread-safe; states are not
 * (use one set of states per thread).
 */
public interface LanguageModel {

  /** ln 10, to convert log10 to natural log. */
  double LN_10 = Math.log(10.0);

  /**
   * The vocabulary; ids passed to {@link #scoreLog10} index it.
   *
   * @return the vocabulary
   */
  Vocabulary vocabulary();

  /**
   * The n-gram order: the longest n-gram the model uses (context of {@code order - 1} words).
   *
   * @return the order, at least 1
   */
  int order();

  /**
   * Whether p(. | context) sums to 1 over the vocabulary (minus {@code <s>}) in every context.
   * False for stupid backoff, whose scores are not probabilities.
   *
   * @return true for a normalised model
   */
  boolean isNormalised();

  /**
   * The context at the start of a sentence: {@code <s>}.
   *
   * @return a new state
   */
  LmState beginSentenceState();

  /**
   * The empty context (scores are then unigram-level).
   *
   * @return a new state
   */
  LmState nullContextState();

  /**
   * A new state to be used as output of {@link #scoreLog10}; its content is unspecified.
   *
   * @return a new state
   */
  LmState newState();

  /**
   * Scores one word without allocating: the hot path.
   *
   * @param in the context; not modified
   * @param wordId a vocabulary id ({@link Vocabulary#UNK} for an unknown word)
   * @param out receives the context after {@code wordId}, and in {@link LmState#ngramLength()}
   *     the order of the n-gram used; must not be the same object as {@code in}
   * @return log10 p(wordId | in)
   */
  double scoreLog10(LmState in, int wordId, LmState out);

  /**
   * The bytes the model's query structure holds (hash tables, probability and backoff arrays),
   * vocabulary strings excluded.
   *
   * @return an estimate in bytes
   */
  long memoryBytes();

  /**
   * Scores one word, allocating the result and its next state.
   *
   * @param in the context
   * @param wordId a vocabulary id
   * @return probability, next state, n-gram order used and OOV flag
   */
  default ScoreResult score(LmState in, int wordId) {
    LmState out = newState();
    double p = scoreLog10(in, wordId, out);
    return new ScoreResult(p, out, out.ngramLength(), wordId == Vocabulary.UNK);
  }

  /**
   * log10 of the probability of a whole sentence by the chain rule, starting from {@code <s>}
   * and including {@code </s>}: {@code sum_i log10 p(w_i | w_<i) + log10 p(</s> | w)}. This is
   * the {@code Total} of KenLM {@code query}; unknown tokens contribute their {@code <unk>}
   * probability.
   *
   * @param tokens the sentence, without {@code <s>} and {@code </s>}
   * @return the log10 probability
   */
  default double sentenceLog10(List<String> tokens) {
    Vocabulary v = vocabulary();
    LmState a = beginSentenceState();
    LmState b = newState();
    double total = 0;
    for (String t : tokens) {
      total += scoreLog10(a, v.id(t), b);
      LmState tmp = a;
      a = b;
      b = tmp;
    }
    return total + scoreLog10(a, Vocabulary.EOS, b);
  }

  /**
   * {@link #sentenceLog10(List)} in natural log.
   *
   * @param tokens the sentence, without {@code <s>} and {@code </s>}
   * @return the ln probability
   */
  default double sentenceLn(List<String> tokens) {
    return sentenceLog10(tokens) * LN_10;
  }

  /**
   * The per-token breakdown of KenLM {@code query}: every token and then {@code </s>}, each with
   * its log10 probability, the n-gram order used and the OOV flag.
   *
   * @param tokens the sentence, without {@code <s>} and {@code </s>}
   * @return {@code tokens.size() + 1} scores
   */
  default List<TokenScore> scoreTokens(List<String> tokens) {
    Vocabulary v = vocabulary();
    List<TokenScore> out = new ArrayList<>(tokens.size() + 1);
    LmState a = beginSentenceState();
    LmState b = newState();
    for (int i = 0; i <= tokens.size(); i++) {
      String t = i < tokens.size() ? tokens.get(i) : Vocabulary.EOS_TOKEN;
      int id = i < tokens.size() ? v.id(t) : Vocabulary.EOS;
      double p = scoreLog10(a, id, b);
      out.add(new TokenScore(t, id, p, b.ngramLength(), id == Vocabulary.UNK));
      LmState tmp = a;
      a = b;
      b = tmp;
    }
    return out;
  }

  /**
   * Scores one sentence from {@code <s>}: {@code out[i] = log10 p(ids[i] | <s> ids[0] .. ids[i-1])}
   * for i in [0, n), where {@code ids} normally ends with {@link Vocabulary#EOS}. The result is
   * what {@link #scoreLog10} gives word by word from {@link #beginSentenceState()}, which this
   * default does; a model may batch the work over the positions ({@link LstmLanguageModel}
   * computes all positions' output products at once). {@link Perplexity} scores through it.
   *
   * @param ids word ids
   * @param n how many of them to score, from the first
   * @param out receives the n scores
   * @throws IllegalArgumentException when n exceeds {@code ids.length} or {@code out.length}
   */
  default void sentenceScoresLog10(int[] ids, int n, double[] out) {
    if (n < 0 || n > ids.length || n > out.length) {
      throw new IllegalArgumentException("n=" + n + " must lie in [0, min(ids.length, out.length)] = [0, "
          + Math.min(ids.length, out.length) + "]; pass arrays of at least n elements");
    }
    LmState a = beginSentenceState();
    LmState b = newState();
    for (int i = 0; i < n; i++) {
      out[i] = scoreLog10(a, ids[i], b);
      LmState tmp = a;
      a = b;
      b = tmp;
    }
  }

  /**
   * Scores a stream of word ids as sentences: each id in {@code ids} is scored in turn, and
   * {@link Vocabulary#EOS} ends a sentence (the context restarts at {@code <s>}). Meant for
   * throughput measurement: it allocates nothing per token.
   *
   * @param ids word ids, with {@link Vocabulary#EOS} after each sentence
   * @return the log10 total of all the scores
   */
  default double scoreIdsLog10(int[] ids) {
    LmState begin = beginSentenceState();
    LmState a = begin.copy();
    LmState b = newState();
    double total = 0;
    for (int id : ids) {
      total += scoreLog10(a, id, b);
      if (id == Vocabulary.EOS) {
        a.copyFrom(begin);
      } else {
        LmState tmp = a;
        a = b;
        b = tmp;
      }
    }
    return total;
  }
}
