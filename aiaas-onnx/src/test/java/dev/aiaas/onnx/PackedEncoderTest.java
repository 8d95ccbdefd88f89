package dev.aiaas.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The float32 heap path ({@link PackedEncoder}) against the layers on ND4J, on small random
 * encoders: head widths that are and are not whole vectors, a feed-forward width that is not a
 * whole panel, padded batches of different lengths, masks with holes and token types.
 */
class PackedEncoderTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** A random encoder's weights, in the layers' θ layouts (see {@link EncoderWeights}). */
    private static EncoderWeights weights(int v, int p, int types, int d, int heads, int layers, int f, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        TransformerEncoder.Config c = new TransformerEncoder.Config(v, p, types, d, heads, layers, f, 1e-12);
        List<float[]> att = new ArrayList<>();
        List<float[]> n1 = new ArrayList<>();
        List<float[]> f1 = new ArrayList<>();
        List<float[]> f2 = new ArrayList<>();
        List<float[]> n2 = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            att.add(uniform(r, 4 * d * d + 4 * d, 2 / Math.sqrt(d)));
            n1.add(norm(r, d));
            f1.add(uniform(r, d * f + f, 1.5 / Math.sqrt(d)));
            f2.add(uniform(r, f * d + d, 1.5 / Math.sqrt(f)));
            n2.add(norm(r, d));
        }
        return new EncoderWeights(c, new String[] {"ids", "mask", types == 0 ? null : "types"}, uniform(r, v * d, 1),
                uniform(r, p * d, 1), types == 0 ? null : uniform(r, types * d, 1), norm(r, d), att, n1, f1, f2, n2);
    }

    private static float[] uniform(SplittableRandom r, int n, double bound) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-bound, bound);
        }
        return a;
    }

    /** γ near 1, then β. */
    private static float[] norm(SplittableRandom r, int d) {
        float[] a = uniform(r, 2 * d, 0.3);
        for (int i = 0; i < d; i++) {
            a[i] += 1;
        }
        return a;
    }

    private static void agree(EncoderWeights w, DenseKernel kernel, long seed) {
        TransformerEncoder.Config c = w.config();
        SplittableRandom r = new SplittableRandom(seed);
        try (TransformerEncoder ref = new TransformerEncoder(w, null); TransformerEncoder fast = new TransformerEncoder(w, kernel)) {
            int[][] lengths = {{1}, {c.maxPositions()}, {3, 7, 1, 5}, {c.maxPositions(), 2, 9}, {4, 4}};
            for (int[] lens : lengths) {
                int n = lens.length;
                int[][] ids = new int[n][];
                int[][] mask = new int[n][];
                int[][] types = c.typeVocabSize() == 0 ? null : new int[n][];
                for (int e = 0; e < n; e++) {
                    ids[e] = new int[lens[e]];
                    mask[e] = new int[lens[e]];
                    if (types != null) {
                        types[e] = new int[lens[e]];
                    }
                    for (int s = 0; s < lens[e]; s++) {
                        ids[e][s] = r.nextInt(c.vocabSize());
                        mask[e][s] = s == 0 || r.nextInt(4) > 0 ? 1 : 0; // holes, never all 0
                        if (types != null) {
                            types[e][s] = r.nextInt(c.typeVocabSize());
                        }
                    }
                }
                float[][][] a = ref.hiddenStates(ids, mask, types);
                float[][][] b = fast.hiddenStates(ids, mask, types);
                double worst = 0;
                for (int e = 0; e < n; e++) {
                    assertEquals(lens[e], b[e].length);
                    for (int s = 0; s < lens[e]; s++) {
                        for (int j = 0; j < c.dim(); j++) {
                            worst = Math.max(worst, Math.abs(a[e][s][j] - b[e][s][j]));
                        }
                    }
                }
                assertTrue(worst < 2e-5, "largest hidden-state difference " + worst + " for lengths " + java.util.Arrays.toString(lens));
                for (Pooling pooling : Pooling.values()) {
                    float[][] ea = ref.embed(ids, mask, types, pooling, true);
                    float[][] eb = fast.embed(ids, mask, types, pooling, true);
                    for (int e = 0; e < n; e++) {
                        for (int j = 0; j < c.dim(); j++) {
                            assertEquals(ea[e][j], eb[e][j], 1e-5, pooling + " embedding " + e + "[" + j + "]");
                        }
                    }
                }
            }
        }
    }

    private static DenseKernel kernel() {
        Optional<DenseKernel> k = DenseKernels.VECTOR;
        assumeTrue(k.isPresent(), "no vector kernel: " + DenseKernels.UNAVAILABLE);
        return k.get();
    }

    @Test
    void headsOfWholeVectorsAgreeWithTheLayers() {
        // d_k = 32: the context is written straight into the rows; F = 100 is not a whole panel
        agree(weights(97, 20, 2, 64, 2, 2, 100, 1), kernel(), 11);
    }

    @Test
    void narrowHeadsWithoutTokenTypesAgreeWithTheLayers() {
        // d_k = 8 (a part of a vector): the context goes through a staging block; no type table
        agree(weights(50, 70, 0, 24, 3, 2, 40, 2), kernel(), 12);
    }

    @Test
    void aBatchTooLargeForTheWorkingArraysIsRefusedBeforeAllocating() {
        EncoderWeights w = weights(20, 20, 0, 16, 2, 1, 16, 4);
        try (TransformerEncoder fast = new TransformerEncoder(w, kernel())) {
            int ld = DenseKernel.ROW_STRIDE; // the widest rows of this encoder
            int n = Integer.MAX_VALUE / ld / 20 + 1;
            int[][] ids = new int[n][20];
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> fast.embed(ids));
            assertTrue(e.getMessage().contains(n * 20 + " token rows") && e.getMessage().contains("smaller batches"), e.getMessage());
            assertEquals(1, fast.embed(new int[][] {{1, 2, 3}}).length, "the encoder still works after the refusal");
        }
    }

    @Test
    void the256BitKernelAgreesToo() {
        Optional<DenseKernel> k = DenseKernels.of(256);
        assumeTrue(k.isPresent(), "no 256-bit vector kernel on this JVM or CPU");
        agree(weights(60, 30, 2, 48, 4, 1, 72, 3), k.get(), 13);
    }
}
