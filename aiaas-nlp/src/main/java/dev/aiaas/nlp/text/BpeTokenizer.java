package dev.aiaas.nlp.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>This class is the tokenizer in use (encode, decode, tokenize); the merges are learnt by
 * {@code BpeTrainer} and the file is read and written by {@code BpeFile}, reached through
 * {@link #train}, {@link #save} and {@link #load}.
 */
public final class BpeTokenizer implements Tokenizer {

  /** The newest merges file format version this library reads (and the one it writes). */
  public static final int FORMAT_VERSION = 1;

  /** GPT-2's pre-tokenization pattern: merges stay inside one match. */
  public static final Pattern PRETOKENIZE =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

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
   * A tokenizer of the given merges: merge {@code i} joins ids {@code left[i]} and
   * {@code right[i]} (each below {@code 256 + i}) into id {@code 256 + i}. The arrays are kept.
   */
  static BpeTokenizer fromMerges(int[] left, int[] right) {
    return new BpeTokenizer(left, right);
  }

  // ------------------------------------------------------------------ training (BpeTrainer)

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
   * least {@code minPairCount} times (so {@link #vocabSize()} may be smaller than asked). The
   * counting and the tie rule are described above.
   *
   * @param texts the training texts; each is split with {@link #PRETOKENIZE}
   * @param vocabSize the wanted vocabulary size, 256 bytes plus the merges, at least 256
   * @param minPairCount the least count of a pair worth merging, at least 1
   * @return the tokenizer
   * @throws IllegalArgumentException for {@code vocabSize < 256}, {@code minPairCount < 1} or
   *     texts with no characters at all
   */
  public static BpeTokenizer train(Iterable<String> texts, int vocabSize, long minPairCount) {
    return BpeTrainer.train(texts, vocabSize, minPairCount);
  }

  // ------------------------------------------------------------------ files (BpeFile)

  /**
   * Writes the merges in format version {@value #FORMAT_VERSION} (described above).
   *
   * @param file the destination, overwritten
   * @throws IOException on a write failure
   */
  public void save(Path file) throws IOException {
    BpeFile.save(this, file);
  }

  /**
   * Writes the merges in format version {@value #FORMAT_VERSION}, as {@link #save(Path)} does.
   *
   * @param out the destination; not closed
   * @throws IOException on a write failure
   */
  public void write(Writer out) throws IOException {
    BpeFile.write(this, out);
  }

  /**
   * Reads merges written by {@link #save(Path)} of this or an older format version, within {@link
   * TextLimits#defaults()}.
   *
   * @param file the file
   * @return the tokenizer
   * @throws BpeFormatException naming the file, the line, the text found, what was expected and the
   *     fix: for a bad header, a newer version, a count that the file cannot hold or that does not
   *     match, a malformed, duplicate or inconsistent merge, invalid UTF-8, damaged gzip data or a
   *     limit exceeded
   * @throws IOException on a read failure
   */
  public static BpeTokenizer load(Path file) throws IOException {
    return BpeFile.load(file, TextLimits.defaults());
  }

  /**
   * Reads merges written by {@link #save(Path)} of this or an older format version.
   *
   * @param file the file
   * @param limits the limits on the file's bytes and line length
   * @return the tokenizer
   * @throws BpeFormatException as {@link #load(Path)}
   * @throws IOException on a read failure
   */
  public static BpeTokenizer load(Path file, TextLimits limits) throws IOException {
    return BpeFile.load(file, java.util.Objects.requireNonNull(limits, "limits"));
  }

  // ------------------------------------------------------------------ use

  /** The printable form of byte {@code b} in GPT-2's byte alphabet. */
  static String printable(int b) {
    return String.valueOf(BYTE_TO_CHAR[b]);
  }

  /** A pair of ids as one key: the left id in the high 32 bits. */
  static long pair(int l, int r) {
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
