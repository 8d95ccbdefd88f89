package dev.aiaas.nlp.text;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The decoders of Hugging Face's {@code tokenizers} that {@link HfTokenizers} reads. */
final class HfDecoders {

  private HfDecoders() {}

  /** Turns token strings back into text. Implementations are immutable and thread-safe. */
  interface Decoder {
    String decode(List<String> tokens);
  }

  /** No decoder in the file: the tokens joined with single spaces, as Hugging Face does. */
  record Join() implements Decoder {
    @Override
    public String decode(List<String> tokens) {
      return String.join(" ", tokens);
    }
  }

  /**
   * WordPiece's: a token with the prefix ({@code ##}) joins the previous one without it, the
   * others follow a space; with {@code cleanup}, the spaces that BERT's tokenisation put before
   * {@code . ? ! ,} and around apostrophes are removed ({@code " n't"} to {@code "n't"}, ...).
   */
  record WordPiece(String prefix, boolean cleanup) implements Decoder {
    @Override
    public String decode(List<String> tokens) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < tokens.size(); i++) {
        String t = tokens.get(i);
        if (i != 0) {
          t = t.startsWith(prefix) ? t.substring(prefix.length()) : " " + t;
        }
        sb.append(cleanup ? cleanup(t) : t);
      }
      return sb.toString();
    }

    static String cleanup(String s) {
      return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
          .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m")
          .replace(" do not", " don't").replace(" 's", "'s").replace(" 've", "'ve")
          .replace(" 're", "'re");
    }
  }

  /**
   * GPT-2's byte-level decoder: each token's characters are bytes of GPT-2's printable alphabet,
   * the bytes are read as UTF-8 (malformed sequences as U+FFFD); a token with a character outside
   * the alphabet contributes its own UTF-8 bytes.
   */
  record ByteLevel() implements Decoder {
    @Override
    public String decode(List<String> tokens) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (String t : tokens) {
        byte[] b = new byte[t.length()];
        boolean mapped = true;
        for (int i = 0; i < t.length() && mapped; i++) {
          char c = t.charAt(i);
          int v = c < HfPreTokenizers.CHAR_TO_BYTE.length ? HfPreTokenizers.CHAR_TO_BYTE[c] : -1;
          if (v < 0) {
            mapped = false;
          } else {
            b[i] = (byte) v;
          }
        }
        out.writeBytes(mapped ? b : t.getBytes(StandardCharsets.UTF_8));
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
