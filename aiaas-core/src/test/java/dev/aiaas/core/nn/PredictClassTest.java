package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link Model#predictClass(float[][])} and {@link Model#predictProba(float[][])} on hand-set weights. */
class PredictClassTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /**
     * dense(2 -> 3) with W = [[1, 0, 0], [0, 1, 0]] and b = [0, 0, 0.5]: logits (x0, x1, 0.5).
     * θ holds W column-major ([in, units]), then b.
     */
    static Model handSet(Activation activation, DataType dt) {
        Model m = Model.builder(2).add(Layers.dense(3, activation)).dataType(dt).build();
        m.parameters().assign(Nd4j.createFromArray(1.0, 0, 0, 1, 0, 0, 0, 0, 0.5).castTo(dt));
        return m;
    }

    @Test
    void theClassIsTheLargestOutputTheFirstOnTies() {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            try (Model m = handSet(Activation.IDENTITY, dt)) {
                assertArrayEquals(new int[] {0, 1, 2, 0}, m.predictClass(new float[][] {{2, 0}, {0, 1}, {0, 0}, {0.5f, 0.5f}}));
            }
        }
    }

    @Test
    void probabilitiesAreTheSoftmaxOfTheLogits() {
        try (Model m = handSet(Activation.IDENTITY, DataType.FLOAT)) {
            float[][] p = m.predictProba(new float[][] {{2, 0}, {0, 0}});
            double z = Math.exp(2) + 1 + Math.exp(0.5);
            assertArrayEquals(new float[] {(float) (Math.exp(2) / z), (float) (1 / z), (float) (Math.exp(0.5) / z)}, p[0], 1e-6f);
            double z2 = 2 + Math.exp(0.5);
            assertArrayEquals(new float[] {(float) (1 / z2), (float) (1 / z2), (float) (Math.exp(0.5) / z2)}, p[1], 1e-6f);
            // large logits do not overflow: the softmax subtracts the maximum
            p = m.predictProba(new float[][] {{1000, -1000}});
            assertArrayEquals(new float[] {1, 0, 0}, p[0], 1e-6f);
        }
    }

    @Test
    void aModelEndingInSoftmaxGivesItsOutputsAsTheyAre() {
        try (Model m = handSet(Activation.SOFTMAX, DataType.FLOAT);
             Model logits = handSet(Activation.IDENTITY, DataType.FLOAT);
             INDArray x = Nd4j.createFromArray(new float[][] {{2, 0}, {0, 1}});
             INDArray y = m.predict(x)) {
            float[][] p = m.predictProba(new float[][] {{2, 0}, {0, 1}});
            assertArrayEquals(y.toFloatMatrix(), p); // not a softmax of the softmax
            assertArrayEquals(logits.predictProba(new float[][] {{2, 0}, {0, 1}})[1], p[1], 1e-6f);
            assertArrayEquals(new int[] {0, 1}, m.predictClass(new float[][] {{2, 0}, {0, 1}}));
        }
        try (Model m = Model.builder(2).add(Layers.dense(3)).add(Layers.softmax()).build();
             INDArray x = Nd4j.createFromArray(new float[][] {{0.3f, -0.2f}});
             INDArray y = m.predict(x)) {
            float[][] p = m.predictProba(new float[][] {{0.3f, -0.2f}});
            assertArrayEquals(y.toFloatMatrix(), p); // the activation layer's softmax, not a second one
            assertEquals(1.0, p[0][0] + p[0][1] + p[0][2], 1e-6);
        }
    }

    @Test
    void badRowsAreNamedAndNonClassifiersRefused() {
        try (Model m = handSet(Activation.IDENTITY, DataType.FLOAT)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.predictClass(new float[][] {{1, 2}, {1, 2, 3}}));
            assertTrue(e.getMessage().startsWith("x[1] has 3 values; expected 2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.predictProba(new float[][] {{1, 2}, null}));
            assertTrue(e.getMessage().startsWith("x[1] has no array (null)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.predictClass(new float[0][]));
        }
        try (Model regression = Model.builder(2).add(Layers.dense(1)).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> regression.predictClass(new float[][] {{1, 2}}));
            assertTrue(e.getMessage().contains("outputs [1] per example"), e.getMessage());
        }
    }
}
