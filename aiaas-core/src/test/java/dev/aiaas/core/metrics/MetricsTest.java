package dev.aiaas.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MetricsTest {

    static final double EPS = 1e-6;

    @BeforeAll
    static void backend() {
        // explicitly the CPU, as every test JVM runs on it (and BackendsTest expects 'requested: cpu')
        Backends.select(BackendOptions.of(BackendKind.CPU));
    }

    @Test
    void regressionByHand() {
        float[] p = {1, 2, 3};
        float[] t = {1, 3, 5};
        // errors 0, -1, -2; mean target 3; total sum of squares 4 + 0 + 4
        assertEquals((0 + 1 + 4) / 3.0, Regression.mse(p, t), 1e-12);
        assertEquals((0 + 1 + 2) / 3.0, Regression.mae(p, t), 1e-12);
        assertEquals(1 - 5.0 / 8, Regression.r2(p, t), 1e-12);
        assertTrue(Double.isNaN(Regression.r2(new float[] {1, 2}, new float[] {3, 3})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Regression.mse(new float[] {1}, new float[] {1, 2}));
        assertTrue(e.getMessage().contains("length 1 and targets 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Regression.mae(new float[0], new float[0]));
    }

    @Test
    void catalogueOnNd4jArrays() {
        INDArray scores = Nd4j.createFromArray(new float[][] {{0.1f, 0.7f, 0.2f}, {0.5f, 0.5f, 0f}, {0.9f, 0.05f, 0.05f}});
        INDArray labels = Nd4j.createFromArray(2, 1, 0);
        INDArray oneHot = Nd4j.createFromArray(new float[][] {{0, 0, 1}, {0, 1, 0}, {1, 0, 0}});
        // argmax predictions 1, 0, 0 against 2, 1, 0
        assertEquals(1.0 / 3, Metrics.accuracy().compute(scores, labels), EPS);
        assertEquals(1.0 / 3, Metrics.accuracy().compute(scores, oneHot), EPS);
        assertEquals(1.0, Metrics.topK(2).compute(scores, labels), EPS);
        assertEquals("top2_accuracy", Metrics.topK(2).name());
        // per class: c0 P=1/2 R=1, c1 P=0 R=0, c2 no prediction P=0 R=0
        assertEquals((0.5 + 0 + 0) / 3, Metrics.precision(Average.MACRO).compute(scores, labels), EPS);
        assertEquals((1 + 0 + 0) / 3.0, Metrics.recall(Average.MACRO).compute(scores, labels), EPS);
        assertEquals((2.0 / 3 + 0 + 0) / 3, Metrics.f1(Average.MACRO).compute(scores, labels), EPS);
        assertEquals(1.0 / 3, Metrics.f1(Average.MICRO).compute(scores, labels), EPS);
        assertEquals("macro_f1", Metrics.f1(Average.MACRO).name());
        assertEquals(0.875, Metrics.rocAuc().compute(Nd4j.createFromArray(0.1f, 0.5f, 0.5f, 0.9f),
                Nd4j.createFromArray(0, 0, 1, 1)), EPS);
        assertEquals(0.875, Metrics.rocAuc().compute(
                Nd4j.createFromArray(new float[][] {{0.9f, 0.1f}, {0.5f, 0.5f}, {0.5f, 0.5f}, {0.1f, 0.9f}}),
                Nd4j.createFromArray(new float[][] {{1, 0}, {1, 0}, {0, 1}, {0, 1}})), EPS);
        INDArray p = Nd4j.createFromArray(new float[][] {{1}, {2}, {3}});
        INDArray t = Nd4j.createFromArray(1f, 3f, 5f);
        assertEquals(5.0 / 3, Metrics.mse().compute(p, t), EPS);
        assertEquals(1.0, Metrics.mae().compute(p, t), EPS);
        assertEquals(3.0 / 8, Metrics.r2().compute(p, t), EPS);
        assertFalse(Metrics.mse().higherIsBetter());
        assertTrue(Metrics.r2().higherIsBetter());
    }

    @Test
    void catalogueErrorsNameShapesAndValues() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.topK(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.topK(2).compute(Nd4j.createFromArray(1, 0), Nd4j.createFromArray(1, 0)));
        assertTrue(e.getMessage().contains("needs scores [n, classes]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.accuracy().compute(Nd4j.createFromArray(0.5f, 1f), Nd4j.createFromArray(0, 1)));
        assertTrue(e.getMessage().contains("predictions[0] = 0.5 is not a class index"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.accuracy().compute(Nd4j.ones(2, 2, 2), Nd4j.createFromArray(0, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.rocAuc().compute(Nd4j.ones(2, 3), Nd4j.createFromArray(0, 1)));
        e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.mse().compute(Nd4j.ones(3), Nd4j.ones(2)));
        assertTrue(e.getMessage().contains("equal length"), e.getMessage());
    }
}
