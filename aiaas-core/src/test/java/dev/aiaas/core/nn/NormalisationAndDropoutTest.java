package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Hand-worked values, training/inference behaviour and argument errors of Dropout, LayerNorm and BatchNorm. */
class NormalisationAndDropoutTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** A chain over one layer with float64 θ and ∇θ (returned in out[0], out[1]) bound and initialised from seed 7. */
    private static Chain chain(Layer layer, long width, INDArray[] paramsOut) {
        Chain c = new Chain(List.of(layer), new long[] {width}, DataType.DOUBLE);
        long p = Math.max(1, c.parameterCount());
        INDArray params = Nd4j.create(DataType.DOUBLE, new long[] {p}, 'c');
        INDArray grads = Nd4j.create(DataType.DOUBLE, new long[] {p}, 'c').assign(Double.NaN);
        c.bind(params, grads);
        c.initialise(new SplittableRandom(7));
        paramsOut[0] = params;
        paramsOut[1] = grads;
        return c;
    }

    private static INDArray matrix(double[][] rows) {
        return Nd4j.createFromArray(rows).dup('f');
    }

    @Test
    void layerNormNormalisesEachExampleOverItsFeatures() {
        INDArray[] p = new INDArray[2];
        try (Chain c = chain(Layers.layerNorm(), 2, p)) {
            // row (1, 3): μ = 2, σ² = 1 → (∓1)/√(1 + 1e-5); row (5, 5): σ² = 0 → 0
            INDArray y = c.forward(matrix(new double[][] {{1, 3}, {5, 5}}), false);
            double s = 1 / Math.sqrt(1 + 1e-5);
            assertEquals(-s, y.getDouble(0, 0), 1e-12);
            assertEquals(s, y.getDouble(0, 1), 1e-12);
            assertEquals(0, y.getDouble(1, 0), 1e-12);
            assertEquals(Nd4j.createFromArray(1.0, 1.0, 0.0, 0.0), p[0], "γ = 1 then β = 0");
        }
    }

    @Test
    void batchNormUsesBatchStatisticsInTrainingAndRunningOnesAtInference() {
        INDArray[] p = new INDArray[2];
        try (Chain c = chain(Layers.batchNorm(), 1, p)) {
            // column (1, 3): μ = 2, σ² = 1 (biased) → ∓1/√(1 + 1e-3)
            INDArray x = matrix(new double[][] {{1}, {3}});
            INDArray y = c.forward(x, true);
            double s = 1 / Math.sqrt(1 + 1e-3);
            assertEquals(-s, y.getDouble(0, 0), 1e-12);
            assertEquals(s, y.getDouble(1, 0), 1e-12);
            // θ = γ, β, running mean 0.99·0 + 0.01·2, running variance 0.99·1 + 0.01·1
            assertEquals(0.02, p[0].getDouble(2), 1e-15);
            assertEquals(1.0, p[0].getDouble(3), 1e-15);
            // inference: (x − 0.02)/√(1 + 1e-3), the running statistics stay
            INDArray yi = c.forward(x, false);
            assertEquals((1 - 0.02) / Math.sqrt(1.001), yi.getDouble(0, 0), 1e-12);
            assertEquals((3 - 0.02) / Math.sqrt(1.001), yi.getDouble(1, 0), 1e-12);
            assertEquals(0.02, p[0].getDouble(2), 1e-15);
            // backward writes 0 into the running statistics' gradient entries
            c.forward(x, true);
            c.backward(matrix(new double[][] {{0.5}, {-2}}), true);
            assertEquals(0.0, p[1].getDouble(2));
            assertEquals(0.0, p[1].getDouble(3));
            assertEquals(0.5 - 2, p[1].getDouble(1), 1e-12, "∂L/∂β = Σ ∂L/∂y");
        }
    }

    @Test
    void dropoutIsTheIdentityOutsideTrainingAndScaledMaskingInTraining() {
        double rate = 0.25;
        int rows = 200;
        int cols = 40;
        INDArray[] p = new INDArray[2];
        try (Chain c = chain(Layers.dropout(rate), cols, p)) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, 'f', rows, cols).addi(0.5);
            assertEquals(x, c.forward(x, false));
            INDArray y = c.forward(x, true).dup('f');
            long dropped = 0;
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < cols; k++) {
                    double v = y.getDouble(r, k);
                    if (v == 0) {
                        dropped++;
                    } else {
                        assertEquals(x.getDouble(r, k) / (1 - rate), v, 1e-12, "kept inputs are scaled by 1/(1 − p)");
                    }
                }
            }
            double share = (double) dropped / y.length();
            assertTrue(Math.abs(share - rate) < 0.03, "dropped share " + share + ", rate " + rate);
            // for a fixed mask the layer is linear in x: ∂L/∂x = ∂L/∂y ⊙ y/x
            INDArray dy = Nd4j.rand(DataType.DOUBLE, 'f', rows, cols);
            INDArray dx = c.backward(dy, true);
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < cols; k++) {
                    assertEquals(dy.getDouble(r, k) * y.getDouble(r, k) / x.getDouble(r, k), dx.getDouble(r, k), 1e-12);
                }
            }
            assertNotEquals(y, c.forward(x, true), "each training forward draws a new mask");
        }
    }

    @Test
    void dropoutMasksFollowTheModelSeed() {
        INDArray x = Nd4j.ones(DataType.FLOAT, 4, 8).dup('f');
        try (Model a = Model.builder(8).add(Layers.dropout(0.5)).seed(3).build();
             Model b = Model.builder(8).add(Layers.dropout(0.5)).seed(3).build();
             Model other = Model.builder(8).add(Layers.dropout(0.5)).seed(4).build()) {
            INDArray ya = a.forward(x, true).dup();
            assertEquals(ya, b.forward(x, true));
            assertNotEquals(ya, other.forward(x, true));
            assertEquals(a.forward(x, true).dup(), b.forward(x, true));
        }
    }

    @Test
    void buffersAreReusedForTheSameBatchSize() {
        for (Layer layer : List.of(Layers.dropout(0.3), Layers.layerNorm(), Layers.batchNorm())) {
            INDArray[] p = new INDArray[2];
            try (Chain c = chain(layer, 3, p)) {
                INDArray x = Nd4j.rand(DataType.DOUBLE, 'f', 4, 3);
                INDArray y1 = c.forward(x, true);
                INDArray dx1 = c.backward(y1.dup(), true);
                assertSame(y1, c.forward(x, true), layer.type());
                assertSame(dx1, c.backward(y1.dup(), true), layer.type());
            }
        }
    }

    @Test
    void badSettingsNameTheArgumentAndTheValue() {
        for (double rate : new double[] {-0.1, 1.0, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Layers.dropout(rate));
            assertTrue(e.getMessage().contains("rate=" + rate), e.getMessage());
        }
        for (double eps : new double[] {0, -1e-5, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Layers.layerNorm(eps)).getMessage()
                    .contains("epsilon=" + eps));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Layers.batchNorm(0.99, eps)).getMessage()
                    .contains("epsilon=" + eps));
        }
        for (double m : new double[] {1.0, -0.1, Double.NaN}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Layers.batchNorm(m, 1e-3)).getMessage()
                    .contains("momentum=" + m));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Model.builder(2, 2).add(Layers.batchNorm()).build());
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
    }
}
