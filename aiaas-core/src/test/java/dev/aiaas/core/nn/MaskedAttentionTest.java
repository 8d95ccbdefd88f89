package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.math.MathOps;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The key-padding mask of {@link MultiHeadAttention} ({@link MultiHeadAttention.MaskedInstance})
 * and the exact GELU's erf: float64 finite differences through a masked layer (the conformance
 * harness's checks, which cannot set a mask), the masked keys' invisibility, and the mask's error
 * path.
 */
class MaskedAttentionTest {

    private static final double EPS = 1e-6;

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** B = 3 examples of T = 4 steps, D = 6, H = 2: example 0 full, 1 with two padded keys, 2 with one. */
    private static final boolean[] MASK = {
        true, true, true, true,
        true, true, false, false,
        true, true, true, false};

    private static INDArray random(long[] shape, SplittableRandom r, double lo, double hi) {
        INDArray x = Nd4j.create(DataType.DOUBLE, shape, 'f');
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, r.nextDouble(lo, hi));
        }
        return x;
    }

    private static double loss(INDArray y, INDArray w) {
        return y.mul(w).sumNumber().doubleValue();
    }

    @Test
    void maskedAttentionPassesFiniteDifferences() {
        for (boolean causal : new boolean[] {false, true}) {
            MultiHeadAttention layer = Layers.multiHeadAttention(2, causal);
            long[] in = {4, 6};
            long p = layer.parameterCount(in);
            try (MultiHeadAttention.MaskedInstance inst = layer.instantiate(in, DataType.DOUBLE)) {
                INDArray params = Nd4j.create(DataType.DOUBLE, new long[] {p}, 'c');
                INDArray grads = Nd4j.create(DataType.DOUBLE, new long[] {p}, 'c');
                inst.bind(params, grads);
                inst.initialise(new SplittableRandom(7));
                SplittableRandom r = new SplittableRandom(11);
                params.addi(random(new long[] {p}, r, -0.1, 0.1)); // non-zero biases
                inst.keyPaddingMask(MASK);
                INDArray x = random(new long[] {3, 4, 6}, r, -2, 2);
                INDArray y = inst.forward(x, true);
                INDArray w = random(y.shape(), r, -1, 1);
                INDArray dx = inst.backward(x, y, w, true).dup();
                INDArray analytic = grads.dup();
                for (long i = 0; i < p; i++) {
                    double old = params.getDouble(i);
                    params.putScalar(i, old + EPS);
                    double up = loss(inst.forward(x, true), w);
                    params.putScalar(i, old - EPS);
                    double down = loss(inst.forward(x, true), w);
                    params.putScalar(i, old);
                    LayerConformanceTest.assertClose((up - down) / (2 * EPS), analytic.getDouble(i), "causal=" + causal + " ∂L/∂θ[" + i + "]");
                }
                for (long i = 0; i < x.length(); i++) {
                    long[] at = org.nd4j.linalg.api.shape.Shape.ind2subC(x.shape(), i);
                    double old = x.getDouble(at);
                    x.putScalar(at, old + EPS);
                    double up = loss(inst.forward(x, true), w);
                    x.putScalar(at, old - EPS);
                    double down = loss(inst.forward(x, true), w);
                    x.putScalar(at, old);
                    LayerConformanceTest.assertClose((up - down) / (2 * EPS), dx.getDouble(at),
                            "causal=" + causal + " ∂L/∂x" + java.util.Arrays.toString(at));
                }
            }
        }
    }

    /** Changing a padded key's input changes no other step's output of its example; a mask of all true changes nothing. */
    @Test
    void paddedKeysAreInvisibleAndAFullMaskEqualsNoMask() {
        MultiHeadAttention layer = Layers.multiHeadAttention(2);
        long[] in = {4, 6};
        try (MultiHeadAttention.MaskedInstance inst = layer.instantiate(in, DataType.DOUBLE)) {
            INDArray params = Nd4j.create(DataType.DOUBLE, new long[] {layer.parameterCount(in)}, 'c');
            inst.bind(params, null);
            inst.initialise(new SplittableRandom(3));
            SplittableRandom r = new SplittableRandom(5);
            INDArray x = random(new long[] {3, 4, 6}, r, -2, 2);
            INDArray plain = inst.forward(x, false).dup();
            boolean[] all = new boolean[12];
            java.util.Arrays.fill(all, true);
            inst.keyPaddingMask(all);
            assertEquals(plain, inst.forward(x, false).dup(), "a mask of all true changes nothing");
            inst.keyPaddingMask(MASK);
            INDArray a = inst.forward(x, false).dup();
            INDArray changed = x.dup('f');
            for (int c = 0; c < 6; c++) {
                changed.putScalar(new long[] {1, 3, c}, 9.0); // example 1's step 3 is padding
            }
            INDArray b = inst.forward(changed, false).dup();
            for (int t = 0; t < 3; t++) { // step 3's own row takes its own query, so compare the others
                for (int c = 0; c < 6; c++) {
                    assertEquals(a.getDouble(1, t, c), b.getDouble(1, t, c), 1e-14, "step " + t);
                }
            }
            assertTrue(Math.abs(a.getDouble(0, 0, 0) - plain.getDouble(0, 0, 0)) < 1e-14, "example 0 has no padding");
            assertTrue(Math.abs(a.getDouble(1, 0, 0) - plain.getDouble(1, 0, 0)) > 1e-9, "example 1's padding is hidden");
        }
    }

    @Test
    void aMaskOfTheWrongLengthIsRefusedByName() {
        MultiHeadAttention layer = Layers.multiHeadAttention(2);
        long[] in = {4, 6};
        try (MultiHeadAttention.MaskedInstance inst = layer.instantiate(in, DataType.DOUBLE)) {
            inst.bind(Nd4j.create(DataType.DOUBLE, new long[] {layer.parameterCount(in)}, 'c'), null);
            inst.initialise(new SplittableRandom(3));
            inst.keyPaddingMask(new boolean[5]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> inst.forward(Nd4j.create(DataType.DOUBLE, new long[] {3, 4, 6}, 'f'), false));
            assertTrue(e.getMessage().contains("holds 5 flags") && e.getMessage().contains("12 expected"), e.getMessage());
        }
    }

    /** erf against Python's math.erf (values printed by {@code math.erf} in CPython 3), and its float32 form to 1.5e-7. */
    @Test
    void erfMatchesReferenceValues() {
        double[][] ref = {
            {0.0, 0.0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
            {2, 0.9953222650189527}, {2.4, 0.999311486103355}, {2.6, 0.9997639655834707}, {3, 0.9999779095030014},
            {4, 0.9999999845827421}, {5.5, 0.9999999999999927}, {-1.5, -0.9661051464753108}, {1e-8, 1.1283791670955126e-08}};
        for (double[] c : ref) {
            assertEquals(c[1], MathOps.erf(c[0]), 2e-15, "erf(" + c[0] + ")");
            assertEquals(c[1], MathOps.erfFloat32(c[0]), 1.5e-7, "erfFloat32(" + c[0] + ")");
        }
        assertEquals(-1.0, MathOps.erf(-7), 0.0);
        assertTrue(Double.isNaN(MathOps.erf(Double.NaN)));
        // GELU(1) = Φ(1) = 0.8413447460685429
        assertEquals(0.8413447460685429, MathOps.geluErfFloat32(1f), 2e-7);
    }

    /** Inference (BLAS projections, head-major loops) gives the training path's output, masked or not, causal or not. */
    @Test
    void inferenceEqualsTheTrainingPathsForward() {
        for (boolean causal : new boolean[] {false, true}) {
            for (boolean[] mask : new boolean[][] {null, MASK}) {
                MultiHeadAttention layer = Layers.multiHeadAttention(2, causal);
                long[] in = {4, 6};
                long p = layer.parameterCount(in);
                try (MultiHeadAttention.MaskedInstance inst = layer.instantiate(in, DataType.DOUBLE)) {
                    INDArray params = Nd4j.create(DataType.DOUBLE, new long[] {p}, 'c');
                    inst.bind(params, Nd4j.create(DataType.DOUBLE, new long[] {p}, 'c'));
                    inst.initialise(new SplittableRandom(9));
                    SplittableRandom r = new SplittableRandom(13);
                    params.addi(random(new long[] {p}, r, -0.1, 0.1));
                    inst.keyPaddingMask(mask);
                    INDArray x = random(new long[] {3, 4, 6}, r, -2, 2);
                    inst.keyPaddingMask(null);
                    inst.forward(random(new long[] {2, 4, 6}, r, -2, 2), false); // another batch size first
                    inst.keyPaddingMask(mask);
                    INDArray train = inst.forward(x, true).dup();
                    INDArray infer = inst.forward(x, false).dup();
                    double worst = train.sub(infer).amaxNumber().doubleValue();
                    assertTrue(worst < 1e-12, "causal=" + causal + ", mask=" + (mask != null) + ": " + worst);
                    IllegalStateException e = assertThrows(IllegalStateException.class, () -> inst.backward(x, infer, infer, true));
                    assertTrue(e.getMessage().contains("after an inference forward"), e.getMessage());
                }
            }
        }
    }
}
