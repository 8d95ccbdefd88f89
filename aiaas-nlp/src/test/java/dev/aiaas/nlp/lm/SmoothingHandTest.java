package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every smoothing on a tiny corpus whose probabilities are worked out by hand.
 *
 * <p>Corpus: {@code "a b"}, {@code "a b"}, {@code "b a"}. Vocabulary {@code <unk> <s> </s> a b},
 * so V = 4 (without {@code <s>}). Bigram counts: {@code <s> a}=2, {@code a b}=2,
 * {@code b </s>}=2, {@code <s> b}=1, {@code b a}=1, {@code a </s>}=1. Raw unigram counts:
 * a=3, b=3, {@code </s>}=3 (T=9). Kneser-Ney adjusted unigram counts (distinct left words):
 * a=|{<s>,b}|=2, b=|{a,<s>}|=2, {@code </s>}=|{b,a}|=2 (sum 6).
 */
class SmoothingHandTest {

  private static final List<List<String>> CORPUS =
      List.of(List.of("a", "b"), List.of("a", "b"), List.of("b", "a"));
  private static final double EPS = 1e-6;

  private static NgramModel model(int order, Smoothing s) {
    return NgramModel.build(
        CORPUS, NgramOptions.of(order, s).withDiscountFallback(Discounts.KENLM_FALLBACK));
  }

  /** log10 p(word | context words), scoring the context from the null context. */
  private static double p(LanguageModel m, String word, String... context) {
    LmState a = context.length > 0 && context[0].equals("<s>") ? m.beginSentenceState() : m.nullContextState();
    LmState b = m.newState();
    for (String c : context) {
      if (c.equals("<s>")) {
        continue;
      }
      m.scoreLog10(a, m.vocabulary().id(c), b);
      LmState t = a;
      a = b;
      b = t;
    }
    return m.scoreLog10(a, m.vocabulary().id(word), b);
  }

  private static double log10(double x) {
    return Math.log10(x);
  }

  @Test
  void modifiedKneserNey() {
    // Discounts cannot be estimated here (unigrams have no adjusted count 1; bigrams none of
    // count 3), so the fallback D1=0.5 D2=1 D3+=1.5 applies to both orders.
    NgramModel m = model(2, Smoothing.MKN);
    assertEquals(List.of(Discounts.KENLM_FALLBACK, Discounts.KENLM_FALLBACK), m.discounts());
    double gamma0 = (1.0 * 3) / 6; // D2 * three unigrams of adjusted count 2, over 6
    double pa = (2 - 1.0) / 6 + gamma0 / 4; // = 7/24
    assertEquals(log10(pa), p(m, "a"), EPS);
    assertEquals(log10(gamma0 / 4), p(m, "<unk>"), EPS);
    double gammaA = (1.0 * 1 + 0.5 * 1) / 3; // context a: "a b"=2 (D2), "a </s>"=1 (D1)
    assertEquals(log10((2 - 1.0) / 3 + gammaA * pa), p(m, "b", "a"), EPS);
    assertEquals(log10((1 - 0.5) / 3 + gammaA * pa), p(m, "</s>", "a"), EPS);
    assertEquals(log10(gammaA * pa), p(m, "a", "a"), EPS);
    double gammaBos = (1.0 * 1 + 0.5 * 1) / 3; // "<s> a"=2, "<s> b"=1
    double sentence =
        log10((2 - 1.0) / 3 + gammaBos * pa) // a | <s>
            + log10((2 - 1.0) / 3 + gammaA * pa) // b | a
            + log10((2 - 1.0) / 3 + (1.0 + 0.5) / 3 * pa); // </s> | b: "b </s>"=2, "b a"=1
    assertEquals(sentence, m.sentenceLog10(List.of("a", "b")), EPS);
  }

  @Test
  void interpolatedKneserNey() {
    // unigrams: no adjusted count 1 -> fallback D=0.5; bigrams: N1=3, N2=3 -> D=3/(3+2*3)=1/3
    NgramModel m = model(2, Smoothing.KN);
    double d2 = 3.0 / (3 + 2 * 3);
    assertEquals(d2, m.discounts().get(1).d1(), 1e-7);
    double gamma0 = 0.5 * 3 / 6;
    double pa = (2 - 0.5) / 6 + gamma0 / 4;
    assertEquals(log10(pa), p(m, "a"), EPS);
    double gammaA = d2 * 2 / 3;
    assertEquals(log10((2 - d2) / 3 + gammaA * pa), p(m, "b", "a"), EPS);
    assertEquals(log10(gammaA * pa), p(m, "a", "a"), EPS);
  }

