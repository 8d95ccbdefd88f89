package dev.aiaas.nlp.text;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte-level byte-pair encoding (BPE), as in GPT-2 (Radford et al. 2019), after Sennrich, Haddow
 * and Birch, "Neural Machine Translation of Rare Words with Subword Units" (ACL 2016).
 *
 * <p>Ids {@code 0..255} are the bytes of UTF-8; id {@code 256 + i} is merge {@code i}, the
 * concatenation of two earlier tokens. Text is first split into chunks with GPT-2's pattern
 * (contractions, an optional space followed by letters, by digits or by other symbols, and runs of
 * whitespace; see {@link #PRETOKENIZE}); merges never cross a chunk boundary.
 *
 * <p>Training ({@link #train(Iterable, int, long)}) counts every adjacent pair of tokens inside
 * every chunk, weighted by the chunk's frequency (overlapping pairs count: {@code aaa} holds
 * {@code aa} twice), merges the most frequent pair everywhere, left to right without overlap, and
 * repeats. <b>Ties</b> are broken deterministically by the smaller left id, then the smaller right
 * id; so bytes before merges, earlier merges before later ones, and the result does not depend on
 * hash iteration order or the order of the texts. Pair counts are kept incrementally: a merge
 * only revisits the distinct chunks that contain the merged pair.
 *
 * <p>Encoding applies, inside each chunk, the lowest-numbered merge present among adjacent pairs,
 * at every occurrence left to right, until none applies (GPT-2's rule; on the training text it
 * reproduces training's segmentation). {@link #decode(int[])} concatenates the tokens' bytes, so
 * {@code decode(encode(s)).equals(s)} for every well-formed string {@code s} (lone UTF-16
 * surrogates are not well-formed UTF-8 and become {@code ?}).
 *
 * <p>As a {@link Tokenizer}, tokens are written in GPT-2's printable byte alphabet (each byte is
 * one visible character: printable ASCII and Latin-1 stand for themselves, the others, space
 * included, are shifted to U+0100 and above: space is {@code Ġ}, newline {@code Ċ}).
 *
 * <p>File format (UTF-8 text, version {@value #FORMAT_VERSION}): a line {@code aiaas-bpe 1}, a
 * line {@code merges N}, then N lines {@code leftId rightId token}, where line {@code i} defines
 * id {@code 256+i} and {@code token} is its printable form (checked on reading). Instances are
 * immutable and thread-safe.
 */
public final class BpeTokenizer implements Tokenizer {

  /** The newest merges file format version this library reads (and the one it writes). */
  public static final int FORMAT_VERSION = 1;

  /** GPT-2's pre-tokenization pattern: merges stay inside one match. */
  public static final Pattern PRETOKENIZE =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private static final String MAGIC = "aiaas-bpe";
  private static final char[] BYTE_TO_CHAR = byteAlphabet();

  private final int[] left;
  private final int[] right;
  private final byte[][] bytes;
  private final Map<Long, Integer> rank;

  private BpeTokenizer(int[] left, int[] right) {
    this.left = left;
    this.right = right;
    int m = left.length;
    bytes = new byte[256 + m][];
    for (int b = 0; b < 256; b++) {
      bytes[b] = new byte[] {(byte) b};
    }
    rank = new HashMap<>(m * 2);
    for (int i = 0; i < m; i++) {
      byte[] l = bytes[left[i]];
      byte[] r = bytes[right[i]];
      byte[] t = Arrays.copyOf(l, l.length + r.length);
      System.arraycopy(r, 0, t, l.length, r.length);
      bytes[256 + i] = t;
      rank.putIfAbsent(pair(left[i], right[i]), i);
    }
  }

  /**
   * Learns merges with the default minimum pair count of 2.
   *
   * @param texts the training texts (for example lines); each is split with {@link #PRETOKENIZE}
   * @param vocabSize the wanted vocabulary size, 256 bytes plus the merges, at least 256
   * @return the tokenizer
   * @see #train(Iterable, int, long)
   */
  public static BpeTokenizer train(Iterable<String> texts, int vocabSize) {
    return train(texts, vocabSize, 2);
  }

  /**
   * Learns up to {@code vocabSize - 256} merges; training stops earlier when no pair occurs at
   * least {@code minPairCount} times (so {@link #vocabSize()} may be smaller than asked).
   *
   * @param texts the training texts; each is split with {@link #PRETOKENIZE}
   * @param vocabSize the wanted vocabulary size, 256 bytes plus the merges, at least 256
   * @param minPairCount the least count of a pair worth merging, at least 1
   * @return the tokenizer
   * @throws IllegalArgumentException for {@code vocabSize < 256}, {@code minPairCount < 1} or
   *     texts with no characters at all
   */
  public static BpeTokenizer train(Iterable<String> texts, int vocabSize, long minPairCount) {
    if (vocabSize < 256) {
      throw new IllegalArgumentException(
          "vocabSize must be at least 256 (the byte alphabet), got vocabSize=" + vocabSize
              + "; pass 256 + the number of merges wanted");
    }
    if (minPairCount < 1) {
      throw new IllegalArgumentException(
          "minPairCount must be at least 1, got " + minPairCount + "; 2 is the usual choice");
    }
    // 1. Distinct chunks and their frequencies.
    Map<String, long[]> chunkCounts = new HashMap<>();
    for (String text : texts) {
      Matcher m = PRETOKENIZE.matcher(text);
      while (m.find()) {
        chunkCounts.computeIfAbsent(m.group(), k -> new long[1])[0]++;
      }
    }
    if (chunkCounts.isEmpty()) {
      throw new IllegalArgumentException(
          "the training texts are empty: no characters to learn merges from; pass at least one"
              + " non-empty text");
    }
    int words = chunkCounts.size();
    int[][] sym = new int[words][];
    int[] len = new int[words];
    long[] freq = new long[words];
    int w = 0;
    for (Map.Entry<String, long[]> e : chunkCounts.entrySet()) {
      byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
      sym[w] = new int[b.length];
      for (int i = 0; i < b.length; i++) {
        sym[w][i] = b[i] & 0xff;
      }
      len[w] = b.length;
      freq[w] = e.getValue()[0];
      w++;
    }
    chunkCounts = null;
    // 2. Pair statistics.
    Map<Long, PairStat> stats = new HashMap<>();
    for (w = 0; w < words; w++) {
      addPairs(stats, sym[w], len[w], freq[w], w, +1);
    }
    // 3. Merge loop.
    int merges = vocabSize - 256;
    int[] lefts = new int[merges];
    int[] rights = new int[merges];
    int[] visited = new int[words];
    Arrays.fill(visited, -1);
    int done = 0;
    for (; done < merges; done++) {
      long bestKey = -1;
      PairStat best = null;
      for (Map.Entry<Long, PairStat> e : stats.entrySet()) {
        PairStat s = e.getValue();
        long k = e.getKey();
        if (s.count > 0
            && (best == null || s.count > best.count || (s.count == best.count && k < bestKey))) {
          best = s;
          bestKey = k;
        }
      }
      if (best == null || best.count < minPairCount) {
        break;
      }
      int l = (int) (bestKey >>> 32);
      int r = (int) bestKey;
      int id = 256 + done;
      lefts[done] = l;
      rights[done] = r;
      int[] where = best.words;
      int nWhere = best.size;
      for (int j = 0; j < nWhere; j++) {
        int x = where[j];
        if (visited[x] == done) {
          continue;
        }
        visited[x] = done;
        int[] s = sym[x];
        int n = len[x];
        boolean present = false;
        for (int i = 0; i + 1 < n; i++) {
          if (s[i] == l && s[i + 1] == r) {
            present = true;
            break;
          }
        }
        if (!present) {
          continue; // stale entry: an earlier merge removed the pair from this chunk
        }
        addPairs(stats, s, n, freq[x], x, -1);
        int out = 0;
        for (int i = 0; i < n; i++) {
          if (i + 1 < n && s[i] == l && s[i + 1] == r) {
            s[out++] = id;
            i++;
          } else {
            s[out++] = s[i];
          }
        }
        len[x] = out;
        addPairs(stats, s, out, freq[x], x, +1);
      }
      stats.remove(bestKey);
    }
    return new BpeTokenizer(Arrays.copyOf(lefts, done), Arrays.copyOf(rights, done));
  }

  /** Count and occurrence list of one pair during training. */
  private static final class PairStat {
    long count;
    int[] words = new int[4];
    int size;
    int lastWord = -1;

    void addWord(int w) {
      if (lastWord == w) {
        return;
      }
      lastWord = w;
      if (size == words.length) {
        words = Arrays.copyOf(words, size * 2);
      }
      words[size++] = w;
    }
  }

  private static void addPairs(
      Map<Long, PairStat> stats, int[] s, int n, long freq, int word, int sign) {
    for (int i = 0; i + 1 < n; i++) {
      long key = pair(s[i], s[i + 1]);
      PairStat st = stats.get(key);
      if (st == null) {
        st = new PairStat();
        stats.put(key, st);
      }
      st.count += sign * freq;
      if (sign > 0) {
        st.addWord(word);
      }
    }
  }

  private static long pair(int l, int r) {
    return ((long) l << 32) | (r & 0xffffffffL);
  }

  /**
   * Encodes text into token ids.
   *
   * @param text any string
   * @return ids in {@code 0..vocabSize()-1}; empty for an empty string
   */
  public int[] encode(String text) {
    int[] out = new int[16];
    int size = 0;
    Matcher m = PRETOKENIZE.matcher(text);
    int[] buf = new int[16];
    while (m.find()) {
      byte[] b = m.group().getBytes(StandardCharsets.UTF_8);
      if (buf.length < b.length) {
        buf = new int[b.length];
      }
      int n = encodeChunk(b, buf);
      if (size + n > out.length) {
        out = Arrays.copyOf(out, Math.max(out.length * 2, size + n));
      }
      System.arraycopy(buf, 0, out, size, n);
      size += n;
    }
    return Arrays.copyOf(out, size);
  }

  private int encodeChunk(byte[] b, int[] s) {
    int n = b.length;
    for (int i = 0; i < n; i++) {
      s[i] = b[i] & 0xff;
    }
    while (n > 1) {
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < n; i++) {
        Integer rk = rank.get(pair(s[i], s[i + 1]));
        if (rk != null && rk < bestRank) {
          bestRank = rk;
        }
      }
      if (bestRank == Integer.MAX_VALUE) {
        break;
      }
      int l = left[bestRank];
      int r = right[bestRank];
      int out = 0;
      for (int i = 0; i < n; i++) {
        if (i + 1 < n && s[i] == l && s[i + 1] == r) {
          s[out++] = 256 + bestRank;
          i++;
        } else {
          s[out++] = s[i];
        }
      }
      n = out;
    }
    return n;
  }

  /**
   * Decodes token ids back to text: the tokens' bytes concatenated and read as UTF-8 (a sequence
   * that is not valid UTF-8, possible only for ids not made by {@link #encode(String)}, decodes
   * with U+FFFD replacement characters).
   *
   * @param ids token ids
   * @return the text
   * @throws IllegalArgumentException for an id outside {@code 0..vocabSize()-1}
   */
  public String decode(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
    for (int id : ids) {
      out.writeBytes(tokenBytes(id));
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * The bytes of one token.
   *
   * @param id a token id
   * @return a copy of its UTF-8 bytes (one byte for ids below 256)
   */
  public byte[] tokenBytes(int id) {
    checkId(id);
    return bytes[id].clone();
  }

  /**
   * The printable form of one token in GPT-2's byte alphabet (for example {@code Ġthe}).
   *
   * @param id a token id
   * @return one character per byte
   */
  public String token(int id) {
    checkId(id);
    byte[] b = bytes[id];
    char[] c = new char[b.length];
    for (int i = 0; i < b.length; i++) {
      c[i] = BYTE_TO_CHAR[b[i] & 0xff];
    }
    return new String(c);
  }

  /**
   * Tokenizes a line into printable token strings, {@link #token(int)} of each id of {@link
   * #encode(String)}.
   *
   * @param line the text
   * @return the token strings
   */
  @Override
  public List<String> tokenize(String line) {
    int[] ids = encode(line);
    List<String> out = new ArrayList<>(ids.length);
    for (int id : ids) {
      out.add(token(id));
    }
    return out;
  }

  /**
   * Turns printable token strings (as {@link #tokenize(String)} gives them, or as a language model
   * over them samples them) back into text: each character is one byte of GPT-2's byte alphabet,
   * and the bytes are read as UTF-8. A string whose characters are all outside that alphabet's
   * mapped range is kept as it is.
   *
   * @param tokens token strings, for example {@code [Ġthe, Ġwh, ale]}
   * @return the text, for example {@code " the whale"}
   */
  public static String detokenize(List<String> tokens) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String t : tokens) {
      for (int i = 0; i < t.length(); i++) {
        int b = charToByte(t.charAt(i));
        if (b < 0) { // not a byte-alphabet character: write the character itself
          out.writeBytes(String.valueOf(t.charAt(i)).getBytes(StandardCharsets.UTF_8));
        } else {
          out.write(b);
        }
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int charToByte(char c) {
    for (int b = 0; b < 256; b++) {
      if (BYTE_TO_CHAR[b] == c) {
        return b;
      }
    }
    return -1;
  }

  /**
   * The number of token ids: 256 plus the number of merges.
   *
   * @return the vocabulary size
   */
  public int vocabSize() {
    return 256 + left.length;
  }

  /**
   * The merges in order, as {@code [left, right]} id pairs; merge {@code i} makes id {@code 256+i}.
   *
   * @return a fresh list
   */
  public List<int[]> merges() {
    List<int[]> out = new ArrayList<>(left.length);
    for (int i = 0; i < left.length; i++) {
      out.add(new int[] {left[i], right[i]});
    }
    return out;
  }

  private void checkId(int id) {
    if (id < 0 || id >= bytes.length) {
      throw new IllegalArgumentException(
          "token id " + id + " out of range; expected 0.." + (bytes.length - 1));
    }
  }

  /**
   * Writes the merges in format version {@value #FORMAT_VERSION}.
   *
   * @param file the destination, overwritten
   * @throws IOException on a write failure
   */
  public void save(Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(out);
    }
  }

  /**
   * Writes the merges in format version {@value #FORMAT_VERSION}, as {@link #save(Path)} does.
   *
   * @param out the destination; not closed
   * @throws IOException on a write failure
   */
  public void write(Writer out) throws IOException {
    out.write(MAGIC + " " + FORMAT_VERSION + "\n");
    out.write("merges " + left.length + "\n");
    for (int i = 0; i < left.length; i++) {
      out.write(left[i] + " " + right[i] + " " + token(256 + i) + "\n");
    }
  }

  /**
   * Reads merges written by {@link #save(Path)} of this or an older format version.
   *
   * @param file the file
   * @return the tokenizer
   * @throws BpeFormatException naming the line, for a bad header, a newer version, a count that
   *     does not match, or a malformed merge
   * @throws IOException on a read failure
   */
  public static BpeTokenizer load(Path file) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = r.readLine();
      if (header == null || !header.startsWith(MAGIC + " ")) {
        throw new BpeFormatException(
            file + " line 1: expected '" + MAGIC + " <version>', found "
                + (header == null ? "an empty file" : "'" + header + "'"));
      }
      int version = parseInt(header.substring(MAGIC.length() + 1).trim(), file, 1, "version");
      if (version > FORMAT_VERSION || version < 1) {
        throw new BpeFormatException(
            file + ": format version " + version + ", this library reads up to "
                + FORMAT_VERSION + "; upgrade aiaas to read it");
      }
      String countLine = r.readLine();
      if (countLine == null || !countLine.startsWith("merges ")) {
        throw new BpeFormatException(
            file + " line 2: expected 'merges <count>', found "
                + (countLine == null ? "the end of the file" : "'" + countLine + "'"));
      }
      int count = parseInt(countLine.substring(7).trim(), file, 2, "merge count");
      if (count < 0) {
        throw new BpeFormatException(file + " line 2: negative merge count " + count);
      }
      int[] lefts = new int[count];
      int[] rights = new int[count];
      String[] printable = new String[count];
      for (int i = 0; i < count; i++) {
        int lineNo = i + 3;
        String line = r.readLine();
        if (line == null) {
          throw new BpeFormatException(
              file + " line " + lineNo + ": file ends after " + i + " of " + count + " merges");
        }
        String[] f = line.split(" ", -1);
        if (f.length != 3) {
          throw new BpeFormatException(
              file + " line " + lineNo + ": expected 'leftId rightId token', found '" + line + "'");
        }
        lefts[i] = parseInt(f[0], file, lineNo, "left id");
        rights[i] = parseInt(f[1], file, lineNo, "right id");
        for (int id : new int[] {lefts[i], rights[i]}) {
          if (id < 0 || id >= 256 + i) {
            throw new BpeFormatException(
                file + " line " + lineNo + ": id " + id + " is not defined before merge "
                    + (256 + i) + "; expected 0.." + (255 + i));
          }
        }
        printable[i] = f[2];
      }
      String extra = r.readLine();
      if (extra != null) {
        throw new BpeFormatException(
            file + " line " + (count + 3) + ": expected the end of the file after " + count
                + " merges, found '" + extra + "'");
      }
      BpeTokenizer t = new BpeTokenizer(lefts, rights);
      for (int i = 0; i < count; i++) {
        String expect = t.token(256 + i);
        if (!expect.equals(printable[i])) {
          throw new BpeFormatException(
              file + " line " + (i + 3) + ": token '" + printable[i] + "' does not match its ids ("
                  + lefts[i] + " + " + rights[i] + " = '" + expect + "')");
        }
      }
      return t;
    }
  }

  private static int parseInt(String s, Path file, int lineNo, String what)
      throws BpeFormatException {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new BpeFormatException(
          file + " line " + lineNo + ": " + what + " is not an integer: '" + s + "'");
    }
  }

  /** GPT-2's bytes_to_unicode: printable bytes stand for themselves, others from U+0100 up. */
  private static char[] byteAlphabet() {
    char[] map = new char[256];
    boolean[] printable = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      printable[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      printable[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      printable[b] = true;
    }
    int next = 256;
    for (int b = 0; b < 256; b++) {
      map[b] = printable[b] ? (char) b : (char) next++;
    }
    return map;
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return "BpeTokenizer[vocabSize=" + vocabSize() + "]";
  }
}
