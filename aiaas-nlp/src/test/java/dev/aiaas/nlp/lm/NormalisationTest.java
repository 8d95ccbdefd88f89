package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.nlp.text.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** For every normalised smoothing, p(. | context) sums to 1 over the vocabulary minus <s>. */
class NormalisationTest {

  private static final List<List<String>> CORPUS = List.of(
      words("the cat sat on the mat ."),
      words("the dog sat on the log ."),
      words("a cat and a dog ."),
      words("the cat saw the dog and the dog saw the cat ."),
      words("on the mat sat a cat ."),
      words("dogs and cats ."),
      words("the end"));

  private static List<String> words(String s) {
    return Arrays.asList(s.split(" "));
  }

  private static double sum(LanguageModel m, LmState context) {
    LmState out = m.newState();
    double total = 0;
    for (int w = 0; w < m.vocabulary().size(); w++) {
      if (w != Vocabulary.BOS) {
        total += Math.pow(10, m.scoreLog10(context, w, out));
      }
    }
    return total;
  }

  private static List<LmState> contexts(LanguageModel m) {
    List<LmState> out = new ArrayList<>();
    out.add(m.nullContextState());
    out.add(m.beginSentenceState());
    for (String history : new String[] {"the", "the cat", "the cat sat", "cat the dog", "zebra the", "on the mat", "the zebra"}) {
      LmState a = m.beginSentenceState();
      LmState b = m.newState();
      for (String w : history.split(" ")) {
        m.scoreLog10(a, m.vocabulary().id(w), b);
        LmState t = a;
        a = b;
        b = t;
        out.add(a.copy());
      }
    }
    return out;
  }

  @Test
  void everyNormalisedSmoothingSumsToOne() {
    for (Smoothing s : Smoothing.values()) {
      if (!s.isNormalised()) {
        continue;
      }
      for (int order = 1; order <= 4; order++) {
        NgramModel m = NgramModel.build(
            CORPUS, NgramOptions.of(order, s).withDiscountFallback(Discounts.KENLM_FALLBACK));
        assertTrue(m.isNormalised());
        for (LmState c : contexts(m)) {
          assertEquals(1.0, sum(m, c), 1e-5, s + " order " + order + " context " + c);
        }
      }
    }
  }

  @Test
  void kenlmModelOnMobySumsToOne() throws Exception {
    NgramModel m = NgramModel.build(dev.aiaas.nlp.corpus.Corpora.mobyDickTrain(), NgramOptions.kenlm(3));
    for (LmState c : contexts(m)) {
      assertEquals(1.0, sum(m, c), 1e-4, "context " + c);
    }
  }
}
