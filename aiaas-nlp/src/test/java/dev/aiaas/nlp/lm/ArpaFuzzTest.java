package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aiaas.core.io.Inputs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * ARPA files, plain and gzip-compressed, damaged every way we could think of: every truncation,
 * seeded random byte flips, text-level mutations (numbers replaced by odd tokens, lines duplicated,
 * deleted or swapped, header counts changed) and crafted files (huge declared counts, giant lines,
 * gzip bombs, non-finite and positive values, duplicate n-grams). Each load ends in {@link
 * ArpaFormatException} or in a model whose every probability is a log10 at most 0 and every backoff
 * a number; nothing else is thrown, within the fuzz JVM's 256 MB heap. {@code -Daiaas.fuzz.scale=N}
 * multiplies the random cases.
 */
@Tag("fuzz")
class ArpaFuzzTest {

  private static final int SCALE = Integer.getInteger("aiaas.fuzz.scale", 1);

  /** A trigram model of a small corpus, as aiaas writes it (about 3 KB). */
  private static byte[] arpa;

  @BeforeAll
  static void model() throws IOException {
    List<List<String>> corpus = new ArrayList<>();
    String[] lines = {"the cat sat on the mat .", "the dog sat on the log .", "a cat and a dog .",
        "the whale swam in the sea .", "call me ishmael .", "a dog sat on a cat ."};
    for (String l : lines) {
      corpus.add(Arrays.asList(l.split(" ")));
    }
    NgramModel m = NgramModel.build(corpus, NgramOptions.of(3, Smoothing.WITTEN_BELL));
    StringWriter w = new StringWriter();
    m.writeArpa(w);
    arpa = w.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
      z.write(data);
    }
    return bytes.toByteArray();
  }

  /** Loads the bytes as an ARPA file: true if it loaded, false on {@link ArpaFormatException}. */
  private static boolean load(byte[] file, ArpaOptions options) {
    try {
      // the reader behind NgramModel.readArpa(Path), on the bytes as if stored in a file of their size
      NgramModel m = Arpa.read(new ByteArrayInputStream(file), file.length, "fuzz.arpa", options);
      m.forEachEntry(e -> {
        if (!(e.log10Prob() <= 0) || Double.isNaN(e.log10Backoff()) || e.log10Backoff() == Double.POSITIVE_INFINITY) {
          fail("a loaded model must hold log10 probabilities <= 0 and numeric backoffs, not " + e + " in:\n"
              + Inputs.excerpt(new String(file, StandardCharsets.UTF_8)));
        }
      });
      return true;
    } catch (ArpaFormatException e) {
      assertTrue(e.getMessage().length() < 2_000, "a bounded message: " + e.getMessage().length());
      return false;
    } catch (Throwable t) {
      fail("a damaged ARPA file must end in ArpaFormatException, not " + t + "; the file starts: "
          + Inputs.excerpt(new String(file, StandardCharsets.UTF_8)), t);
      return false;
    }
  }

  private static boolean load(byte[] file) {
    return load(file, ArpaOptions.defaults());
  }

  @Test
  void theValidFilesLoad(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
    assertTrue(load(arpa));
    assertTrue(load(gzip(arpa)));
    java.nio.file.Path f = java.nio.file.Files.write(dir.resolve("m.arpa.gz"), gzip(arpa));
    assertEquals(NgramModel.readArpa(f).toString().replace(f.toString(), "fuzz.arpa"),
        Arpa.read(new ByteArrayInputStream(gzip(arpa)), -1, "fuzz.arpa", ArpaOptions.defaults()).toString());
  }

  @Test
  void everyTruncation() throws IOException {
    int refused = 0;
    for (int n = 0; n < arpa.length; n++) {
      refused += load(Arrays.copyOf(arpa, n)) ? 0 : 1;
    }
    // a cut after "\end\" (with or without its newline) still loads; every other cut is refused
    assertTrue(refused >= arpa.length - 8, refused + " of " + arpa.length);
    byte[] gz = gzip(arpa);
    refused = 0;
    for (int n = 0; n < gz.length; n++) {
      refused += load(Arrays.copyOf(gz, n)) ? 0 : 1;
    }
    assertEquals(gz.length, refused, "every truncation of a gzip file is refused (the trailer is checked)");
  }

  @Test
  void randomByteFlips() throws IOException {
    SplittableRandom random = new SplittableRandom(14);
    byte[] gz = gzip(arpa);
    int gzipRefused = 0;
    for (int i = 0; i < 10_000 * SCALE; i++) {
      boolean gzip = i % 2 == 1;
      byte[] b = (gzip ? gz : arpa).clone();
      for (int k = 1 + random.nextInt(4); k > 0; k--) {
        b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
      }
      boolean loaded = load(b);
      gzipRefused += gzip && !loaded ? 1 : 0;
    }
    // only flips in the gzip header's unchecked fields (time, flags, OS) go unnoticed
    assertTrue(gzipRefused > 4_500 * SCALE, "damaged gzip files are refused: " + gzipRefused);
  }

  /** Tokens that replace numbers: odd spellings, out of range, positive, not numbers at all. */
  private static final String[] ODD = {"0x1p3", "1f", "1d", "-1e39", "1e39", "NaN", "-NaN", "Infinity", "-Infinity",
      "inf", "-inf", "+1", "0.5", "1e-9", "-0", "0", "", "-", ".", "e5", "1e", "--1", "9".repeat(60),
      "-" + "9".repeat(120), "-1e-50", "-3.4028235e38", "-3.5e38", "\u0661", "-1,5", "\u00a0-1", "<s>", "</s>",
      "99999999999999999999", "2147483648", "-2147483649"};

  @Test
  void textMutations() throws IOException {
    SplittableRandom random = new SplittableRandom(41);
    String text = new String(arpa, StandardCharsets.UTF_8);
    List<String> base = List.of(text.split("\n", -1));
    int loaded = 0;
    for (int i = 0; i < 5_000 * SCALE; i++) {
      List<String> lines = new ArrayList<>(base);
      int at = random.nextInt(lines.size());
      switch (random.nextInt(7)) {
        case 0, 1 -> { // a number replaced by an odd token
          String[] f = lines.get(at).split("\t", -1);
          int j = random.nextInt(f.length);
          f[j] = ODD[random.nextInt(ODD.length)];
          lines.set(at, String.join("\t", f));
        }
        case 2 -> lines.add(at, lines.get(at)); // a duplicated line
        case 3 -> lines.remove(at);
        case 4 -> { // two lines swapped
          int other = random.nextInt(lines.size());
          String t = lines.get(at);
          lines.set(at, lines.get(other));
          lines.set(other, t);
        }
        case 5 -> { // a header count changed
          int n = 1 + random.nextInt(3);
          long[] counts = {0, 1, 2, 65, 1_000_000, 2_000_000_000L, Long.MAX_VALUE / 2};
          lines.replaceAll(l -> l.startsWith("ngram " + n + "=")
              ? "ngram " + n + "=" + counts[random.nextInt(counts.length)] : l);
        }
        default -> lines.add(at, ODD[random.nextInt(ODD.length)] + "\t" + lines.get(random.nextInt(lines.size())));
      }
      byte[] b = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
      loaded += load(i % 3 == 0 ? gzip(b) : b) ? 1 : 0;
    }
    assertTrue(loaded < 5_000 * SCALE, "mutations are caught");
  }

  @Test
  void craftedFiles() throws IOException {
    String text = new String(arpa, StandardCharsets.UTF_8);
    List<byte[]> refused = new ArrayList<>();
    // huge declared counts, in a small file and in a small gzip
    for (String c : new String[] {"2000000000", "715827880", "9223372036854775807", "99999999999999999999"}) {
      byte[] b = text.replaceFirst("ngram 1=\\d+", "ngram 1=" + c).getBytes(StandardCharsets.UTF_8);
      refused.add(b);
      refused.add(gzip(b));
      refused.add(text.replaceFirst("ngram 3=\\d+", "ngram 3=" + c).getBytes(StandardCharsets.UTF_8));
    }
    // a deep header
    StringBuilder deep = new StringBuilder("\\data\\\n");
    for (int n = 1; n <= 5_000; n++) {
      deep.append("ngram ").append(n).append("=1\n");
    }
    refused.add(deep.toString().getBytes(StandardCharsets.UTF_8));
    // non-finite and positive values
    for (String v : new String[] {"NaN", "-NaN", "-1e39", "inf", "Infinity", "0x1p-3", "-1f", "0.25", "1e-30"}) {
      refused.add(text.replaceFirst("\n-[0-9.e-]+\t", "\n" + v + "\t").getBytes(StandardCharsets.UTF_8));
      if (!v.startsWith("0.") && !v.startsWith("1e")) { // a backoff may be positive
        refused.add(text.replaceFirst("\t-[0-9.e-]+\n", "\t" + v + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    // each n-gram twice: as one entry more than the header says, and with the header's count raised
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String[] f = lines[i].split("\t");
      if (f.length >= 2 && f[0].startsWith("-")) {
        List<String> dup = new ArrayList<>(List.of(lines));
        dup.add(i, "-0.5\t" + f[1]);
        refused.add(String.join("\n", dup).getBytes(StandardCharsets.UTF_8));
        int n = f[1].split(" ").length;
        dup.replaceAll(l -> {
          if (l.startsWith("ngram " + n + "=")) {
            return "ngram " + n + "=" + (Long.parseLong(l.substring(l.indexOf('=') + 1)) + 1);
          }
          return l;
        });
        refused.add(String.join("\n", dup).getBytes(StandardCharsets.UTF_8));
      }
    }
    // a giant line, plain and as a gzip bomb of one line
    byte[] giant = ("\\data\\\nngram 1=3\n\n\\1-grams:\n-1\t" + "w".repeat(3 << 20) + "\n").getBytes(StandardCharsets.UTF_8);
    refused.add(giant);
    refused.add(gzip(giant));
    // trailing text and a second model after \end\
    refused.add((text + "trailing\n").getBytes(StandardCharsets.UTF_8));
    refused.add((text + text).getBytes(StandardCharsets.UTF_8));
    for (byte[] b : refused) {
      assertTrue(!load(b), "refused: " + Inputs.excerpt(new String(b, 0, Math.min(b.length, 200), StandardCharsets.ISO_8859_1)));
    }
    // gzip bombs: 4 MB of blank lines or of one line, from about 4 KB
    byte[] blank = new byte[4 << 20];
    Arrays.fill(blank, (byte) '\n');
    byte[] bomb = gzip(blank);
    assertTrue(!load(bomb), "no \\data\\: refused after reading it all");
    assertTrue(!load(bomb, ArpaOptions.defaults().withMaxBytes(1 << 20)), "the byte limit stops it early");
    Arrays.fill(blank, (byte) 'a');
    assertTrue(!load(gzip(blank)), "the line limit stops a bomb of one line");
  }
}
