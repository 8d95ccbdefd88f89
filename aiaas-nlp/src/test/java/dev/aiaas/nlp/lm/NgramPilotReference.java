package dev.aiaas.nlp.lm;

import dev.aiaas.nlp.corpus.Corpora;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: the reference for {@link TransformerPilot}'s validation perplexities, on the same
 * split of the Moby-Dick training chapters (the first 90% of the sentences to build, the last 10%
 * to score; the test chapters are not read): order-3 modified Kneser-Ney with the neural models'
 * vocabulary rule (minCount 2), the model the transformer has to beat on the test chapters.
 */
public final class NgramPilotReference {
  private NgramPilotReference() {}

  public static void main(String[] args) {
    double valFraction = args.length > 0 ? Double.parseDouble(args[0]) : 0.1;
    List<List<String>> all = Corpora.mobyDickTrain();
    int cut = (int) Math.round(all.size() * (1 - valFraction));
    NgramModel m = NgramModel.build(all.subList(0, cut), NgramOptions.kenlm(3).withMinCount(2));
    Perplexity p = Perplexity.evaluate(m, all.subList(cut, all.size()));
    System.out.printf(Locale.ROOT, "3-gram MKN minCount 2 on the first %d sentences: validation ppl incl %.4f excl %.4f"
        + " oovs %d%n", cut, p.including(), p.excludingOovs(), p.oovs());
  }
}
