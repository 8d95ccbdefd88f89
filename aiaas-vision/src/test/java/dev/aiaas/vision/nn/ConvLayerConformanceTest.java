package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Initializer;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.ParameterSlice;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Core's layer conformance harness ({@code LayerConformanceTest}, Keras's {@code run_layer_test})
 * for the vision layers, through the public {@code Layer} contract: output shape, parameter count
 * (against the count written out by hand), a float64 finite-difference check of ∂L/∂θ and ∂L/∂x
 * (the instances are driven as core's {@code Chain} drives them, so ∂L/∂x of the first layer is
 * checked too), zero gradients on state, determinism from the seed, and the config round trip
 * through the model file, read back by the decoders that {@code ServiceLoader} finds.
 */
class ConvLayerConformanceTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /**
     * A stack of layers over an input shape, with its parameter count worked out by hand, and for
     * convolutions the output positions per im2col chunk (0: the layer's default chunks).
     */
    record Case(String name, List<Layer> layers, long[] inputShape, long parameters, int positionsPerChunk) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case of(String name, Layer layer, long[] in, long parameters) {
        return new Case(name, List.of(layer), in, parameters, 0);
    }

    static Stream<Case> cases() {
        Conv2d c33 = ConvLayers.conv2d(3, 3);
        return Stream.of(
                of("conv2d 3@3x3 valid over [2, 5, 5]", c33, new long[] {2, 5, 5}, 3 * 2 * 9 + 3),
                new Case("conv2d 3@3x3 valid, chunks of 2 positions", List.of(c33), new long[] {2, 5, 5}, 3 * 2 * 9 + 3, 2),
                of("conv2d 4@3x3 same over [2, 5, 4]", ConvLayers.conv2d(4, 3).withPadding(Padding.same()), new long[] {2, 5, 4},
                        4 * 2 * 9 + 4),
                new Case("conv2d 2@3x3 stride 2 padding 1 over [3, 6, 5], chunks of 1 position",
                        List.of(ConvLayers.conv2d(2, 3).withStride(2).withPadding(Padding.of(1))), new long[] {3, 6, 5}, 2 * 3 * 9 + 2, 1),
                of("conv2d 2@2x3 stride 2x1 padding 1x0 over [2, 5, 6]",
                        ConvLayers.conv2d(2, 2, 3).withStride(2, 1).withPadding(Padding.of(1, 0)), new long[] {2, 5, 6}, 2 * 2 * 6 + 2),
                of("conv2d 3@3x3 stride 2 same over [2, 6, 5] (uneven padding)",
                        ConvLayers.conv2d(3, 3).withStride(2).withPadding(Padding.same()), new long[] {2, 6, 5}, 3 * 2 * 9 + 3),
                of("conv2d 4@3x3 dilation 2 over [2, 7, 6]", ConvLayers.conv2d(4, 3).withDilation(2, 2), new long[] {2, 7, 6},
                        4 * 2 * 9 + 4),
                of("conv2d 2@2x2 dilation 2x1 same over [1, 5, 5]",
                        ConvLayers.conv2d(2, 2).withDilation(2, 1).withPadding(Padding.same()), new long[] {1, 5, 5}, 2 * 4 + 2),
                new Case("conv2d 6@3x3 groups 2 no bias over [4, 5, 5], chunks of 3 positions",
                        List.of(ConvLayers.conv2d(6, 3).withGroups(2).withBias(false)), new long[] {4, 5, 5}, 6 * 2 * 9, 3),
                of("depthwise conv2d 3@3x3 over [3, 5, 4]", ConvLayers.depthwiseConv2d(3, 3), new long[] {3, 5, 4}, 3 * 9 + 3),
                of("conv2d 2@1x1 glorot_normal, constant bias over [3, 4, 4]",
                        ConvLayers.conv2d(2, 1).withInitializers(Initializer.glorotNormal(), Initializer.constant(0.1)),
                        new long[] {3, 4, 4}, 2 * 3 + 2),
                of("max_pool2d 2x2 over [2, 4, 4]", ConvLayers.maxPool2d(2), new long[] {2, 4, 4}, 0),
                of("max_pool2d 2x2 over [2, 5, 5] (a row and column left over)", ConvLayers.maxPool2d(2), new long[] {2, 5, 5}, 0),
                of("max_pool2d 3x3 stride 2 padding 1 over [2, 5, 6]", new MaxPool2d(3, 3, 2, 2, 1, 1), new long[] {2, 5, 6}, 0),
                of("avg_pool2d 2x2 over [2, 4, 5]", ConvLayers.avgPool2d(2), new long[] {2, 4, 5}, 0),
                of("avg_pool2d 3x2 stride 1x2 padding 1x1 over [2, 5, 6]", new AvgPool2d(3, 2, 1, 2, 1, 1), new long[] {2, 5, 6}, 0),
                of("global_avg_pool over [3, 4, 5]", ConvLayers.globalAvgPool(), new long[] {3, 4, 5}, 0),
                of("batch_norm2d over [3, 4, 3]", ConvLayers.batchNorm2d(), new long[] {3, 4, 3}, 4 * 3),
                of("batch_norm2d(0.9, 1e-5) over [2, 3, 3]", ConvLayers.batchNorm2d(0.9, 1e-5), new long[] {2, 3, 3}, 4 * 2),
                of("flatten over [2, 3, 4]", ConvLayers.flatten(), new long[] {2, 3, 4}, 0),
                of("unflatten(2, 3, 4) over [24]", ConvLayers.unflatten(2, 3, 4), new long[] {24}, 0),
                new Case("relu over [2, 3, 3] (core's activation layer on images)", List.of(ConvLayers.flatten(), Layers.relu()),
                        new long[] {2, 3, 3}, 0, 0),
                new Case("residual(conv2d same, batch_norm2d, relu, conv2d same) over [2, 5, 5]",
                        List.of(Layers.residual(ConvLayers.conv2d(2, 3).withPadding(Padding.same()), ConvLayers.batchNorm2d(),
                                Layers.tanh(), ConvLayers.conv2d(2, 3).withPadding(Padding.same()))),
                        new long[] {2, 5, 5}, 2 * (2 * 2 * 9 + 2) + 4 * 2, 0),
                of("dropout2d(0) over [3, 2, 3] (rate > 0: Dropout2dTest, the mask fixed)", ConvLayers.dropout2d(0), new long[] {3, 2, 3}, 0),
                // conv 3·3·9 twice (no bias), two batch norms 4·3; identity shortcut
                of("basic_block(3, stride 1), identity shortcut, over [3, 5, 5]", ConvLayers.basicBlock(3, 1), new long[] {3, 5, 5},
                        2 * 81 + 2 * 12),
                // conv 4·2·9, conv 4·4·9, two batch norms 4·4; projection conv 4·2 and batch norm 4·4
                of("basic_block(4, stride 2), projection shortcut, over [2, 5, 6]", ConvLayers.basicBlock(4, 2), new long[] {2, 5, 6},
                        72 + 144 + 32 + 8 + 16),
                of("basic_block(4, stride 1, projection) over [2, 4, 4] (channels change only)", ConvLayers.basicBlock(4, 1, true),
                        new long[] {2, 4, 4}, 72 + 144 + 32 + 8 + 16),
                of("residual(conv2d same; identity), no relu, over [2, 4, 3]",
                        ConvLayers.residual(List.of(ConvLayers.conv2d(2, 3).withPadding(Padding.same())), List.of()),
                        new long[] {2, 4, 3}, 2 * 2 * 9 + 2),
                of("residual(conv2d stride 2, tanh; avg_pool2d) with relu over [2, 4, 4] (a shortcut without parameters)",
                        ConvLayers.residual(List.of(ConvLayers.conv2d(2, 2).withStride(2), Layers.tanh()), List.of(ConvLayers.avgPool2d(2)))
                                .withRelu(true), new long[] {2, 4, 4}, 2 * 2 * 4 + 2),
                new Case("unflatten, basic_block(3, stride 2), global_avg_pool, dense over [32] (the block between layers)",
                        List.of(ConvLayers.unflatten(2, 4, 4), ConvLayers.basicBlock(3, 2), ConvLayers.globalAvgPool(), Layers.dense(2)),
                        new long[] {32}, 54 + 81 + 24 + 6 + 12 + 3 * 2 + 2, 0),
                new Case("unflatten, conv2d, batch_norm2d, relu, max_pool2d, flatten, dense over [50]",
                        List.of(ConvLayers.unflatten(2, 5, 5), ConvLayers.conv2d(3, 2), ConvLayers.batchNorm2d(), Layers.leakyRelu(0.1),
                                ConvLayers.maxPool2d(2), ConvLayers.flatten(), Layers.dense(3, Activation.TANH)),
                        new long[] {50}, 3 * 2 * 4 + 3 + 4 * 3 + 12 * 3 + 3, 0));
    }

    private static final int BATCH = 3;
    private static final double EPS = 1e-6;

    private static LayerStack stack(Case c, long seed) {
        LayerStack st = new LayerStack(c.layers(), c.inputShape(), DataType.DOUBLE, BATCH, c.positionsPerChunk());
        st.initialise(seed);
        return st;
    }

    /** A float64 'f'-order batch {@code [batch, shape...]}, uniform in [−2, 2). */
    static INDArray input(long[] shape, int batch, SplittableRandom r) {
        long[] full = new long[shape.length + 1];
        full[0] = batch;
        System.arraycopy(shape, 0, full, 1, shape.length);
        INDArray x = Nd4j.create(DataType.DOUBLE, full, 'f');
        Buf b = Buf.of(x);
        for (int i = 0; i < b.length; i++) {
            b.set(i, r.nextDouble(-2, 2));
        }
        return x;
    }

    /** L = Σ w ⊙ y over y's memory (whatever its rank, an 'f'-order batch has the same memory), so ∂L/∂y = w. */
    private static double loss(INDArray y, double[] w) {
        Buf b = Buf.of(y);
        assertEquals(w.length, b.length, "output values");
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += b.get(i) * w[i];
        }
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conformsToTheLayerContract(Case c) {
        long expectedP = 0;
        long[] s = c.inputShape();
        for (Layer l : c.layers()) {
            expectedP += l.parameterCount(s);
            s = l.outputShape(s);
        }
        assertEquals(c.parameters(), expectedP, "parameter count");
        long outValues = Arrays.stream(s).reduce(1, Math::multiplyExact) * BATCH;
        try (LayerStack st = stack(c, 7)) {
            Buf theta = Buf.of(st.params);
            SplittableRandom r = new SplittableRandom(11);
            for (int i = 0; i < expectedP; i++) { // off the initial values (γ = 1, β = 0, b = 0), so that every term matters
                theta.set(i, theta.get(i) + r.nextDouble(-0.2, 0.2));
            }
            INDArray x = input(c.inputShape(), BATCH, r);
            INDArray y = st.forward(x);
            assertEquals(outValues, y.length(), "output values");
            Layer last = c.layers().get(c.layers().size() - 1);
            if (last.getClass().getPackageName().equals(Conv2d.class.getPackageName())) {
                long[] expected = new long[s.length + 1];
                expected[0] = BATCH;
                System.arraycopy(s, 0, expected, 1, s.length);
                assertArrayEquals(expected, y.shape(), "output shape");
                assertEquals('f', y.ordering(), "output order");
            }
            double[] w = new double[(int) outValues];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextDouble(-1, 1);
            }
            INDArray dyArr = Nd4j.create(DataType.DOUBLE, y.shape(), 'f');
            Buf.of(dyArr).put(0, w, null, w.length);
            INDArray dx = st.backward(dyArr).dup('f');
            double[] analytic = st.grads.toDoubleVector();
            for (ParameterSlice sl : st.slices()) {
                if (sl.role() == ParameterSlice.Role.STATE) {
                    for (long i = sl.from(); i < sl.to(); i++) {
                        assertEquals(0.0, analytic[(int) i], 0.0, c + " ∂L/∂θ[" + i + "] (state)");
                    }
                }
            }
            for (int i = 0; i < expectedP; i++) {
                double old = theta.get(i);
                theta.set(i, old + EPS);
                double up = loss(st.forward(x), w);
                theta.set(i, old - EPS);
                double down = loss(st.forward(x), w);
                theta.set(i, old);
                assertClose((up - down) / (2 * EPS), analytic[i], c + " ∂L/∂θ[" + i + "]");
            }
            assertEquals(x.length(), dx.length(), "∂L/∂x values (core's residual block gives them as [B, C·H·W], the same memory)");
            Buf xb = Buf.of(x);
            Buf dxb = Buf.of(dx);
            for (int i = 0; i < xb.length; i++) {
                double old = xb.get(i);
                xb.set(i, old + EPS);
                double up = loss(st.forward(x), w);
                xb.set(i, old - EPS);
                double down = loss(st.forward(x), w);
                xb.set(i, old);
                assertClose((up - down) / (2 * EPS), dxb.get(i), c + " ∂L/∂x[" + i + "] (memory order)");
            }
        }
    }

    /** The same seed gives the same θ; the same θ and x give the same outputs and gradients, bit for bit. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameSeedSameParametersOutputsAndGradients(Case c) {
        try (LayerStack a = stack(c, 3); LayerStack b = stack(c, 3)) {
            assertEquals(a.params, b.params);
            INDArray x = input(c.inputShape(), BATCH, new SplittableRandom(5));
            INDArray ya = a.forward(x).dup();
            assertEquals(ya, b.forward(x));
            INDArray w = Nd4j.rand(DataType.DOUBLE, ya.shape());
            INDArray dxa = a.backward(w).dup();
            assertEquals(dxa, b.backward(w));
            assertEquals(a.grads, b.grads);
        }
    }

    /**
     * The config round trip: a model of the layers, saved with {@link ModelIO} and loaded with
     * {@code ModelIO.load(file)} (the standard registry, which finds this module's decoders as
     * services), has equal layers, the same θ, outputs, summary and regularised slices.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void configRoundTripsThroughTheModelFile(Case c, @TempDir Path dir) throws Exception {
        Model.Builder b = Model.builder(c.inputShape()).dataType(DataType.DOUBLE).seed(4);
        c.layers().forEach(b::add);
        Path file = dir.resolve("layer.aiaas");
        INDArray x = input(c.inputShape(), 2, new SplittableRandom(8));
        try (Model m = b.build()) {
            m.parameters().addi(Nd4j.rand(DataType.DOUBLE, m.parameters().length()).subi(0.5).muli(0.1));
            ModelIO.save(m, file);
            try (Model back = ModelIO.load(file)) {
                assertEquals(m.layers(), back.layers());
                assertEquals(m.parameters(), back.parameters());
                assertEquals(m.predict(x), back.predict(x));
                assertEquals(m.summary(), back.summary());
                assertEquals(m.kernelSlices().stream().map(Arrays::toString).toList(),
                        back.kernelSlices().stream().map(Arrays::toString).toList());
                assertEquals(m.stateSlices().stream().map(Arrays::toString).toList(),
                        back.stateSlices().stream().map(Arrays::toString).toList());
            }
        }
    }

    static void assertClose(double expected, double actual, String what) {
        double tol = 1e-6 * Math.max(1, Math.abs(expected));
        assertTrue(Math.abs(expected - actual) <= tol, what + ": finite difference " + expected + ", analytic " + actual);
    }
}
