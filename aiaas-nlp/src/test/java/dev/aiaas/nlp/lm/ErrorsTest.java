package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every caller-mistake and data error path of the n-gram builder. */
class ErrorsTest {

  @Test
  void emptyCorpusIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NgramModel.build(List.of(), NgramOptions.kenlm(3)));
    assertTrue(e.getMessage().contains("corpus is empty"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> NgramModel.build(List.of(List.of(), List.of("<s>")), NgramOptions.kenlm(3)));
  }

  @Test
  void orderBelowOneIsRejectedWithTheFix() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NgramOptions.of(0, Smoothing.MKN));
    assertTrue(e.getMessage().contains("order=0"), e.getMessage());
    assertTrue(e.getMessage().contains("use e.g. 3"), e.getMessage());
  }

  @Test
  void orderAboveTheMaximumIsRejectedBeforeAnythingIsAllocated() {
    // the finding: 'lm build --order 100000' grew to 4.3 GB before failing
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NgramOptions.of(100_000, Smoothing.MKN));
    assertTrue(e.getMessage().contains("order=100000"), e.getMessage());
    assertTrue(e.getMessage().contains("1..16"), e.getMessage());
    assertEquals(NgramOptions.MAX_ORDER, NgramOptions.kenlm(NgramOptions.MAX_ORDER).order());
    assertThrows(IllegalArgumentException.class, () -> NgramOptions.kenlm(NgramOptions.MAX_ORDER + 1));
  }

  @Test
  void samplingLengthIsBounded() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SamplingOptions(1, 0, 1, SamplingOptions.MAX_TOKENS + 1));
    assertTrue(e.getMessage().contains("maxTokens=1000001") && e.getMessage().contains("1..1000000"), e.getMessage());
    assertEquals(SamplingOptions.MAX_TOKENS, new SamplingOptions(1, 0, 1, SamplingOptions.MAX_TOKENS).maxTokens());
  }

  @Test
  void otherOptionsAreValidated() {
    assertThrows(NullPointerException.class, () -> NgramOptions.of(3, null));
    assertThrows(IllegalArgumentException.class, () -> NgramOptions.of(3, Smoothing.ADD_K).withAddK(0));
    assertThrows(IllegalArgumentException.class,
        () -> NgramOptions.of(3, Smoothing.STUPID_BACKOFF).withStupidBackoffAlpha(1.5));
    assertThrows(IllegalArgumentException.class, () -> NgramOptions.kenlm(3).withMinCount(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Discounts(0.5, 2.5, 1));
    assertTrue(e.getMessage().contains("d2=2.5"), e.getMessage());
    assertThrows(NullPointerException.class,
        () -> new NgramOptions(3, Smoothing.MKN, null, 1, 0.4, 1));
  }

  @Test
  void unknownSmoothingListsTheValidNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Smoothing.parse("katz"));
    assertTrue(e.getMessage().contains("'katz'"), e.getMessage());
    assertTrue(e.getMessage().contains("mkn|kn|wb|abs|addk|mle|stupid"), e.getMessage());
    assertEquals(Smoothing.MKN, Smoothing.parse("MKN"));
    for (Smoothing s : Smoothing.values()) {
      assertEquals(s, Smoothing.parse(s.id()));
    }
  }

  @Test
  void tinyDataFailsDiscountEstimationLikeKenlm() {
    // adjusted unigram counts a=|{<s>}|, b=|{a}|, </s>=|{b}|: all 1, none 2
    List<List<String>> tiny = List.of(List.of("a", "b"), List.of("a", "b"));
    BadDiscountException e = assertThrows(BadDiscountException.class,
        () -> NgramModel.build(tiny, NgramOptions.kenlm(2)));
    assertEquals(1, e.order());
    assertTrue(e.getMessage().contains("because we didn't observe any 1-grams with adjusted count 2"), e.getMessage());
    assertTrue(e.getMessage().contains("Is this small or artificial data?"), e.getMessage());
    assertTrue(e.getMessage().contains("discount fallback"), e.getMessage());
    // the reason alone, for front ends that name their own option
    assertTrue(e.getMessage().startsWith(e.reason()), e.getMessage());
    assertTrue(e.reason().contains("Is this small or artificial data?"), e.reason());
    assertTrue(!e.reason().contains("NgramOptions"), e.reason());
    NgramModel m = NgramModel.build(tiny, NgramOptions.kenlm(2).withDiscountFallback(Discounts.KENLM_FALLBACK));
    assertEquals(Discounts.KENLM_FALLBACK, m.discounts().get(0));
    assertThrows(BadDiscountException.class, () -> NgramModel.build(tiny, NgramOptions.of(2, Smoothing.ABSOLUTE)));
  }

  @Test
  void outOfRangeDiscountIsReported() {
    // unigram adjusted counts: N1=1, N2=0, N3=1 -> the estimate for count 2 fails
    List<List<String>> corpus = List.of(List.of("a", "b", "c", "a", "c", "b", "c"));
    BadDiscountException e = assertThrows(BadDiscountException.class,
        () -> NgramModel.build(corpus, new NgramOptions(2, Smoothing.MKN, Optional.empty(), 1, 0.4, 1)));
    assertTrue(e.getMessage().contains("discount fallback") || e.getMessage().contains("Discounts.KENLM_FALLBACK"), e.getMessage());
  }

  @Test
  void scoringChecksItsArguments() {
    NgramModel m = NgramModel.build(List.of(List.of("a", "b")), NgramOptions.of(2, Smoothing.WITTEN_BELL));
    LmState s = m.beginSentenceState();
    assertThrows(IllegalArgumentException.class, () -> m.scoreLog10(s, 99, m.newState()));
    assertThrows(IllegalArgumentException.class, () -> m.scoreLog10(s, 3, s));
    assertThrows(IllegalArgumentException.class, () -> m.ngramCount(3));
  }
}
