package dev.aiaas.nlp.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
  private static final String BPE_MAGIC = "aiaas-bpe";

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
   * Reads a file written by {@link #save(Tokenizer, Path)}, or any BPE merges file.
   *
   * @param file the file
   * @return the tokenizer
   * @throws TokenizerFormatException for an unknown first line, a newer version or an unknown
   *     tokenizer, naming the line
   * @throws BpeFormatException for a malformed merges file
   * @throws IOException on a read failure
   */
  public static Tokenizer load(Path file) throws IOException {
    String header;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      header = r.readLine();
      if (header != null && header.startsWith(MAGIC + " ")) {
        return readRuleBased(r, header, file);
      }
    }
    if (header != null && header.startsWith(BPE_MAGIC + " ")) {
      return BpeTokenizer.load(file);
    }
    throw new TokenizerFormatException(
        file + " line 1: expected '" + MAGIC + " <version>' or '" + BPE_MAGIC + " <version>', found "
            + (header == null ? "an empty file" : "'" + header + "'")
            + "; this is not a tokenizer file");
  }

  private static Tokenizer readRuleBased(BufferedReader r, String header, Path file)
      throws IOException {
    String v = header.substring(MAGIC.length() + 1).trim();
    int version;
    try {
      version = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new TokenizerFormatException(file + " line 1: version is not an integer: '" + v + "'");
    }
    if (version < 1 || version > FORMAT_VERSION) {
      throw new TokenizerFormatException(
          file + ": format version " + version + ", this library reads up to " + FORMAT_VERSION
              + "; upgrade aiaas to read it");
    }
    String line = r.readLine();
    String name = line == null ? null : line.trim();
    Tokenizer t;
    if ("whitespace".equals(name)) {
      t = new WhitespaceTokenizer();
    } else if ("word".equals(name)) {
      t = new WordTokenizer(false);
    } else if ("word lowercase".equals(name)) {
      t = new WordTokenizer(true);
    } else {
      throw new TokenizerFormatException(
          file + " line 2: expected 'whitespace', 'word' or 'word lowercase', found "
              + (line == null ? "the end of the file" : "'" + line + "'"));
    }
    String extra = r.readLine();
    if (extra != null && !extra.isBlank()) {
      throw new TokenizerFormatException(
          file + " line 3: expected the end of the file, found '" + extra + "'");
    }
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
