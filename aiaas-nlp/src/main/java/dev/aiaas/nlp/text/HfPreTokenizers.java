package dev.aiaas.nlp.text;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pre-tokenisers of Hugging Face's {@code tokenizers} that {@link HfTokenizers} reads: {@code
 * BertPreTokenizer}, {@code Whitespace}, {@code WhitespaceSplit}, {@code Punctuation}, {@code
 * Digits}, {@code ByteLevel} and a {@code Sequence} of them. A pre-tokeniser splits the
 * normalised text into words; the model never joins two words.
 */
final class HfPreTokenizers {

  private HfPreTokenizers() {}

  /** One pre-tokeniser. Implementations are immutable and thread-safe. */
  interface PreTokenizer {
    /**
     * Splits {@code text} into words.
     *
     * @param text the normalised text
     * @param words receives each word as the pair {@code from, to} of indices into the returned text
     * @return the text the words index: {@code text} itself, or a transformed copy (ByteLevel)
     */
    AlignedText split(AlignedText text, IntList words);
  }

  /**
   * BERT's: white space (Unicode's White_Space) separates words and is dropped; every punctuation
   * character (ASCII punctuation, or Unicode categories Pc, Pd, Ps, Pe, Pi, Pf, Po) is a word of
   * its own.
   */
  record Bert() implements PreTokenizer {
    @Override
    public AlignedText split(AlignedText t, IntList words) {
      int n = t.length();
      int wordStart = -1;
      for (int i = 0; i < n; ) {
        int cp = t.codePointAt(i);
        int len = Character.charCount(cp);
        if (HfNormalizers.isWhitespace(cp)) {
          if (wordStart >= 0) {
            words.add(wordStart);
            words.add(i);
            wordStart = -1;
          }
        } else if (isPunctuation(cp)) {
          if (wordStart >= 0) {
            words.add(wordStart);
            words.add(i);
            wordStart = -1;
          }
          words.add(i);
          words.add(i + len);
        } else if (wordStart < 0) {
          wordStart = i;
        }
        i += len;
      }
      if (wordStart >= 0) {
        words.add(wordStart);
        words.add(n);
      }
      return t;
    }
  }

  /** Hugging Face's {@code WhitespaceSplit}: words are the runs between white space. */
  record WhitespaceSplit() implements PreTokenizer {
    @Override
    public AlignedText split(AlignedText t, IntList words) {
      int n = t.length();
      int wordStart = -1;
      for (int i = 0; i < n; ) {
        int cp = t.codePointAt(i);
        if (HfNormalizers.isWhitespace(cp)) {
          if (wordStart >= 0) {
            words.add(wordStart);
            words.add(i);
            wordStart = -1;
          }
        } else if (wordStart < 0) {
          wordStart = i;
        }
        i += Character.charCount(cp);
      }
      if (wordStart >= 0) {
        words.add(wordStart);
        words.add(n);
      }
      return t;
    }
  }

  /**
   * Hugging Face's {@code Whitespace}: words are the matches of {@code \w+|[^\w\s]+} (Unicode word
   * characters; runs of other non-space characters), white space is dropped.
   */
  record Whitespace() implements PreTokenizer {
    private static final Pattern WORDS =
        Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    @Override
    public AlignedText split(AlignedText t, IntList words) {
      Matcher m = WORDS.matcher(t.toString());
      while (m.find()) {
        words.add(m.start());
        words.add(m.end());
      }
      return t;
    }
  }

  /**
   * Hugging Face's {@code Punctuation} (behaviour {@code Isolated}) and {@code Digits}: every
   * character of the class is a word of its own ({@code isolated}), or every run of them is
   * ({@code Digits} without {@code individual_digits}); the characters between are words too.
   *
   * @param digits numeric characters (Unicode category N) rather than punctuation
   * @param isolated one word per character rather than per run
   */
  record Isolate(boolean digits, boolean isolated) implements PreTokenizer {
    @Override
    public AlignedText split(AlignedText t, IntList words) {
      int n = t.length();
      int start = 0;
      for (int i = 0; i < n; ) {
        int cp = t.codePointAt(i);
        int len = Character.charCount(cp);
        if (inClass(cp)) {
          if (i > start) {
            words.add(start);
            words.add(i);
          }
          int end = i + len;
          if (!isolated) {
            while (end < n && inClass(t.codePointAt(end))) {
              end += Character.charCount(t.codePointAt(end));
            }
          }
          words.add(i);
          words.add(end);
          start = end;
          i = end;
        } else {
          i += len;
        }
      }
      if (start < n) {
        words.add(start);
        words.add(n);
      }
      return t;
    }

    private boolean inClass(int cp) {
      if (digits) {
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
            || type == Character.OTHER_NUMBER;
      }
      return isPunctuation(cp);
    }
  }

  /**
   * Hugging Face's {@code Sequence}: each pre-tokeniser splits every word the previous ones made
   * (a byte-level one, which rewrites the text, comes last).
   *
   * @param steps the pre-tokenisers in order
   */
  record Sequence(java.util.List<PreTokenizer> steps) implements PreTokenizer {
    Sequence {
      steps = java.util.List.copyOf(steps);
    }

