package dev.aiaas.nlp.lm;

import java.util.List;

/**
 * One n-gram of a backoff model, as on a line of an ARPA file.
 *
 * @param words the n-gram, oldest word first
 * @param log10Prob log10 p(last word | the others); for an n-gram stored only as a context
 *     (a "blank" entry) the probability the model computes for it by backing off
 * @param log10Backoff log10 of its backoff weight as a context (0 when it is not a context, and
 *     for the highest order)
 */
public record NgramEntry(List<String> words, double log10Prob, double log10Backoff) {

  /**
   * Copies {@code words} so the entry is immutable.
   *
   * @param words the n-gram, oldest word first; copied, no null elements
   * @param log10Prob log10 p(last word | the others)
   * @param log10Backoff log10 of the backoff weight as a context, 0 when none
   * @throws NullPointerException when {@code words} or one of its elements is null
   */
  public NgramEntry {
    words = List.copyOf(words);
  }
}
