package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.data.Dataset;
import dev.aiaas.core.data.FashionMnist;
import dev.aiaas.core.data.TrainTest;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.train.History;
import dev.aiaas.core.train.Trainer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The ready-made networks: their shapes and sizes; the CNN learning a small image task; the CLI's
 * CNN, briefly trained, saved, loaded and served. Each test takes seconds (tiny data, few steps).
 */
class NetworksTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** LeNet-5's summary: each layer's output shape, and parameter counts worked out by hand. */
    @Test
    void lenet5HasItsShapesAndSixtyOneThousandParameters() {
        try (Model m = Networks.lenet5(10).seed(1).build()) {
            // conv 6·1·25 + 6, conv 16·6·25 + 16, dense 400·120 + 120, 120·84 + 84, 84·10 + 10
            assertEquals(156 + 2416 + 48120 + 10164 + 850, m.parameterCount());
            String s = m.summary();
            assertTrue(s.contains("conv2d 5x5") && s.contains("[6, 28, 28]") && s.contains("[6, 14, 14]")
                    && s.contains("[16, 10, 10]") && s.contains("[16, 5, 5]") && s.contains("[400]"), s);
            assertEquals(10, m.outputShape()[0]);
        }
    }

    @Test
    void theCnnHasItsShapesAndParameters() {
        try (Model m = Networks.cnn(1, 28, 28, 10).seed(1).build()) {
            // conv 32·9 (no bias), batch norm 4·32, conv 32·32·9, batch norm 4·32, conv 64·32·9, batch norm 4·64,
            // conv 64·64·9, batch norm 4·64, dense 3136·128 + 128, 128·10 + 10
            assertEquals(288 + 128 + 9216 + 128 + 18432 + 256 + 36864 + 256 + 401536 + 1290, m.parameterCount());
            String s = m.summary();
            assertTrue(s.contains("[32, 28, 28]") && s.contains("[32, 14, 14]") && s.contains("[64, 14, 14]") && s.contains("[64, 7, 7]")
                    && s.contains("[3136]") && s.contains("batch_norm2d") && s.contains("max_pool2d 2x2"), s);
            // the batch norms' running statistics are state, the convolution and dense weights kernels
            assertEquals(4, m.stateSlices().size());
            assertEquals(6, m.kernelSlices().size());
        }
        try (Model rgb = Networks.cnn(3, 32, 32, 10).seed(1).build()) {
            assertEquals(10, rgb.outputShape()[0]);
        }
    }

    /**
     * The small ResNet of SPEC: stem, three basic blocks (identity, then two projections with
     * stride 2), global average pooling and the classifier, with parameter counts worked out by hand.
     */
    @Test
    void theSmallResnetHasItsShapesAndParameters() {
        // per block: conv 3x3 C->F and F->F (no bias), two batch norms 4F; projection: conv 1x1 C->F, batch norm 4F
        long stem = 3 * 16 * 9 + 4 * 16;
        long block1 = 16 * 16 * 9 * 2 + 8 * 16;
        long block2 = 16 * 32 * 9 + 32 * 32 * 9 + 8 * 32 + 16 * 32 + 4 * 32;
        long block3 = 32 * 64 * 9 + 64 * 64 * 9 + 8 * 64 + 32 * 64 + 4 * 64;
        long head = 64 * 10 + 10;
        try (Model m = Networks.resnetSmall(3, 32, 32, 10).seed(1).build()) {
            assertEquals(stem + block1 + block2 + block3 + head, m.parameterCount());
            String s = m.summary();
            assertTrue(s.contains("residual_block (5+0, relu)") && s.contains("residual_block (5+2, relu)") && s.contains("[16, 32, 32]")
                    && s.contains("[32, 16, 16]") && s.contains("[64, 8, 8]") && s.contains("global_avg_pool"), s);
            // nine batch norms (stem 1, blocks 2 + 3 + 3), their running statistics state; nine convolutions and the dense kernel
            assertEquals(9, m.stateSlices().size());
            assertEquals(10, m.kernelSlices().size());
            assertEquals(10, m.outputShape()[0]);
        }
        try (Model grey = Networks.resnetSmall(1, 28, 28, 10).seed(1).build()) {
            assertEquals(stem - 2 * 16 * 9 + block1 + block2 + block3 + head, grey.parameterCount());
            assertTrue(grey.summary().contains("[32, 14, 14]") && grey.summary().contains("[64, 7, 7]"), grey.summary());
        }
    }

    /**
     * Every network's summary has one line per layer with the layer's output shape and its own
     * parameter count (as the layer reports them), and the total.
     */
    @Test
    void summariesPrintEachLayersShapeAndParameterCount() {
        for (Model.Builder b : java.util.List.of(Networks.lenet5(10), Networks.cnn(1, 28, 28, 10), Networks.resnetSmall(3, 32, 32, 10))) {
            try (Model m = b.seed(1).build()) {
                String[] lines = m.summary().split("\n");
                long[] shape = m.inputShape();
                long total = 0;
                for (int i = 0; i < m.layers().size(); i++) {
                    dev.aiaas.core.nn.Layer l = m.layers().get(i);
                    long p = l.parameterCount(shape);
                    shape = l.outputShape(shape);
                    String line = lines[2 + i];
                    assertTrue(line.startsWith(i + " ") && line.contains(l.summaryName()) && line.contains(java.util.Arrays.toString(shape))
                            && line.strip().endsWith(String.format(java.util.Locale.ROOT, "%,d", p)), "line " + i + ": " + line);
                    total += p;
                }
                assertEquals(m.parameterCount(), total);
                assertTrue(lines[2 + m.layers().size()].contains(String.format(java.util.Locale.ROOT, "total parameters: %,d", total)),
                        m.summary());
            }
        }
    }

    /**
     * The small ResNet learns a task a few steps can learn (12x12 grey images, 4 classes: which
     * quadrant is bright, over noise; the training loss, with batch statistics, falls from the
     * first epoch to the second), saves and loads to the same outputs (the blocks' children and
     * their running statistics in the file), and its predictor predicts what the model predicts.
     * (Not the loss at inference: after 16 steps the running statistics, with core's momentum
     * 0.99, still hold most of their initial values.)
     */
    @Test
    void theSmallResnetTrainsSavesAndServes(@TempDir Path dir) throws Exception {
        int n = 128;
        float[][] images = new float[n][144];
        int[] labels = new int[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int k = 0; k < n; k++) {
            labels[k] = k % 4;
            for (int i = 0; i < 12; i++) {
                for (int j = 0; j < 12; j++) {
                    boolean bright = (i / 6) * 2 + j / 6 == labels[k];
                    images[k][i * 12 + j] = (float) ((bright ? 0.6 : 0.1) + 0.3 * r.nextDouble());
                }
            }
        }
        try (Dataset data = Dataset.of(images, labels, 4);
             Model net = Networks.resnetSmall(1, 12, 12, 4).seed(1).build()) {
            assertTrue(net.summary().contains("[64, 3, 3]"), net.summary());
            Trainer t = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(3e-3))
                    .epochs(2).batchSize(16).seed(2).build();
            History h = t.fit(net, data);
            assertTrue(h.epoch(1).get("loss") < h.epoch(0).get("loss") - 0.1, "the training loss falls: " + h);
            INDArray x = data.features();
            INDArray expected = net.predict(x);
            Path file = dir.resolve("resnet.aiaas");
            ModelIO.save(net, file);
            try (Model back = ModelIO.load(file)) {
                assertEquals(net.layers(), back.layers());
                assertEquals(net.parameters(), back.parameters());
                assertEquals(expected, back.predict(x));
            }
            try (Predictor p = net.predictor()) {
                assertEquals(expected, p.predict(x));
            }
        }
    }

    @Test
    void badNetworkSettingsAreRefusedWithTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Networks.resnetSmall(1, 28, 28, 1)).getMessage()
                .contains("classes=1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Networks.resnetSmall(0, 28, 28, 10)).getMessage()
                .contains("channels=0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Networks.lenet5(1)).getMessage().contains("classes=1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Networks.cnn(1, 3, 28, 10)).getMessage().contains("height=3"));
    }

    /**
     * The CNN learns, end to end: on 8×8 images of a bar three pixels long, horizontal, vertical or
     * diagonal (three classes, chance 1/3) at a random place over uniform noise in [0, 0.4), it
     * classifies 96 images it never saw with accuracy at least 0.85 (measured: 0.948) after 4 epochs
     * of 192 (Adam 3e-3, batch 16), in inference mode (the batch norms' running statistics), and
     * its training loss falls by more than half (measured: 1.42 to 0.058). Running statistics that
     * do not follow the data fail it (measured: 0.79 with them left at 0 and 1); a broken gradient
     * keeps the loss from falling.
     * (How far it gets on Fashion-MNIST is the README's full-set run, not a unit test's.)
     */
    @Test
    void theCnnLearnsToTellBarsApartWhereverTheyLie() throws Exception {
        try (Dataset train = bars(192, 1); Dataset test = bars(96, 2);
             Model cnn = Networks.cnn(1, 8, 8, 3).seed(1).build()) {
            Trainer t = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(3e-3))
                    .epochs(4).batchSize(16).seed(2).build();
            History h = t.fit(cnn, train);
            double[] loss = h.series("loss");
            assertTrue(loss[loss.length - 1] < loss[0] / 2, "the training loss fell by half: " + h);
            Map<String, Double> c = t.evaluate(cnn, test);
            assertTrue(c.get("accuracy") >= 0.85, "cnn on unseen bars " + c + "; " + h);
        }
    }

    /**
     * {@code n} images 8×8 (flat rows of 64) of a bar of three pixels of value 1, class 0
     * horizontal, 1 vertical, 2 diagonal, at a random place, over uniform noise in [0, 0.4).
     */
    private static Dataset bars(int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[][] x = new float[n][64];
        int[] y = new int[n];
        int[][] steps = {{0, 1}, {1, 0}, {1, 1}}; // (row, column) step along the bar per class
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 64; j++) {
                x[i][j] = (float) (0.4 * r.nextDouble());
            }
            int k = r.nextInt(3);
            int row = r.nextInt(8 - 2 * steps[k][0]);
            int col = r.nextInt(8 - 2 * steps[k][1]);
            for (int p = 0; p < 3; p++) {
                x[i][8 * (row + p * steps[k][0]) + col + p * steps[k][1]] = 1f;
            }
            y[i] = k;
        }
        return Dataset.of(x, y, 3);
    }

    /**
     * The CLI's cnn after two training steps (32 Fashion-MNIST images, so that the batch norms'
     * running statistics are no longer their initial 0 and 1) saves and loads to the same layers, θ
     * and outputs, and its predictor (the packed path) predicts what the model predicts, for a
     * batch and for one row.
     */
    @Test
    void theTrainedCnnSavesLoadsAndServes(@TempDir Path dir) throws Exception {
        try (TrainTest data = FashionMnist.embedded();
             Dataset sample = data.train().subset(java.util.stream.IntStream.range(0, 32).toArray());
             Model cnn = Networks.cnn(1, 28, 28, 10).seed(1).build()) {
            Trainer t = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(1e-3))
                    .epochs(1).batchSize(16).seed(2).build();
            t.fit(cnn, sample);
            long[] state = cnn.stateSlices().get(0);
            INDArray runningMean = cnn.parameters().get(NDArrayIndex.interval(state[0], state[0] + 32));
            assertTrue(runningMean.norm2Number().doubleValue() > 0, "the running mean moved: " + runningMean);

            INDArray x = data.test().features().get(NDArrayIndex.interval(0, 20), NDArrayIndex.all());
            INDArray expected = cnn.predict(x);
            Path file = dir.resolve("cnn.aiaas");
            ModelIO.save(cnn, file);
            try (Model back = ModelIO.load(file)) {
                assertEquals(cnn.layers(), back.layers());
                assertEquals(cnn.parameters(), back.parameters());
                assertEquals(expected, back.predict(x));
            }
            try (Predictor p = cnn.predictor()) { // the packed path: float32 sums in another order (PackedConvTest)
                assertTrue(p.kernel().contains(PackedConvTest.packedHere() ? "packed" : "copy"), p.kernel());
                INDArray got = p.predict(x);
                double tol = 2e-5 * (1 + expected.amaxNumber().doubleValue());
                for (int r = 0; r < 20; r++) {
                    for (int k = 0; k < 10; k++) {
                        assertEquals(expected.getFloat(r, k), got.getFloat(r, k), tol, "row " + r + ", class " + k);
                    }
                }
                float[] row = x.getRow(3).toFloatVector();
                float[] one = p.predict(row);
                for (int k = 0; k < 10; k++) {
                    assertEquals(expected.getFloat(3, k), one[k], tol, "a batch-1 prediction, class " + k);
                }
            }
        }
    }
}
