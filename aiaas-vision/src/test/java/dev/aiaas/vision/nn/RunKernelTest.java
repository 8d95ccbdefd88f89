package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel against the plain loops, loop by loop, on runs of awkward lengths (a
 * vector's multiple, less, more, with a tail) at unaligned offsets, with ties, infinities and
 * NaNs where a loop has a rule for them: the element-wise loops give the same bits, the sums
 * agree to float32 rounding. The tests run with {@code --add-modules jdk.incubator.vector} (the
 * build's test argLine), so the vector kernel is there; {@code -Daiaas.vector=false} is the
 * plain loops.
 */
class RunKernelTest {
    private static final int[] LENGTHS = {1, 7, 8, 15, 16, 17, 31, 64, 100, 128, 131};

    private static RunKernel vector() {
        return RunKernel.vector().orElseThrow(() -> new AssertionError("the tests run with jdk.incubator.vector"));
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * 3);
        }
        return a;
    }

    @Test
    void theKernelOfThisJvmIsTheVectorOneAndFalseTurnsItOff() {
        assertTrue(vector().name().startsWith("vector-"), vector().name());
        assertEquals(vector().name(), RunKernel.CURRENT.name());
        assertSame(RunKernel.SCALAR, RunKernel.load("false"));
        assertEquals("scalar", RunKernel.SCALAR.name());
    }

    @Test
    void elementWiseLoopsGiveTheSameBits() {
        RunKernel s = RunKernel.SCALAR;
        RunKernel v = vector();
        SplittableRandom r = new SplittableRandom(7);
        for (int len : LENGTHS) {
            int from = 3;
            int at = 5;
            float[] a = random(r, len + 10);
            float[] d0 = random(r, len + 10);
            float[] d1 = d0.clone();
            s.addTo(a, from, d0, at, len);
            v.addTo(a, from, d1, at, len);
            assertArrayEquals(d0, d1, "addTo " + len);
            s.copyAdd(a, from, d0, at, len, 0.37f);
            v.copyAdd(a, from, d1, at, len, 0.37f);
            assertArrayEquals(d0, d1, "copyAdd " + len);
            a[from] = Float.NaN; // a NaN wins a max
            s.maxInto(a, from, d0, at, len);
            v.maxInto(a, from, d1, at, len);
            assertArrayEquals(d0, d1, "maxInto " + len);
            assertTrue(Float.isNaN(d1[at]));

            // batch normalisation in place, against the formulas in float32 (a multiply and an add, no fma)
            float[] x = random(r, len + 10);
            float[] g = random(r, len + 10);
            float[] yRef = x.clone();
            float[] dxRef = g.clone();
            double dotRef = 0;
            for (int i = from; i < from + len; i++) {
                float h = (x[i] - 0.25f) * 1.7f;
                yRef[i] = 0.9f * h + -0.3f;
                dxRef[i] = 0.8f * (g[i] - 0.11f - h * -0.6f);
                dotRef += (double) g[i] * h;
            }
            for (RunKernel k : new RunKernel[] {s, v}) {
                float[] y = x.clone();
                k.normaliseInPlace(y, from, len, 0.25f, 1.7f, 0.9f, -0.3f);
                assertArrayEquals(yRef, y, k.name() + " normaliseInPlace " + len);
                float[] dx = g.clone();
                k.normaliseBackwardInPlace(dx, x, from, len, 0.25f, 1.7f, 0.8f, 0.11f, -0.6f);
                assertArrayEquals(dxRef, dx, k.name() + " normaliseBackwardInPlace " + len);
                assertEquals(dotRef, k.dotNormalised(g, x, from, len, 0.25f, 1.7f), 1e-5 * (1 + Math.abs(dotRef) + len),
                        k.name() + " dotNormalised " + len);
            }
        }
    }

    @Test
    void theBatchNormReluLoopsGiveTheBitsOfTheLoopsTheyFuse() {
        SplittableRandom r = new SplittableRandom(11);
        float mean = 0.25f;
        float inv = 1.7f;
        for (int len : LENGTHS) {
            int from = 3;
            float[] x = random(r, len + 10);
            float[] g = random(r, len + 10);
            x[from] = mean; // x̂ = 0: y = β, cut when β ≤ 0
            g[from + len - 1] = 0f;
            for (float[] gb : new float[][] {{0.9f, -0.3f}, {-1.1f, 0.4f}, {0.7f, 0f}}) {
                for (RunKernel k : new RunKernel[] {RunKernel.SCALAR, vector()}) {
                    // the ReLU's forward: core's Math.max
                    float[] y = x.clone();
                    k.normaliseInPlace(y, from, len, mean, inv, gb[0], gb[1]);
                    float[] yRef = y.clone();
                    for (int i = from; i < from + len; i++) {
                        yRef[i] = Math.max(yRef[i], 0f);
                    }
                    k.reluInPlace(y, from, len);
                    assertArrayEquals(yRef, y, k.name() + " reluInPlace " + len);
                    // the mask: core's float32 ReLU gradient of y (the normalised x, before the ReLU)
                    float[] masked = g.clone();
                    float[] yPre = x.clone();
                    k.normaliseInPlace(yPre, from, len, mean, inv, gb[0], gb[1]);
                    float[] maskedRef = g.clone();
                    for (int i = from; i < from + len; i++) {
                        maskedRef[i] *= Math.min(Math.max(yPre[i], 0f) * Float.MAX_VALUE * Float.MAX_VALUE, 1f);
                    }
                    k.reluMaskNormalised(masked, x, from, len, mean, inv, gb[0], gb[1]);
                    assertArrayEquals(maskedRef, masked, k.name() + " reluMaskNormalised " + len);
                    // the fused sums and ∂L/∂x: the separate loops on the masked gradient, bit for bit
                    double[] sums = new double[2];
                    k.reluNormalisedSums(g, x, from, len, mean, inv, gb[0], gb[1], sums);
                    assertEquals(k.sum(maskedRef, from, len), sums[0], k.name() + " reluNormalisedSums Σ " + len);
                    assertEquals(k.dotNormalised(maskedRef, x, from, len, mean, inv), sums[1], k.name() + " reluNormalisedSums dot " + len);
                    float[] dx = g.clone();
                    k.reluNormaliseBackwardInPlace(dx, x, from, len, mean, inv, gb[0], gb[1], 0.8f, 0.11f, -0.6f);
                    float[] dxRef = maskedRef.clone();
                    k.normaliseBackwardInPlace(dxRef, x, from, len, mean, inv, 0.8f, 0.11f, -0.6f);
                    assertArrayEquals(dxRef, dx, k.name() + " reluNormaliseBackwardInPlace " + len);
                }
            }
        }
    }

    @Test
    void theResidualReluLoopsGiveTheSameBitsAndKeepTheirRules() {
        RunKernel s = RunKernel.SCALAR;
        RunKernel v = vector();
        SplittableRandom r = new SplittableRandom(17);
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE};
        for (int len : LENGTHS) {
            float[] a = random(r, len);
            float[] b = random(r, len);
            float[] y = random(r, len);
            for (int i = 0; i < Math.min(len, special.length); i++) {
                a[i] = special[i];
                y[len - 1 - i] = special[i];
                b[(i + 3) % len] = special[(i + 2) % special.length];
            }
            float[] a0 = a.clone();
            float[] a1 = a.clone();
            s.addRelu(a0, b, len);
            v.addRelu(a1, b, len);
            assertArrayEquals(a0, a1, "addRelu " + len);
            for (int i = 0; i < len; i++) {
                float sum = a[i] + b[i];
                assertEquals(Float.isNaN(sum) ? Float.NaN : Math.max(sum, 0f), a1[i], "addRelu lane " + i);
            }
            float[] g0 = a.clone(); // gradients with a NaN and infinities: 0 where y ≤ 0 or y is NaN
            float[] g1 = a.clone();
            s.reluBackward(g0, y, len);
            v.reluBackward(g1, y, len);
            assertArrayEquals(g0, g1, "reluBackward " + len);
            for (int i = 0; i < len; i++) {
                assertEquals(y[i] > 0 ? a[i] : 0f, g1[i], "reluBackward lane " + i);
            }
        }
    }

    @Test
    void theMaxBackwardGivesTheFirstMaximumItsGradientInBoth() {
        RunKernel s = RunKernel.SCALAR;
        RunKernel v = vector();
        SplittableRandom r = new SplittableRandom(11);
        for (int len : LENGTHS) {
            // a 2-element window over a run: y = max of two inputs; ties in every third lane
            float[] x = new float[2 * len + 4];
            float[] y = new float[len + 2];
            for (int i = 0; i < len; i++) {
                float p = (float) r.nextGaussian();
                float q = i % 3 == 0 ? p : (float) r.nextGaussian();
                if (i % 5 == 1) {
                    q = Float.NEGATIVE_INFINITY; // −∞ in the window, never the maximum
                }
                x[1 + i] = p;
                x[1 + len + i] = q;
                y[2 + i] = Math.max(p, q);
            }
            float[] rem0 = random(r, len);
            float[] rem1 = rem0.clone();
            float[] dy = rem0.clone();
            float[] dx0 = new float[2 * len + 4];
            float[] dx1 = new float[2 * len + 4];
            for (int tap = 0; tap < 2; tap++) {
                s.maxBackwardFinite(x, 1 + tap * len, y, 2, rem0, dx0, len);
                v.maxBackwardFinite(x, 1 + tap * len, y, 2, rem1, dx1, len);
            }
            assertArrayEquals(dx0, dx1, "maxBackwardFinite " + len);
            for (int i = 0; i < len; i++) { // the whole gradient went to one input, the first maximum on a tie
                boolean first = x[1 + i] == y[2 + i];
                assertEquals(first ? dy[i] : 0f, dx1[1 + i], "lane " + i);
                assertEquals(first ? 0f : dy[i], dx1[1 + len + i], "lane " + i);
            }
        }
    }

    @Test
    void theMaxTapsGiveTheSameBitsAndTakeTheFirstMaximumOrNaN() {
        RunKernel s = RunKernel.SCALAR;
        RunKernel v = vector();
        SplittableRandom r = new SplittableRandom(19);
        for (int len : LENGTHS) {
            float[][] taps = {new float[len + 3], new float[len + 3]};
            float[][] ys = {new float[len + 3], new float[len + 3]};
            float[][] xs = new float[4][len + 2];
            for (float[] x : xs) {
                for (int i = 0; i < x.length; i++) {
                    int k = r.nextInt(12);
                    x[i] = k == 0 ? Float.NaN : k == 1 ? Float.NEGATIVE_INFINITY : r.nextInt(3); // ties and NaNs
                }
            }
            for (int which = 0; which < 2; which++) {
                RunKernel k = which == 0 ? s : v;
                System.arraycopy(xs[0], 1, ys[which], 3, len);
                java.util.Arrays.fill(taps[which], 3, 3 + len, 0f);
                for (int t = 1; t < 4; t++) {
                    k.maxTap(xs[t], 1, ys[which], taps[which], 3, len, t);
                }
            }
            assertArrayEquals(ys[0], ys[1], "maxTap y " + len);
            assertArrayEquals(taps[0], taps[1], "maxTap taps " + len);
            for (int i = 0; i < len; i++) { // the first NaN, else the first maximum
                int expected = -1;
                for (int t = 0; t < 4 && expected < 0; t++) {
                    if (Float.isNaN(xs[t][1 + i])) {
                        expected = t;
                    }
                }
                if (expected < 0) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int t = 0; t < 4; t++) {
                        m = Math.max(m, xs[t][1 + i]);
                    }
                    for (int t = 0; t < 4 && expected < 0; t++) {
                        if (xs[t][1 + i] == m) {
                            expected = t;
                        }
                    }
                }
                assertEquals(expected, taps[1][3 + i], "lane " + i);
            }
            float[] dy = random(r, len + 3);
            dy[3] = Float.POSITIVE_INFINITY;
            for (boolean add : new boolean[] {false, true}) {
                for (int t = 0; t < 4; t++) {
                    float[] d0 = random(new SplittableRandom(t), len + 2);
                    float[] d1 = d0.clone();
                    s.tapBackward(dy, taps[0], 3, t, d0, 2, len, add);
                    v.tapBackward(dy, taps[0], 3, t, d1, 2, len, add);
                    assertArrayEquals(d0, d1, "tapBackward " + len + " tap " + t + " add " + add);
                }
            }
        }
    }

    @Test
    void finiteSeesEveryNaNAndInfinityInBoth() {
        for (int len : LENGTHS) {
            for (int at = 0; at < len; at++) {
                for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    float[] a = new float[len + 2];
                    java.util.Arrays.fill(a, 1f);
                    a[1 + at] = bad;
                    assertEquals(false, RunKernel.SCALAR.finite(a, 1, len));
                    assertEquals(false, vector().finite(a, 1, len), "len " + len + " at " + at + " " + bad);
                }
            }
            float[] ok = new float[len + 2];
            ok[0] = Float.NaN; // outside the run
            ok[len + 1] = Float.NaN;
            ok[1] = Float.MAX_VALUE;
            assertTrue(vector().finite(ok, 1, len));
            assertTrue(RunKernel.SCALAR.finite(ok, 1, len));
        }
    }

    @Test
    void sumsAgreeToFloatRounding() {
        RunKernel s = RunKernel.SCALAR;
        RunKernel v = vector();
        SplittableRandom r = new SplittableRandom(13);
        for (int len : LENGTHS) {
            float[] a = random(r, len + 4);
            float[] b = random(r, len + 4);
            double scale = 0;
            for (int i = 2; i < len + 2; i++) {
                scale += Math.abs(a[i]) * (1 + Math.abs(a[i]) + Math.abs(b[i]));
            }
            double tol = 1e-6 * scale;
            assertEquals(s.sum(a, 2, len), v.sum(a, 2, len), tol, "sum " + len);
            assertEquals(s.squaredDeviations(a, 2, len, 0.4), v.squaredDeviations(a, 2, len, 0.4), tol * 4, "squaredDeviations " + len);
            assertEquals(s.dotNormalised(a, b, 2, len, 0.3f, 1.1f), v.dotNormalised(a, b, 2, len, 0.3f, 1.1f), tol * 2, "dotNormalised " + len);
            assertTrue(Math.abs(s.sum(a, 2, len)) > 0); // the comparison is not 0 = 0
        }
    }
}