  @Test
  void wittenBell() {
    NgramModel m = model(2, Smoothing.WITTEN_BELL);
    double pa = 3.0 / (9 + 3) + 3.0 / (9 + 3) / 4; // c/(T+U) + U/(T+U) * 1/V
    assertEquals(log10(pa), p(m, "a"), EPS);
    assertEquals(log10(3.0 / 12 / 4), p(m, "<unk>"), EPS);
    // context a: c(a)=3, two distinct followers
    assertEquals(log10(2.0 / (3 + 2) + 2.0 / (3 + 2) * pa), p(m, "b", "a"), EPS);
    assertEquals(log10(2.0 / (3 + 2) * pa), p(m, "a", "a"), EPS);
  }

  @Test
  void absoluteDiscounting() {
    // raw unigram counts 3,3,3: no count 1 -> fallback D=0.5; bigrams N1=3, N2=3 -> D=1/3
    NgramModel m = model(2, Smoothing.ABSOLUTE);
    double d2 = 1.0 / 3;
    double pa = (3 - 0.5) / 9 + 0.5 * 3 / 9 / 4;
    assertEquals(log10(pa), p(m, "a"), EPS);
    double pb = pa;
    assertEquals(log10((2 - d2) / 3 + d2 * 2 / 3 * pb), p(m, "b", "a"), EPS);
    assertEquals(log10(d2 * 2 / 3 * pa), p(m, "a", "a"), EPS);
  }

  @Test
  void addK() {
    NgramModel m2 = model(2, Smoothing.ADD_K);
    // context a: c(a)=3; (c + 1)/(3 + 1*4)
    assertEquals(log10((2 + 1.0) / (3 + 4)), p(m2, "b", "a"), EPS);
    assertEquals(log10((0 + 1.0) / (3 + 4)), p(m2, "a", "a"), EPS);
    assertEquals(log10((0 + 1.0) / (3 + 4)), p(m2, "<unk>", "a"), EPS);
    assertEquals(log10(1.0 / 4), p(m2, "a"), EPS); // no context: uniform
    NgramModel m1 = model(1, Smoothing.ADD_K);
    assertEquals(log10((3 + 1.0) / (9 + 4)), p(m1, "a"), EPS);
    NgramModel k3 = NgramModel.build(CORPUS, NgramOptions.of(3, Smoothing.ADD_K).withAddK(0.5));
    // trigram: a|<s> (c(<s>)=3 sentences), b|<s> a, </s>|a b
    double expected =
        log10((2 + 0.5) / (3 + 0.5 * 4)) + log10((2 + 0.5) / (2 + 0.5 * 4))
            + log10((2 + 0.5) / (2 + 0.5 * 4));
    assertEquals(expected, k3.sentenceLog10(List.of("a", "b")), EPS);
  }

  @Test
  void maximumLikelihood() {
    NgramModel m = model(3, Smoothing.MLE);
    assertEquals(log10(3.0 / 9), p(m, "a"), EPS);
    assertEquals(Double.NEGATIVE_INFINITY, p(m, "<unk>"));
    assertEquals(log10(2.0 / 3), p(m, "b", "a"), EPS);
    assertEquals(Double.NEGATIVE_INFINITY, p(m, "a", "a"));
    assertEquals(log10(1.0), p(m, "a", "<s>", "b"), EPS); // c(<s> b a)/c(<s> b) = 1/1
    // unseen context "b b": falls back to the longest observed one, "b"
    assertEquals(log10(2.0 / 3), p(m, "</s>", "b", "b"), EPS);
  }

  @Test
  void stupidBackoff() {
    NgramModel m = model(2, Smoothing.STUPID_BACKOFF);
    assertFalse(m.isNormalised());
    assertEquals(log10(2.0 / 3), p(m, "b", "a"), EPS);
    assertEquals(log10(0.4 * 3.0 / 9), p(m, "a", "a"), EPS);
    NgramModel half = NgramModel.build(CORPUS, NgramOptions.of(2, Smoothing.STUPID_BACKOFF).withStupidBackoffAlpha(0.5));
    assertEquals(log10(0.5 * 3.0 / 9), p(half, "a", "a"), EPS);
  }

  @Test
  void minCountMapsRareWordsToUnk() {
    List<List<String>> corpus = List.of(List.of("a", "a", "rare"), List.of("a"));
    NgramModel m = NgramModel.build(corpus, NgramOptions.of(1, Smoothing.MLE).withMinCount(2));
    assertFalse(m.vocabulary().contains("rare"));
    // tokens: a a <unk> </s> a </s> -> p(<unk>) = 1/6
    assertEquals(log10(1.0 / 6), p(m, "rare"), EPS);
  }
}
