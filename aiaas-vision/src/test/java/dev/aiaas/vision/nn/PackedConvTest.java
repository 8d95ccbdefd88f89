package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The packed path of {@code model.predictor()} for convolutional networks (convolutions as dense
 * products over patches, batch normalisation folded into them, ReLU fused, max pooling over runs,
 * channels-last rows inside): its outputs equal the model's own forward pass at inference (the
 * copy path's arithmetic) within float32 rounding, for every geometry the layers take (stride,
 * padding, dilation, groups, bias, padded pooling), at batch 1, a few rows and several chunks,
 * through both the array and the {@code float[]} calls, average pooling and residual blocks
 * (identity and projection shortcuts) included; and the networks of {@link Networks} take it.
 */
class PackedConvTest {

    /** θ at random, the batch norms' running variances positive, so that every fold is exercised. */
    private static void randomise(Model m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        INDArray p = m.parameters();
        long n = p.length();
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() - 0.5);
        }
        for (long[] s : m.stateSlices()) { // [mean C, var C]
            long half = (s[1] - s[0]) / 2;
            for (long i = s[0] + half; i < s[1]; i++) {
                v[(int) i] = (float) (0.5 + r.nextDouble());
            }
        }
        p.assign(Nd4j.createFromArray(v).reshape(p.shape()));
    }

    @BeforeAll
    static void theVectorKernelsRun() {
        Assumptions.assumeTrue(packedHere(), "no packed kernel here (a dense model's predictor is not packed)");
    }

    /** Whether this JVM packs at all: a plain dense model's predictor says so (the public way to ask). */
    static boolean packedHere() {
        try (Model m = Model.builder(4).add(Layers.dense(2)).seed(1).build(); Predictor p = m.predictor()) {
            return p.kernel().startsWith("packed");
        }
    }

    private static void assertPackedMatchesTheModel(Model m, String what) {
        randomise(m, 7);
        int inputs = (int) m.inputShape()[0];
        SplittableRandom r = new SplittableRandom(3);
        try (Predictor p = m.predictor()) {
            assertTrue(p.kernel().contains("packed"), what + ": " + p.kernel());
            for (int batch : new int[] {1, 3, 37}) {
                float[] x = new float[batch * inputs];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextDouble(-1, 1);
                }
                INDArray xa = Nd4j.createFromArray(x).reshape(batch, inputs);
                INDArray want = m.predict(xa);
                INDArray got = p.predict(xa);
                float[] flat = p.predict(x);
                int outs = (int) want.size(1);
                // float32 sums in another order: the error scales with the outputs' size, not each one's
                double tol = 2e-5 * (1 + want.amaxNumber().doubleValue());
                for (int b = 0; b < batch; b++) {
                    for (int k = 0; k < outs; k++) {
                        double e = want.getDouble(b, k);
                        assertEquals(e, got.getDouble(b, k), tol, what + ", batch " + batch + ", row " + b + ", output " + k);
                        assertEquals(e, flat[b * outs + k], tol, what + " (float[]), batch " + batch + ", row " + b + ", output " + k);
                    }
                }
            }
        }
    }

    @Test
    void convolutionsOfEveryGeometryMatchTheModel() {
        List<Conv2d> convs = List.of(
                ConvLayers.conv2d(4, 3).withPadding(Padding.same()),
                ConvLayers.conv2d(5, 3).withStride(2).withPadding(Padding.of(1)),
                ConvLayers.conv2d(4, 3, 2).withDilation(2, 1),
                ConvLayers.conv2d(6, 3).withGroups(3).withPadding(Padding.same()).withBias(false),
                ConvLayers.conv2d(3, 1).withBias(false),
                ConvLayers.conv2d(8, 5).withStride(2, 1));
        for (Conv2d c : convs) {
            try (Model m = Model.builder(3 * 9 * 11).add(ConvLayers.unflatten(3, 9, 11)).add(c).add(ConvLayers.flatten())
                    .add(Layers.dense(5)).seed(1).build()) {
                assertPackedMatchesTheModel(m, c.summaryName());
            }
            // a convolution last: the rows go back to [F, H', W'] order through a gather
            try (Model m = Model.builder(3 * 9 * 11).add(ConvLayers.unflatten(3, 9, 11)).add(c).add(ConvLayers.flatten())
                    .seed(1).build()) {
                assertPackedMatchesTheModel(m, c.summaryName() + ", last");
            }
        }
    }

    @Test
    void batchNormReluPoolingAndDropoutStacksMatchTheModel() {
        try (Model m = Model.builder(2 * 12 * 12).add(ConvLayers.unflatten(2, 12, 12))
                .add(ConvLayers.conv2d(8, 3).withPadding(Padding.same()).withBias(false)).add(ConvLayers.batchNorm2d())
                .add(Layers.relu()).add(new MaxPool2d(3, 3, 2, 2, 1, 1)).add(ConvLayers.dropout2d(0.3))
                .add(ConvLayers.batchNorm2d()) // not after a convolution: a scale step of its own
                .add(ConvLayers.conv2d(16, 3)).add(Layers.relu()).add(ConvLayers.maxPool2d(2))
                .add(ConvLayers.flatten()).add(Layers.dense(12, Activation.RELU)).add(Layers.dense(4, Activation.SOFTMAX))
                .seed(2).build()) {
            assertPackedMatchesTheModel(m, "conv, bn, relu, padded pool, dropout2d, bn, conv, pool, dense, softmax");
        }
        try (Model m = Model.builder(12 * 12).add(ConvLayers.unflatten(1, 12, 12)).add(ConvLayers.conv2d(4, 3))
                .add(Layers.tanh()).add(ConvLayers.maxPool2d(2)).add(ConvLayers.flatten())
                .add(Layers.softmax()).seed(3).build()) {
            assertPackedMatchesTheModel(m, "conv, tanh, pool, softmax over the flat features");
        }
    }

    @Test
    void theNetworksArePacked() {
        try (Model cnn = Networks.cnn(1, 28, 28, 10).seed(1).build()) {
            assertPackedMatchesTheModel(cnn, "cnn");
        }
        try (Model lenet = Networks.lenet5(10).seed(1).build()) {
            assertPackedMatchesTheModel(lenet, "lenet5");
        }
        try (Model rgb = Networks.cnn(3, 32, 32, 10).seed(1).build()) {
            assertPackedMatchesTheModel(rgb, "cnn 3x32x32");
        }
    }

    @Test
    void theResNetAndItsBlocksArePacked() {
        try (Model resnet = Networks.resnetSmall(1, 28, 28, 10).seed(1).build()) {
            assertPackedMatchesTheModel(resnet, "resnet");
        }
        List<ResidualBlock> blocks = List.of(
                ConvLayers.basicBlock(3, 1), // identity shortcut over the input's own layout: the branches' layouts differ
                ConvLayers.basicBlock(6, 2), // projection shortcut, stride 2
                ConvLayers.basicBlock(5, 1, true), // projection at stride 1
                ConvLayers.basicBlock(3, 1).withRelu(false),
                new ResidualBlock(List.of(ConvLayers.conv2d(4, 3).withPadding(Padding.same()), Layers.tanh()),
                        List.of(ConvLayers.conv2d(4, 1), ConvLayers.batchNorm2d()), true),
                new ResidualBlock(List.of(ConvLayers.conv2d(3, 3).withPadding(Padding.same())), List.of(ConvLayers.maxPool2d(1)), false));
        for (ResidualBlock b : blocks) {
            try (Model m = Model.builder(3 * 9 * 11).add(ConvLayers.unflatten(3, 9, 11)).add(b).add(ConvLayers.flatten())
                    .add(Layers.dense(5)).seed(1).build()) {
                assertPackedMatchesTheModel(m, b.summaryName());
            }
            // after a convolution (channels last), two blocks in a row, the last one the model's output
            try (Model m = Model.builder(3 * 9 * 11).add(ConvLayers.unflatten(3, 9, 11))
                    .add(ConvLayers.conv2d(3, 3).withPadding(Padding.same())).add(b)
                    .add(new ResidualBlock(List.of(ConvLayers.conv2d((int) b.outputShape(new long[] {3, 9, 11})[0], 3)
                            .withPadding(Padding.same())), List.of(), true))
                    .add(ConvLayers.flatten()).seed(1).build()) {
                assertPackedMatchesTheModel(m, b.summaryName() + ", after a convolution, then another block, last");
            }
        }
    }

    @Test
    void theResNetsPredictorSharedByThreadsGivesWhatOneThreadGives() throws Exception {
        try (Model resnet = Networks.resnetSmall(1, 28, 28, 10).seed(1).build()) {
            randomise(resnet, 7);
            int[] batches = {1, 5, 37}; // 37: three chunks, shared with the engine's worker (its own saved-rows buffers)
            SplittableRandom r = new SplittableRandom(5);
            List<float[]> xs = new ArrayList<>();
            List<float[]> want = new ArrayList<>();
            try (Predictor p = resnet.predictor()) {
                for (int b : batches) {
                    float[] x = new float[b * 784];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) r.nextDouble(-1, 1);
                    }
                    xs.add(x);
                    want.add(p.predict(x));
                }
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<Integer>> wrong = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        int seed = t;
                        wrong.add(pool.submit(() -> {
                            SplittableRandom pick = new SplittableRandom(seed);
                            int bad = 0;
                            for (int call = 0; call < 12; call++) {
                                int i = pick.nextInt(batches.length);
                                bad += Arrays.equals(want.get(i), p.predict(xs.get(i))) ? 0 : 1;
                            }
                            return bad;
                        }));
                    }
                    for (Future<Integer> f : wrong) {
                        assertEquals(0, f.get(), "calls whose outputs differ, bit for bit, from the one-thread ones");
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @Test
    void averagePoolingMatchesTheModel() {
        List<Layer> pools = List.of(ConvLayers.avgPool2d(2), new AvgPool2d(3, 3, 2, 2, 1, 1), new AvgPool2d(3, 2, 1, 2, 1, 0),
                ConvLayers.globalAvgPool());
        for (Layer pool : pools) {
            Layer flat = pool instanceof GlobalAvgPool ? Layers.identity() : ConvLayers.flatten();
            // over the input (its own order) and over a convolution's channels-last output
            try (Model m = Model.builder(3 * 9 * 11).add(ConvLayers.unflatten(3, 9, 11)).add(pool).add(flat)
                    .add(Layers.dense(5)).seed(1).build()) {
                assertPackedMatchesTheModel(m, pool.summaryName());
            }
            try (Model m = Model.builder(3 * 9 * 11).add(ConvLayers.unflatten(3, 9, 11))
                    .add(ConvLayers.conv2d(5, 3).withPadding(Padding.same())).add(Layers.relu()).add(pool).add(flat)
                    .seed(1).build()) {
                assertPackedMatchesTheModel(m, "conv, " + pool.summaryName() + ", last");
            }
        }
    }

    @Test
    void float64ModelsStayOnTheCopyPath() {
        try (Model m = Networks.cnn(1, 28, 28, 10).dataType(DataType.DOUBLE).seed(1).build(); Predictor p = m.predictor()) {
            assertTrue(p.kernel().contains("copy"), p.kernel());
        }
    }
}
