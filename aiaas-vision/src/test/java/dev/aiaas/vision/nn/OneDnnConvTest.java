package dev.aiaas.vision.nn;

import static dev.aiaas.vision.nn.ConvPathArrays.assertClose;
import static dev.aiaas.vision.nn.ConvPathArrays.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * The convolution's oneDNN passes ({@link OneDnnConv}) give what its im2col passes give, within
 * float32 rounding: y, ∂L/∂x, ∂L/∂W and ∂L/∂b, for strides, explicit, valid and same padding
 * (odd totals included), bias and non-square shapes, both layers bound to the same θ.
 * The im2col passes are checked against finite differences and PyTorch elsewhere; so a wrong
 * weight permutation, padding or stride here fails this test.
 */
class OneDnnConvTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static void assumeOneDnn() {
        assumeTrue(OneDnnConv.AVAILABLE, "ND4J's native build has no oneDNN (or -Daiaas.conv=im2col)");
    }

    private record Case(int c, int h, int w, Conv2d layer) {
    }

    private static List<Case> cases() {
        return List.of(
                new Case(8, 9, 9, ConvLayers.conv2d(6, 3).withPadding(Padding.same()).withBias(false)),
                new Case(5, 10, 7, ConvLayers.conv2d(4, 3).withPadding(Padding.same())),
                new Case(4, 8, 8, ConvLayers.conv2d(7, 3).withStride(2).withPadding(Padding.same()).withBias(false)), // total padding 1: 0 before
                new Case(3, 9, 11, ConvLayers.conv2d(5, 3).withStride(2).withPadding(Padding.of(1))),
                new Case(6, 12, 12, ConvLayers.conv2d(4, 5).withPadding(Padding.valid())),
                new Case(2, 7, 7, ConvLayers.conv2d(3, 1).withStride(2).withPadding(Padding.valid()).withBias(false)),
                new Case(1, 8, 8, ConvLayers.conv2d(4, 3).withPadding(Padding.same())));
    }

    @Test
    void givesWhatIm2colGives() {
        assumeOneDnn();
        int batch = 5;
        for (Case k : cases()) {
            long[] in = {k.c(), k.h(), k.w()};
            long p = k.layer().parameterCount(in);
            INDArray params = Nd4j.create(DataType.FLOAT, p);
            INDArray gradsA = Nd4j.create(DataType.FLOAT, p);
            INDArray gradsB = Nd4j.create(DataType.FLOAT, p);
            Layer.Instance im2col = k.layer().instantiate(in, DataType.FLOAT, Conv2d.CHUNK);
            Layer.Instance onednn = k.layer().instantiateOneDnn(in, DataType.FLOAT);
            assertNotNull(onednn, k.layer().toString());
            try {
                im2col.bind(params, gradsA);
                onednn.bind(params, gradsB);
                im2col.initialise(new SplittableRandom(3));
                if (k.layer().useBias()) { // non-zero biases
                    for (long i = p - k.layer().filters(); i < p; i++) {
                        params.putScalar(i, 0.1 * (i % 7) - 0.3);
                    }
                }
                String what = k.layer() + " on " + k.c() + "x" + k.h() + "x" + k.w();
                for (int round = 0; round < 2; round++) { // twice: the second pass reuses the op contexts
                    INDArray x = uniform(new long[] {batch, k.c(), k.h(), k.w()}, 10 + round);
                    INDArray yA = im2col.forward(x, true);
                    INDArray yB = onednn.forward(x, true);
                    assertClose(yA, yB, what + ": y");
                    INDArray dy = uniform(yA.shape(), 20 + round).subi(0.5);
                    INDArray dxA = im2col.backward(x, yA, dy, true);
                    INDArray dxB = onednn.backward(x, yB, dy, true);
                    assertClose(dxA, dxB, what + ": dx");
                    assertClose(gradsA, gradsB, what + ": dW and db");
                    assertTrue(gradsB.norm2Number().doubleValue() > 0, what);
                }
            } finally {
                im2col.close();
                onednn.close();
            }
        }
    }

    /** Batches of other sizes in between (an epoch's last batch, an evaluation): the op contexts take the new arrays. */
    @Test
    void changingBatchSizesReachTheOps() {
        assumeOneDnn();
        long[] in = {6, 8, 8};
        Conv2d conv = ConvLayers.conv2d(5, 3).withPadding(Padding.same());
        long p = conv.parameterCount(in);
        INDArray params = Nd4j.create(DataType.FLOAT, p);
        INDArray gradsA = Nd4j.create(DataType.FLOAT, p);
        INDArray gradsB = Nd4j.create(DataType.FLOAT, p);
        try (Layer.Instance im2col = conv.instantiate(in, DataType.FLOAT, Conv2d.CHUNK);
             Layer.Instance onednn = conv.instantiate(in, DataType.FLOAT)) {
            assertTrue(Conv2d.onOneDnn(onednn));
            im2col.bind(params, gradsA);
            onednn.bind(params, gradsB);
            im2col.initialise(new SplittableRandom(5));
            int[] batches = {4, 7, 4, 1, 7};
            for (int i = 0; i < batches.length; i++) {
                String what = "call " + i + ", batch " + batches[i];
                INDArray x = uniform(new long[] {batches[i], 6, 8, 8}, 30 + i);
                INDArray yA = im2col.forward(x, true);
                INDArray yB = onednn.forward(x, true);
                assertClose(yA, yB, what + ": y");
                INDArray dy = uniform(yA.shape(), 40 + i).subi(0.5);
                assertClose(im2col.backward(x, yA, dy, true), onednn.backward(x, yB, dy, true), what + ": dx");
                assertClose(gradsA, gradsB, what + ": dW and db");
            }
        }
    }

    @Test
    void aBadSettingIsRefusedWhenALayerIsMade() {
        String before = System.getProperty(OneDnnConv.PROPERTY);
        Conv2d conv = ConvLayers.conv2d(8, 3).withPadding(Padding.same());
        try {
            System.setProperty(OneDnnConv.PROPERTY, "fast");
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> conv.instantiate(new long[] {8, 10, 10}, DataType.FLOAT));
            assertTrue(e.getMessage().contains("aiaas.conv=fast") && e.getMessage().contains("auto, direct, im2col or onednn"), e.getMessage());
            System.setProperty(OneDnnConv.PROPERTY, "onednn");
            if (OneDnnConv.BUILD_HAS_ONEDNN) {
                try (Layer.Instance thin = conv.instantiate(new long[] {1, 10, 10}, DataType.FLOAT)) {
                    assertTrue(Conv2d.onOneDnn(thin), "forced: one input channel on oneDNN too");
                }
            } else {
                IllegalStateException s = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                        () -> conv.instantiate(new long[] {8, 10, 10}, DataType.FLOAT));
                assertTrue(s.getMessage().contains("linux-x86_64-onednn"), s.getMessage());
            }
            System.setProperty(OneDnnConv.PROPERTY, "im2col");
            try (Layer.Instance off = conv.instantiate(new long[] {8, 10, 10}, DataType.FLOAT)) {
                assertFalse(Conv2d.onOneDnn(off), "im2col: off");
                assertFalse(Conv2d.onDirect(off), "im2col: no direct passes either");
            }
        } finally {
            if (before == null) {
                System.clearProperty(OneDnnConv.PROPERTY);
            } else {
                System.setProperty(OneDnnConv.PROPERTY, before);
            }
        }
    }

    @Test
    void theDefaultInstanceChoosesOneDnnOnlyWhereItPays() {
        assumeOneDnn();
        long[] in = {8, 10, 10};
        Conv2d conv = ConvLayers.conv2d(8, 3).withPadding(Padding.same());
        try (Layer.Instance f32 = conv.instantiate(in, DataType.FLOAT);
             Layer.Instance f64 = conv.instantiate(in, DataType.DOUBLE);
             Layer.Instance grouped = conv.withGroups(2).instantiate(in, DataType.FLOAT);
             Layer.Instance thin = conv.instantiate(new long[] {1, 10, 10}, DataType.FLOAT)) {
            assertTrue(Conv2d.onOneDnn(f32), "float32, 8 channels");
            assertFalse(Conv2d.onOneDnn(f64), "float64 stays on im2col");
            assertFalse(Conv2d.onOneDnn(grouped), "groups stay on im2col");
            assertEquals(System.getProperty(OneDnnConv.PROPERTY, "auto").equals("onednn"), Conv2d.onOneDnn(thin),
                    "one input channel stays on im2col unless forced");
        }
        assertNull(conv.withGroups(2).instantiateOneDnn(in, DataType.FLOAT), "libnd4j's conv2d has no groups");
        assertNull(conv.withDilation(2, 2).instantiateOneDnn(in, DataType.FLOAT), "M2.1's oneDNN helper fails on dilation");
    }
}
