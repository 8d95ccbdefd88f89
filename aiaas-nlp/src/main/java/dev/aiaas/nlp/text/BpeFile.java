package dev.aiaas.nlp.text;

import dev.aiaas.core.io.Inputs;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The merges file of a {@link BpeTokenizer} (UTF-8 text, version
 * {@value BpeTokenizer#FORMAT_VERSION}): a line {@code aiaas-bpe 1}, a line {@code merges N}, then
 * N lines {@code leftId rightId token}, where line {@code i} defines id {@code 256+i} and
 * {@code token} is its printable form in GPT-2's byte alphabet (checked on reading). A reader
 * accepts every older version and rejects a newer one naming both. The format is pinned by the
 * fixture {@code bpe-format-1.txt} ({@code BpeFormatFixtureTest}). {@link BpeTokenizer#save},
 * {@link BpeTokenizer#write} and {@link BpeTokenizer#load} are the public entry points.
 */
final class BpeFile {

  /** The first word of the file. */
  static final String MAGIC = "aiaas-bpe";

  private BpeFile() {}

  /**
   * Writes the merges to a file.
   *
   * @param bpe the tokenizer
   * @param file the destination, overwritten
   * @throws IOException on a write failure
   */
  static void save(BpeTokenizer bpe, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(bpe, out);
    }
  }

  /**
   * Writes the merges.
   *
   * @param bpe the tokenizer
   * @param out the destination; not closed
   * @throws IOException on a write failure
   */
  static void write(BpeTokenizer bpe, Writer out) throws IOException {
    List<int[]> merges = bpe.merges();
    out.write(MAGIC + " " + BpeTokenizer.FORMAT_VERSION + "\n");
    out.write("merges " + merges.size() + "\n");
    for (int i = 0; i < merges.size(); i++) {
      out.write(merges.get(i)[0] + " " + merges.get(i)[1] + " " + bpe.token(256 + i) + "\n");
    }
  }

  /**
   * Reads merges written by {@link #save} of this or an older format version.
   *
   * <p>Checked, with each problem a {@link BpeFormatException} naming the line: the header and its
   * version; the declared merge count against what the file could hold (each merge line takes at
   * least 6 bytes, so a count above a sixth of the file's decompressed size is refused before
   * anything is allocated for it) and then against the lines present; each merge's ids (defined
   * before it), its printable token (the concatenation of its two parts' tokens, so a token's
   * length is bounded by the line limit and the whole tokenizer by the file's size), a pair merged
   * twice, and anything after the last merge. Lines and bytes are bounded by {@code limits}; gzip
   * damage and malformed UTF-8 are reported the same way.
   *
   * @param file the file
   * @param limits the limits on bytes and line length
   * @return the tokenizer
   * @throws BpeFormatException naming the file, the line, the text found, what was expected and
   *     the fix
   * @throws IOException on a read failure
   */
  static BpeTokenizer load(Path file, TextLimits limits) throws IOException {
    try (FormatLines in = FormatLines.open(file, limits, BpeFormatException::new)) {
      return read(in, in.next());
    }
  }

  /**
   * Reads merges from a stream, as {@link #load(Path, TextLimits)} reads a file.
   *
   * @param raw the bytes as stored; closed here
   * @param size how many bytes {@code raw} holds, or -1 if unknown
   * @param source the file's name, for messages
   * @param limits the limits on bytes and line length
   * @return the tokenizer
   * @throws BpeFormatException as {@link #load(Path, TextLimits)}
   * @throws IOException on a read failure
   */
  static BpeTokenizer read(InputStream raw, long size, String source, TextLimits limits) throws IOException {
    try (FormatLines in = FormatLines.open(raw, size, source, limits, BpeFormatException::new)) {
      return read(in, in.next());
    }
  }

  /**
   * Reads the merges after the first line, {@code header}, has been read (by this class, or by
   * {@link TokenizerFiles} telling the kinds of file apart); the rest of the file is read to its end.
   */
  static BpeTokenizer read(FormatLines in, String header) throws IOException {
    long bound = in.bound();
    String magic = MAGIC + " ";
    if (header == null || !header.startsWith(magic)) {
      throw in.error(1, "expected '" + MAGIC + " <version>', found "
          + (header == null ? "an empty file" : Inputs.excerpt(header)),
          "pass a merges file written by BpeTokenizer.save or 'aiaas lm build --tokenizer bpe'", null);
    }
    long version = number(in, 1, header.substring(magic.length()), "the format version");
    if (version > BpeTokenizer.FORMAT_VERSION || version < 1) {
      throw in.error(1, "format version " + version + ", this library reads up to "
          + BpeTokenizer.FORMAT_VERSION, version < 1 ? "the file is damaged (versions start at 1)"
              : "upgrade aiaas to read it", null);
    }
    String countLine = in.next();
    if (countLine == null || !countLine.startsWith("merges ")) {
      throw in.error(2, "expected 'merges <count>', found "
          + (countLine == null ? "the end of the file" : Inputs.excerpt(countLine)),
          "the file is damaged or not a merges file; write it again with BpeTokenizer.save", null);
    }
    long declared = number(in, 2, countLine.substring("merges ".length()), "the merge count");
    long most = Math.min(MAX_MERGES, bound / MIN_LINE_BYTES);
    if (declared > most) {
      throw in.error(2, "the header declares " + declared + " merges, but "
          + (declared > MAX_MERGES ? "ids are ints: at most " + MAX_MERGES + " merges"
              : "the file holds at most " + bound + " bytes, room for " + most
                  + " merge lines of at least " + MIN_LINE_BYTES + " bytes"),
          "the file is truncated or damaged; write it again with BpeTokenizer.save", null);
    }
    int count = (int) declared;
    int[] lefts = new int[Math.min(count, PRESIZE)];
    int[] rights = new int[lefts.length];
    String[] printable = new String[256 + Math.min(count, PRESIZE)];
    for (int b = 0; b < 256; b++) {
      printable[b] = BpeTokenizer.printable(b);
    }
    Map<Long, Integer> seen = new HashMap<>();
    for (int i = 0; i < count; i++) {
      long lineNo = i + 3L;
      String line = in.next();
      if (line == null) {
        throw in.error(lineNo, "the file ends after " + i + " of " + count + " merges",
            "the file is truncated; copy it again, or write it again with BpeTokenizer.save", null);
      }
      int s1 = line.indexOf(' ');
      int s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
      if (s2 < 0 || line.indexOf(' ', s2 + 1) >= 0 || s2 == line.length() - 1) {
        throw in.error(lineNo, "expected 'leftId rightId token' (three fields separated by single"
            + " spaces), found " + Inputs.excerpt(line), "the file is damaged; write it again with"
            + " BpeTokenizer.save", null);
      }
      int id = 256 + i;
      int left = id(in, lineNo, line.substring(0, s1), "left id", id);
      int right = id(in, lineNo, line.substring(s1 + 1, s2), "right id", id);
      Integer earlier = seen.putIfAbsent(BpeTokenizer.pair(left, right), i);
      if (earlier != null) {
        throw in.error(lineNo, "merge " + id + " joins ids " + left + " and " + right
            + ", as merge " + (256 + earlier) + " on line " + (earlier + 3) + " does; each pair is"
            + " merged once", "the file is damaged; write it again with BpeTokenizer.save", null);
      }
      String pl = printable[left];
      String pr = printable[right];
      if (line.length() - s2 - 1 != pl.length() + pr.length()
          || !line.startsWith(pl, s2 + 1) || !line.startsWith(pr, s2 + 1 + pl.length())) {
        throw in.error(lineNo, "token " + Inputs.excerpt(line.substring(s2 + 1))
            + " does not match its ids (" + left + " + " + right + " = "
            + Inputs.excerpt(pl + pr) + ")", "the file is damaged; write it again with"
            + " BpeTokenizer.save", null);
      }
      if (i == lefts.length) {
        int cap = (int) Math.min(count, 2L * lefts.length);
        lefts = Arrays.copyOf(lefts, cap);
        rights = Arrays.copyOf(rights, cap);
        printable = Arrays.copyOf(printable, 256 + cap);
      }
      lefts[i] = left;
      rights[i] = right;
      printable[id] = line.substring(s2 + 1);
    }
    in.expectEnd(count + " merges (the header's count)");
    return BpeTokenizer.fromMerges(lefts, rights);
  }

  /** The most merges: ids {@code 256 + i} are ints. */
  static final long MAX_MERGES = Integer.MAX_VALUE - 256L;
  /** The shortest merge line, {@code "1 2 t\n"}. */
  static final long MIN_LINE_BYTES = 6;
  /** Entries allocated before the lines are read; more as they are. */
  private static final int PRESIZE = 1 << 16;

  /** A non-negative decimal integer of at most 18 digits (no sign, no spaces). */
  private static long number(FormatLines in, long lineNo, String s, String what) throws IOException {
    if (s.isEmpty() || s.length() > 18) {
      throw in.error(lineNo, what + " should be a non-negative integer, found " + Inputs.excerpt(s),
          "the file is damaged; write it again with BpeTokenizer.save", null);
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        throw in.error(lineNo, what + " should be a non-negative integer, found " + Inputs.excerpt(s),
            "the file is damaged; write it again with BpeTokenizer.save", null);
      }
    }
    return Long.parseLong(s);
  }

  /** An id defined before merge {@code id}: {@code 0..id-1}. */
  private static int id(FormatLines in, long lineNo, String s, String what, int id) throws IOException {
    long v = number(in, lineNo, s, what);
    if (v >= id) {
      throw in.error(lineNo, what + " " + v + " is not defined before merge " + id + "; expected 0.."
          + (id - 1), "the file is damaged; write it again with BpeTokenizer.save", null);
    }
    return (int) v;
  }
}
