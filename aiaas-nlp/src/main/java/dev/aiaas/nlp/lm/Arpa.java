package dev.aiaas.nlp.lm;

import dev.aiaas.core.io.AtomicFiles;
import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.InputLimitException;
import dev.aiaas.core.io.Inputs;
import dev.aiaas.core.io.LineReader;
import dev.aiaas.nlp.text.TextFiles;
import dev.aiaas.nlp.text.Vocabulary;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PushbackInputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * ARPA backoff-model text format (Doug Paul's format as written by SRILM and KenLM):
 * <pre>
 * \data\
 * ngram 1=COUNT
 * ...
 *
 * \1-grams:
 * log10prob  word  [log10backoff]
 * ...
 * \end\
 * </pre>
 * Fields are separated by tabs or spaces. Probabilities are stored as floats, as KenLM does.
 *
 * <p>Reading is strict, as KenLM's is, and bounded (see {@link ArpaOptions}): the header's counts
 * are checked against the limits, the file's size and the heap before anything is allocated for
 * them, and then against the entries present; a log10 probability is a decimal number at most 0
 * (or {@code -inf}, log10 of 0, which aiaas writes for maximum-likelihood models), a backoff a
 * decimal number (or {@code -inf}), each within float's range; a duplicate n-gram, a word without
 * a unigram, and any text after {@code \end\} are refused; the file is read to its end, so a
 * gzip trailer is checked. Every problem is an {@link ArpaFormatException} naming the line.
 */
final class Arpa {

  private Arpa() {}

  // ---------------------------------------------------------------- writing

  /**
   * Writes the model to {@code file} atomically ({@link AtomicFiles#write}: a temporary file beside
   * it, moved over it; temporary files a killed earlier write left are removed first),
   * gzip-compressed when the name ends in {@code .gz}.
   */
  static void write(NgramModel model, Path file) throws IOException {
    boolean gzip = file.getFileName().toString().endsWith(".gz");
    AtomicFiles.write(file, out -> {
      OutputStream os = gzip ? new GZIPOutputStream(out, 1 << 16) : out;
      try (Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
        write(model, w);
      }
    });
  }

  static void write(NgramModel model, Writer w) throws IOException {
    int order = model.order();
    w.write("\\data\\\n");
    for (int n = 1; n <= order; n++) {
      w.write("ngram " + n + "=" + model.ngramCount(n) + "\n");
    }
    Vocabulary v = model.vocabulary();
    StringBuilder sb = new StringBuilder(128);
    char[] buf = new char[256];
    // The word ids of order n-1's entries, n-1 per slot, so that an n-gram's words are its
    // prefix's plus one: no walk down the prefix chain, and entries are read in slot order.
    int[] prefixIds = null;
    for (int n = 1; n <= order; n++) {
      w.write("\n\\" + n + "-grams:\n");
      int slots = model.slots(n);
      int[] ids = n < order ? new int[slots * n] : null;
      for (int i = 0; i < slots; i++) {
        if (!model.occupied(n, i)) {
          continue;
        }
        float prob = model.prob(n, i);
        if (Float.isNaN(prob)) {
          prob = (float) model.toEntry(n, i).log10Prob();
        }
        sb.setLength(0);
        sb.append(format(prob)).append('\t');
        int word = model.lastWordOf(n, i);
        if (n == 2) {
          sb.append(v.token(model.prefixOf(n, i))).append(' ');
        } else if (n > 2) {
          int p = model.prefixOf(n, i) * (n - 1);
          for (int j = 0; j < n - 1; j++) {
            sb.append(v.token(prefixIds[p + j])).append(' ');
          }
        }
        sb.append(v.token(word));
        if (ids != null) {
          if (n == 2) {
            ids[2 * i] = model.prefixOf(n, i);
          } else if (n > 2) {
            System.arraycopy(prefixIds, model.prefixOf(n, i) * (n - 1), ids, i * n, n - 1);
          }
          ids[i * n + n - 1] = word;
        }
        if (n < order) {
          sb.append('\t').append(format(model.backoff(n, i)));
        }
        sb.append('\n');
        if (buf.length < sb.length()) {
          buf = new char[2 * sb.length()];
        }
        sb.getChars(0, sb.length(), buf, 0);
        w.write(buf, 0, sb.length());
      }
      prefixIds = n == 1 ? null : ids;
    }
    w.write("\n\\end\\\n");
  }

  static String format(float f) {
    if (f == 0f) {
      return "0";
    }
    if (f == Float.NEGATIVE_INFINITY) {
      return "-inf";
    }
    return Float.toString(f);
  }

  // ---------------------------------------------------------------- reading

  /** The fix that a limit's message gives. */
  private static final String LIMIT_FIX =
      "check that this is an ARPA file; to accept it, raise the limit (ArpaOptions)";
  /** What a damaged or truncated file's message advises. */
  private static final String REWRITE =
      "the file is damaged or truncated; copy it again, or write it again with 'aiaas lm build'"
          + " or KenLM's lmplz";
  /** Entries allocated per order before its lines are read; the tables grow as entries arrive. */
  private static final int PRESIZE = 1 << 20;
  /** The longest number field read, in characters. */
  private static final int MAX_NUMBER_CHARS = 100;

  /**
   * Reads an ARPA file: plain or gzip-compressed (detected from its first bytes), through core's
   * {@link Inputs}, within {@code options}.
   */
  static NgramModel read(Path file, ArpaOptions options) throws IOException {
    long size = Files.isRegularFile(file) ? Files.size(file) : -1;
    return read(Files.newInputStream(file), size, file.toString(), options);
  }

  /**
   * Reads an ARPA stream, as {@link #read(Path, ArpaOptions)} reads a file.
   *
   * @param raw the bytes as stored (plain or gzip-compressed); closed here
   * @param size how many bytes {@code raw} holds, or -1 if unknown
   * @param source the file's name, for messages
   */
  static NgramModel read(InputStream raw, long size, String source, ArpaOptions options) throws IOException {
    PushbackInputStream peek = new PushbackInputStream(raw, 2);
    boolean gzip;
    InputStream in;
    try {
      byte[] two = peek.readNBytes(2);
      peek.unread(two);
      gzip = two.length == 2 && (two[0] & 0xff) == 0x1f && (two[1] & 0xff) == 0x8b;
      in = Inputs.decode(peek, source, options.maxBytes(), LIMIT_FIX);
    } catch (CorruptInputException e) {
      throw new ArpaFormatException(source, 1, null, detail(e, source), REWRITE, e);
    } catch (IOException | RuntimeException e) {
      peek.close();
      throw e;
    }
    long bound = TextFiles.maxDecompressedBytes(size, gzip, options.maxBytes());
    String holds = size < 0 || bound == options.maxBytes()
        ? "may deliver at most " + bound + " bytes (ArpaOptions.maxBytes)"
        : gzip ? "holds " + size + " gzip-compressed bytes, at most " + bound + " once decompressed"
        : "holds " + bound + " bytes";
    try (LineReader r = new LineReader(new InputStreamReader(in, StandardCharsets.UTF_8), source,
        options.maxLineChars(), LIMIT_FIX)) {
      return read(new Lines(r, source), bound, holds, options);
    }
  }

  /** What a damaged-gzip exception says, without the file name it starts with and its own fix. */
  private static String detail(CorruptInputException e, String source) {
    String m = String.valueOf(e.getMessage());
    m = m.startsWith(source + ": ") ? m.substring(source.length() + 2) : m;
    int fix = m.indexOf(". Fix: ");
    return fix < 0 ? m : m.substring(0, fix);
  }

  /** Reads lines, turning limits and damage into {@link ArpaFormatException}s. */
  private static final class Lines {
    final LineReader in;
    final String source;
    String pushedBack;

    Lines(LineReader in, String source) {
      this.in = in;
      this.source = source;
    }

    String next() throws IOException {
      if (pushedBack != null) {
        String s = pushedBack;
        pushedBack = null;
        return s;
      }
      try {
        return in.readLine();
      } catch (InputLimitException e) {
        throw new ArpaFormatException(source, in.lineNumber() + 1, null,
            e.what() + " exceeds the limit of " + e.limit(), LIMIT_FIX, e);
      } catch (CorruptInputException e) {
        throw new ArpaFormatException(source, in.lineNumber() + 1, null,
            detail(e, source) + " after " + in.lineNumber() + " complete lines", REWRITE, e);
      }
    }

    String nextNonBlank() throws IOException {
      String s;
      while ((s = next()) != null && s.isBlank()) {
        // skip
      }
      return s;
    }

    long number() {
      return in.lineNumber();
    }

    /** An error about the text from line {@code lineNumber} on, not one line of it. */
    ArpaFormatException errorAt(long lineNumber, String problem, String fix) {
      return new ArpaFormatException(source, lineNumber, null, problem, fix, null);
    }

    /** An error on the current line ({@code line}), or at the end of the file when it is null. */
    ArpaFormatException error(String line, String problem, String fix) {
      return new ArpaFormatException(source, line == null ? 0 : number(), line, problem, fix, null);
    }
  }

  /**
   * Reads the lines of an ARPA file.
   *
   * @param bound the most bytes the file can deliver
   * @param holds the bound in words, for a message ("holds 300 bytes")
   */
  private static NgramModel read(Lines in, long bound, String holds, ArpaOptions options) throws IOException {
    String line;
    while ((line = in.next()) != null && !line.trim().equals("\\data\\")) {
      // text before \data\ is allowed (comments)
    }
    if (line == null) {
      throw in.error(null, "no \\data\\ header found: this is not an ARPA file",
          "pass an ARPA file (it starts with a line \\data\\ and the lines 'ngram N=COUNT')");
    }
    long[] counts = new long[NgramOptions.MAX_ORDER + 1];
    int order = 0;
    long total = 0;
    long minBytes = 0;
    long minHeap = 0;
    while ((line = in.next()) != null) {
      String t = line.trim();
      if (t.isEmpty()) {
        if (order == 0) {
          continue;
        }
        break;
      }
      if (!t.startsWith("ngram ")) {
        if (t.startsWith("\\") && order > 0) {
          in.pushedBack = line;
          break;
        }
        throw in.error(line, "expected 'ngram " + (order + 1) + "=COUNT'", REWRITE);
      }
      int eq = t.indexOf('=');
      long n = eq < 0 ? -1 : digits(t.substring(6, eq).trim());
      long c = eq < 0 ? -1 : digits(t.substring(eq + 1).trim());
      if (n < 0 || c < 0) {
        throw in.error(line, "expected 'ngram " + (order + 1)
            + "=COUNT' with COUNT a non-negative integer (decimal digits)", REWRITE);
      }
      if (n != order + 1) {
        throw in.error(line, "expected 'ngram " + (order + 1) + "=COUNT': the orders count up from 1",
            REWRITE);
      }
      if (n > NgramOptions.MAX_ORDER) {
        throw in.error(line, "order " + n + " is above the highest this library reads, "
            + NgramOptions.MAX_ORDER, "use a model of order " + NgramOptions.MAX_ORDER + " or less");
      }
      order++;
      counts[order] = c;
      total = plus(total, c, 1);
      minBytes = plus(minBytes, c, 2 * n + 1);
      minHeap = plus(minHeap, c, n == 1 ? 8 : 18);
      if (minBytes > bound) {
        throw in.error(line, "the header's counts up to order " + n + " need at least " + minBytes
            + " bytes (a line of an n-gram takes at least 2n+1), but the file " + holds, REWRITE);
      }
      if (c > ProbingTable.MAX_ENTRIES) {
        throw in.error(line, "the header declares " + c + " " + n + "-grams; one order holds at most "
            + ProbingTable.MAX_ENTRIES, "prune the model (fewer n-grams), or check the file");
      }
      if (total > options.maxNgrams()) {
        throw in.error(line, "the header declares " + total + " n-grams up to order " + n
            + ", more than the limit of " + options.maxNgrams(),
            "check the file; to accept it, raise ArpaOptions.maxNgrams");
      }
      long heap = Runtime.getRuntime().maxMemory();
      if (heap != Long.MAX_VALUE && minHeap > heap) {
        throw in.error(line, "the header's counts up to order " + n + " need at least "
            + (minHeap >> 20) + " MiB of heap for the model's tables, more than this JVM's maximum of "
            + (heap >> 20) + " MiB", "give the JVM more heap (java -Xmx...), or use a pruned model");
      }
    }
    if (order == 0) {
      throw in.error(line, "no 'ngram N=COUNT' lines after \\data\\", REWRITE);
    }
    NgramLevel[] lv = new NgramLevel[order + 1];
    float[][] prob = new float[order + 1][];
    float[][] backoff = new float[order + 1][];
    Vocabulary vocab = null;
    Map<String, Integer> ids = null;
    String[] fields = new String[order + 3];
    for (int n = 1; n <= order; n++) {
      line = in.nextNonBlank();
      if (line == null || !line.trim().equals("\\" + n + "-grams:")) {
        throw in.error(line, "expected the section header \\" + n + "-grams:", REWRITE);
      }
      long sectionLine = in.number();
      int expected = (int) counts[n];
      int initial = Math.min(expected, PRESIZE);
      if (n == 1) {
        List<String> words = new ArrayList<>(initial);
        float[] p = new float[initial];
        float[] b = new float[initial];
        Map<String, Integer> seen = new HashMap<>(initial * 2);
        for (int i = 0; i < expected; i++) {
          line = nextEntry(in, 1, expected, i);
          int nf = split(line, fields);
          checkFields(in, line, nf, 1, order);
          String word = fields[1];
          if (word.indexOf('\r') >= 0) {
            throw in.error(line, "the word " + Inputs.excerpt(word) + " holds a carriage return",
                "remove it: words are separated by spaces or tabs and hold no line breaks");
          }
          if (seen.putIfAbsent(word, i) != null) {
            throw in.error(line, "duplicate unigram " + Inputs.excerpt(word),
                "each n-gram appears once; " + REWRITE);
          }
          if (i == p.length) {
            int cap = (int) Math.min(expected, 2L * p.length);
            p = Arrays.copyOf(p, cap);
            b = Arrays.copyOf(b, cap);
          }
          words.add(word);
          p[i] = probability(in, line, fields[0]);
          b[i] = nf == 3 ? backoff(in, line, fields[2]) : 0f;
        }
        checkSectionEnd(in, 1, expected);
        List<String> ordinary = new ArrayList<>(expected);
        for (String w : words) {
          if (!Vocabulary.isSpecial(w)) {
            ordinary.add(w);
          }
        }
        for (String special : new String[] {Vocabulary.BOS_TOKEN, Vocabulary.EOS_TOKEN}) {
          if (!seen.containsKey(special)) {
            throw in.errorAt(sectionLine, "the unigrams (from this line) lack " + special
                + "; a sentence model needs <s> and </s>",
                "add the unigram, or build the model with 'aiaas lm build' or KenLM's lmplz");
          }
        }
        try {
          vocab = Vocabulary.of(ordinary);
        } catch (IllegalArgumentException e) {
          throw in.errorAt(sectionLine, "bad unigram: " + e.getMessage(), REWRITE);
        }
        ids = new HashMap<>(vocab.size() * 2);
        for (int id = 0; id < vocab.size(); id++) {
          ids.put(vocab.token(id), id);
        }
        lv[1] = new NgramLevel(1, vocab.size());
        lv[1].allocateScores();
        lv[1].prob[Vocabulary.UNK] = -100f; // KenLM's value when <unk> is missing
        for (int i = 0; i < words.size(); i++) {
          int id = ids.get(words.get(i));
          lv[1].prob[id] = p[i];
          lv[1].backoff[id] = b[i];
        }
        continue;
      }
      lv[n] = new NgramLevel(n, initial);
      prob[n] = new float[Math.max(16, initial)];
      backoff[n] = new float[Math.max(16, initial)];
      for (int i = 0; i < expected; i++) {
        line = nextEntry(in, n, expected, i);
        int nf = split(line, fields);
        checkFields(in, line, nf, n, order);
        float p = probability(in, line, fields[0]);
        float b = nf == n + 2 ? backoff(in, line, fields[n + 1]) : 0f;
        int idx = -1;
        for (int m = 1; m <= n; m++) {
          Integer id = ids.get(fields[m]);
          if (id == null) {
            throw in.error(line, "word " + Inputs.excerpt(fields[m]) + " has no unigram entry",
                "every word of an n-gram is a unigram of the model; " + REWRITE);
          }
          if (m == 1) {
            idx = id;
            continue;
          }
          int before = lv[m].size;
          if (before == ProbingTable.MAX_ENTRIES) {
            throw in.error(line, "order " + m + " would hold more than " + ProbingTable.MAX_ENTRIES
                + " entries (the n-grams and the contexts they imply)", "prune the model");
          }
          idx = lv[m].findOrInsert(idx, id);
          if (m < n && idx == before) {
            // a missing prefix: a blank entry that is only a context, as KenLM inserts
            grow(prob, backoff, m, idx + 1);
            prob[m][idx] = Float.NaN;
            backoff[m][idx] = 0f;
          }
          if (m == n) {
            if (idx < before && !Float.isNaN(prob[n][idx])) {
              throw in.error(line, "duplicate " + n + "-gram", "each n-gram appears once; " + REWRITE);
            }
            grow(prob, backoff, n, idx + 1);
            prob[n][idx] = p;
            backoff[n][idx] = b;
          }
        }
      }
      checkSectionEnd(in, n, expected);
    }
    line = in.nextNonBlank();
    if (line == null || !line.trim().equals("\\end\\")) {
      throw in.error(line, "expected \\end\\ after the " + order + "-grams", REWRITE);
    }
    // read on to the end, so that a gzip trailer is checked; KenLM refuses trailing text too
    while ((line = in.next()) != null) {
      if (!line.isBlank()) {
        throw in.error(line, "text after \\end\\ (only blank lines may follow it)",
            "remove the lines after \\end\\, or check that two files were not joined");
      }
    }
    for (int n = 2; n <= order; n++) {
      lv[n].allocateScores();
      System.arraycopy(prob[n], 0, lv[n].prob, 0, lv[n].size);
      System.arraycopy(backoff[n], 0, lv[n].backoff, 0, lv[n].size);
    }
    return new NgramModel(vocab, lv, true, List.of(), "arpa " + in.source);
  }

  /** {@code sum + count * each}, saturating at {@link Long#MAX_VALUE} (all non-negative). */
  private static long plus(long sum, long count, long each) {
    long product = count > Long.MAX_VALUE / each ? Long.MAX_VALUE : count * each;
    return sum > Long.MAX_VALUE - product ? Long.MAX_VALUE : sum + product;
  }

  /** A non-negative decimal integer of at most 18 digits, or -1. */
  private static long digits(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(s);
  }

  private static void grow(float[][] prob, float[][] backoff, int n, int size) {
    if (prob[n].length < size) {
      int cap = Math.max(size, prob[n].length * 2);
      prob[n] = Arrays.copyOf(prob[n], cap);
      backoff[n] = Arrays.copyOf(backoff[n], cap);
    }
  }

  private static String nextEntry(Lines in, int n, int expected, int i) throws IOException {
    String line = in.nextNonBlank();
    if (line == null || line.trim().startsWith("\\")) {
      throw in.error(line, "expected " + expected + " " + n + "-grams as the header said ('ngram " + n
          + "=" + expected + "'), found only " + i, REWRITE);
    }
    return line;
  }

  /** After the declared count of n-grams: the next line must start a section or end the file. */
  private static void checkSectionEnd(Lines in, int n, int expected) throws IOException {
    String line = in.nextNonBlank();
    if (line != null && !line.trim().startsWith("\\")) {
      throw in.error(line, "more " + n + "-grams than the header's 'ngram " + n + "=" + expected + "'",
          REWRITE);
    }
    in.pushedBack = line;
  }

  private static void checkFields(Lines in, String line, int nf, int n, int order)
      throws ArpaFormatException {
    boolean ok = n < order ? (nf == n + 1 || nf == n + 2) : nf == n + 1;
    if (!ok) {
      throw in.error(
          line,
          "expected a " + n + "-gram line 'log10prob" + " w".repeat(n)
              + (n < order ? " [log10backoff]'" : "'") + ", found " + nf + " fields",
          REWRITE);
    }
  }

  /** Splits on spaces and tabs into {@code out}; returns the field count (capped). */
  private static int split(String line, String[] out) {
    int nf = 0;
    int len = line.length();
    int i = 0;
    while (i < len) {
      while (i < len && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
        i++;
      }
      int start = i;
      while (i < len && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
        i++;
      }
      if (i > start) {
        if (nf == out.length) {
          return nf + 1;
        }
        out[nf++] = line.substring(start, i);
      }
    }
    return nf;
  }

  /** A log10 probability: a decimal number at most 0, or {@code -inf} (probability 0). */
  private static float probability(Lines in, String line, String s) throws ArpaFormatException {
    float f = number(in, line, s, "log10 probability");
    if (f > 0) {
      throw in.error(line, "positive log10 probability " + Inputs.excerpt(s)
          + ": a probability is at most 1, so its log10 is at most 0",
          "the model is damaged or was written by a faulty tool (KenLM refuses it too); build it again");
    }
    return f;
  }

  /** A log10 backoff weight: a decimal number, or {@code -inf} (weight 0). */
  private static float backoff(Lines in, String line, String s) throws ArpaFormatException {
    return number(in, line, s, "log10 backoff");
  }

  /**
   * A number as ARPA writers print it: {@code -?digits[.digits][(e|E)[+-]digits]} (digits before or
   * after the point), within float's range, or {@code -inf}. Refused: hexadecimal ({@code 0x1p3}),
   * Java's suffixes ({@code 1f}, {@code 1d}), a leading {@code +}, surrounding control characters,
   * {@code NaN}, {@code Infinity}, and numbers beyond float's range ({@code -1e39}).
   */
  private static float number(Lines in, String line, String s, String what) throws ArpaFormatException {
    if (s.equals("-inf")) {
      return Float.NEGATIVE_INFINITY;
    }
    float f;
    try {
      f = s.length() <= MAX_NUMBER_CHARS ? Float.parseFloat(s) : Float.NaN;
    } catch (NumberFormatException e) {
      f = Float.NaN;
    }
    if (Float.isNaN(f) || !decimalSpelling(s)) {
      throw in.error(line, what + " " + Inputs.excerpt(s) + " is not a decimal number",
          "write numbers as ARPA writers do (-1.25, -3.4e-05, or -inf for log10 0); hexadecimal,"
              + " suffixes such as 1f, NaN and Infinity are not ARPA numbers");
    }
    if (Float.isInfinite(f)) {
      throw in.error(line, what + " " + Inputs.excerpt(s) + " is beyond float's range (about "
          + "-3.4e38..3.4e38)", "the model is damaged; build it again (write -inf for log10 0)");
    }
    return f;
  }

  /**
   * Of the strings {@link Float#parseFloat} accepts, whether {@code s} is a plain decimal number
   * {@code -?digits[.digits][(e|E)[+-]?digits]}: Java's grammar adds a leading {@code +},
   * surrounding characters up to U+0020, {@code NaN}, {@code Infinity}, hexadecimal and the
   * suffixes {@code f F d D}, each of which shows at the first two characters or the last. A
   * constant-time check after parsing, where a scan of every number would cost the reader time.
   */
  static boolean decimalSpelling(String s) {
    int n = s.length();
    int first = n > 0 && s.charAt(0) == '-' ? 1 : 0;
    if (first >= n) {
      return false;
    }
    char c = s.charAt(first);
    char last = s.charAt(n - 1);
    boolean hex = first + 1 < n && (s.charAt(first + 1) == 'x' || s.charAt(first + 1) == 'X');
    return (isDigit(c) || c == '.') && (isDigit(last) || last == '.') && !hex;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
