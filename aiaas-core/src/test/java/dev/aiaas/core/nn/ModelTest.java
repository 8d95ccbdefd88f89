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
    void summaryListsLayersShapesAndCounts() {
        try (Model m = Model.builder(784).add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).build()) {
            assertEquals(784L * 256 + 256 + 256L * 10 + 10, m.parameterCount());
            String s = m.summary();
            assertTrue(s.contains("dense (relu)") && s.contains("[256]") && s.contains("200,960"), s);
            assertTrue(s.contains("total parameters: 203,530"), s);
            assertArrayEquals(new long[] {10}, m.outputShape());
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
