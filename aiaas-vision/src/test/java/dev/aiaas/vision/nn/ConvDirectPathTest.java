package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Layer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The convolution's per-position path (ungrouped, batches of {@link Conv2d#DIRECT_BATCH} on)
 * against its chunked path, which the finite-difference conformance harness and the PyTorch and
 * DL4J cross-checks verify: in float64 the same y, ∂L/∂θ and ∂L/∂x to 1e-12 (the products add
 * in another order) for padding, strides, dilation, a bias, several chunks and a partial last
 * chunk, and an inference pass between the training forward pass and the backward pass.
 */
class ConvDirectPathTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private record Result(double[] y, double[] grads, double[] dx) {
    }

    private static Result run(Conv2d conv, long[] shape, int batch, int chunkValues, int directBatch, boolean inferenceBetween) {
        long p = conv.parameterCount(shape);
        long[] out = conv.outputShape(shape);
        try (Layer.Instance inst = conv.instantiate(shape, DataType.DOUBLE, chunkValues, directBatch);
             INDArray params = Nd4j.create(DataType.DOUBLE, p);
             INDArray grads = Nd4j.create(DataType.DOUBLE, p)) {
            inst.bind(params, grads);
            inst.initialise(new SplittableRandom(3));
            if (conv.useBias()) { // nonzero biases
                for (long i = p - conv.filters(); i < p; i++) {
                    params.putScalar(i, 0.1 * (i % 7) - 0.3);
                }
            }
            SplittableRandom r = new SplittableRandom(4);
            INDArray x = Nd4j.create(DataType.DOUBLE, new long[] {batch, shape[0], shape[1], shape[2]}, 'f');
            INDArray dy = Nd4j.create(DataType.DOUBLE, new long[] {batch, out[0], out[1], out[2]}, 'f');
            for (long i = 0; i < x.length(); i++) {
                x.putScalar(i, r.nextGaussian());
            }
            for (long i = 0; i < dy.length(); i++) {
                dy.putScalar(i, r.nextGaussian());
            }
            double[] y = inst.forward(x, true).dup('f').data().asDouble();
            if (inferenceBetween) {
                INDArray other = x.mul(-2.0);
                inst.forward(other, false);
            }
            double[] dx = inst.backward(x, null, dy, true).dup('f').data().asDouble();
            return new Result(y, grads.dup().data().asDouble(), dx);
        }
    }

    private static void assertSame(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertEquals(0, worst, 1e-12 * Math.max(1, scale), what);
        assertEquals(true, scale > 0, what + " is not all 0");
    }

    private static void check(Conv2d conv, long[] shape, int batch, int chunkValues) {
        for (boolean between : new boolean[] {false, true}) {
            Result chunked = run(conv, shape, batch, chunkValues, Integer.MAX_VALUE, between);
            Result direct = run(conv, shape, batch, chunkValues, 1, between);
            String name = conv.summaryName() + " " + java.util.Arrays.toString(shape) + " batch " + batch + (between ? " (inference between)" : "");
            assertSame(name + " y", chunked.y, direct.y);
            assertSame(name + " ∂L/∂θ", chunked.grads, direct.grads);
            assertSame(name + " ∂L/∂x", chunked.dx, direct.dx);
        }
    }

    @Test
    void perPositionProductsMatchTheChunkedPath() {
        check(ConvLayers.conv2d(4, 3).withPadding(Padding.same()).withBias(false), new long[] {3, 6, 5}, 5, 1 << 18);
        check(ConvLayers.conv2d(5, 3).withPadding(Padding.same()), new long[] {2, 7, 6}, 3, 864); // chunks of 4 positions (16 chunked), a partial last one
        check(ConvLayers.conv2d(3, 2, 3).withStride(2, 1).withPadding(Padding.of(1, 0)), new long[] {2, 7, 8}, 4, 960); // 5 of 24 positions per chunk
        check(ConvLayers.conv2d(4, 3).withDilation(2, 1).withPadding(Padding.of(2)), new long[] {3, 6, 6}, 2, 1 << 18);
        check(ConvLayers.conv2d(6, 1).withStride(2).withBias(false), new long[] {4, 5, 5}, 3, 1 << 18);
    }

    @Test
    void groupsStayOnTheChunkedPathAndTheFirstLayerMayReturnNoGradient() {
        // a grouped convolution ignores the direct setting (its products are per group): same result
        check(ConvLayers.conv2d(4, 3).withGroups(2).withPadding(Padding.same()), new long[] {4, 5, 5}, 3, 1 << 18);
        Conv2d conv = ConvLayers.conv2d(3, 3).withPadding(Padding.same());
        long[] shape = {2, 4, 4};
        try (Layer.Instance inst = conv.instantiate(shape, DataType.FLOAT, 1 << 18, 1);
             INDArray params = Nd4j.create(DataType.FLOAT, conv.parameterCount(shape));
             INDArray grads = Nd4j.create(DataType.FLOAT, conv.parameterCount(shape))) {
            inst.bind(params, grads);
            inst.initialise(new SplittableRandom(1));
            INDArray x = Nd4j.rand(DataType.FLOAT, 'f', 2, 2, 4, 4);
            inst.forward(x, true);
            INDArray dy = Nd4j.ones(DataType.FLOAT, 2, 3, 4, 4).dup('f');
            assertNull(inst.backward(x, null, dy, false));
            // the bias gradient is Σ ∂L/∂y over the batch and positions: 2·16 ones per filter
            assertEquals(32.0, grads.getDouble(conv.parameterCount(shape) - 1), 1e-4);
        }
    }
}
