package dev.aiaas.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every loss: finite-difference gradient in float64, hand-worked values, stability, errors. */
class LossConformanceTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    static Stream<Loss> losses() {
        return Losses.NAMES.stream().map(Losses::parse);
    }

    private static INDArray random(long rows, long cols, SplittableRandom r, double lo, double hi, char order) {
        INDArray a = Nd4j.create(DataType.DOUBLE, new long[] {rows, cols}, order);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, r.nextDouble(lo, hi));
        }
        return a;
    }

    private static INDArray targetsFor(Loss loss, long rows, long cols, SplittableRandom r) {
        if (loss.name().startsWith("sparse")) {
            INDArray t = Nd4j.create(DataType.DOUBLE, rows, 1);
            for (long i = 0; i < rows; i++) {
                t.putScalar(i, r.nextInt((int) cols));
            }
            return t;
        }
        if (loss.name().contains("cross_entropy")) {
            return random(rows, cols, r, 0, 1, 'f');
        }
        return random(rows, cols, r, -2, 2, 'f');
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void gradientMatchesFiniteDifferences(Loss loss) {
        for (char order : new char[] {'f', 'c'}) {
            SplittableRandom r = new SplittableRandom(5);
            INDArray z = random(4, 3, r, -3, 3, order);
            INDArray t = targetsFor(loss, 4, 3, r);
            INDArray g = Nd4j.create(DataType.DOUBLE, new long[] {4, 3}, order);
            double value = loss.compute(z, t, g);
            assertEquals(value, loss.value(z, t), 0);
            double eps = 1e-6;
            for (long i = 0; i < z.length(); i++) {
                double old = z.getDouble(i);
                z.putScalar(i, old + eps);
                double up = loss.value(z, t);
                z.putScalar(i, old - eps);
                double down = loss.value(z, t);
                z.putScalar(i, old);
                double fd = (up - down) / (2 * eps);
                assertTrue(Math.abs(fd - g.getDouble(i)) <= 1e-7 * Math.max(1, Math.abs(fd)),
                        loss.name() + " order " + order + " element " + i + ": finite difference " + fd + ", analytic " + g.getDouble(i));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void finiteAtExtremeLogits(Loss loss) {
        INDArray z = Nd4j.createFromArray(new double[][] {{1e4, -1e4, 0}, {-1e4, 1e4, 3e3}});
        INDArray t = loss.name().startsWith("sparse") ? Nd4j.createFromArray(new double[] {1, 0})
                : Nd4j.createFromArray(new double[][] {{0, 1, 0}, {1, 0, 0}});
        INDArray g = Nd4j.create(DataType.DOUBLE, new long[] {2, 3}, 'c');
        double v = loss.compute(z, t, g);
        assertTrue(Double.isFinite(v), loss.name() + " = " + v);
        for (long i = 0; i < g.length(); i++) {
            assertTrue(Double.isFinite(g.getDouble(i)), loss.name() + " grad " + g);
        }
    }

    @Test
    void handWorkedValues() {
        INDArray p = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 5}});
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 4}});
        // errors 0, 2, 3, 1
        assertEquals((0 + 4 + 9 + 1) / 4.0, Losses.meanSquaredError().value(p, y), 1e-12);
        assertEquals((0 + 2 + 3 + 1) / 4.0, Losses.meanAbsoluteError().value(p, y), 1e-12);
        // δ = 1.5: 0, 1.5(2-0.75), 1.5(3-0.75), 0.5·1
        assertEquals((0 + 1.5 * 1.25 + 1.5 * 2.25 + 0.5) / 4.0, Losses.huber(1.5).value(p, y), 1e-12);
        // BCE on one logit z = 0, y = 1: log 2
        assertEquals(Math.log(2), Losses.binaryCrossEntropyFromLogits().value(Nd4j.createFromArray(new double[][] {{0}}),
                Nd4j.createFromArray(new double[][] {{1}})), 1e-12);
        // softmax CE with equal logits over 4 classes: log 4; sparse likewise
        INDArray equal = Nd4j.createFromArray(new double[][] {{2, 2, 2, 2}});
        assertEquals(Math.log(4), Losses.softmaxCrossEntropy().value(equal, Nd4j.createFromArray(new double[][] {{0, 0, 1, 0}})), 1e-12);
        assertEquals(Math.log(4), Losses.sparseSoftmaxCrossEntropy().value(equal, Nd4j.createFromArray(new double[] {3})), 1e-12);
        // logits (0, ln 3): p = (1/4, 3/4); label 0 → −ln(1/4)
        INDArray two = Nd4j.createFromArray(new double[][] {{0, Math.log(3)}});
        assertEquals(Math.log(4), Losses.sparseSoftmaxCrossEntropy().value(two, Nd4j.createFromArray(new double[] {0})), 1e-12);
    }

    @Test
    void errorsNameTheBadValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.parse("hinge"));
        assertTrue(e.getMessage().contains("'hinge'") && e.getMessage().contains("mse"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.huber(0));
        assertTrue(e.getMessage().contains("delta=0"), e.getMessage());
        INDArray z = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        e = assertThrows(IllegalArgumentException.class,
                () -> Losses.sparseSoftmaxCrossEntropy().value(z, Nd4j.createFromArray(new double[] {0, 3})));
        assertTrue(e.getMessage().contains("class index 3.0 at row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Losses.meanSquaredError().value(z, Nd4j.zeros(DataType.DOUBLE, 3, 2)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Losses.sparseSoftmaxCrossEntropy().value(z, Nd4j.zeros(DataType.DOUBLE, 2, 3)));
        assertTrue(e.getMessage().contains("softmaxCrossEntropy"), e.getMessage());
    }
}
