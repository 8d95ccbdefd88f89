package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sampling: determinism for a seed, top-k, top-p and temperature. */
class SamplerTest {

  private static final NgramModel MODEL = NgramModel.build(
      List.of(
          Arrays.asList("the cat sat on the mat .".split(" ")),
          Arrays.asList("the dog sat on the log .".split(" ")),
          Arrays.asList("the cat saw the dog .".split(" "))),
      NgramOptions.of(2, Smoothing.WITTEN_BELL));

  @Test
  void sameSeedSameSentence() {
    SamplingOptions o = new SamplingOptions(1.0, 0, 1.0, 30);
    for (long seed = 0; seed < 20; seed++) {
      assertEquals(Sampler.sample(MODEL, o, seed), Sampler.sample(MODEL, o, seed));
    }
  }

  @Test
  void topKOneIsGreedy() {
    SamplingOptions greedy = new SamplingOptions(1.0, 1, 1.0, 10);
    Sampler.Distribution d = Sampler.distribution(MODEL, MODEL.beginSentenceState(), greedy);
    assertArrayEquals(new int[] {MODEL.vocabulary().id("the")}, d.ids());
    assertEquals(List.of("the", "cat", "sat", "on", "the", "cat", "sat", "on", "the", "cat"),
        Sampler.sample(MODEL, greedy, 1));
    assertEquals(Sampler.sample(MODEL, greedy, 1), Sampler.sample(MODEL, greedy, 2));
  }

  @Test
  void topKAndTopPTruncate() {
    LmState ctx = MODEL.beginSentenceState();
    Sampler.Distribution all = Sampler.distribution(MODEL, ctx, SamplingOptions.defaults());
    assertEquals(MODEL.vocabulary().size() - 2, all.ids().length); // all but <s> and <unk>
    assertEquals(1.0, Arrays.stream(all.probs()).sum(), 1e-12);
    Sampler.Distribution k3 = Sampler.distribution(MODEL, ctx, new SamplingOptions(1.0, 3, 1.0, 10));
    assertEquals(3, k3.ids().length);
    assertArrayEquals(Arrays.copyOf(all.ids(), 3), k3.ids());
    double topP = 0.9;
    Sampler.Distribution nucleus = Sampler.distribution(MODEL, ctx, new SamplingOptions(1.0, 0, topP, 10));
    int n = nucleus.ids().length;
    double kept = 0;
    for (int i = 0; i < n; i++) {
      kept += all.probs()[i];
    }
    assertTrue(kept >= topP - 1e-12, "kept mass " + kept);
    assertTrue(kept - all.probs()[n - 1] < topP, "the nucleus is minimal");
    assertTrue(n < all.ids().length);
  }

  @Test
  void lowTemperatureSharpens() {
    LmState ctx = MODEL.beginSentenceState();
    double p1 = Sampler.distribution(MODEL, ctx, new SamplingOptions(1.0, 0, 1.0, 10)).probs()[0];
    double pCold = Sampler.distribution(MODEL, ctx, new SamplingOptions(0.2, 0, 1.0, 10)).probs()[0];
    assertTrue(pCold > p1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(0, 0, 1, 10));
    assertTrue(e.getMessage().contains("temperature=0"));
    assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1, -1, 1, 10));
    assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1, 0, 0, 10));
    assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1, 0, 1, 0));
  }
}
