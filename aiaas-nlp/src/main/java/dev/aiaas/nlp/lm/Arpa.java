package dev.aiaas.nlp.lm;

import dev.aiaas.nlp.text.TextFiles;
import dev.aiaas.nlp.text.Vocabulary;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
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
 */
final class Arpa {

  private Arpa() {}

  /** Opens a UTF-8 text file, transparently gunzipping it if it starts with the gzip magic. */
  static BufferedReader openText(Path file) throws IOException {
    return TextFiles.open(file);
  }

  // ---------------------------------------------------------------- writing

  static void write(NgramModel model, Path file) throws IOException {
    OutputStream os = Files.newOutputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      os = new GZIPOutputStream(os, 1 << 16);
    }
    try (Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
      write(model, w);
    }
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

  /** Reads lines and counts them. */
  private static final class Lines {
    final BufferedReader in;
    final String source;
    long number;
    String pushedBack;

    Lines(BufferedReader in, String source) {
      this.in = in;
      this.source = source;
    }

    String next() throws IOException {
      if (pushedBack != null) {
        String s = pushedBack;
        pushedBack = null;
        return s;
      }
      String s = in.readLine();
      if (s != null) {
        number++;
      }
      return s;
    }

    String nextNonBlank() throws IOException {
      String s;
      while ((s = next()) != null && s.isBlank()) {
        // skip
      }
      return s;
    }

    ArpaFormatException error(String line, String problem) {
      return new ArpaFormatException(source, line == null ? 0 : number, line, problem);
    }
  }

