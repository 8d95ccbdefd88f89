package dev.aiaas.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RegularizerTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    @Test
    void handWorkedPenaltiesAndGradientsOverTheGivenRangeOnly() {
        INDArray w = Nd4j.createFromArray(1.0, -2.0, 0.0, 3.0);
        INDArray g = Nd4j.createFromArray(0.5, 0.5, 0.5, 0.5);
        // L2: 0.1 (1 + 4 + 0) = 0.5; ∂ = 0.2 w; entry 3 outside the range stays
        assertEquals(0.5, Regularizer.l2(0.1).addTo(w, g, 0, 3), 1e-15);
        assertEquals(Nd4j.createFromArray(0.7, 0.1, 0.5, 0.5), g);
        // L1: 0.1 (1 + 2 + 0) = 0.3; ∂ = 0.1 sign(w), sign(0) = 0
        g.assign(0.5);
        assertEquals(0.3, Regularizer.l1(0.1).addTo(w, g, 0, 3), 1e-15);
        assertEquals(0.6, g.getDouble(0), 1e-15);
        assertEquals(0.4, g.getDouble(1), 1e-15);
        assertEquals(0.5, g.getDouble(2), 1e-15);
        // both, on [1, 4): 0.1 (2 + 0 + 3) + 0.01 (4 + 0 + 9)
        assertEquals(0.5 + 0.13, Regularizer.l1l2(0.1, 0.01).penalty(w, 1, 4), 1e-15);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(3);
        INDArray w = Nd4j.create(DataType.DOUBLE, 10);
        for (int i = 0; i < 10; i++) {
            w.putScalar(i, r.nextDouble(-1, 1));
        }
        Regularizer reg = Regularizer.l1l2(0.03, 0.2);
        INDArray g = Nd4j.zeros(DataType.DOUBLE, 10);
        reg.addTo(w, g, 0, 10);
        double eps = 1e-6;
        for (int i = 0; i < 10; i++) {
            double old = w.getDouble(i);
            w.putScalar(i, old + eps);
            double up = reg.penalty(w, 0, 10);
            w.putScalar(i, old - eps);
            double down = reg.penalty(w, 0, 10);
            w.putScalar(i, old);
            assertEquals((up - down) / (2 * eps), g.getDouble(i), 1e-8, "∂R/∂w[" + i + "]");
        }
    }

    @Test
    void badFactorsAndRangesNameTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Regularizer.l2(-1)).getMessage().contains("l2=-1.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Regularizer.l1(Double.NaN)).getMessage().contains("l1=NaN"));
        INDArray w = Nd4j.zeros(DataType.DOUBLE, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Regularizer.l2(1).addTo(w, w.dup(), 0, 4));
        assertTrue(e.getMessage().contains("to=4"), e.getMessage());
    }
}
