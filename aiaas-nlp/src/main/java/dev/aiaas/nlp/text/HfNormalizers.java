package dev.aiaas.nlp.text;

import java.util.List;
import java.util.Locale;

/**
 * The normalisers of Hugging Face's {@code tokenizers} that {@link HfTokenizers} reads: {@code
 * BertNormalizer}, {@code Lowercase} and a {@code Sequence} of them. Each works code point by code
 * point and keeps every output character aligned to the original text ({@link AlignedText}).
 */
final class HfNormalizers {

  private HfNormalizers() {}

  /** One normalisation step. Implementations are immutable and thread-safe. */
  interface TextNormalizer {
    /** Normalises {@code in} into a new aligned text. */
    AlignedText normalize(AlignedText in);
  }

  /**
   * BERT's normaliser, in Hugging Face's order: clean the text (drop NUL, U+FFFD and control, format,
   * private-use and unassigned characters; every white space character becomes a space), put spaces
   * around CJK ideographs, strip accents (NFD, then drop non-spacing marks, category Mn), lower-case
   * (each code point's full lower-case mapping, without context, as Rust's {@code char::to_lowercase}).
   *
   * @param stripAccents whether to strip accents; Hugging Face's {@code null} means "as lowercase"
   */
  record Bert(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase)
      implements TextNormalizer {

    @Override
    public AlignedText normalize(AlignedText in) {
      int n = in.length();
      AlignedText out = new AlignedText(n + 8);
      for (int i = 0; i < n; ) {
        int cp = in.codePointAt(i);
        int s = in.start(i);
        int e = in.end(i);
        i += Character.charCount(cp);
        if (cleanText) {
          if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
            continue;
          }
          if (isWhitespace(cp)) {
            cp = ' ';
          }
        }
        if (handleChineseChars && isChinese(cp)) {
          out.append(' ', s, e);
          emit(cp, s, e, out);
          out.append(' ', s, e);
        } else {
          emit(cp, s, e, out);
        }
      }
      return out;
    }

    private void emit(int cp, int s, int e, AlignedText out) {
      if (cp < 0x80) { // ASCII: no accents, simple case
        out.append((char) (lowercase && cp >= 'A' && cp <= 'Z' ? cp + 32 : cp), s, e);
        return;
      }
      String t = new String(Character.toChars(cp));
      if (stripAccents && cp >= 0xC0) {
        t = java.text.Normalizer.normalize(t, java.text.Normalizer.Form.NFD);
      }
      for (int k = 0; k < t.length(); ) {
        int c = t.codePointAt(k);
        k += Character.charCount(c);
        if (stripAccents && Character.getType(c) == Character.NON_SPACING_MARK) {
          continue;
        }
        if (lowercase) {
          lowerCase(c, s, e, out);
        } else {
          out.appendCodePoint(c, s, e);
        }
      }
    }
  }

  /** Hugging Face's {@code Lowercase}: each code point's full lower-case mapping. */
  record Lowercase() implements TextNormalizer {
    @Override
    public AlignedText normalize(AlignedText in) {
      int n = in.length();
      AlignedText out = new AlignedText(n);
      for (int i = 0; i < n; ) {
        int cp = in.codePointAt(i);
        lowerCase(cp, in.start(i), in.end(i), out);
        i += Character.charCount(cp);
      }
      return out;
    }
  }

  /** Hugging Face's {@code Sequence}: the steps in order. */
  record Sequence(List<TextNormalizer> steps) implements TextNormalizer {
    Sequence {
      steps = List.copyOf(steps);
    }

    @Override
    public AlignedText normalize(AlignedText in) {
      AlignedText t = in;
      for (TextNormalizer s : steps) {
        t = s.normalize(t);
      }
      return t;
    }
  }

  static void lowerCase(int cp, int s, int e, AlignedText out) {
    if (cp < 0x80) {
      out.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp), s, e);
      return;
    }
    // String.toLowerCase of one code point is its full mapping (İ -> i + U+0307); with no
    // neighbours, Greek capital sigma maps to σ, as Rust's char::to_lowercase does
    String l = new String(Character.toChars(cp)).toLowerCase(Locale.ROOT);
    for (int k = 0; k < l.length(); k++) {
      out.append(l.charAt(k), s, e);
    }
  }

  /** Control as BERT means it: categories Cc, Cf, Co, Cs, Cn, but not tab, newline, return. */
  static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    int t = Character.getType(cp);
    return t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE
        || t == Character.SURROGATE || t == Character.UNASSIGNED;
  }

  /** Unicode's White_Space property (Rust's {@code char::is_whitespace}). */
  static boolean isWhitespace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
        || cp == 0x205F || cp == 0x3000;
  }

  /** The CJK Unified Ideographs blocks of Google's BERT ({@code _is_chinese_char}). */
  static boolean isChinese(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }
}
