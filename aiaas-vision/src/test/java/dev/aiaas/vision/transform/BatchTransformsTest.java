package dev.aiaas.vision.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.vision.image.Image;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** MixUp and CutMix: pixels and labels mixed by the same weight, determinism, the Beta draws, errors. */
class BatchTransformsTest {

    /** Image i is the constant i / 4 (so a pixel says which images it came from). */
    static Batch constants() {
        List<Image> images = List.of(Image.filled(3, 8, 10, 0f), Image.filled(3, 8, 10, 0.25f), Image.filled(3, 8, 10, 0.5f),
                Image.filled(3, 8, 10, 0.75f));
        return Batch.ofClasses(images, new int[] {0, 1, 2, 3}, 4);
    }

    @Test
    void mixUpMixesPixelsAndLabelsByOneWeight() {
        Batch b = constants();
        for (long seed = 0; seed < 10; seed++) {
            Batch out = BatchTransforms.mixUp(0.4).apply(b, seed);
            float[][] y = out.labels();
            for (int i = 0; i < 4; i++) {
                int prev = Math.floorMod(i - 1, 4);
                float lambda = y[i][i];
                assertEquals(1f, y[i][i] + y[i][prev], 1e-6f);
                float expected = lambda * i / 4f + (1 - lambda) * prev / 4f;
                assertEquals(expected, out.images().get(i).get(1, 3, 4), 1e-6f);
            }
            assertEquals(out.images(), BatchTransforms.mixUp(0.4).apply(b, seed).images());
        }
    }

    @Test
    void cutMixPastesARectangleWhoseAreaIsTheLabelWeight() {
        Batch b = constants();
        boolean pasted = false;
        for (long seed = 0; seed < 20; seed++) {
            Batch out = BatchTransforms.cutMix(1.0).apply(b, seed);
            float[][] y = out.labels();
            for (int i = 0; i < 4; i++) {
                int prev = Math.floorMod(i - 1, 4);
                float[] v = out.images().get(i).toChw();
                int fromPrev = 0;
                for (float f : v) {
                    fromPrev += f == prev / 4f ? 1 : 0;
                }
                assertEquals((double) fromPrev / v.length, y[i][prev], 1e-6, "seed " + seed);
                assertEquals(1f, y[i][i] + y[i][prev], 1e-6f);
                pasted |= fromPrev > 0;
            }
        }
        assertTrue(pasted);
    }

    @Test
    void betaDrawsHaveTheBetaMean() {
        SplittableRandom r = new SplittableRandom(1);
        for (double alpha : new double[] {0.2, 1.0, 3.0}) {
            double sum = 0;
            double sq = 0;
            int n = 20000;
            for (int i = 0; i < n; i++) {
                double x = BatchTransforms.beta(r, alpha);
                assertTrue(x >= 0 && x <= 1);
                sum += x;
                sq += (x - 0.5) * (x - 0.5);
            }
            assertEquals(0.5, sum / n, 0.01, "mean of Beta(" + alpha + ", " + alpha + ")");
            // variance of Beta(a, a) = 1 / (4 (2a + 1))
            assertEquals(1 / (4 * (2 * alpha + 1)), sq / n, 0.01, "variance");
        }
    }

    @Test
    void badBatchesAndParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BatchTransforms.mixUp(0));
        assertThrows(IllegalArgumentException.class, () -> BatchTransforms.cutMix(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Batch.ofClasses(List.of(Image.filled(1, 2, 2, 0f)), new int[] {3}, 2));
        assertThrows(IllegalArgumentException.class, () -> new Batch(List.of(Image.filled(1, 2, 2, 0f), Image.filled(1, 2, 3, 0f)),
                new float[][] {{1}, {1}}));
        assertThrows(IllegalArgumentException.class, () -> new Batch(List.of(Image.filled(1, 2, 2, 0f)), new float[][] {{1}, {1}}));
        float[][] labels = {{1f, 0f}};
        Batch b = new Batch(List.of(Image.filled(1, 2, 2, 0f)), labels);
        labels[0][0] = 5f;
        b.labels()[0][1] = 7f;
        assertArrayEquals(new float[] {1f, 0f}, b.labels()[0]);
    }
}
