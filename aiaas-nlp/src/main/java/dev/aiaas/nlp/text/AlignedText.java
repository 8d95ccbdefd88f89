package dev.aiaas.nlp.text;

import java.util.Arrays;

/**
 * Text being normalised, each of its characters aligned to the characters of the original text it
 * came from: character {@code i} came from {@code [start(i), end(i))} of the original string
 * (UTF-16 indices). A character inserted by a normaliser (the space around a Chinese character,
 * GPT-2's prefix space) is aligned to the empty range at the original character it stands next
 * to. Mutable, used by one thread during one encoding.
 */
final class AlignedText {

  private char[] chars;
  private int[] starts;
  private int[] ends;
  private int length;

  AlignedText(int capacity) {
    int c = Math.max(4, capacity);
    chars = new char[c];
    starts = new int[c];
    ends = new int[c];
  }

  /** The part {@code [from, to)} of {@code text}, each character aligned to itself (a surrogate pair to both its units). */
  static AlignedText of(String text, int from, int to) {
    AlignedText t = new AlignedText(to - from);
    for (int i = from; i < to; ) {
      int cp = text.codePointAt(i);
      int n = Character.charCount(cp);
      for (int k = 0; k < n; k++) {
        t.append(text.charAt(i + k), i, i + n);
      }
      i += n;
    }
    return t;
  }

  void append(char c, int start, int end) {
    if (length == chars.length) {
      int n = chars.length * 2;
      chars = Arrays.copyOf(chars, n);
      starts = Arrays.copyOf(starts, n);
      ends = Arrays.copyOf(ends, n);
    }
    chars[length] = c;
    starts[length] = start;
    ends[length] = end;
    length++;
  }

  /** Appends a code point (one or two characters), aligned to {@code [start, end)}. */
  void appendCodePoint(int cp, int start, int end) {
    if (Character.isBmpCodePoint(cp)) {
      append((char) cp, start, end);
    } else {
      append(Character.highSurrogate(cp), start, end);
      append(Character.lowSurrogate(cp), start, end);
    }
  }

  int length() {
    return length;
  }

  char charAt(int i) {
    return chars[i];
  }

  /** The code point at {@code i} (a lone surrogate as itself). */
  int codePointAt(int i) {
    return Character.codePointAt(chars, i, length);
  }

  int start(int i) {
    return starts[i];
  }

  int end(int i) {
    return ends[i];
  }

  String substring(int from, int to) {
    return new String(chars, from, to - from);
  }

  @Override
  public String toString() {
    return new String(chars, 0, length);
  }
}
