package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aiaas.core.AllocationCounter;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import java.util.stream.Stream;

/**
 * {@link Predictor}: the packed Vector API path against {@link Model#predict(INDArray)} (BLAS) over
 * shapes that exercise every block (8, 4 and single rows; full 48-column panels and 16- and
 * 32-column last ones; one and two threads' chunks), the copy path, the snapshot, and the errors.
 * The packed tests run where the JVM has the Vector API and AVX-512 or AVX2 (the build passes
 * {@code --add-modules jdk.incubator.vector} to the tests) and are skipped elsewhere.
 */
class PredictorTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static DenseKernel vector() {
        assumeTrue(DenseKernels.VECTOR.isPresent(), "the Vector API kernel: " + DenseKernels.UNAVAILABLE);
        return DenseKernels.VECTOR.get();
    }

    /** The 512-bit and 256-bit kernels this CPU runs (both on an AVX-512 CPU). */
    private static List<DenseKernel> kernels() {
        List<DenseKernel> all = Stream.of(DenseKernels.of(512), DenseKernels.of(256)).flatMap(Optional::stream).toList();
        assumeTrue(!all.isEmpty(), "the Vector API kernels: " + DenseKernels.UNAVAILABLE);
        return all;
    }

    private static float[] uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** |a - b| ≤ 1e-5 · (1 + max |b|) everywhere (float32 sums of up to 784 terms, in another order). */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 1;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-5 * scale,
                    what + ": element " + i + " is " + actual[i] + ", BLAS gives " + expected[i]);
        }
    }

    @ParameterizedTest(name = "in {0}, hidden {1}, out {2}, batch {3}")
    @CsvSource({"784, 256, 10, 128", "784, 256, 10, 1", "784, 256, 10, 37", "7, 48, 16, 13", "1, 1, 1, 5",
        "50, 96, 32, 16", "33, 100, 17, 17", "300, 256, 17, 9", "300, 250, 3, 16", "20, 49, 50, 12", "300, 64, 3, 4", "5, 3, 2, 0", "20, 40, 35, 9", "784, 33, 47, 24",
        // 49 to 64 units: 6-row blocks over both panels at once, then the rest (5, 4, 1 rows) as the panels' own blocks
        "40, 64, 60, 23", "13, 57, 64, 10", "9, 63, 49, 6",
        // wider than DenseKernel.ROW_STRIDE: the blocks read rows at the layer's own stride
        "1100, 64, 10, 20", "30, 1100, 10, 13",
        // more output values than PackedExecutor.STAGED: predict(x) computes straight into its array
        "8, 16, 100, 700"})
    void packedMatchesTheModel(int in, int hidden, int out, int batch) {
        for (DenseKernel kernel : kernels()) {
            packedMatchesTheModel(kernel, in, hidden, out, batch);
        }
    }

    private static void packedMatchesTheModel(DenseKernel kernel, int in, int hidden, int out, int batch) {
        try (Model m = Model.builder(in).add(Layers.dense(hidden, Activation.RELU)).add(Layers.dense(out)).seed(in + hidden).build();
             Predictor p = Predictor.of(m, kernel)) {
            assertTrue(p.kernel().startsWith("packed"), p.kernel());
            // biases away from 0, so that a dropped bias or a wrong ReLU shows
            m.parameters().addi(Nd4j.createFromArray(uniform((int) m.parameterCount(), 9)).muli(0.1));
            try (Predictor fresh = Predictor.of(m, kernel)) {
                float[] x = uniform(batch * in, batch);
                INDArray xa = Nd4j.createFromArray(x).reshape('c', batch, in);
                float[] expected = m.predict(xa).data().asFloat();
                assertClose(expected, fresh.predict(x), kernel.describe() + ": predict(float[])");
                assertClose(expected, fresh.predict(xa).data().asFloat(), "predict(INDArray)");
                INDArray intoF = Nd4j.create(DataType.FLOAT, new long[] {batch, out}, 'f');
                assertSame(intoF, fresh.predict(xa.dup('f'), intoF));
                assertClose(expected, intoF.dup('c').data().asFloat(), "'f' x into 'f' out");
                if (batch > 0) {
                    assertClose(expected, fresh.predict(xa.castTo(DataType.DOUBLE)).data().asFloat(), "float64 x");
                }
            }
        }
    }

    @Test
    void aDeepIdentityStackAndNaNPassThrough() {
        for (DenseKernel kernel : kernels()) {
            aDeepIdentityStackAndNaNPassThrough(kernel);
        }
    }

    private static void aDeepIdentityStackAndNaNPassThrough(DenseKernel kernel) {
        try (Model m = Model.builder(40).add(Layers.dense(70)).add(Layers.dense(65, Activation.RELU)).add(Layers.dense(20, Activation.RELU))
                .add(Layers.dense(9)).seed(4).build();
             Predictor p = Predictor.of(m, kernel)) {
            float[] x = uniform(21 * 40, 5);
            float[] expected = m.predict(Nd4j.createFromArray(x).reshape('c', 21, 40)).data().asFloat();
            assertClose(expected, p.predict(x), "four layers");
            x[3 * 40 + 7] = Float.NaN; // row 3 only
            float[] y = p.predict(x);
            for (int r = 0; r < 21; r++) {
                for (int j = 0; j < 9; j++) {
                    assertEquals(r == 3, Float.isNaN(y[r * 9 + j]), "row " + r + " column " + j);
                }
            }
        }
    }

    /** A layer of the user's own, which the packed path does not know (here a sigmoid under another name). */
    private record Custom(Layer inner) implements Layer {
        @Override
        public String type() {
            return "custom";
        }

        @Override
        public long[] outputShape(long[] inputShape) {
            return inner.outputShape(inputShape);
        }

        @Override
        public long parameterCount(long[] inputShape) {
            return inner.parameterCount(inputShape);
        }

        @Override
        public java.util.Map<String, Object> config() {
            return inner.config();
        }

        @Override
        public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
            return inner.instantiate(inputShape, dataType);
        }
    }

    /** Stacks of every layer and activation the packed path takes, with the fusions and folds it makes. */
    private static Model stack(int which) {
        return switch (which) {
            case 0 -> Model.builder(30).add(Layers.dense(64, Activation.GELU)).add(Layers.dense(10, Activation.SOFTMAX)).seed(1).build();
            case 1 -> Model.builder(30).add(Layers.dense(48)).add(Layers.batchNorm()).add(Layers.relu()) // BN folded, ReLU fused
                    .add(Layers.dense(20, Activation.TANH)).add(Layers.dropout(0.3)).add(Layers.dense(5, Activation.SIGMOID)).seed(2).build();
            case 2 -> Model.builder(30).add(Layers.batchNorm()).add(Layers.dense(33, Activation.leakyRelu(0.1))) // BN on the input
                    .add(Layers.layerNorm()).add(Layers.dense(7)).seed(3).build();
            case 3 -> Model.builder(30).add(Layers.layerNorm()).add(Layers.dense(17)).add(Layers.sigmoid()).add(Layers.softmax()).seed(4).build();
            case 4 -> Model.builder(30).add(Layers.dense(40, Activation.RELU)).add(Layers.batchNorm()).add(Layers.layerNorm())
                    .add(Layers.gelu()).add(Layers.dense(12)).add(Layers.leakyRelu(0.2)).add(Layers.tanh()).seed(5).build();
            case 5 -> Model.builder(30).add(Layers.dropout(0.5)).add(Layers.identity()).seed(6).build(); // no step at all
            case 6 -> Model.builder(784).add(Layers.dense(256)).add(Layers.batchNorm()).add(Layers.relu())
                    .add(Layers.dense(10, Activation.SOFTMAX)).seed(7).build(); // batch 1 shares the first layer's panels
            case 7 -> Model.builder(30).add(Layers.dense(32)).add(Layers.residual(Layers.dense(32, Activation.GELU), Layers.layerNorm()))
                    .add(Layers.residual(Layers.residual(Layers.batchNorm(), Layers.relu()), Layers.dense(32))) // nested
                    .add(Layers.batchNorm()).add(Layers.dense(5)).seed(8).build(); // a BN after a block does not fold into it
            case 8 -> Model.builder(30).add(Layers.residual(Layers.dense(30, Activation.TANH))).add(Layers.relu()) // first; no fusing
                    .add(Layers.dense(4)).seed(9).build();
            default -> throw new IllegalArgumentException("no stack " + which);
        };
    }

    @ParameterizedTest(name = "stack {0}")
    @CsvSource({"0", "1", "2", "3", "4", "5", "6", "7", "8"})
    void everyPackableLayerMatchesTheModel(int which) {
        for (DenseKernel kernel : kernels()) {
            everyPackableLayerMatchesTheModel(kernel, which);
        }
    }

    private static void everyPackableLayerMatchesTheModel(DenseKernel kernel, int which) {
        try (Model m = stack(which)) {
            // γ, β and the running statistics away from 1 and 0 (variances stay in [0.8, 1.2]),
            // so that a dropped or misplaced normalisation parameter shows
            if (m.parameterCount() > 0) {
                m.parameters().addi(Nd4j.createFromArray(uniform((int) m.parameterCount(), which)).muli(0.2));
            }
            int in = (int) m.inputShape()[0];
            int out = (int) m.outputShape()[0];
            try (Predictor p = Predictor.of(m, kernel)) {
                assertTrue(p.kernel().startsWith("packed"), p.kernel());
                for (int batch : new int[] {1, 5, 16, 37}) {
                    float[] x = uniform(batch * in, 100 + batch);
                    for (int i = 0; i < x.length; i += 7) {
                        x[i] *= 4; // some inputs where tanh, the sigmoid and GELU bend
                    }
                    INDArray xa = Nd4j.createFromArray(x).reshape('c', batch, in);
                    float[] expected = m.predict(xa).data().asFloat();
                    assertClose(expected, p.predict(x), p.kernel() + ", stack " + which + ", batch " + batch + ", predict(float[])");
                    INDArray y = Nd4j.create(DataType.FLOAT, new long[] {batch, out}, 'f');
                    assertClose(expected, p.predict(xa, y).dup('c').data().asFloat(), "stack " + which + ", batch " + batch + ", into 'f'");
                    assertEquals(xa, Nd4j.createFromArray(x).reshape('c', batch, in), "x is left as it was");
                }
            }
        }
    }

    @Test
    void rowOperationsFollowTheirFormulas() {
        DenseKernel kernel = vector();
        int rows = 3;
        int cols = 37; // two vectors of 16 and a tail of 5
        int ld = 48;
        float[] base = new float[2 + rows * ld];
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < base.length; i++) {
            base[i] = (float) (r.nextDouble() * 12 - 6);
        }
        float[] special = {0f, -0f, 100f, -100f, 30f, -30f, 1e-20f, Float.NaN};
        for (int i = 0; i < special.length; i++) {
            base[2 + 2 * i] = special[i]; // in row 0, in the vectors
            base[2 + 2 * ld + 32 + i % 5] = special[i]; // in row 2's tail
        }
        double alpha = 0.05;
        for (DenseKernel.Fn f : DenseKernel.Fn.values()) {
            float[] y = base.clone();
            kernel.activate(f, (float) alpha, y, 2, rows, cols, ld);
            Activation a = switch (f) {
                case RELU -> Activation.RELU;
                case LEAKY_RELU -> Activation.leakyRelu(alpha);
                case GELU -> Activation.GELU;
                case GELU_ERF -> Activation.GELU_ERF;
                case TANH -> Activation.TANH;
                case SIGMOID -> Activation.SIGMOID;
            };
            for (int i = 0; i < base.length; i++) {
                int row = (i - 2) / ld;
                int col = (i - 2) % ld;
                if (i < 2 || col >= cols) {
                    assertEquals(base[i], y[i], f + ": element " + i + " is outside the rows' first " + cols + " values");
                    continue;
                }
                double z = base[i];
                double want = reference(a, z);
                if (Double.isNaN(want)) {
                    assertTrue(Float.isNaN(y[i]), f + "(NaN) at row " + row + " column " + col + ": " + y[i]);
                } else {
                    assertEquals(want, y[i], 2e-6 * Math.max(1, Math.abs(want)), f + "(" + z + ") at row " + row + " column " + col);
                }
            }
        }
        float[] y = base.clone();
        y[2 + 2 * 14] = 1f; // no NaN in the softmax and norm rows' data
        for (int i = 0; i < y.length; i++) {
            if (Float.isNaN(y[i])) {
                y[i] = 0.5f;
            }
        }
        float[] clean = y.clone();
        kernel.softmax(y, 2, rows, cols, ld);
        for (int row = 0; row < rows; row++) {
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, clean[2 + row * ld + c]);
            }
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(clean[2 + row * ld + c] - max);
            }
            for (int c = 0; c < cols; c++) {
                double want = Math.exp(clean[2 + row * ld + c] - max) / sum;
                assertEquals(want, y[2 + row * ld + c], 1e-6, "softmax row " + row + " column " + c);
            }
            assertEquals(clean[2 + row * ld + cols], y[2 + row * ld + cols], "softmax leaves the padding");
        }
        float[] gamma = uniform(cols, 3);
        float[] beta = uniform(cols, 4);
        y = clean.clone();
        kernel.layerNorm(y, 2, rows, cols, ld, gamma, beta, 1e-5f);
        float[] z = clean.clone();
        kernel.scaleShift(z, 2, rows, cols, ld, gamma, beta);
        for (int row = 0; row < rows; row++) {
            double mean = 0;
            for (int c = 0; c < cols; c++) {
                mean += clean[2 + row * ld + c];
            }
            mean /= cols;
            double var = 0;
            for (int c = 0; c < cols; c++) {
                double d = clean[2 + row * ld + c] - mean;
                var += d * d;
            }
            double inv = 1 / Math.sqrt(var / cols + 1e-5);
            for (int c = 0; c < cols; c++) {
                int i = 2 + row * ld + c;
                double want = gamma[c] * (clean[i] - mean) * inv + beta[c];
                assertEquals(want, y[i], 1e-5 * Math.max(1, Math.abs(want)), "layer norm row " + row + " column " + c);
                assertEquals((double) clean[i] * gamma[c] + beta[c], z[i], 1e-5, "scale and shift row " + row + " column " + c);
            }
        }
    }

    /** f(z) in float64, as the model's activation layer computes it. */
    private static double reference(Activation a, double z) {
        try (INDArray v = Nd4j.createFromArray(new double[] {z}).reshape(1, 1);
             Model m = Model.builder(1).add(new ActivationLayer(a)).dataType(DataType.DOUBLE).build()) {
            return m.predict(v).getDouble(0);
        }
    }

    @Test
    void otherModelsAreCopiedAndGiveExactlyWhatTheModelGives() {
        try (Model residual = Model.builder(6).add(Layers.dense(5, Activation.GELU))
                .add(Layers.residual(Layers.dense(5, Activation.TANH), new Custom(Layers.sigmoid()))).add(Layers.dense(3)).seed(1).build();
             Model f64 = Model.builder(6).add(Layers.dense(5, Activation.RELU)).add(Layers.dense(3)).dataType(DataType.DOUBLE).seed(1).build();
             Model plain = Model.builder(6).add(Layers.dense(5, Activation.RELU)).add(Layers.dense(3)).seed(1).build();
             Predictor p1 = residual.predictor();
             Predictor p2 = f64.predictor();
             Predictor p3 = Predictor.of(plain, null)) {
            assertTrue(p1.kernel().startsWith("copy") && (DenseKernels.VECTOR.isEmpty() || p1.kernel().contains("layer 1 (residual), layer 1 is custom")),
                    p1.kernel());
            assertTrue(p2.kernel().startsWith("copy") && (DenseKernels.VECTOR.isEmpty() || p2.kernel().contains("float32")), p2.kernel());
            assertTrue(p3.kernel().startsWith("copy") && p3.kernel().contains(DenseKernels.VECTOR.isPresent()
                    ? "no packed kernel was asked for" : DenseKernels.UNAVAILABLE), p3.kernel());
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, 6);
            assertEquals(residual.predict(x), p1.predict(x));
            assertEquals(f64.predict(x), p2.predict(x));
            assertEquals(plain.predict(x), p3.predict(x));
            float[] xs = x.data().asFloat();
            assertArrayEquals(plain.predict(x).data().asFloat(), p3.predict(xs));
            INDArray out = Nd4j.create(DataType.FLOAT, 4, 3);
            assertEquals(plain.predict(x), p3.predict(x, out));
        }
    }

    @Test
    void predictGivesANewArrayEveryCallThatLaterCallsLeaveAlone() throws InterruptedException {
        // 784-256-10 is big enough for a batch of one to share its first layer with the worker,
        // which then makes the next call's array ahead of it
        for (DenseKernel kernel : kernels()) {
            try (Model m = Model.builder(784).add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).seed(5).build();
                 Predictor p = Predictor.of(m, kernel)) {
                List<INDArray> given = new java.util.ArrayList<>();
                List<float[]> expected = new java.util.ArrayList<>();
                int[] batches = {1, 1, 1, 1, 37, 37, 1, 128, 128, 1, 16, 16, 1, 1};
                for (int i = 0; i < batches.length; i++) {
                    INDArray x = Nd4j.createFromArray(uniform(batches[i] * 784, i)).reshape('c', batches[i], 784);
                    INDArray y = p.predict(x);
                    for (INDArray earlier : given) {
                        assertTrue(y != earlier, "call " + i + " returned an array it had returned before");
                    }
                    assertArrayEquals(new long[] {batches[i], 10}, y.shape());
                    assertEquals('c', y.ordering());
                    given.add(y);
                    expected.add(m.predict(x).data().asFloat());
                    Thread.sleep(1); // let the worker make the next one
                }
                for (int i = 0; i < given.size(); i++) {
                    assertClose(expected.get(i), given.get(i).data().asFloat(), kernel.describe() + ": call " + i + ", after the later calls");
                }
                given.forEach(INDArray::close);
            }
        }
    }

    @Test
    void predictorWithThreadsSetsTheThreadsPerCallOnlyForThatPredictor() {
        try (Model m = Model.builder(784).add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).seed(5).build()) {
            float[] x = uniform(3 * 784, 7);
            int before = dev.aiaas.core.kernel.Parallel.threads();
            float[] want;
            try (Predictor p = m.predictor()) {
                want = p.predict(x);
            }
            for (int threads : new int[] {1, 3}) {
                try (Predictor p = m.predictor(threads)) {
                    if (DenseKernels.VECTOR.isPresent()) {
                        assertTrue(p.kernel().endsWith(threads == 1 ? ", 1 thread" : ", 3 threads"), p.kernel());
                    }
                    assertArrayEquals(want, p.predict(x), "outputs do not depend on the threads");
                }
                assertEquals(before, dev.aiaas.core.kernel.Parallel.threads(), "the setting is restored after the predictor is made");
            }
            for (int bad : new int[] {0, -1, 257}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predictor(bad));
                assertTrue(e.getMessage().contains("threads=" + bad) && e.getMessage().contains("1 to 256"), e.getMessage());
            }
        }
    }

    @Test
    void aPredictorIsASnapshot() {
        for (boolean packed : new boolean[] {true, false}) {
            DenseKernel kernel = packed ? DenseKernels.VECTOR.orElse(null) : null;
            Model m = Model.builder(8).add(Layers.dense(20, Activation.RELU)).add(Layers.dense(2)).seed(7).build();
            float[] x = uniform(3 * 8, 1);
            float[] before = m.predict(Nd4j.createFromArray(x).reshape('c', 3, 8)).data().asFloat();
            try (Predictor p = Predictor.of(m, kernel)) {
                m.parameters().addi(1.0);
                m.close();
                assertClose(before, p.predict(x), p.kernel());
            }
        }
    }

    @Test
    void badInputsAndBuffersAreRejectedByNameAndLeaveOutUnchanged() {
        for (DenseKernel kernel : Arrays.asList(DenseKernels.VECTOR.orElse(null), null)) {
            try (Model m = Model.builder(6).add(Layers.dense(5, Activation.RELU)).add(Layers.dense(4)).seed(3).build();
                 Predictor p = Predictor.of(m, kernel)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.predict(new float[13]));
                assertTrue(e.getMessage().contains("13 values") && e.getMessage().contains("6"), e.getMessage());
                float[] out = new float[7];
                Arrays.fill(out, 5f);
                e = assertThrows(IllegalArgumentException.class, () -> p.predict(new float[12], out));
                assertTrue(e.getMessage().contains("out must hold 8 values") && e.getMessage().contains("got 7"), e.getMessage());
                assertTrue(Arrays.equals(out, new float[] {5, 5, 5, 5, 5, 5, 5}));
                e = assertThrows(IllegalArgumentException.class, () -> p.predict(Nd4j.rand(DataType.FLOAT, 3, 7)));
                assertTrue(e.getMessage().contains("[3, 7]"), e.getMessage());
                INDArray wrong = Nd4j.valueArrayOf(new long[] {3, 5}, 7f, DataType.FLOAT);
                e = assertThrows(IllegalArgumentException.class, () -> p.predict(Nd4j.rand(DataType.FLOAT, 3, 6), wrong));
                assertTrue(e.getMessage().contains("out must have shape [3, 4]"), e.getMessage());
                assertEquals(7.0, wrong.minNumber().doubleValue());
                INDArray wide = Nd4j.zeros(DataType.FLOAT, 3, 8);
                INDArray view = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 4));
                e = assertThrows(IllegalArgumentException.class, () -> p.predict(Nd4j.rand(DataType.FLOAT, 3, 6), view));
                assertTrue(e.getMessage().contains("contiguous"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> p.predict((float[]) null));
                p.close();
                IllegalStateException closed = assertThrows(IllegalStateException.class, () -> p.predict(new float[6]));
                assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
            }
        }
        try (Model m = Model.builder(6).add(Layers.dense(4)).build();
             Predictor p = m.predictor()) {
            m.close();
            assertThrows(IllegalStateException.class, m::predictor);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> p.predict(Nd4j.createFromArray(new int[][] {{1, 2, 3, 4, 5, 6}})));
            assertTrue(e.getMessage().contains("INT"), e.getMessage());
        }
    }

    @Test
    void nullAndEmptyInputsOnBothPaths() {
        for (DenseKernel kernel : Arrays.asList(DenseKernels.VECTOR.orElse(null), null)) {
            try (Model m = Model.builder(6).add(Layers.dense(5, Activation.RELU)).add(Layers.dense(4)).seed(3).build();
                 Predictor p = Predictor.of(m, kernel)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.predict((float[]) null));
                assertTrue(e.getMessage().contains("x is null") && e.getMessage().contains("B·6"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> p.predict(null, new float[4]));
                assertTrue(e.getMessage().contains("x is null"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> p.predict((INDArray) null));
                assertTrue(e.getMessage().contains("x is null") && e.getMessage().contains("[B, 6]"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> p.predict(null, Nd4j.create(DataType.FLOAT, 1, 4)));
                assertTrue(e.getMessage().contains("x is null"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> p.predict(Nd4j.rand(DataType.FLOAT, 2, 6), null));
                assertTrue(e.getMessage().contains("out is null") && e.getMessage().contains("[2, 4]"), e.getMessage());
                // a batch of none gives none, on either path
                assertEquals(0, p.predict(new float[0]).length, p.kernel());
                assertEquals(0, p.predict(new float[0], new float[0]).length, p.kernel());
                assertArrayEquals(new long[] {0, 4}, p.predict(Nd4j.create(DataType.FLOAT, 0, 6)).shape(), p.kernel());
            }
        }
    }

    @Test
    void aFloat64ModelsCopyTakesAndGivesFloatArrays() {
        try (Model m = Model.builder(6).add(Layers.dense(5, Activation.TANH)).add(Layers.dense(2)).dataType(DataType.DOUBLE).seed(4).build();
             Predictor p = m.predictor()) {
            float[] x = uniform(3 * 6, 2);
            double[] y = m.predict(Nd4j.createFromArray(x).reshape('c', 3, 6).castTo(DataType.DOUBLE)).data().asDouble();
            float[] got = p.predict(x);
            for (int i = 0; i < y.length; i++) {
                assertEquals((float) y[i], got[i], "the float64 output, rounded, at " + i);
            }
        }
    }

    @Test
    void anOutputTooLargeForTheMemoryLeftIsATypedError() {
        DenseKernel kernel = vector();
        // 2^18 outputs per example (1 MB): the packed path makes predict(x)'s array itself
        try (Model m = Model.builder(2).add(Layers.dense(1 << 18)).seed(5).build();
             Predictor p = Predictor.of(m, kernel)) {
            // above JavaCPP's fixed budget, which bounds the limit however much physical memory frees meanwhile
            long limit = org.bytedeco.javacpp.Pointer.maxBytes();
            int batch = (int) Math.min(Integer.MAX_VALUE / (1 << 18), limit / (1L << 20) + 2);
            try (INDArray x = Nd4j.rand(DataType.FLOAT, batch, 2)) {
                dev.aiaas.core.backend.NativeMemoryException e = assertThrows(dev.aiaas.core.backend.NativeMemoryException.class,
                        () -> p.predict(x));
                assertTrue(e.getMessage().contains("outputs of a batch of " + batch), e.getMessage());
            }
            try (INDArray x1 = Nd4j.rand(DataType.FLOAT, 1, 2); INDArray y = p.predict(x1)) {
                assertArrayEquals(new long[] {1, 1 << 18}, y.shape());
            }
        }
    }

    /** The packed path at batch 128 (both threads) and 1, with and without in-place steps: no native memory and (almost) no heap per call. */
    @Test
    void allocatesNothingPerCall() {
        DenseKernel kernel = vector();
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb
                && tb.isThreadAllocatedMemorySupported() && tb.isThreadAllocatedMemoryEnabled(), "per-thread allocation accounting");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        for (boolean norm : new boolean[] {false, true}) {
            // the plain MLP, and one with every kind of in-place step: layer norm, GELU and tanh
            // (the Vector API's SVML functions), softmax (e^x and the reductions), a residual block
            Model.Builder b = Model.builder(784).seed(1);
            if (norm) {
                b.add(Layers.dense(256)).add(Layers.layerNorm()).add(Layers.gelu()).add(Layers.residual(Layers.dense(256, Activation.TANH)))
                        .add(Layers.batchNorm()).add(Layers.dense(10, Activation.SOFTMAX));
            } else {
                b.add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10));
            }
            allocatesNothingPerCall(b.build(), kernel, tb);
        }
    }

    private static void allocatesNothingPerCall(Model model, DenseKernel kernel, com.sun.management.ThreadMXBean tb) {
        try (Model m = model;
             Predictor p = Predictor.of(m, kernel)) {
            for (int batch : new int[] {128, 1}) {
                INDArray x = Nd4j.rand(DataType.FLOAT, batch, 784);
                INDArray out = Nd4j.create(DataType.FLOAT, batch, 10);
                float[] xs = x.data().asFloat();
                float[] ys = new float[batch * 10];
                for (int i = 0; i < 300; i++) {
                    p.predict(x, out);
                    p.predict(xs, ys);
                }
                // the JIT compiles the kernels' callers late, and the Vector API boxes vectors in
                // code it has not compiled yet: the least over a few windows is the steady state
                long id = Thread.currentThread().getId();
                int calls = 250;
                long least = Long.MAX_VALUE;
                for (int window = 0; window < 8 && least >= 16L * calls; window++) {
                    long before = tb.getThreadAllocatedBytes(id);
                    try (AllocationCounter counter = new AllocationCounter()) {
                        for (int i = 0; i < calls; i++) {
                            p.predict(x, out);
                            p.predict(xs, ys);
                        }
                        assertEquals(0, counter.allocations, "native allocations in " + calls + " calls at batch " + batch);
                    }
                    least = Math.min(least, tb.getThreadAllocatedBytes(id) - before);
                }
                assertTrue(least < 16L * calls, "heap bytes allocated in " + calls + " calls at batch " + batch + ": " + least + " ("
                        + m.layers().size() + " layers)");
                assertClose(out.data().asFloat(), ys, "the two calls agree");
            }
        }
    }

    /**
     * The packed predictor's outputs are the same bit for bit at 1, 2, 3, 4 and 8 threads: a
     * batch of one row (the first layer's panels shared), of 100 rows (chunks shared) and through
     * the float[] call; under concurrent callers at 4 threads too.
     */
    @Test
    void outputsAreBitIdenticalAtAnyThreadCount() throws Exception {
        DenseKernel kernel = vector();
        try (Model m = Model.builder(784).seed(3).add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).build()) {
            SplittableRandom r = new SplittableRandom(8);
            float[] x = new float[100 * 784];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble();
            }
            float[][] reference = null;
            for (int threads : new int[] {1, 2, 3, 4, 8}) {
                try (Predictor p = dev.aiaas.core.kernel.Parallel.withThreads(threads, () -> Predictor.of(m, kernel))) {
                    assertTrue(p.kernel().endsWith(threads == 1 ? ", 1 thread" : ", " + threads + " threads"), p.kernel());
                    float[][] got = new float[3][];
                    got[0] = new float[10];
                    p.predict(Arrays.copyOf(x, 784), got[0]);
                    got[1] = new float[100 * 10];
                    p.predict(x, got[1]);
                    try (INDArray xs = Nd4j.createFromArray(x).reshape(100, 784); INDArray y = p.predict(xs)) {
                        got[2] = y.data().asFloat();
                    }
                    if (reference == null) {
                        reference = got;
                        continue;
                    }
                    for (int k = 0; k < got.length; k++) {
                        for (int i = 0; i < got[k].length; i++) {
                            assertEquals(Float.floatToRawIntBits(reference[k][i]), Float.floatToRawIntBits(got[k][i]),
                                    "call " + k + ", output " + i + " at " + threads + " threads");
                        }
                    }
                    if (threads == 4) { // two callers at once, each sharing with the pool
                        float[][] expect = reference;
                        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
                        try {
                            List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
                            for (int c = 0; c < 2; c++) {
                                fs.add(pool.submit(() -> {
                                    float[] y = new float[100 * 10];
                                    for (int rep = 0; rep < 20; rep++) {
                                        p.predict(x, y);
                                        assertArrayEquals(expect[1], y);
                                    }
                                    return null;
                                }));
                            }
                            for (java.util.concurrent.Future<?> f : fs) {
                                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                            }
                        } finally {
                            pool.shutdownNow();
                        }
                    }
                }
            }
        }
    }

    @Test
    void sharesItsChunksAmongTheEnginesComputeThreads() {
        DenseKernel kernel = vector();
        BackendOptions base = BackendOptions.fromEnvironment();
        int before = Backends.computeThreads();
        try (Model m = Model.builder(4).add(Layers.dense(3)).build()) {
            Backends.select(base.withThreads(1, 1));
            assertEquals(1, Backends.computeThreads());
            try (Predictor p = Predictor.of(m, kernel)) {
                assertTrue(p.kernel().endsWith(", 1 thread"), p.kernel());
            }
            Backends.select(base.withThreads(2, 2));
            try (Predictor p = Predictor.of(m, kernel)) {
                assertTrue(p.kernel().endsWith(", 2 threads"), p.kernel());
            }
            Backends.select(base.withThreads(3, 3));
            try (Predictor p = Predictor.of(m, kernel)) {
                assertTrue(p.kernel().endsWith(", 3 threads"), p.kernel());
            }
        } finally {
            Backends.select(base.withThreads(before, before));
        }
    }

    @Test
    void theKernelsSayWhatTheyAre() {
        Optional<DenseKernel> wide = DenseKernels.of(512);
        Optional<DenseKernel> narrow = DenseKernels.of(256);
        assumeTrue(narrow.isPresent(), "the Vector API with 256-bit vectors");
        assertEquals(8, narrow.get().lanes());
        assertEquals(16, narrow.get().panel());
        assertTrue(narrow.get().describe().startsWith("AVX2"), narrow.get().describe());
        wide.ifPresent(k -> {
            assertEquals(16, k.lanes());
            assertEquals(48, k.panel());
            assertEquals(k.describe(), DenseKernels.VECTOR.orElseThrow().describe(), "the widest is the default");
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DenseKernels.of(1024));
        assertTrue(e.getMessage().contains("bits=1024"), e.getMessage());
    }

    @Test
    void packingLaysPanelsOutColumnByColumn() {
        int in = 3;
        int units = 50; // one 48-column panel, then a 16-column one holding columns 48 and 49
        float[] w = new float[in * units];
        for (int j = 0; j < units; j++) {
            for (int k = 0; k < in; k++) {
                w[k + j * in] = 1000 * j + k; // column-major, as in θ
            }
        }
        float[] p = DenseKernels.pack(w, in, units, 48, 16);
        assertEquals(in * 64, p.length);
        assertEquals(64, DenseKernels.padded(units, 16));
        assertEquals(2001, p[1 * 48 + 2]); // panel 0, k = 1, column 2
        assertEquals(49002, p[in * 48 + 2 * 16 + 1]); // panel 1, k = 2, column 49
        assertEquals(0, p[in * 48 + 2 * 16 + 2]); // padding
    }
}
