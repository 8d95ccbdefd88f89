package dev.aiaas.nlp.text;

import dev.aiaas.core.io.Inputs;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable bijection between tokens and dense integer ids {@code 0..size()-1}.
 *
 * <p>Ids 0, 1 and 2 are always {@code <unk>}, {@code <s>} and {@code </s>} (KenLM's
 * {@code kUNK}, {@code kBOS}, {@code kEOS}); {@link #id(String)} maps every token it does not know
 * to {@link #UNK}. Instances are thread-safe.
 *
 * <p>File format (UTF-8 text): the first line is {@code aiaas-vocabulary <version>}, then one
 * token per line in id order, starting with the three reserved tokens. This library writes and
 * reads {@value #FORMAT_VERSION}.
 */
public final class Vocabulary {

  /** The unknown-word token. */
  public static final String UNK_TOKEN = "<unk>";
  /** The begin-of-sentence token. */
  public static final String BOS_TOKEN = "<s>";
  /** The end-of-sentence token. */
  public static final String EOS_TOKEN = "</s>";
  /** Id of {@code <unk>}. */
  public static final int UNK = 0;
  /** Id of {@code <s>}. */
  public static final int BOS = 1;
  /** Id of {@code </s>}. */
  public static final int EOS = 2;
  /** The newest vocabulary file format version this library reads (and the one it writes). */
  public static final int FORMAT_VERSION = 1;

  private static final String MAGIC = "aiaas-vocabulary";

  private final String[] tokens;
  private final Map<String, Integer> ids;

  private Vocabulary(List<String> ordinary) {
    tokens = new String[ordinary.size() + 3];
    tokens[UNK] = UNK_TOKEN;
    tokens[BOS] = BOS_TOKEN;
    tokens[EOS] = EOS_TOKEN;
    ids = new HashMap<>(tokens.length * 2);
    for (int i = 0; i < 3; i++) {
      ids.put(tokens[i], i);
    }
    int next = 3;
    for (String t : ordinary) {
      checkToken(t);
      if (isSpecial(t)) {
        throw new IllegalArgumentException(
            "token '" + t + "' is reserved (ids 0-2); pass only ordinary tokens");
      }
      if (ids.putIfAbsent(t, next) != null) {
        throw new IllegalArgumentException(
            "duplicate token '" + t + "'; each token may appear once");
      }
      tokens[next++] = t;
    }
  }

  /**
   * A vocabulary of the reserved tokens followed by {@code tokens} in the given order (ids 3, 4,
   * ...).
   *
   * @param tokens ordinary tokens: distinct, non-empty, without line breaks, not reserved
   * @return the vocabulary
   * @throws IllegalArgumentException naming a duplicate, reserved or malformed token
   */
  public static Vocabulary of(Collection<String> tokens) {
    return new Vocabulary(new ArrayList<>(tokens));
  }

  /**
   * A vocabulary of every token whose count is at least {@code minCount}, ordered by descending
   * count, ties broken by token (so the result does not depend on the map's iteration order).
   * Reserved tokens in {@code counts} are ignored.
   *
   * @param counts token counts
   * @param minCount the minimum count kept, at least 1
   * @return the vocabulary
   */
  public static Vocabulary fromCounts(Map<String, Long> counts, long minCount) {
    if (minCount < 1) {
      throw new IllegalArgumentException(
          "minCount must be at least 1, got " + minCount + "; use 1 to keep every token");
    }
    List<Map.Entry<String, Long>> kept = new ArrayList<>();
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (e.getValue() >= minCount && !isSpecial(e.getKey())) {
        kept.add(e);
      }
    }
    kept.sort(
        Comparator.comparing((Map.Entry<String, Long> e) -> -e.getValue())
            .thenComparing(Map.Entry::getKey));
    List<String> out = new ArrayList<>(kept.size());
    for (Map.Entry<String, Long> e : kept) {
      out.add(e.getKey());
    }
    return new Vocabulary(out);
  }

  /**
   * Whether {@code token} is one of {@code <unk>}, {@code <s>}, {@code </s>}.
   *
   * @param token a token
   * @return true for a reserved token
   */
  public static boolean isSpecial(String token) {
    return UNK_TOKEN.equals(token) || BOS_TOKEN.equals(token) || EOS_TOKEN.equals(token);
  }

  /**
   * The id of {@code token}, or {@link #UNK} if it is not in the vocabulary.
   *
   * @param token a token
   * @return its id in {@code 0..size()-1}
   */
  public int id(String token) {
    Integer id = ids.get(token);
    return id == null ? UNK : id;
  }

  /**
   * Whether {@code token} has an id of its own.
   *
   * @param token a token
   * @return true if known (reserved tokens included)
   */
  public boolean contains(String token) {
    return ids.containsKey(token);
  }

  /**
   * The token with id {@code id}.
   *
   * @param id an id in {@code 0..size()-1}
   * @return the token
   */
  public String token(int id) {
    if (id < 0 || id >= tokens.length) {
      throw new IllegalArgumentException(
          "token id " + id + " out of range; expected 0.." + (tokens.length - 1));
    }
    return tokens[id];
  }

  /**
   * The number of ids, reserved tokens included.
   *
   * @return the size, at least 3
   */
  public int size() {
    return tokens.length;
  }

  /**
   * Maps tokens to ids (unknown tokens to {@link #UNK}).
   *
   * @param tokenList tokens
   * @return their ids
   */
  public int[] ids(List<String> tokenList) {
    int[] out = new int[tokenList.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = id(tokenList.get(i));
    }
    return out;
  }

  /**
   * Writes the vocabulary in format version {@value #FORMAT_VERSION}.
   *
   * @param file the destination, overwritten
   * @throws IOException on a write failure
   */
  public void save(Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(MAGIC + " " + FORMAT_VERSION + "\n");
      for (String t : tokens) {
        w.write(t);
        w.write('\n');
      }
    }
  }

  /**
   * Reads a vocabulary written by {@link #save(Path)} of this or an older format version, within
   * {@link TextLimits#defaults()}.
   *
   * @param file the file
   * @return the vocabulary
   * @throws VocabularyFormatException naming the file, the line, the text found, what was expected
   *     and the fix: for a bad header, a newer version, a missing reserved token, an empty, reserved
   *     or duplicate token, invalid UTF-8, damaged gzip data or a limit exceeded
   * @throws IOException on a read failure
   */
  public static Vocabulary load(Path file) throws IOException {
    return load(file, TextLimits.defaults());
  }

  /**
   * Reads a vocabulary written by {@link #save(Path)} of this or an older format version.
   *
   * @param file the file
   * @param limits the limits on the file's bytes and line length
   * @return the vocabulary
   * @throws VocabularyFormatException as {@link #load(Path)}
   * @throws IOException on a read failure
   */
  public static Vocabulary load(Path file, TextLimits limits) throws IOException {
    Objects.requireNonNull(limits, "limits");
    try (FormatLines in = FormatLines.open(file, limits, VocabularyFormatException::new)) {
      return read(in);
    }
  }

  /**
   * Reads a vocabulary from a stream, as {@link #load(Path, TextLimits)} reads a file.
   *
   * @param raw the bytes as stored; closed here
   * @param size how many bytes {@code raw} holds, or -1 if unknown
   * @param source the file's name, for messages
   * @param limits the limits on bytes and line length
   * @return the vocabulary
   * @throws VocabularyFormatException as {@link #load(Path)}
   * @throws IOException on a read failure
   */
  static Vocabulary read(InputStream raw, long size, String source, TextLimits limits) throws IOException {
    try (FormatLines in = FormatLines.open(raw, size, source, limits, VocabularyFormatException::new)) {
      return read(in);
    }
  }

  private static Vocabulary read(FormatLines in) throws IOException {
    String rewrite = "write the vocabulary again with Vocabulary.save";
    String header = in.next();
    String magic = MAGIC + " ";
    if (header == null || !header.startsWith(magic)) {
      throw in.error(1, "expected '" + MAGIC + " <version>', found "
          + (header == null ? "an empty file" : Inputs.excerpt(header)),
          "pass a file written by Vocabulary.save", null);
    }
    String v = header.substring(magic.length());
    int version;
    if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw in.error(1, "the format version should be an integer, found " + Inputs.excerpt(v),
          "the file is damaged; " + rewrite, null);
    }
    version = Integer.parseInt(v);
    if (version > FORMAT_VERSION || version < 1) {
      throw in.error(1, "format version " + version + ", this library reads up to " + FORMAT_VERSION,
          version < 1 ? "the file is damaged (versions start at 1)" : "upgrade aiaas to read it", null);
    }
    String[] reserved = {UNK_TOKEN, BOS_TOKEN, EOS_TOKEN};
    for (int i = 0; i < reserved.length; i++) {
      String line = in.next();
      if (!reserved[i].equals(line)) {
        throw in.error(i + 2, "expected the reserved token '" + reserved[i] + "' (id " + i + "), found "
            + (line == null ? "the end of the file" : Inputs.excerpt(line)),
            "the file is truncated or damaged; " + rewrite, null);
      }
    }
    List<String> ordinary = new ArrayList<>();
    Map<String, Long> lines = new HashMap<>();
    String line;
    while ((line = in.next()) != null) {
      long no = in.lineNumber();
      if (line.isEmpty() || line.indexOf('\r') >= 0) {
        throw in.error(no, "expected a token (id " + (ordinary.size() + 3) + "), found "
            + (line.isEmpty() ? "an empty line" : "a carriage return in " + Inputs.excerpt(line))
            + "; tokens are non-empty and free of line breaks", "remove the line; " + rewrite, null);
      }
      if (isSpecial(line)) {
        throw in.error(no, "the reserved token " + Inputs.excerpt(line) + " again; it has id "
            + (line.equals(UNK_TOKEN) ? UNK : line.equals(BOS_TOKEN) ? BOS : EOS) + " (line "
            + (line.equals(UNK_TOKEN) ? 2 : line.equals(BOS_TOKEN) ? 3 : 4) + ")",
            "remove the line; " + rewrite, null);
      }
      Long earlier = lines.putIfAbsent(line, no);
      if (earlier != null) {
        throw in.error(no, "the token " + Inputs.excerpt(line) + " again, already on line " + earlier
            + "; each token has one id", "remove one of the two lines; " + rewrite, null);
      }
      ordinary.add(line);
    }
    return new Vocabulary(ordinary);
  }

  private static void checkToken(String t) {
    if (t == null || t.isEmpty() || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          "invalid token " + (t == null ? "null" : "'" + t + "'")
              + "; tokens must be non-empty and free of line breaks");
    }
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return "Vocabulary[size=" + tokens.length + "]";
  }
}
