package dev.aiaas.vision.nn;

import static dev.aiaas.vision.nn.ConvPathArrays.assertClose;
import static dev.aiaas.vision.nn.ConvPathArrays.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Layer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The convolution's direct passes ({@link DirectConv}) give what its BLAS passes give, within
 * float32 rounding: y, ∂L/∂x, ∂L/∂W and ∂L/∂b over strides, explicit, valid and same padding
 * (odd totals included), dilation, bias, 1×1 kernels, channel and filter counts that are not
 * multiples of the register block's 4, non-square images, and two batch blocks; batches the
 * blocks do not take fall back to the BLAS passes. The BLAS passes are checked against finite
 * differences, DL4J and PyTorch elsewhere, so a wrong tap, padding, stride or weight order here
 * fails this test.
 */
class DirectConvTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static void assumeKernels() {
        assumeTrue(DirectConv.KERNELS != null, "no Vector API kernels (run with --add-modules jdk.incubator.vector)");
    }

    private record Case(int c, int h, int w, Conv2d layer) {
    }

    private static List<Case> cases() {
        return List.of(
                new Case(16, 6, 6, ConvLayers.conv2d(16, 3).withPadding(Padding.of(1)).withBias(false)),
                new Case(5, 7, 5, ConvLayers.conv2d(6, 3).withPadding(Padding.same())),
                new Case(4, 8, 8, ConvLayers.conv2d(7, 3).withStride(2).withPadding(Padding.same()).withBias(false)), // total 1: 0 before
                new Case(3, 9, 7, ConvLayers.conv2d(5, 3).withStride(2).withPadding(Padding.of(1))),
                new Case(6, 8, 8, ConvLayers.conv2d(4, 5).withPadding(Padding.valid())),
                new Case(8, 7, 7, ConvLayers.conv2d(8, 1).withStride(2).withPadding(Padding.valid()).withBias(false)),
                new Case(1, 6, 6, ConvLayers.conv2d(6, 5).withPadding(Padding.of(2))),
                new Case(4, 8, 7, ConvLayers.conv2d(4, 3).withDilation(2, 2).withPadding(Padding.same())),
                new Case(2, 7, 9, ConvLayers.conv2d(3, 3).withStride(3).withPadding(Padding.of(2))));
    }

    @Test
    void givesWhatTheBlasPathsGive() {
        assumeKernels();
        int[] batches = {64, 128};
        for (Case k : cases()) {
            long[] in = {k.c(), k.h(), k.w()};
            long p = k.layer().parameterCount(in);
            INDArray params = Nd4j.create(DataType.FLOAT, p);
            INDArray gradsA = Nd4j.create(DataType.FLOAT, p);
            INDArray gradsB = Nd4j.create(DataType.FLOAT, p);
            Layer.Instance blas = k.layer().instantiate(in, DataType.FLOAT, Conv2d.CHUNK);
            Layer.Instance direct = k.layer().instantiateDirect(in, DataType.FLOAT);
            assertNotNull(direct, k.layer().toString());
            assertTrue(Conv2d.onDirect(direct));
            try {
                blas.bind(params, gradsA);
                direct.bind(params, gradsB);
                blas.initialise(new SplittableRandom(3));
                if (k.layer().useBias()) { // non-zero biases
                    for (long i = p - k.layer().filters(); i < p; i++) {
                        params.putScalar(i, 0.1 * (i % 7) - 0.3);
                    }
                }
                String what = k.layer() + " on " + k.c() + "x" + k.h() + "x" + k.w();
                for (int round = 0; round < batches.length; round++) {
                    String w = what + ", batch " + batches[round];
                    INDArray x = uniform(new long[] {batches[round], k.c(), k.h(), k.w()}, 10 + round);
                    INDArray yA = blas.forward(x, true);
                    INDArray yB = direct.forward(x, true);
                    assertClose(yA, yB, w + ": y");
                    INDArray dy = uniform(yA.shape(), 20 + round).subi(0.5);
                    INDArray dxA = blas.backward(x, yA, dy, true);
                    INDArray dxB = direct.backward(x, yB, dy, true);
                    assertClose(dxA, dxB, w + ": dx");
                    assertClose(gradsA, gradsB, w + ": dW and db");
                    assertTrue(gradsB.norm2Number().doubleValue() > 0, w);
                    assertNull(direct.backward(x, yB, dy, false), w + ": no dx asked, none given");
                    assertClose(gradsA, gradsB, w + ": dW and db without dx");
                }
            } finally {
                blas.close();
                direct.close();
            }
        }
    }

    /**
     * An inference pass between a training pass and its backward pass (an evaluation), and
     * batches the register blocks do not take (they go to the BLAS passes), in between.
     */
    @Test
    void otherBatchesAndInferencePassesInBetween() {
        assumeKernels();
        long[] in = {6, 8, 8};
        Conv2d conv = ConvLayers.conv2d(5, 3).withPadding(Padding.same());
        long p = conv.parameterCount(in);
        INDArray params = Nd4j.create(DataType.FLOAT, p);
        INDArray gradsA = Nd4j.create(DataType.FLOAT, p);
        INDArray gradsB = Nd4j.create(DataType.FLOAT, p);
        try (Layer.Instance blas = conv.instantiate(in, DataType.FLOAT, Conv2d.CHUNK);
             Layer.Instance direct = conv.instantiateDirect(in, DataType.FLOAT)) {
            blas.bind(params, gradsA);
            direct.bind(params, gradsB);
            blas.initialise(new SplittableRandom(5));
            int[] batches = {64, 7, 64, 1, 128, 64};
            for (int i = 0; i < batches.length; i++) {
                String what = "call " + i + ", batch " + batches[i];
                INDArray x = uniform(new long[] {batches[i], 6, 8, 8}, 30 + i);
                INDArray yA = blas.forward(x, true);
                INDArray yB = direct.forward(x, true);
                assertClose(yA, yB, what + ": y");
                INDArray other = uniform(new long[] {batches[i], 6, 8, 8}, 60 + i);
                assertClose(blas.forward(other, false), direct.forward(other, false), what + ": inference y");
                INDArray dy = uniform(yA.shape(), 40 + i).subi(0.5);
                assertClose(blas.backward(x, yA, dy, true), direct.backward(x, yB, dy, true), what + ": dx");
                assertClose(gradsA, gradsB, what + ": dW and db");
            }
        }
    }

    /**
     * On 3 threads (pieces of positions per thread, ∂L/∂W summed per fixed group of chunks) the
     * passes give the bits the one-thread passes give.
     */
    @Test
    void threadsGiveTheSameBits() {
        assumeKernels();
        long[] in = {5, 12, 10};
        Conv2d conv = ConvLayers.conv2d(8, 3).withStride(2).withPadding(Padding.of(1));
        long p = conv.parameterCount(in);
        INDArray params = Nd4j.create(DataType.FLOAT, p);
        INDArray gradsA = Nd4j.create(DataType.FLOAT, p);
        INDArray gradsB = Nd4j.create(DataType.FLOAT, p);
        Layer.Instance one = dev.aiaas.core.kernel.Parallel.withThreads(1, () -> conv.instantiateDirect(in, DataType.FLOAT));
        Layer.Instance three = dev.aiaas.core.kernel.Parallel.withThreads(3, () -> conv.instantiateDirect(in, DataType.FLOAT));
        try {
            one.bind(params, gradsA);
            three.bind(params, gradsB);
            one.initialise(new SplittableRandom(9));
            INDArray x = uniform(new long[] {64, 5, 12, 10}, 71);
            INDArray yA = one.forward(x, true);
            INDArray yB = three.forward(x, true);
            assertSameBits(yA, yB, "y");
            INDArray dy = uniform(yA.shape(), 72).subi(0.5);
            assertSameBits(one.backward(x, yA, dy, true), three.backward(x, yB, dy, true), "dx");
            assertSameBits(gradsA, gradsB, "dW and db");
            assertTrue(gradsB.norm2Number().doubleValue() > 0);
        } finally {
            one.close();
            three.close();
        }
    }

    @Test
    void choosesWhereItRuns() {
        assumeKernels();
        long[] in = {8, 6, 6};
        Conv2d conv = ConvLayers.conv2d(4, 3).withPadding(Padding.same());
        assertNull(conv.withGroups(2).instantiateDirect(in, DataType.FLOAT), "groups stay on BLAS");
        assertNull(conv.instantiateDirect(in, DataType.DOUBLE), "float64 stays on BLAS");
        String setting = System.getProperty(OneDnnConv.PROPERTY, "auto");
        try (Layer.Instance d = conv.instantiate(in, DataType.FLOAT)) {
            assertEquals(setting.equals("direct") || setting.equals("auto") && DirectConv.chosen("auto", 8, 4,
                    Axis.of("t", "row", 6, 3, 1, 1, true, 0), Axis.of("t", "column", 6, 3, 1, 1, true, 0)), Conv2d.onDirect(d));
        }
        assertTrue(DirectConv.chosen("direct", 64, 64, Axis.of("t", "row", 8, 3, 1, 1, true, 0), Axis.of("t", "column", 8, 3, 1, 1,
                true, 0)));
        assertFalse(DirectConv.chosen("im2col", 16, 16, Axis.of("t", "row", 8, 3, 1, 1, true, 0), Axis.of("t", "column", 8, 3, 1, 1,
                true, 0)));
        assertFalse(DirectConv.chosen("onednn", 16, 16, Axis.of("t", "row", 8, 3, 1, 1, true, 0), Axis.of("t", "column", 8, 3, 1, 1,
                true, 0)));
    }

    @Test
    void aBadSettingNamesTheChoices() {
        String before = System.getProperty(OneDnnConv.PROPERTY);
        System.setProperty(OneDnnConv.PROPERTY, "fast");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConvLayers.conv2d(4, 3).instantiate(new long[] {8, 6, 6}, DataType.FLOAT));
            assertTrue(e.getMessage().contains("auto, direct, im2col or onednn") && e.getMessage().contains("fast"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(OneDnnConv.PROPERTY);
            } else {
                System.setProperty(OneDnnConv.PROPERTY, before);
            }
        }
    }

    private static void assertSameBits(INDArray want, INDArray got, String what) {
        int n = Math.toIntExact(want.length());
        assertEquals(n, got.length(), what);
        float[] a = new float[n];
        float[] b = new float[n];
        dev.aiaas.core.math.Buf.of(want).read(0, a, n);
        dev.aiaas.core.math.Buf.of(got).read(0, b, n);
        assertTrue(java.util.Arrays.equals(a, b), what + ": the same bits on 1 and 3 threads");
    }
}
