package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelTest {

    @Test
    void kernelSlicesFindEveryDenseWeightMatrixAndNothingElse() {
        // dense 3→4: W [0, 12), b [12, 16); layer norm [16, 24); residual(dense 4→4: W [24, 40), b [40, 44));
        // batch norm [44, 60); dense 4→2: W [60, 68), b [68, 70)
        try (Model m = Model.builder(3).add(Layers.dense(4)).add(Layers.layerNorm()).add(Layers.residual(Layers.dense(4)))
                .add(Layers.batchNorm()).add(Layers.dense(2)).build()) {
            assertEquals(70, m.parameterCount());
            List<long[]> k = m.kernelSlices();
            assertEquals(3, k.size());
            assertArrayEquals(new long[] {0, 12}, k.get(0));
            assertArrayEquals(new long[] {24, 40}, k.get(1));
            assertArrayEquals(new long[] {60, 68}, k.get(2));
        }
    }

    @Test
    void stateSlicesFindEveryBatchNormStatisticWhereverItIs() {
        // batch norm over 3: γ β [0, 6), statistics [6, 12); dense 3→4 [12, 28);
        // residual(batch norm over 4: γ β [28, 36), statistics [36, 44)); dense 4→2 [44, 54)
        try (Model m = Model.builder(3).add(Layers.batchNorm()).add(Layers.dense(4)).add(Layers.residual(Layers.batchNorm()))
                .add(Layers.dense(2)).build()) {
            assertEquals(54, m.parameterCount());
            assertEquals(List.of("[6, 12]", "[36, 44]"), m.stateSlices().stream().map(java.util.Arrays::toString).toList());
            assertEquals(List.of("[12, 24]", "[44, 52]"), m.kernelSlices().stream().map(java.util.Arrays::toString).toList());
        }
        // in a time-distributed wrapper too: dense 3→4 over steps [0, 16), then batch norm over 4 per step
        try (Model m = Model.builder(5, 3).add(Layers.timeDistributed(Layers.dense(4)))
                .add(Layers.timeDistributed(Layers.batchNorm())).build()) {
            assertEquals(List.of("[24, 32]"), m.stateSlices().stream().map(java.util.Arrays::toString).toList());
            assertEquals(List.of("[0, 12]"), m.kernelSlices().stream().map(java.util.Arrays::toString).toList());
        }
    }

    /** A dense layer that reports its parameters' roles wrongly. */
    private record Misreported(Layer inner, List<ParameterSlice> slices) implements Layer {
        @Override
        public String type() {
            return "misreported";
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
        public List<ParameterSlice> parameterSlices(long[] inputShape) {
            return slices == null ? Layer.super.parameterSlices(inputShape) : slices;
        }

        @Override
        public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
            return inner.instantiate(inputShape, dataType);
        }
    }

    @Test
    void parameterSlicesMustTileTheLayersParameters() {
        // dense 3→2: 8 parameters
        for (List<ParameterSlice> bad : List.of(List.of(ParameterSlice.kernel(0, 6)), List.of(ParameterSlice.kernel(0, 6),
                ParameterSlice.bias(5, 8)), List.of(ParameterSlice.bias(6, 8), ParameterSlice.kernel(0, 6)), List.<ParameterSlice>of())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Model.builder(3).add(new Misreported(Layers.dense(2), bad)).build(), bad.toString());
            assertTrue(e.getMessage().contains("misreported") && e.getMessage().contains("[0, 8)"), e.getMessage());
        }
        // nested in a residual block, it is caught too
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.builder(2)
                .add(Layers.residual(new Misreported(Layers.dense(2), List.of(ParameterSlice.kernel(0, 4))))).build());
        assertTrue(e.getMessage().contains("misreported"), e.getMessage());
        // the layer's default: all its parameters trained and not penalised
        try (Model m = Model.builder(3).add(new Misreported(Layers.dense(2), null)).build()) {
            assertEquals(List.of(), m.kernelSlices());
            assertEquals(List.of(ParameterSlice.other(0, 8)), m.layers().get(0).parameterSlices(new long[] {3}));
        }
        e = assertThrows(IllegalArgumentException.class, () -> ParameterSlice.kernel(4, 4));
        assertTrue(e.getMessage().contains("from=4, to=4"), e.getMessage());
    }

    @Test
    void summaryListsLayersShapesAndCounts() {
        try (Model m = Model.builder(784).add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).build()) {
            assertEquals(784L * 256 + 256 + 256L * 10 + 10, m.parameterCount());
            String s = m.summary();
            assertTrue(s.contains("dense (relu)") && s.contains("[256]") && s.contains("200,960"), s);
            assertTrue(s.contains("total parameters: 203,530"), s);
            assertArrayEquals(new long[] {10}, m.outputShape());
        }
        try (Model m = Model.builder(5, 3).add(Layers.timeDistributed(Layers.dense(4, Activation.TANH))).build()) {
            assertTrue(m.summary().contains("time_distributed (dense (tanh)) [5, 4]"), m.summary());
        }
    }

    @Test
    void denseComputesXWPlusBByHand() {
        try (Model m = Model.builder(2).add(Layers.dense(1, Activation.IDENTITY, Initializer.constant(0.5), Initializer.constant(1))).build()) {
            INDArray y = m.predict(Nd4j.createFromArray(new float[][] {{2, 4}, {-1, 1}}));
            assertEquals(0.5 * 2 + 0.5 * 4 + 1, y.getDouble(0, 0), 1e-6);
            assertEquals(0.5 * -1 + 0.5 * 1 + 1, y.getDouble(1, 0), 1e-6);
        }
    }

    @Test
    void parametersAreOneFlatVectorTheLayersViewInto() {
        try (Model m = Model.builder(2).add(Layers.dense(1, Activation.IDENTITY, Initializer.zeros(), Initializer.zeros())).build()) {
            m.parameters().putScalar(0, 1.0); // W[0,0]
            m.parameters().putScalar(2, 3.0); // b
            INDArray y = m.predict(Nd4j.createFromArray(new float[][] {{5, 7}}));
            assertEquals(5 + 3, y.getDouble(0, 0), 1e-6);
        }
    }

    @Test
    void differentSeedsGiveDifferentParameters() {
        try (Model a = Model.builder(4).add(Layers.dense(3)).seed(1).build();
             Model b = Model.builder(4).add(Layers.dense(3)).seed(2).build()) {
            assertNotEquals(a.parameters(), b.parameters());
        }
    }

    @Test
    void acceptsAnyOrderAndTypeOfInput() {
        try (Model m = Model.builder(3).add(Layers.dense(2, Activation.TANH)).seed(5).build()) {
            INDArray c = Nd4j.rand(DataType.DOUBLE, 'c', 4, 3);
            assertEquals(m.predict(c.dup('f').castTo(DataType.FLOAT)), m.predict(c));
        }
    }

    @Test
    void errorsNameTheBadValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Layers.dense(-3));
        assertTrue(e.getMessage().contains("units=-3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Model.builder(4).build());
        assertTrue(e.getMessage().contains("at least one layer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Model.builder(0));
        assertTrue(e.getMessage().contains("[0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Model.builder(4).dataType(DataType.HALF));
        assertTrue(e.getMessage().contains("HALF"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Layers.residual(Layers.dense(3)).outputShape(new long[] {4}));
        assertTrue(e.getMessage().contains("keep the shape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Model.builder(4).add(Layers.residual(Layers.dense(3))).build());
        assertTrue(e.getMessage().contains("layer 0 (residual)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Activation.parse("swish"));
        assertTrue(e.getMessage().contains("'swish'") && e.getMessage().contains("relu"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Activation.leakyRelu(1.5));
        assertThrows(IllegalArgumentException.class, () -> new Initializer("zeros", 2));
        try (Model m = Model.builder(4).add(Layers.dense(2)).build()) {
            e = assertThrows(IllegalArgumentException.class, () -> m.predict(Nd4j.rand(DataType.FLOAT, 2, 5)));
            assertTrue(e.getMessage().contains("[batch, 4]") && e.getMessage().contains("[2, 5]"), e.getMessage());
        }
        Model closed = Model.builder(4).add(Layers.dense(2)).build();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.predict(Nd4j.rand(DataType.FLOAT, 2, 4)));
    }
}
