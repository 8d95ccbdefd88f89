package dev.aiaas.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector kernel's in-place convolutions ({@link DenseKernel#convolve},
 * {@link DenseKernel#convolveTiles}) against the interface's plain loops, on random inputs,
 * weights and tap tables: every block the generator writes (1 to 4 vectors of filters, 2 to 8
 * positions, strides 1, 16, 32 and 64, odd and even runs, padding taps, ReLU or not) and a
 * stride and a tile it has no block for (one position at a time).
 */
class ConvolveKernelTest {

    /** The vector kernel of this CPU when it convolves (AVX-512), else the test is skipped. */
    private static DenseKernel vector() {
        assumeTrue(DenseKernels.of(512).isPresent(), "the 512-bit Vector API kernel: " + DenseKernels.UNAVAILABLE);
        DenseKernel k = DenseKernels.of(512).get();
        assumeTrue(k.convolves(), k.describe());
        return k;
    }

    /** A kernel with the interface's own convolve and convolveTiles (the reference loops). */
    private static DenseKernel plain(DenseKernel k) {
        return new DenseKernel() {
            @Override
            public int panel() {
                return k.panel();
            }

            @Override
            public int lanes() {
                return k.lanes();
            }

            @Override
            public String describe() {
                return "plain loops";
            }

            @Override
            public void forward(float[] x, int xOff, int ldx, int rows, int in, float[] w, float[] bias, int units, boolean relu, float[] y,
                    int yOff, int ldy, int panelFrom, int panelTo) {
                k.forward(x, xOff, ldx, rows, in, w, bias, units, relu, y, yOff, ldy, panelFrom, panelTo);
            }

            @Override
            public void activate(Fn f, float alpha, float[] y, int yOff, int rows, int cols, int ldy) {
                k.activate(f, alpha, y, yOff, rows, cols, ldy);
            }

            @Override
            public void softmax(float[] y, int yOff, int rows, int cols, int ldy) {
                k.softmax(y, yOff, rows, cols, ldy);
            }

            @Override
            public void layerNorm(float[] y, int yOff, int rows, int cols, int ldy, float[] gamma, float[] beta, float epsilon) {
                k.layerNorm(y, yOff, rows, cols, ldy, gamma, beta, epsilon);
            }

            @Override
            public void scaleShift(float[] y, int yOff, int rows, int cols, int ldy, float[] scale, float[] shift) {
                k.scaleShift(y, yOff, rows, cols, ldy, scale, shift);
            }
        };
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return v;
    }

    /** Sums of up to a few hundred products of values in [-1, 1], in another order: float32 reassociation. */
    private static void assertClose(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4f * (1 + Math.abs(want[i])), what + ", value " + i);
        }
    }

    @Test
    void convolveMatchesThePlainLoops() {
        DenseKernel k = vector();
        DenseKernel ref = plain(k);
        assertFalse(ref.convolves());
        SplittableRandom r = new SplittableRandom(11);
        for (int ld : new int[] {16, 32, 48, 64, 80, 128}) {
            for (int run : new int[] {1, 3, 16, 32}) {
                for (boolean relu : new boolean[] {false, true}) {
                    int taps = 1 + r.nextInt(9);
                    int positions = 1 + r.nextInt(40);
                    int xLen = 500;
                    float[] x = random(r, xLen + run); // the last run values are the zeros
                    java.util.Arrays.fill(x, xLen, xLen + run, 0f);
                    int[] src = new int[positions * taps];
                    for (int i = 0; i < src.length; i++) {
                        src[i] = r.nextInt(5) == 0 ? -1 : r.nextInt(xLen - run - 7);
                    }
                    float[] w = random(r, taps * run * ld);
                    float[] b = random(r, ld);
                    float[] want = new float[7 + positions * ld];
                    float[] got = new float[7 + positions * ld];
                    ref.convolve(x, 7, xLen, src, taps, run, positions, w, b, ld, relu, want, 7);
                    k.convolve(x, 7, xLen, src, taps, run, positions, w, b, ld, relu, got, 7);
                    assertClose(want, got, "ld " + ld + ", run " + run + ", taps " + taps + ", positions " + positions + ", relu " + relu);
                    if (relu) {
                        for (float v : got) {
                            assertTrue(v >= 0, "ReLU");
                        }
                    }
                }
            }
        }
    }

    @Test
    void convolveTilesMatchesThePlainLoopsForEveryBlock() {
        DenseKernel k = vector();
        DenseKernel ref = plain(k);
        SplittableRandom r = new SplittableRandom(12);
        for (int ld : new int[] {16, 32, 48, 64}) {
            for (int stride : new int[] {1, 16, 32, 64, 48}) { // 48: no block, one position at a time
                for (int run : new int[] {3, 16}) {
                    int taps = 1 + r.nextInt(4);
                    // one row of 20 positions as tiles of 8 (or 6), 4, 2 and 1, and a tile of 5 (no block)
                    List<Integer> tiles = new ArrayList<>();
                    int p = 0;
                    for (int size : new int[] {ld == 64 ? 6 : 8, 4, 2, 1, 5}) {
                        tiles.add(p << 5 | size);
                        p += size;
                    }
                    int positions = p;
                    int[] bases = new int[positions];
                    for (int i = 0; i < positions; i++) {
                        bases[i] = 3 + i * stride;
                    }
                    int[] tapOff = new int[taps];
                    for (int t = 0; t < taps; t++) {
                        tapOff[t] = t * (positions * stride + run);
                    }
                    float[] x = random(r, 3 + taps * (positions * stride + run) + run);
                    float[] w = random(r, taps * run * ld);
                    float[] b = random(r, ld);
                    int[] tileArray = tiles.stream().mapToInt(Integer::intValue).toArray();
                    float[] add = random(r, positions * ld + 2);
                    for (boolean relu : new boolean[] {false, true}) {
                        for (float[] residual : new float[][] {null, add}) {
                            float[] want = new float[positions * ld + 5];
                            float[] got = new float[positions * ld + 5];
                            ref.convolveTiles(x, bases, tapOff, taps, run, tileArray, stride, w, b, ld, relu, want, 5, residual, 2);
                            k.convolveTiles(x, bases, tapOff, taps, run, tileArray, stride, w, b, ld, relu, got, 5, residual, 2);
                            assertClose(want, got, "ld " + ld + ", stride " + stride + ", run " + run + ", taps " + taps + ", relu " + relu
                                    + ", add " + (residual != null));
                        }
                    }
                }
            }
        }
    }

    /** The interface's loops by hand for one output: Σ_t Σ_c x·w, then the bias, then ReLU. */
    @Test
    void thePlainLoopsComputeTheDefinition() {
        DenseKernel ref = plain(new DenseKernel() {
            @Override
            public int panel() {
                return 16;
            }

            @Override
            public int lanes() {
                return 16;
            }

            @Override
            public String describe() {
                return "";
            }

            @Override
            public void forward(float[] x, int xOff, int ldx, int rows, int in, float[] w, float[] bias, int units, boolean relu, float[] y,
                    int yOff, int ldy, int panelFrom, int panelTo) {
            }

            @Override
            public void activate(Fn f, float alpha, float[] y, int yOff, int rows, int cols, int ldy) {
            }

            @Override
            public void softmax(float[] y, int yOff, int rows, int cols, int ldy) {
            }

            @Override
            public void layerNorm(float[] y, int yOff, int rows, int cols, int ldy, float[] gamma, float[] beta, float epsilon) {
            }

            @Override
            public void scaleShift(float[] y, int yOff, int rows, int cols, int ldy, float[] scale, float[] shift) {
            }
        });
        // x = [1, 2, 3, 4, 0, 0]: position 0 taps at 0 and -1 (zeros at 4), position 1 at 2 and 1; run 2, ld 1
        float[] x = {1, 2, 3, 4, 0, 0};
        float[] w = {1, 10, 100, 1000};
        float[] y = new float[2];
        ref.convolve(x, 0, 4, new int[] {0, -1, 2, 1}, 2, 2, 2, w, new float[] {0.5f}, 1, false, y, 0);
        assertEquals(1 + 2 * 10 + 0.5f, y[0]);
        assertEquals(3 + 4 * 10 + 2 * 100 + 3 * 1000 + 0.5f, y[1]);
        ref.convolveTiles(x, new int[] {0, 1}, new int[] {0, 2}, 2, 2, new int[] {0 << 5 | 2}, 1, w, new float[] {-5000f}, 1, true, y, 0,
                null, 0);
        assertEquals(0f, y[0]); // 1 + 20 + 300 + 4000 - 5000 < 0
        assertEquals(0f, y[1]); // 2 + 30 + 400 + 0 - 5000 < 0
        ref.convolveTiles(x, new int[] {0, 1}, new int[] {0, 2}, 2, 2, new int[] {0 << 5 | 2}, 1, w, new float[] {-5000f}, 1, true, y, 0,
                new float[] {9, 1000, 5000}, 1);
        assertEquals(1 + 20 + 300 + 4000 - 5000 + 1000f, y[0]); // the add after the bias, before ReLU
        assertEquals(2 + 30 + 400 - 5000 + 5000f, y[1]);
    }

    /**
     * The vector kernel's max pooling of a row ({@link DenseKernel#windowMax}) against the plain
     * loops: runs of 1 to 40 values (whole vectors and tails), windows of 1, 4 and 9 taps, padded
     * taps (−1) first, in the middle and throughout (y left as it was), NaNs passed on.
     */
    @Test
    void windowMaxMatchesThePlainLoops() {
        DenseKernel k = vector();
        DenseKernel ref = plain(k);
        SplittableRandom r = new SplittableRandom(11);
        float[] x = new float[600];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        x[37] = Float.NaN;
        for (int window : new int[] {1, 4, 9}) {
            List<Integer> runs = new ArrayList<>();
            int dst = 0;
            for (int len : new int[] {1, 15, 16, 17, 32, 40, 3}) {
                for (int pad = 0; pad < 3; pad++) { // no padded tap, the first padded, all padded
                    runs.add(dst);
                    runs.add(len);
                    for (int t = 0; t < window; t++) {
                        boolean padded = pad == 2 || pad == 1 && (t == 0 || t == window / 2);
                        runs.add(padded && window > 1 || pad == 2 ? -1 : r.nextInt(x.length - 40 - 3) + 3);
                    }
                    dst += len + 1;
                }
            }
            int[] rs = runs.stream().mapToInt(Integer::intValue).toArray();
            float[] want = new float[dst + 8];
            float[] got = new float[dst + 8];
            java.util.Arrays.fill(want, 7f);
            java.util.Arrays.fill(got, 7f);
            ref.windowMax(window, rs, x, 3, want, 5);
            k.windowMax(window, rs, x, 3, got, 5);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], "window " + window + ", value " + i);
            }
            assertTrue(java.util.stream.IntStream.range(0, got.length).anyMatch(i -> got[i] == 7f), "an all-padded run leaves y");
        }
        float[] y = {0, 0};
        ref.windowMax(2, new int[] {0, 2, 0, 2}, new float[] {1, Float.NaN, 3, -4}, 0, y, 0);
        assertEquals(3f, y[0]); // the definition: max over the taps
        assertTrue(Float.isNaN(y[1]));
    }
}