  static NgramModel read(BufferedReader reader, String source) throws IOException {
    Lines in = new Lines(reader, source);
    String line;
    while ((line = in.next()) != null && !line.trim().equals("\\data\\")) {
      // text before \data\ is allowed (comments)
    }
    if (line == null) {
      throw in.error(null, "no \\data\\ header found; is this an ARPA file?");
    }
    List<Integer> counts = new ArrayList<>();
    while ((line = in.next()) != null) {
      String t = line.trim();
      if (t.isEmpty()) {
        if (counts.isEmpty()) {
          continue;
        }
        break;
      }
      if (!t.startsWith("ngram ")) {
        if (t.startsWith("\\") && !counts.isEmpty()) {
          in.pushedBack = line;
          break;
        }
        throw in.error(line, "expected 'ngram N=COUNT'");
      }
      int eq = t.indexOf('=');
      int n;
      int c;
      try {
        n = Integer.parseInt(t.substring(6, eq < 0 ? t.length() : eq).trim());
        c = Integer.parseInt(t.substring(eq + 1).trim());
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        throw in.error(line, "expected 'ngram N=COUNT' with integers N and COUNT");
      }
      if (eq < 0 || n != counts.size() + 1 || c < 0) {
        throw in.error(
            line, "expected 'ngram " + (counts.size() + 1) + "=COUNT' with COUNT >= 0");
      }
      counts.add(c);
    }
    if (counts.isEmpty()) {
      throw in.error(line, "no 'ngram N=COUNT' lines after \\data\\");
    }
    int order = counts.size();
    NgramLevel[] lv = new NgramLevel[order + 1];
    float[][] prob = new float[order + 1][];
    float[][] backoff = new float[order + 1][];
    Vocabulary vocab = null;
    Map<String, Integer> ids = null;
    String[] fields = new String[order + 3];
    for (int n = 1; n <= order; n++) {
      line = in.nextNonBlank();
      if (line == null || !line.trim().equals("\\" + n + "-grams:")) {
        throw in.error(line, "expected the section header \\" + n + "-grams:");
      }
      int expected = counts.get(n - 1);
      if (n == 1) {
        List<String> words = new ArrayList<>(expected);
        float[] p = new float[expected];
        float[] b = new float[expected];
        Map<String, Integer> seen = new HashMap<>(expected * 2);
        for (int i = 0; i < expected; i++) {
          line = nextEntry(in, 1, expected, i);
          int nf = split(line, fields);
          checkFields(in, line, nf, 1, order);
          if (seen.putIfAbsent(fields[1], i) != null) {
            throw in.error(line, "duplicate unigram '" + fields[1] + "'");
          }
          words.add(fields[1]);
          p[i] = parse(in, line, fields[0]);
          b[i] = nf == 3 ? parse(in, line, fields[2]) : 0f;
        }
        List<String> ordinary = new ArrayList<>(expected);
        for (String w : words) {
          if (!Vocabulary.isSpecial(w)) {
            ordinary.add(w);
          }
        }
        for (String special : new String[] {Vocabulary.BOS_TOKEN, Vocabulary.EOS_TOKEN}) {
          if (!seen.containsKey(special)) {
            throw in.error(
                null, "the unigrams lack " + special + "; a sentence model needs <s> and </s>");
          }
        }
        try {
          vocab = Vocabulary.of(ordinary);
        } catch (IllegalArgumentException e) {
          throw in.error(null, "bad unigram: " + e.getMessage());
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
      lv[n] = new NgramLevel(n, expected);
      prob[n] = new float[Math.max(16, expected)];
      backoff[n] = new float[Math.max(16, expected)];
      for (int i = 0; i < expected; i++) {
        line = nextEntry(in, n, expected, i);
        int nf = split(line, fields);
        checkFields(in, line, nf, n, order);
        float p = parse(in, line, fields[0]);
        float b = nf == n + 2 ? parse(in, line, fields[n + 1]) : 0f;
        int idx = -1;
        for (int m = 1; m <= n; m++) {
          Integer id = ids.get(fields[m]);
          if (id == null) {
            throw in.error(line, "word '" + fields[m] + "' has no unigram entry");
          }
          if (m == 1) {
            idx = id;
            continue;
          }
          int before = lv[m].size;
          idx = lv[m].findOrInsert(idx, id);
          if (m < n && idx == before) {
            // a missing prefix: a blank entry that is only a context, as KenLM inserts
            grow(prob, backoff, m, idx + 1);
            prob[m][idx] = Float.NaN;
            backoff[m][idx] = 0f;
          }
          if (m == n) {
            if (idx < before && !Float.isNaN(prob[n][idx])) {
              throw in.error(line, "duplicate " + n + "-gram");
            }
            grow(prob, backoff, n, idx + 1);
            prob[n][idx] = p;
            backoff[n][idx] = b;
          }
        }
      }
    }
    line = in.nextNonBlank();
    if (line == null || !line.trim().equals("\\end\\")) {
      throw in.error(line, "expected \\end\\ after the " + order + "-grams");
    }
    for (int n = 2; n <= order; n++) {
      lv[n].allocateScores();
      System.arraycopy(prob[n], 0, lv[n].prob, 0, lv[n].size);
      System.arraycopy(backoff[n], 0, lv[n].backoff, 0, lv[n].size);
    }
    return new NgramModel(vocab, lv, true, List.of(), "arpa " + source);
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
      throw in.error(
          line,
          "expected " + expected + " " + n + "-grams as the header said, found only " + i);
    }
    return line;
  }

  private static void checkFields(Lines in, String line, int nf, int n, int order)
      throws ArpaFormatException {
    boolean ok = n < order ? (nf == n + 1 || nf == n + 2) : nf == n + 1;
    if (!ok) {
      throw in.error(
          line,
          "expected a " + n + "-gram line 'log10prob" + " w".repeat(n)
              + (n < order ? " [log10backoff]'" : "'") + ", found " + nf + " fields");
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

  private static float parse(Lines in, String line, String s) throws ArpaFormatException {
    switch (s) {
      case "-inf":
      case "-Infinity":
      case "-INF":
        return Float.NEGATIVE_INFINITY;
      default:
        try {
          float f = Float.parseFloat(s);
          if (Float.isNaN(f) || f == Float.POSITIVE_INFINITY) {
            throw new NumberFormatException();
          }
          return f;
        } catch (NumberFormatException e) {
          throw in.error(line, "'" + s + "' is not a log10 number");
        }
    }
  }
}
