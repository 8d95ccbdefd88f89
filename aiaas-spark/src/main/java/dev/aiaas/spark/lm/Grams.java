package dev.aiaas.spark.lm;

/**
 * N-grams of word ids as compact {@link String} keys for Spark's shuffles: each id is two
 * {@code char}s (its high and low 16 bits), oldest word first, so an n-gram of {@code n} words is
 * a string of {@code 2n} chars whose equality, hash and Java serialisation are the JDK's. The
 * context (the first {@code n-1} words) and the suffix (the last {@code n-1}) are substrings.
 */
final class Grams {

  /** The key of the empty n-gram: the context of every unigram. */
  static final String EMPTY = "";

  private Grams() {}

  static String of(int[] ids, int from, int to) {
    char[] c = new char[2 * (to - from)];
    for (int i = from; i < to; i++) {
      c[2 * (i - from)] = (char) (ids[i] >>> 16);
      c[2 * (i - from) + 1] = (char) ids[i];
    }
    return new String(c);
  }

  static String of(int id) {
    return new String(new char[] {(char) (id >>> 16), (char) id});
  }

  static int length(String g) {
    return g.length() / 2;
  }

  static int id(String g, int i) {
    return (g.charAt(2 * i) << 16) | g.charAt(2 * i + 1);
  }

  /** The first {@code n-1} words. */
  static String context(String g) {
    return g.substring(0, g.length() - 2);
  }

  /** The last {@code n-1} words. */
  static String suffix(String g) {
    return g.substring(2);
  }
}