    @Override
    public AlignedText split(AlignedText t, IntList words) {
      AlignedText text = t;
      IntList current = new IntList(16);
      current.add(0);
      current.add(t.length());
      for (PreTokenizer step : steps) {
        AlignedText next = new AlignedText(text.length() + 8);
        IntList nextWords = new IntList(current.size() * 2);
        IntList sub = new IntList(16);
        for (int k = 0; k < current.size(); k += 2) {
          int from = current.get(k);
          int to = current.get(k + 1);
          if (to <= from) {
            continue;
          }
          AlignedText piece = new AlignedText(to - from);
          for (int i = from; i < to; i++) {
            piece.append(text.charAt(i), text.start(i), text.end(i));
          }
          sub.clear();
          AlignedText out = step.split(piece, sub);
          for (int w = 0; w < sub.size(); w += 2) {
            int a = next.length();
            for (int i = sub.get(w); i < sub.get(w + 1); i++) {
              next.append(out.charAt(i), out.start(i), out.end(i));
            }
            nextWords.add(a);
            nextWords.add(next.length());
          }
        }
        text = next;
        current = nextWords;
      }
      for (int k = 0; k < current.size(); k++) {
        words.add(current.get(k));
      }
      return text;
    }
  }

  /** BERT's punctuation: ASCII punctuation, or Unicode categories Pc, Pd, Ps, Pe, Pi, Pf, Po. */
  static boolean isPunctuation(int cp) {
    if (cp < 0x80) {
      return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96)
          || (cp >= 123 && cp <= 126);
    }
    int t = Character.getType(cp);
    return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
        || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
        || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
        || t == Character.OTHER_PUNCTUATION;
  }

  /**
   * GPT-2's byte-level pre-tokeniser: optionally a space put before text that does not start with
   * one, the text split with GPT-2's pattern ({@link #GPT2_PATTERN}, {@code \s} meaning Unicode's
   * White_Space as in Oniguruma), and every word's UTF-8 bytes written in GPT-2's printable byte
   * alphabet ({@link #BYTE_TO_CHAR}: one character per byte, each aligned to the character it
   * encodes).
   *
   * @param addPrefixSpace whether to put a space before text that does not start with one
   * @param useRegex whether to split with GPT-2's pattern (otherwise the text is one word)
   */
  record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {

    @Override
    public AlignedText split(AlignedText in, IntList words) {
      AlignedText t = in;
      if (addPrefixSpace && (t.length() == 0 || t.charAt(0) != ' ')) {
        int at = t.length() == 0 ? 0 : t.start(0);
        AlignedText p = new AlignedText(t.length() + 1);
        p.append(' ', at, at);
        for (int i = 0; i < t.length(); i++) {
          p.append(t.charAt(i), t.start(i), t.end(i));
        }
        t = p;
      }
      AlignedText out = new AlignedText(t.length() + t.length() / 2);
      if (!useRegex) {
        toBytes(t, 0, t.length(), out);
        words.add(0);
        words.add(out.length());
        return out;
      }
      Matcher m = GPT2_PATTERN.matcher(t.toString());
      while (m.find()) {
        int from = out.length();
        toBytes(t, m.start(), m.end(), out);
        words.add(from);
        words.add(out.length());
      }
      return out;
    }

    private static void toBytes(AlignedText t, int from, int to, AlignedText out) {
      for (int i = from; i < to; ) {
        int cp = t.codePointAt(i);
        int s = t.start(i);
        int e = t.end(i);
        int len = Character.charCount(cp);
        if (cp < 0x80) {
          out.append(BYTE_TO_CHAR[cp], s, e);
        } else {
          byte[] b = t.substring(i, i + len).getBytes(StandardCharsets.UTF_8);
          for (byte x : b) {
            out.append(BYTE_TO_CHAR[x & 0xff], s, e);
          }
        }
        i += len;
      }
    }
  }

  /** Unicode's White_Space property as a regular-expression class body. */
  private static final String WS = "\\t\\n\\x0B\\f\\r\\x20\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";

  /** GPT-2's pre-tokenisation pattern with {@code \s} as Unicode's White_Space. */
  static final Pattern GPT2_PATTERN = Pattern.compile(
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^" + WS + "\\p{L}\\p{N}]+|[" + WS + "]+(?![^"
          + WS + "])|[" + WS + "]+");

  /** GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others from U+0100 up. */
  static final char[] BYTE_TO_CHAR = byteAlphabet();

  /** The inverse of {@link #BYTE_TO_CHAR}: -1 for a character that stands for no byte. */
  static final short[] CHAR_TO_BYTE = charToByte();

  private static char[] byteAlphabet() {
    char[] map = new char[256];
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      map[b] = printable ? (char) b : (char) next++;
    }
    return map;
  }

  private static short[] charToByte() {
    short[] inv = new short[512];
    java.util.Arrays.fill(inv, (short) -1);
    for (int b = 0; b < 256; b++) {
      inv[BYTE_TO_CHAR[b]] = (short) b;
    }
    return inv;
  }
}
