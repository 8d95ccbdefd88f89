package dev.aiaas.example.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.kernel.DenseKernels;
import dev.aiaas.core.io.LayerRegistry;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.optim.Regularizer;
import dev.aiaas.core.train.History;
import dev.aiaas.core.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Layers written outside the library ({@link Gated}, with a kernel and a bias and no packed form;
 * {@link ScaleShift}, with a packed form and a decoder found as a service) through everything a
 * built-in layer goes through, with the public API only: training, saving and loading,
 * regularisation and serving. {@code LayerConformanceTest} runs both through the finite-difference
 * gradient check and the config round trip.
 */
class UserLayerTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** Three classes around three centres in four features: x {@code [n, 4]}, y {@code [n]} class indices. */
    private static INDArray[] blobs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] centres = {{2, 0, 0, 1}, {0, 2, 0, -1}, {0, 0, 2, 0}};
        double[][] x = new double[n][4];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 4; j++) {
                x[i][j] = centres[i % 3][j] + 0.5 * r.nextGaussian();
            }
        }
        return new INDArray[] {Nd4j.createFromArray(x).castTo(DataType.FLOAT), Nd4j.createFromArray(y)};
    }

    /** dense 4→5 (W [0, 20), b [20, 25)), gated over 5 (W [25, 50), b [50, 55)), scale_shift over 5 (s [55, 60), t [60, 65)), dense 5→3 (W [65, 80), b [80, 83)). */
    private static Model model(DataType dt) {
        return Model.builder(4).add(Layers.dense(5, Activation.TANH)).add(new Gated(0.5)).add(new ScaleShift(1.0)).add(Layers.dense(3))
                .dataType(dt).seed(3).build();
    }

    @Test
    void trainsWithTheTrainer() {
        INDArray[] d = blobs(90, 1);
        try (Model m = model(DataType.FLOAT)) {
            INDArray before = m.parameters().dup();
            History h = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(0.02)).epochs(20).batchSize(15)
                    .seed(1).build().fit(m, d[0], d[1]);
            double[] loss = h.series("loss");
            assertTrue(loss[loss.length - 1] < 0.5 * loss[0], "the loss falls: " + Arrays.toString(loss));
            for (long[] range : new long[][] {{25, 55}, {55, 65}}) { // the user layers' parameters moved too
                INDArray was = before.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(range[0], range[1]));
                INDArray now = m.parameters().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(range[0], range[1]));
                assertNotEquals(was, now, Arrays.toString(range));
            }
        }
    }

    @Test
    void savesAndLoadsWithItsDecoderAndSaysHowToRegisterItWithout(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gated.aiaas");
        INDArray x = Nd4j.rand(DataType.FLOAT, 7, 4);
        try (Model m = model(DataType.FLOAT)) {
            m.parameters().addi(Nd4j.rand(DataType.FLOAT, m.parameterCount()).subi(0.5).muli(0.2));
            ModelIO.save(m, file);
            try (Model back = ModelIO.load(file, LayerRegistry.standard().with(new GatedDecoder()))) {
                assertEquals(m.layers(), back.layers());
                assertEquals(m.parameters(), back.parameters());
                assertEquals(m.predict(x), back.predict(x), "identical predictions");
            }
        }
        // without gated's decoder: a format error naming the type, what is known and the fix
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelIO.load(file));
        String msg = e.getMessage();
        assertTrue(msg.contains("unknown layer type 'gated' at layer.1.type"), msg);
        assertTrue(msg.contains("dense") && msg.contains("scale_shift") && msg.contains("time_distributed"), "the known types: " + msg);
        assertTrue(msg.contains("LayerRegistry.standard().with(") && msg.contains("META-INF/services/dev.aiaas.core.io.LayerDecoder"),
                "the two fixes: " + msg);
        assertEquals(file, e.file());
        // the provenance is read without decoding the layers
        assertTrue(ModelIO.provenance(file).containsKey("aiaas_version"));

        // scale_shift's decoder is a service: a plain load finds it
        Path plain = dir.resolve("scale.aiaas");
        try (Model m = Model.builder(4).add(new ScaleShift(0.5)).add(Layers.dense(2)).seed(4).build()) {
            ModelIO.save(m, plain);
            try (Model back = ModelIO.load(plain)) {
                assertEquals(m.layers(), back.layers());
                assertEquals(m.predict(x), back.predict(x));
            }
        }
    }

    @Test
    void itsKernelIsRegularisedAndItsBiasIsNot() {
        try (Model m = model(DataType.DOUBLE)) {
            assertEquals(List.of("[0, 20]", "[25, 50]", "[65, 80]"), m.kernelSlices().stream().map(Arrays::toString).toList());
            assertEquals(List.of(), m.stateSlices());
        }
        // one full-batch SGD step with and without L2: θ_reg = θ_plain − η·2λ·W on the kernels, equal elsewhere
        INDArray[] d = blobs(30, 4);
        double lambda = 0.05;
        double lr = 0.1;
        Trainer.Builder b = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.sgd(lr)).epochs(1).batchSize(30)
                .seed(1);
        try (Model plain = model(DataType.DOUBLE); Model reg = model(DataType.DOUBLE)) {
            INDArray w0 = reg.parameters().dup();
            b.build().fit(plain, d[0], d[1]);
            b.regularizer(Regularizer.l2(lambda)).build().fit(reg, d[0], d[1]);
            for (long i = 0; i < w0.length(); i++) {
                boolean kernel = i < 20 || (i >= 25 && i < 50) || (i >= 65 && i < 80);
                double expected = plain.parameters().getDouble(i) - (kernel ? lr * 2 * lambda * w0.getDouble(i) : 0);
                assertEquals(expected, reg.parameters().getDouble(i), 1e-12, "θ[" + i + "]" + (kernel ? " (a kernel)" : ""));
            }
            for (long i = 25; i < 50; i++) { // the penalty reached gated's W (not all of it is 0)
                if (w0.getDouble(i) != 0) {
                    assertNotEquals(plain.parameters().getDouble(i), reg.parameters().getDouble(i), "θ[" + i + "]");
                }
            }
        }
    }

    @Test
    void aLayerWithoutAPackedFormIsServedByTheCopyPathWhichNamesIt() {
        try (Model m = model(DataType.FLOAT); Predictor p = m.predictor()) {
            assertTrue(p.kernel().startsWith("copy"), p.kernel());
            if (DenseKernels.VECTOR.isPresent()) {
                assertTrue(p.kernel().contains("layer 1 is gated"), p.kernel());
            }
            INDArray x = Nd4j.rand(DataType.FLOAT, 5, 4);
            assertEquals(m.predict(x), p.predict(x));
            assertArrayEquals(m.predict(x).data().asFloat(), p.predict(x.data().asFloat()));
        }
        try (Model m = Model.builder(4).add(Layers.residual(Layers.dense(4), new Gated(0))).build(); Predictor p = m.predictor()) {
            assertTrue(p.kernel().startsWith("copy"), p.kernel());
            if (DenseKernels.VECTOR.isPresent()) {
                assertTrue(p.kernel().contains("layer 0 (residual), layer 1 is gated"), p.kernel());
            }
        }
    }

    @Test
    void aLayerWithAPackedFormIsServedByThePackedPath() {
        assumeTrue(DenseKernels.VECTOR.isPresent(), "the Vector API kernel: " + DenseKernels.UNAVAILABLE);
        // scale_shift first (a step of its own), after a dense layer without activation (folded into it, then the ReLU fused),
        // after one with an activation (a step of its own) and inside a residual block
        try (Model m = Model.builder(6).add(new ScaleShift(1)).add(Layers.dense(20)).add(new ScaleShift(1)).add(Layers.relu())
                .add(Layers.dense(9, Activation.TANH)).add(new ScaleShift(1)).add(Layers.residual(new ScaleShift(1), Layers.dense(9)))
                .add(Layers.dense(3)).seed(6).build()) {
            m.parameters().addi(Nd4j.rand(DataType.FLOAT, m.parameterCount()).subi(0.5).muli(0.4)); // s and t away from 1 and 0
            try (Predictor p = m.predictor()) {
                assertTrue(p.kernel().startsWith("packed"), p.kernel());
                for (int batch : new int[] {1, 5, 37}) {
                    INDArray x = Nd4j.rand(DataType.FLOAT, batch, 6).subi(0.5).muli(4);
                    float[] expected = m.predict(x).data().asFloat();
                    float[] actual = p.predict(x.data().asFloat());
                    double scale = 1;
                    for (float v : expected) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], actual[i], 1e-5 * scale, "batch " + batch + ", element " + i);
                    }
                }
            }
        }
    }
}
