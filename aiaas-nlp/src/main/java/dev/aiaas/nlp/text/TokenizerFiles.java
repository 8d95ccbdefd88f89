package dev.aiaas.nlp.text;

import dev.aiaas.core.io.Inputs;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Saves and loads the tokenizer a model was built with, so that text is split the same way when
 * the model is evaluated. Two kinds of file (UTF-8), told apart by their first line:
 *
 * <ul>
 *   <li>a {@link BpeTokenizer} is saved as its merges file ({@code aiaas-bpe 1}, see {@link
 *       BpeTokenizer#save(Path)}), so the file can also be passed wherever a merges file is read;
 *   <li>the rule-based tokenizers as two lines: {@code aiaas-tokenizer 1}, then {@code
 *       whitespace}, {@code word} or {@code word lowercase} ({@link WhitespaceTokenizer}, {@link
 *       WordTokenizer}).
 * </ul>
 *
 * A reader of format version {@value #FORMAT_VERSION} rejects a newer version with a message
 * saying so.
 */
public final class TokenizerFiles {

  /** The newest format version of the {@code aiaas-tokenizer} file this library reads and writes. */
  public static final int FORMAT_VERSION = 1;

  private static final String MAGIC = "aiaas-tokenizer";
  private static final String BPE_MAGIC = BpeFile.MAGIC;

  private TokenizerFiles() {}

  /**
   * Writes {@code tokenizer} in the format above.
   *
   * @param tokenizer a {@link WhitespaceTokenizer}, {@link WordTokenizer} or {@link BpeTokenizer}
   * @param out the destination; not closed
   * @throws IllegalArgumentException for another kind of tokenizer
   * @throws IOException on a write failure
   */
  public static void write(Tokenizer tokenizer, Writer out) throws IOException {
    if (tokenizer instanceof BpeTokenizer bpe) {
      bpe.write(out);
    } else if (tokenizer instanceof WhitespaceTokenizer) {
      out.write(MAGIC + " " + FORMAT_VERSION + "\nwhitespace\n");
    } else if (tokenizer instanceof WordTokenizer word) {
      out.write(MAGIC + " " + FORMAT_VERSION + "\nword" + (word.lowerCase() ? " lowercase" : "") + "\n");
    } else {
      throw new IllegalArgumentException(
          "cannot save a " + tokenizer.getClass().getName() + "; expected a WhitespaceTokenizer,"
              + " WordTokenizer or BpeTokenizer");
    }
  }

  /**
   * Writes {@code tokenizer} to a file, as {@link #write(Tokenizer, Writer)}.
   *
   * @param tokenizer the tokenizer
   * @param file the destination, overwritten
   * @throws IOException on a write failure
   */
  public static void save(Tokenizer tokenizer, Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(tokenizer, out);
    }
  }

  /**
   * Reads a file written by {@link #save(Tokenizer, Path)}, or any BPE merges file, within {@link
   * TextLimits#defaults()}.
   *
   * @param file the file
   * @return the tokenizer
   * @throws TokenizerFormatException naming the file, the line, the text found, what was expected
   *     and the fix: for an unknown first line, a newer version, an unknown tokenizer, text after
   *     the tokenizer line, invalid UTF-8, damaged gzip data or a limit exceeded
   * @throws BpeFormatException for a malformed merges file
   * @throws IOException on a read failure
   */
  public static Tokenizer load(Path file) throws IOException {
    return load(file, TextLimits.defaults());
  }

  /**
   * Reads a file written by {@link #save(Tokenizer, Path)}, or any BPE merges file.
   *
   * @param file the file
   * @param limits the limits on the file's bytes and line length
   * @return the tokenizer
   * @throws TokenizerFormatException as {@link #load(Path)}
   * @throws BpeFormatException for a malformed merges file
   * @throws IOException on a read failure
   */
  public static Tokenizer load(Path file, TextLimits limits) throws IOException {
    Objects.requireNonNull(limits, "limits");
    try (FormatLines in = FormatLines.open(file, limits, TokenizerFormatException::new)) {
      return read(in);
    }
  }

  /**
   * Reads a tokenizer from a stream, as {@link #load(Path, TextLimits)} reads a file.
   *
   * @param raw the bytes as stored; closed here
   * @param size how many bytes {@code raw} holds, or -1 if unknown
   * @param source the file's name, for messages
   * @param limits the limits on bytes and line length
   * @return the tokenizer
   * @throws TokenizerFormatException as {@link #load(Path)}
   * @throws BpeFormatException for a malformed merges file
   * @throws IOException on a read failure
   */
  static Tokenizer read(InputStream raw, long size, String source, TextLimits limits) throws IOException {
    try (FormatLines in = FormatLines.open(raw, size, source, limits, TokenizerFormatException::new)) {
      return read(in);
    }
  }

  private static Tokenizer read(FormatLines in) throws IOException {
    String header = in.next();
    if (header != null && header.startsWith(MAGIC + " ")) {
      return readRuleBased(in, header);
    }
    if (header != null && header.startsWith(BPE_MAGIC + " ")) {
      return BpeFile.read(in.raising(BpeFormatException::new), header);
    }
    throw in.error(1, "expected '" + MAGIC + " <version>' or '" + BPE_MAGIC + " <version>', found "
        + (header == null ? "an empty file" : Inputs.excerpt(header))
        + "; this is not a tokenizer file", "pass the MODEL.tokenizer that 'aiaas lm build' wrote,"
        + " or a file written by TokenizerFiles.save", null);
  }

  private static Tokenizer readRuleBased(FormatLines in, String header) throws IOException {
    String v = header.substring(MAGIC.length() + 1);
    if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw in.error(1, "the version should be an integer, found " + Inputs.excerpt(v),
          "the file is damaged; write it again with TokenizerFiles.save", null);
    }
    int version = Integer.parseInt(v);
    if (version < 1 || version > FORMAT_VERSION) {
      throw in.error(1, "format version " + version + ", this library reads up to " + FORMAT_VERSION,
          version < 1 ? "the file is damaged (versions start at 1)" : "upgrade aiaas to read it", null);
    }
    String line = in.next();
    String name = line == null ? null : line.trim();
    Tokenizer t;
    if ("whitespace".equals(name)) {
      t = new WhitespaceTokenizer();
    } else if ("word".equals(name)) {
      t = new WordTokenizer(false);
    } else if ("word lowercase".equals(name)) {
      t = new WordTokenizer(true);
    } else {
      throw in.error(2, "expected 'whitespace', 'word' or 'word lowercase', found "
          + (line == null ? "the end of the file" : Inputs.excerpt(line)),
          "write the file again with TokenizerFiles.save", null);
    }
    in.expectEnd("the tokenizer line");
    return t;
  }

  /**
   * A one-line description: {@code whitespace}, {@code word}, {@code word (lower-cased)} or
   * {@code bpe (N merges)}; the class name for other tokenizers.
   *
   * @param tokenizer the tokenizer
   * @return the description
   */
  public static String describe(Tokenizer tokenizer) {
    if (tokenizer instanceof BpeTokenizer bpe) {
      return "bpe (" + (bpe.vocabSize() - 256) + " merges)";
    } else if (tokenizer instanceof WhitespaceTokenizer) {
      return "whitespace";
    } else if (tokenizer instanceof WordTokenizer word) {
      return word.lowerCase() ? "word (lower-cased)" : "word";
    }
    return tokenizer.getClass().getSimpleName();
  }
}
