package dev.aiaas.nlp.lm;

import dev.aiaas.core.math.MathOps;
import dev.aiaas.nlp.text.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws sentences from a {@link LanguageModel} with temperature, top-k and top-p truncation.
 * Candidates are every vocabulary word except {@code <s>} and {@code <unk>}, plus {@code </s>}
 * which ends the sentence. Randomness comes only from the {@link SplittableRandom} passed in, so
 * the same seed gives the same sentence.
 */
public final class Sampler {

  private Sampler() {}

  /**
   * Samples one sentence with a fresh generator seeded by {@code seed}.
   *
   * @param model the model
   * @param options temperature, truncation, length limit
   * @param seed the seed
   * @return the words, without {@code <s>} and {@code </s>}
   */
  public static List<String> sample(LanguageModel model, SamplingOptions options, long seed) {
    return sample(model, options, new SplittableRandom(seed));
  }

  /**
   * Samples one sentence. A {@link TransformerLanguageModel} samples on its {@link
   * TransformerLanguageModel#float32()} path (the packed float32 kernel, when present).
   *
   * @param lm the model
   * @param options temperature, truncation, length limit
   * @param random the source of randomness, advanced by one draw per word
   * @return the words, without {@code <s>} and {@code </s>}
   */
  public static List<String> sample(
      LanguageModel lm, SamplingOptions options, SplittableRandom random) {
    LanguageModel model = generator(lm);
    Vocabulary v = model.vocabulary();
    List<String> out = new ArrayList<>();
    LmState a = model.beginSentenceState();
    LmState b = model.newState();
    for (int i = 0; i < options.maxTokens(); i++) {
      Distribution d = distribution(model, a, options);
      int w = d.draw(random.nextDouble());
      if (w == Vocabulary.EOS) {
        break;
      }
      out.add(v.token(w));
      model.scoreLog10(a, w, b);
      LmState t = a;
      a = b;
      b = t;
    }
    return out;
  }

  /**
   * The model to generate with: a transformer's {@link TransformerLanguageModel#float32()} model
   * (the packed float32 decoder when a vector kernel is present), any other model itself. Draw
   * states from the model returned.
   *
   * @param model the model
   * @return the model that generates for it
   */
  public static LanguageModel generator(LanguageModel model) {
    return model instanceof TransformerLanguageModel t ? t.float32() : model;
  }

  /**
   * The truncated, renormalised distribution the sampler draws the next word from.
   *
   * @param model the model
   * @param context the context
   * @param options temperature and truncation
   * @return word ids sorted by decreasing probability, with their probabilities (summing to 1)
   */
  public static Distribution distribution(
      LanguageModel model, LmState context, SamplingOptions options) {
    int size = model.vocabulary().size();
    LmState scratch = model.newState();
    int[] ids = new int[size - 2];
    double[] logits = new double[size - 2];
    int m = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int w = 0; w < size; w++) {
      if (w == Vocabulary.BOS || w == Vocabulary.UNK) {
        continue;
      }
      double l = model.scoreLog10(context, w, scratch) * LanguageModel.LN_10 / options.temperature();
      ids[m] = w;
      logits[m++] = l;
      max = Math.max(max, l);
    }
    Integer[] order = new Integer[m];
    double[] q = new double[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
      q[i] = logits[i] - max;
    }
    MathOps.exp(q, m); // the softmax's numerators e^(l - max l), normalised over the kept words below
    Arrays.sort(order, (x, y) -> q[x] != q[y] ? Double.compare(q[y], q[x]) : Integer.compare(ids[x], ids[y]));
    int keep = options.topK() == 0 ? m : Math.min(options.topK(), m);
    double total = 0;
    for (int i = 0; i < keep; i++) {
      total += q[order[i]];
    }
    if (options.topP() < 1) {
      double cum = 0;
      int nucleus = 0;
      while (nucleus < keep) {
        cum += q[order[nucleus++]] / total;
        if (cum >= options.topP()) {
          break;
        }
      }
      keep = nucleus;
    }
    int[] keptIds = new int[keep];
    double[] probs = new double[keep];
    double kept = 0;
    for (int i = 0; i < keep; i++) {
      kept += q[order[i]];
    }
    for (int i = 0; i < keep; i++) {
      keptIds[i] = ids[order[i]];
      probs[i] = q[order[i]] / kept;
    }
    return new Distribution(keptIds, probs);
  }

  /**
   * A finite distribution over word ids.
   *
   * @param ids word ids, most probable first
   * @param probs their probabilities, summing to 1
   */
  public record Distribution(int[] ids, double[] probs) {

    /**
     * Checks the arrays match.
     *
     * @param ids word ids, most probable first; not copied
     * @param probs their probabilities, summing to 1; not copied
     * @throws IllegalArgumentException when the arrays are empty or of different lengths
     */
    public Distribution {
      if (ids.length != probs.length || ids.length == 0) {
        throw new IllegalArgumentException(
            "ids and probs must be non-empty and of equal length, got " + ids.length + " and " + probs.length);
      }
    }

    /**
     * The id at cumulative probability {@code u}.
     *
     * @param u a uniform draw in [0, 1)
     * @return the chosen id
     */
    public int draw(double u) {
      double cum = 0;
      for (int i = 0; i < ids.length; i++) {
        cum += probs[i];
        if (u < cum) {
          return ids[i];
        }
      }
      return ids[ids.length - 1];
    }
  }
}
