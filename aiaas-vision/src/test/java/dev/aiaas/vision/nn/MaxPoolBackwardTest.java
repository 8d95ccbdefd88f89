package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Layer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The max pool's backward pass, which finds each window's maximum again from x and y instead of
 * recording it: the first maximum of a tie gets the gradient (PyTorch's rule), in the branch-free
 * path (finite values) and in the exact scan (a NaN or an infinity in the run); an inference pass
 * between the training forward pass and the backward pass does not change the gradient.
 */
class MaxPoolBackwardTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** One channel, 2×2 input, batch 2, 'f' order [B, C, H, W]: value (b, h, w) at b + 2·(h + 2·w). */
    private static INDArray batch(DataType type, double... v) {
        return Nd4j.create(v, new long[] {2, 1, 2, 2}, 'f').castTo(type);
    }

    private static double[] gradient(DataType type, INDArray x, INDArray between) {
        try (Layer.Instance pool = ConvLayers.maxPool2d(2).instantiate(new long[] {1, 2, 2}, type)) {
            pool.bind(null, null);
            INDArray y = pool.forward(x, true).dup('f');
            if (between != null) {
                pool.forward(between, false);
            }
            INDArray dy = Nd4j.create(new double[] {3, 5}, new long[] {2, 1, 1, 1}, 'f').castTo(type);
            return pool.backward(x, y, dy, true).dup('f').data().asDouble();
        }
    }

    @Test
    void theFirstMaximumOfATieGetsTheGradientInBothPrecisions() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            // example 0: 1, 7, 7, 2 over (h, w) = (0,0), (1,0), (0,1), (1,1): the scan is row by row,
            // so (0,1) [index 2·(0 + 2·1) = 4] comes before (1,0) [index 2]; example 1: all 4 equal
            double[] x = new double[8];
            double[] ex0 = {1, 7, 7, 2}; // at h + 2·w
            for (int q = 0; q < 4; q++) {
                x[2 * q] = ex0[q];
                x[1 + 2 * q] = 4;
            }
            double[] g = gradient(type, batch(type, x), null);
            double[] expected = new double[8];
            expected[2 * 2] = 3; // (h 0, w 1) is scanned before (h 1, w 0)
            expected[1] = 5;     // example 1: its first element, (0, 0)
            assertArrayEquals(expected, g, 0.0, type.toString());
        }
    }

    @Test
    void anInferencePassBetweenForwardAndBackwardChangesNothing() {
        double[] x = {0.5, -1, 2, 3, -4, 0.25, 1, 8};
        double[] other = {9, 9, 9, 9, 9, 9, 9, 9};
        double[] plain = gradient(DataType.FLOAT, batch(DataType.FLOAT, x), null);
        double[] withInference = gradient(DataType.FLOAT, batch(DataType.FLOAT, x), batch(DataType.FLOAT, other));
        assertArrayEquals(plain, withInference, 0.0);
        assertEquals(3 + 5, java.util.Arrays.stream(plain).sum(), 0.0);
    }

    @Test
    void nanAndInfinityTakeTheExactScan() {
        // example 0: a NaN wins (its first occurrence); example 1: +inf twice, the first wins
        double inf = Double.POSITIVE_INFINITY;
        double[] x = {1, 2, Double.NaN, inf, 3, 4, Double.NaN, inf};
        double[] g = gradient(DataType.FLOAT, batch(DataType.FLOAT, x), null);
        // (h 0, w 0) at q 0, (1,0) at q 1, (0,1) at q 2, (1,1) at q 3; scan order q 0, 2, 1, 3
        double[] expected = new double[8];
        expected[2 * 1] = 3;     // example 0: the NaN at q 1 is the only NaN
        expected[1 + 2 * 1] = 5; // example 1: +inf at q 1 and q 3; q 1 is scanned first
        assertArrayEquals(expected, g, 0.0);
    }

    /**
     * The recorded taps (the gradient right after a training pass) against the scan from x and y
     * (the gradient after an inference pass between) over windows that overlap (3×3, stride 2),
     * are padded, or leave rows and columns out (2×2 over 7×5), with many ties (values on a coarse
     * grid), −∞, NaN and ±∞ gradients, in both precisions: the same gradient, value for value.
     */
    @Test
    void theRecordedTapsGiveTheScansGradient() {
        MaxPool2d[] pools = {ConvLayers.maxPool2d(2), new MaxPool2d(3, 3, 2, 2, 1, 1), new MaxPool2d(3, 2, 1, 2, 1, 0)};
        long[] shape = {3, 7, 5};
        java.util.SplittableRandom r = new java.util.SplittableRandom(21);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (MaxPool2d p : pools) {
                int batch = 37; // a vector's multiple and a tail
                long[] out = p.outputShape(shape);
                INDArray x = Nd4j.create(type, new long[] {batch, shape[0], shape[1], shape[2]}, 'f');
                for (long i = 0; i < x.length(); i++) {
                    int k = r.nextInt(200);
                    x.putScalar(i, k == 0 ? Double.NaN : k == 1 ? Double.NEGATIVE_INFINITY : r.nextInt(5)); // ties everywhere
                }
                INDArray dy = Nd4j.create(type, new long[] {batch, out[0], out[1], out[2]}, 'f');
                for (long i = 0; i < dy.length(); i++) {
                    int k = r.nextInt(300);
                    dy.putScalar(i, k == 0 ? Double.POSITIVE_INFINITY : r.nextGaussian());
                }
                double[][] g = new double[2][];
                for (int between = 0; between < 2; between++) {
                    try (Layer.Instance pool = p.instantiate(shape, type)) {
                        pool.bind(null, null);
                        INDArray y = pool.forward(x, true).dup('f');
                        if (between == 1) {
                            pool.forward(x.mul(-1), false);
                        }
                        g[between] = pool.backward(x, y, dy, true).dup('f').data().asDouble();
                    }
                }
                assertArrayEquals(g[1], g[0], 0.0, type + " " + p);
                assertEquals(true, java.util.Arrays.stream(g[0]).filter(v -> v != 0).count() > 100, "gradients reach x");
            }
        }
    }
}
