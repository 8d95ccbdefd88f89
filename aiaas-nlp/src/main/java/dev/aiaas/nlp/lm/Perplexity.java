package dev.aiaas.nlp.lm;

import dev.aiaas.core.io.Inputs;
import dev.aiaas.nlp.text.TextFiles;
import dev.aiaas.nlp.text.TextLimits;
import dev.aiaas.nlp.text.Tokenizer;
import dev.aiaas.nlp.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Corpus perplexity with the exact conventions of KenLM {@code query} ({@code lm/ngram_query.hh}):
 * each sentence is scored from {@code <s>} and includes {@code </s>}; {@code tokens} counts the
 * words plus one {@code </s>} per sentence; an OOV word contributes its {@code <unk>}
 * probability.
 * <pre>
 *   ppl including OOVs = 10^(-log10Total / tokens)
 *   ppl excluding OOVs = 10^(-(log10Total - log10OovTotal) / (tokens - oovs))
 * </pre>
 *
 * @param log10Total the sum of log10 probabilities of every scored token ({@code </s>}
 *     included)
 * @param log10OovTotal the part of {@code log10Total} that OOV tokens contributed
 * @param tokens the number of scored tokens: words plus one {@code </s>} per sentence
 * @param oovs the number of OOV words
 * @param sentences the number of sentences
 */
public record Perplexity(
    double log10Total, double log10OovTotal, long tokens, long oovs, long sentences) {

  /**
   * Checks the counts are consistent.
   *
   * @param log10Total the sum of log10 probabilities of every scored token ({@code </s>} included)
   * @param log10OovTotal the part of {@code log10Total} that OOV tokens contributed
   * @param tokens the number of scored tokens, at least 0
   * @param oovs the number of OOV words, in {@code [0, tokens]}
   * @param sentences the number of sentences, at least 0
   * @throws IllegalArgumentException when a count is negative or {@code oovs > tokens}
   */
  public Perplexity {
    if (tokens < 0 || oovs < 0 || sentences < 0 || oovs > tokens) {
      throw new IllegalArgumentException(
          "inconsistent counts tokens=" + tokens + " oovs=" + oovs + " sentences=" + sentences
              + "; expected 0 <= oovs <= tokens");
    }
  }

  /**
   * Perplexity including OOVs (KenLM's "Perplexity including OOVs").
   *
   * @return {@code 10^(-log10Total / tokens)}
   */
  public double including() {
    return Math.pow(10.0, -(log10Total / tokens));
  }

  /**
   * Perplexity excluding OOV tokens and their probabilities (KenLM's "Perplexity excluding
   * OOVs").
   *
   * @return {@code 10^(-(log10Total - log10OovTotal) / (tokens - oovs))}
   */
  public double excludingOovs() {
    return Math.pow(10.0, -((log10Total - log10OovTotal) / (tokens - oovs)));
  }

  /**
   * Evaluates a model on sentences of tokens.
   *
   * @param model the model
   * @param sentences one token list per sentence, without {@code <s>} and {@code </s>}
   * @return the totals
   */
  public static Perplexity evaluate(LanguageModel model, Iterable<? extends List<String>> sentences) {
    Accumulator acc = new Accumulator(model);
    for (List<String> s : sentences) {
      acc.add(s);
    }
    return acc.result();
  }

  /**
   * Evaluates a model on a text file (UTF-8, optionally gzipped), one sentence per line, read as
   * it is scored (so of any size), within {@link TextLimits#defaults()}' line length and tokens per
   * line.
   *
   * @param model the model
   * @param file the corpus
   * @param tokenizer how to split lines, e.g. {@link dev.aiaas.nlp.text.WhitespaceTokenizer}
   * @return the totals
   * @throws dev.aiaas.core.io.InputLimitException if a line exceeds a limit
   * @throws dev.aiaas.core.io.CorruptInputException if the file's gzip stream is damaged
   * @throws IOException if the file cannot be read
   */
  public static Perplexity evaluate(LanguageModel model, Path file, Tokenizer tokenizer)
      throws IOException {
    return evaluate(model, file, tokenizer, TextLimits.defaults().withMaxBytes(Inputs.UNLIMITED));
  }

  /**
   * Evaluates a model on a text file (UTF-8, optionally gzipped), one sentence per line, read as
   * it is scored.
   *
   * @param model the model
   * @param file the corpus
   * @param tokenizer how to split lines
   * @param limits the limits on the file's bytes, line length and tokens per line
   * @return the totals
   * @throws dev.aiaas.core.io.InputLimitException if the file exceeds a limit
   * @throws dev.aiaas.core.io.CorruptInputException if the file's gzip stream is damaged
   * @throws IOException if the file cannot be read
   */
  public static Perplexity evaluate(LanguageModel model, Path file, Tokenizer tokenizer, TextLimits limits)
      throws IOException {
    Accumulator acc = new Accumulator(model);
    TextFiles.forEachSentence(file, tokenizer, limits, acc::add);
    return acc.result();
  }

  /** Sums scores sentence by sentence (through {@link LanguageModel#sentenceScoresLog10}). */
  private static final class Accumulator {
    private final LanguageModel model;
    private final Vocabulary vocab;
    private int[] ids = new int[64];
    private double[] scores = new double[64];
    private double total;
    private double oovTotal;
    private long tokens;
    private long oovs;
    private long sentences;

    Accumulator(LanguageModel model) {
      this.model = model;
      this.vocab = model.vocabulary();
    }

    void add(List<String> sentence) {
      int n = sentence.size() + 1;
      if (ids.length < n) {
        ids = new int[Math.max(n, 2 * ids.length)];
        scores = new double[ids.length];
      }
      for (int i = 0; i < n - 1; i++) {
        ids[i] = vocab.id(sentence.get(i));
      }
      ids[n - 1] = Vocabulary.EOS;
      model.sentenceScoresLog10(ids, n, scores);
      float sentenceLog10 = 0f; // KenLM query sums a sentence in float, the corpus in double
      for (int i = 0; i < n; i++) {
        double p = scores[i];
        if (ids[i] == Vocabulary.UNK) {
          oovs++;
          oovTotal += p;
        }
        sentenceLog10 += (float) p;
      }
      total += sentenceLog10;
      tokens += n;
      sentences++;
    }

    Perplexity result() {
      return new Perplexity(total, oovTotal, tokens, oovs, sentences);
    }
  }
}
