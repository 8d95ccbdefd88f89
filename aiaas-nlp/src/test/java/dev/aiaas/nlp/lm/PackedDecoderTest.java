package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import dev.aiaas.nlp.text.Vocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packed float32 decoder ({@link TransformerLanguageModel#float32()}) against the float64
 * path on a small random model (N 2, H 4, D 32, T 8 with overlap 3, F 128, V over 300 words so
 * the output kernel spans several panels): next-word log-probabilities within 1e-4 nats, for a
 * sentence scored at once and word by word through the KV cache, past the context (the window
 * slides) and from branching states.
 */
class PackedDecoderTest {

  /** log-probabilities in nats agree within this. */
  private static final double TOLERANCE = 1e-4;

  private static TransformerLanguageModel f64;

  @BeforeAll
  static void model() {
    List<List<String>> corpus = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      all.add("w" + i);
    }
    corpus.add(all);
    TransformerLmOptions o = new TransformerLmOptions(2, 4, 32, 8, 4, 1, 3, 1, 8, 0.01, 0.1, 0.01, 1.0, 0.0, 11);
    TransformerLanguageModel init = TransformerLanguageModel.initialised(corpus, o);
    float[] theta = init.theta();
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < theta.length; i++) { // larger weights than the initial ones: peaked, varied distributions
      theta[i] += (float) (0.3 * (2 * r.nextDouble() - 1));
    }
    f64 = TransformerLanguageModel.fromParameters(init.vocabulary(), o, theta);
  }

  private static List<DenseKernel> kernels() {
    List<DenseKernel> ks = new ArrayList<>();
    DenseKernels.of(512).ifPresent(ks::add);
    DenseKernels.of(256).ifPresent(ks::add);
    assumeTrue(!ks.isEmpty(), "no vector kernel: " + DenseKernels.UNAVAILABLE);
    return ks;
  }

  private static int[] sentence(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int v = f64.vocabulary().size();
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = 3 + r.nextInt(v - 3);
    }
    ids[n / 2] = Vocabulary.UNK;
    ids[n - 1] = Vocabulary.EOS;
    return ids;
  }

  @Test
  void aSentenceAtOnceScoresAsTheFloat64PathAcrossSlides() {
    for (DenseKernel k : kernels()) {
      TransformerLanguageModel f32 = f64.float32(k);
      assertTrue(f32.isFloat32());
      for (int n : new int[] {1, 5, 8, 9, 30}) { // within, at and past the context T = 8 (slides every 5)
        int[] ids = sentence(n, n);
        double[] a = new double[n];
        double[] b = new double[n];
        f64.sentenceScoresLog10(ids, n, a);
        f32.sentenceScoresLog10(ids, n, b);
        double spread = 0;
        for (int i = 0; i < n; i++) {
          assertEquals(a[i] * LanguageModel.LN_10, b[i] * LanguageModel.LN_10, TOLERANCE, k.describe() + " n=" + n + " position " + i);
          spread = Math.max(spread, Math.abs(a[i] - a[0]));
        }
        if (n > 5) {
          assertTrue(spread > 0.1, "the model's distributions vary (spread " + spread + " log10)");
        }
      }
    }
  }

  @Test
  void stepByStepDecodingGivesTheFloat64DistributionsPastTheContext() {
    for (DenseKernel k : kernels()) {
      TransformerLanguageModel f32 = f64.float32(k);
      int[] ids = sentence(20, 3);
      LmState a64 = f64.beginSentenceState();
      LmState b64 = f64.newState();
      LmState a32 = f32.beginSentenceState();
      LmState b32 = f32.newState();
      LmState s64 = f64.newState();
      LmState s32 = f32.newState();
      int v = f64.vocabulary().size();
      double[] prompt = new double[ids.length];
      f32.sentenceScoresLog10(ids, ids.length, prompt);
      for (int i = 0; i < ids.length; i++) {
        double worst = 0;
        for (int w = 0; w < v; w++) { // the whole next-word distribution
          double x = f64.scoreLog10(a64, w, s64);
          double y = f32.scoreLog10(a32, w, s32);
          worst = Math.max(worst, Math.abs(x - y) * LanguageModel.LN_10);
        }
        assertTrue(worst < TOLERANCE, k.describe() + " step " + i + ": worst |Δ ln p| " + worst);
        double x = f64.scoreLog10(a64, ids[i], b64);
        double y = f32.scoreLog10(a32, ids[i], b32);
        assertEquals(prompt[i], y, 1e-6, "step " + i + " as the same sentence scored at once");
        assertEquals(x * LanguageModel.LN_10, y * LanguageModel.LN_10, TOLERANCE);
        LmState t = a64;
        a64 = b64;
        b64 = t;
        t = a32;
        a32 = b32;
        b32 = t;
      }
    }
  }

  @Test
  void branchingFloat32StatesCopyTheirPrefixAndScoreAsFreshOnes() {
    for (DenseKernel k : kernels()) {
      TransformerLanguageModel f32 = f64.float32(k);
      LmState begin = f32.beginSentenceState();
      LmState one = f32.newState();
      f32.scoreLog10(begin, 10, one);
      LmState x = f32.newState();
      LmState y = f32.newState();
      f32.scoreLog10(one, 20, x);
      f32.scoreLog10(one, 30, y); // the second extension of one's prefix copies it
      LmState out = f32.newState();
      double afterX = f32.scoreLog10(x, 40, out);
      double afterY = f32.scoreLog10(y, 40, out);
      double[] fresh = new double[3];
      f32.sentenceScoresLog10(new int[] {10, 20, 40}, 3, fresh);
      assertEquals(fresh[2], afterX, 1e-6);
      f32.sentenceScoresLog10(new int[] {10, 30, 40}, 3, fresh);
      assertEquals(fresh[2], afterY, 1e-6);
      double[] ref = new double[3];
      f64.sentenceScoresLog10(new int[] {10, 30, 40}, 3, ref);
      assertEquals(ref[2] * LanguageModel.LN_10, afterY * LanguageModel.LN_10, TOLERANCE);
    }
  }

  @Test
  void float32StatesAndFloat64StatesAreNotMixed() {
    for (DenseKernel k : kernels()) {
      TransformerLanguageModel f32 = f64.float32(k);
      LmState s64 = f64.beginSentenceState();
      LmState fed = f64.newState();
      f64.scoreLog10(s64, 5, fed);
      LmState s32 = f32.newState();
      f64.scoreLog10(fed, 6, s32); // fed now holds a float64 cache
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f32.scoreLog10(s32, 7, f32.newState()));
      assertTrue(e.getMessage().contains("float64 KV cache but this model scores in float32"), e.getMessage());
      LmState t32 = f32.beginSentenceState();
      LmState u32 = f32.newState();
      f32.scoreLog10(t32, 5, u32);
      f32.scoreLog10(u32, 6, t32);
      e = assertThrows(IllegalArgumentException.class, () -> f64.scoreLog10(t32, 7, f64.newState()));
      assertTrue(e.getMessage().contains("float32 KV cache but this model scores in float64"), e.getMessage());
    }
  }

  @Test
  void float32IsMadeOnceAndIsTheModelItselfWithoutAVectorKernel() {
    TransformerLanguageModel f = f64.float32();
    assertSame(f, f64.float32());
    assertSame(f, f.float32());
    Optional<DenseKernel> k = DenseKernels.VECTOR;
    assertEquals(k.isPresent(), f.isFloat32());
    assertFalse(f64.isFloat32());
    assertSame(f, Sampler.generator(f64), "the sampler generates with the float32 model");
    SamplingOptions opts = new SamplingOptions(1.0, 0, 1.0, 12);
    assertEquals(Sampler.sample(f, opts, 9), Sampler.sample(f64, opts, 9));
    if (k.isEmpty()) {
      assertSame(f64, f);
    } else {
      assertTrue(f.toString().contains("float32"), f.toString());
      assertTrue(f.memoryBytes() > f64.memoryBytes());
    }
  }
}
