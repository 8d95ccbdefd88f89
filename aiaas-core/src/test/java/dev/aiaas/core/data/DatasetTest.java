package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DatasetTest {

    @BeforeAll
    static void backend() {
        // explicitly the CPU, as every test JVM runs on it (and BackendsTest expects 'requested: cpu')
        Backends.select(BackendOptions.of(BackendKind.CPU));
    }

    /** n examples with d features; example i has features i*10 + j and label i % 3. */
    static Dataset numbered(int n, int d) {
        float[][] x = new float[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = i * 10 + j;
            }
            y[i] = i % 3;
        }
        return Dataset.ofLabels(Nd4j.createFromArray(x), y, 3);
    }

    @Test
    void factoriesCopyAndReport() {
        INDArray x = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}});
        int[] y = {0, 1};
        try (Dataset ds = Dataset.ofLabels(x, y, 2)) {
            x.putScalar(0, 0, 99);
            y[0] = 1;
            assertEquals(1f, ds.features().getFloat(0, 0));
            assertEquals(DataType.FLOAT, ds.features().dataType());
            assertEquals(0, ds.label(0));
            assertEquals(2, ds.size());
            assertEquals(2, ds.featureCount());
            assertEquals(2, ds.targetCount());
            assertArrayEquals(new int[] {1, 1}, ds.classCounts());
            assertEquals("Dataset[n=2, d=2, labels, k=2]", ds.toString());
            assertThrows(IllegalStateException.class, ds::targets);
        }
        try (Dataset ds = Dataset.ofLabels(x, Nd4j.createFromArray(1.0, 0.0), 2)) {
            assertArrayEquals(new int[] {1, 0}, ds.labels());
        }
    }

    @Test
    void floatTargets() {
        try (Dataset ds = Dataset.ofTargets(Nd4j.createFromArray(new float[][] {{1}, {2}, {3}}),
                Nd4j.createFromArray(0.5f, 1.5f, 2.5f))) {
            assertFalse(ds.hasLabels());
            assertEquals(1, ds.targetCount());
            assertArrayEquals(new long[] {3, 1}, ds.targets().shape());
            IllegalStateException e = assertThrows(IllegalStateException.class, ds::labels);
            assertTrue(e.getMessage().contains("float targets"), e.getMessage());
            assertThrows(IllegalStateException.class, ds::numClasses);
        }
    }

    @Test
    void invalidInputsNameTheValueAndTheFix() {
        INDArray x = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofLabels(x, new int[] {0, 5}, 3));
        assertTrue(e.getMessage().contains("labels[1] = 5 is outside [0, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.ofLabels(x, new int[] {0}, 3));
        assertTrue(e.getMessage().contains("length 1; expected 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.ofLabels(x, new int[] {0, 0}, 0));
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofLabels(Nd4j.createFromArray(1f, 2f), new int[] {0, 0}, 1));
        assertTrue(e.getMessage().contains("expected a matrix [n, d]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofLabels(x, Nd4j.createFromArray(0.5, 1.0), 2));
        assertTrue(e.getMessage().contains("labels[0] = 0.5 is not an integer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.ofLabels(x, Nd4j.ones(2, 2), 2));
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofTargets(x, Nd4j.createFromArray(new float[][] {{1, 2, 3}})));
        assertTrue(e.getMessage().contains("expected [2, k]"), e.getMessage());
    }

    @Test
    void oneHotEncodeAndDecode() {
        try (INDArray y = OneHot.encode(new int[] {2, 0}, 3)) {
            assertArrayEquals(new float[][] {{0, 0, 1}, {1, 0, 0}}, y.toFloatMatrix());
            assertArrayEquals(new int[] {2, 0}, OneHot.decode(y));
        }
        assertThrows(IllegalArgumentException.class, () -> OneHot.encode(new int[] {3}, 3));
        assertThrows(IllegalArgumentException.class, () -> OneHot.decode(Nd4j.createFromArray(1f, 2f)));
    }

    @Test
    void splitIsDisjointCompleteAndReproducible() {
        try (Dataset ds = numbered(10, 2); TrainTest s = ds.split(0.3, 5); TrainTest again = ds.split(0.3, 5)) {
            assertEquals(7, s.train().size());
            assertEquals(3, s.test().size());
            float[] firsts = new float[10];
            for (int i = 0; i < 7; i++) {
                firsts[i] = s.train().features().getFloat(i, 0);
                assertEquals((int) firsts[i] / 10 % 3, s.train().label(i)); // labels follow their rows
            }
            for (int i = 0; i < 3; i++) {
                firsts[7 + i] = s.test().features().getFloat(i, 0);
            }
            Arrays.sort(firsts);
            for (int i = 0; i < 10; i++) {
                assertEquals(i * 10f, firsts[i]);
            }
            assertEquals(s.test().features(), again.test().features());
        }
    }

    @Test
    void splitRejectsBadFractions() {
        try (Dataset ds = numbered(10, 2)) {
            for (double f : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ds.split(f, 1));
                assertTrue(e.getMessage().contains("held-out fraction " + f + " of 10 examples") && e.getMessage().contains("(0, 1)"),
                        e.getMessage());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ds.split(0.01, 1));
            assertTrue(e.getMessage().contains("leaves 0 held out and 10 for training")
                    && e.getMessage().contains("Use a fraction between 0.1 and 0.9"), e.getMessage());
        }
    }

    @Test
    void shuffledAndSubset() {
        try (Dataset ds = numbered(5, 1); Dataset sh = ds.shuffled(3); Dataset sub = ds.subset(new int[] {4, 4, 0})) {
            int[] p = Shuffle.permutation(5, 3);
            for (int i = 0; i < 5; i++) {
                assertEquals(p[i] * 10f, sh.features().getFloat(i, 0));
            }
            assertArrayEquals(new int[] {1, 1, 0}, sub.labels());
            assertThrows(IllegalArgumentException.class, () -> ds.subset(new int[] {5}));
        }
    }

    @Test
    void closedDatasetRefusesUse() {
        Dataset ds = numbered(3, 1);
        ds.close();
        ds.close();
        assertTrue(ds.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, ds::features);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void copyRowsIntoCallerBuffersValidatesThem() {
        try (Dataset ds = numbered(4, 2); INDArray x = Nd4j.create(DataType.FLOAT, new long[] {2, 2}, 'f');
                INDArray y = Nd4j.create(DataType.FLOAT, new long[] {2, 3}, 'c')) {
            int[] labels = new int[2];
            ds.copyRows(new int[] {3, 1, 0, 2}, 0, 2, x, y, labels);
            assertArrayEquals(new float[][] {{30, 31}, {10, 11}}, x.toFloatMatrix());
            assertArrayEquals(new float[][] {{1, 0, 0}, {0, 1, 0}}, y.toFloatMatrix());
            assertArrayEquals(new int[] {0, 1}, labels);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ds.copyRows(new int[] {0, 1, 2}, 0, 3, x, null, null));
            assertTrue(e.getMessage().contains("featuresOut has shape [2, 2]; expected [3, 2]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ds.copyRows(new int[] {0, 9}, 0, 2, x, null, null));
            assertThrows(IllegalArgumentException.class, () -> ds.copyRows(new int[] {0}, 0, 2, x, null, null));
            assertThrows(IllegalArgumentException.class, () -> ds.copyRows(new int[] {0, 1}, 0, 2, x, null, new int[1]));
            assertThrows(IllegalArgumentException.class,
                    () -> ds.copyRows(new int[] {0, 1}, 0, 2, Nd4j.create(DataType.DOUBLE, 2, 2), null, null));
            assertNotSame(x, y);
            assertSame(x, x);
        }
    }

    @Test
    void ofPlainArraysCopiesAndCountsTheClasses() {
        float[][] x = {{1, 2}, {3, 4}, {5, 6}};
        int[] y = {0, 2, 0};
        try (Dataset ds = Dataset.of(x, y)) {
            x[0][0] = 99;
            y[0] = 1;
            assertArrayEquals(new float[][] {{1, 2}, {3, 4}, {5, 6}}, ds.features().toFloatMatrix());
            assertArrayEquals(new int[] {0, 2, 0}, ds.labels());
            assertEquals(3, ds.numClasses());
        }
        try (Dataset ds = Dataset.of(x, y, 5)) {
            assertEquals(5, ds.numClasses());
        }
    }

    @Test
    void ofPlainArraysNamesTheBadRow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new float[][] {{1, 2}, {3}}, new int[] {0, 1}));
        assertTrue(e.getMessage().startsWith("x[1] has 1 features; expected 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[][] {{1, 2}, null}, new int[] {0, 1}));
        assertTrue(e.getMessage().startsWith("x[1] has no array (null)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new float[][] {{1, 2}, {3, Float.NaN}}, new int[] {0, 1}));
        assertTrue(e.getMessage().startsWith("x[1][1] = NaN; expected finite features"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new float[][] {{Float.POSITIVE_INFINITY}}, new int[] {0}));
        assertTrue(e.getMessage().startsWith("x[0][0] = Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[][] {{1}, {2}}, new int[] {0, -1}));
        assertTrue(e.getMessage().startsWith("y[1] = -1; expected a class index >= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[][] {{1}, {2}}, new int[] {0}));
        assertTrue(e.getMessage().contains("one label per row"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[][] {{1}}, new int[] {3}, 2));
        assertTrue(e.getMessage().contains("labels[0] = 3 is outside [0, 2)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[0][], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[][] {{}}, new int[] {0}));
    }
}
