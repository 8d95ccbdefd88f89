package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BatcherTest {

    @BeforeAll
    static void backend() {
        // explicitly the CPU, as every test JVM runs on it (and BackendsTest expects 'requested: cpu')
        Backends.select(BackendOptions.of(BackendKind.CPU));
    }

    /** Every example exactly once per epoch, rows matching their labels, buffers reused. */
    @ParameterizedTest
    @ValueSource(chars = {'c', 'f'})
    void coversEveryExampleOncePerEpochWithReusedBuffers(char order) {
        try (Dataset ds = DatasetTest.numbered(10, 3);
                Batcher b = new Batcher(ds, BatchOptions.of(4).withSeed(9).withFeatureOrder(order))) {
            assertEquals(3, b.batchesPerEpoch());
            List<INDArray> firstEpochBuffers = new ArrayList<>();
            int[][] orders = new int[2][];
            for (int epoch = 0; epoch < 2; epoch++) {
                b.startEpoch(epoch);
                int[] seen = new int[10];
                List<Integer> visit = new ArrayList<>();
                int batch = 0;
                while (b.next()) {
                    INDArray x = b.features();
                    assertEquals(order, x.ordering());
                    assertEquals(batch < 2 ? 4 : 2, b.size());
                    assertArrayEquals(new long[] {b.size(), 3}, x.shape());
                    assertArrayEquals(new long[] {b.size(), 3}, b.targets().shape());
                    assertEquals(b.size(), b.labels().length);
                    int[] idx = b.indices();
                    for (int r = 0; r < b.size(); r++) {
                        int i = (int) x.getFloat(r, 0) / 10;
                        assertEquals(idx[r], i);
                        assertEquals(i * 10 + 2, x.getFloat(r, 2));
                        assertEquals(i % 3, b.labels()[r]);
                        assertEquals(1f, b.targets().getFloat(r, i % 3));
                        assertEquals(1f, b.targets().getRow(r).sumNumber().floatValue());
                        seen[i]++;
                        visit.add(i);
                    }
                    if (epoch == 0) {
                        firstEpochBuffers.add(x);
                        firstEpochBuffers.add(b.targets());
                    } else {
                        assertSame(firstEpochBuffers.get(2 * batch), x);
                        assertSame(firstEpochBuffers.get(2 * batch + 1), b.targets());
                    }
                    batch++;
                }
                assertEquals(3, batch);
                int[] once = new int[10];
                Arrays.fill(once, 1);
                assertArrayEquals(once, seen);
                orders[epoch] = visit.stream().mapToInt(Integer::intValue).toArray();
            }
            assertSame(firstEpochBuffers.get(0), firstEpochBuffers.get(2)); // full batches share one buffer
            assertFalse(Arrays.equals(orders[0], orders[1]), "epochs are shuffled differently");
            b.startEpoch(0);
            List<Integer> replay = new ArrayList<>();
            while (b.next()) {
                for (int i : b.indices()) {
                    replay.add(i);
                }
            }
            assertArrayEquals(orders[0], replay.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    void unshuffledDropLastAndFloatTargets() {
        INDArray x = Nd4j.createFromArray(new float[][] {{0}, {1}, {2}, {3}, {4}});
        INDArray t = Nd4j.createFromArray(new float[][] {{0, 0}, {1, -1}, {2, -2}, {3, -3}, {4, -4}});
        try (Dataset ds = Dataset.ofTargets(x, t);
                Batcher b = new Batcher(ds, BatchOptions.of(2).withShuffle(false).withDropLast(true))) {
            assertEquals(2, b.batchesPerEpoch());
            b.startEpoch(0);
            assertTrue(b.next());
            assertTrue(b.next());
            assertArrayEquals(new float[][] {{2, -2}, {3, -3}}, b.targets().toFloatMatrix());
            assertFalse(b.next());
            assertThrows(IllegalStateException.class, b::labels);
        }
    }

    @Test
    @SuppressWarnings("try") // closes batchers explicitly to test use after close
    void errorsNameTheValueAndTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchOptions.of(0));
        assertTrue(e.getMessage().contains("batchSize=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BatchOptions.of(8).withFeatureOrder('x'));
        assertTrue(e.getMessage().contains("featureOrder='x'"), e.getMessage());
        try (Dataset ds = DatasetTest.numbered(3, 1)) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> new Batcher(ds, BatchOptions.of(4).withDropLast(true)));
            assertTrue(e.getMessage().contains("leaves no batch from 3 examples"), e.getMessage());
            Batcher b = new Batcher(ds, BatchOptions.of(4));
            assertThrows(IllegalStateException.class, b::next);
            assertThrows(IllegalStateException.class, b::features);
            assertThrows(IllegalArgumentException.class, () -> b.startEpoch(-1));
            b.startEpoch(0);
            assertTrue(b.next());
            assertEquals(3, b.size());
            b.close();
            b.close();
            assertThrows(IllegalStateException.class, () -> b.startEpoch(0));
            Batcher c = new Batcher(ds, BatchOptions.of(2));
            ds.close();
            c.startEpoch(0);
            IllegalStateException s = assertThrows(IllegalStateException.class, c::next);
            assertTrue(s.getMessage().contains("dataset was closed"), s.getMessage());
            c.close();
        }
    }

    /** Arrays, as the trainer batches them: x row-major and y column-major in the model's type, in the one shuffle order. */
    @Test
    void arraysBatchInTheChosenLayoutAndTypeInTheEpochSeedOrder() {
        double[][] xs = new double[7][3];
        double[][] ys = new double[7][2];
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 3; j++) {
                xs[i][j] = i * 10 + j + 0.25;
            }
            ys[i][0] = i;
            ys[i][1] = -i;
        }
        BatchOptions o = BatchOptions.of(3).withSeed(5).withTargetOrder('f').withDataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        try (Batcher b = Batcher.of(Nd4j.createFromArray(xs), Nd4j.createFromArray(ys).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), o)) {
            assertEquals(3, b.batchesPerEpoch());
            assertEquals(7, b.exampleCount());
            for (int epoch = 0; epoch < 2; epoch++) {
                int[] expected = {0, 1, 2, 3, 4, 5, 6};
                Shuffle.shuffle(expected, Shuffle.epochSeed(5, epoch));
                b.startEpoch(epoch);
                List<Integer> visit = new ArrayList<>();
                while (b.next()) {
                    INDArray x = b.features();
                    INDArray y = b.targets();
                    assertEquals('c', x.ordering());
                    assertEquals('f', y.ordering());
                    assertEquals(org.nd4j.linalg.api.buffer.DataType.DOUBLE, x.dataType());
                    assertEquals(org.nd4j.linalg.api.buffer.DataType.DOUBLE, y.dataType());
                    for (int r = 0; r < b.size(); r++) {
                        int i = b.indices()[r];
                        assertEquals(i * 10 + 2.25, x.getDouble(r, 2), 0.0, "float64 features keep their value");
                        assertEquals(-i, y.getDouble(r, 1), 0.0);
                        visit.add(i);
                    }
                }
                assertArrayEquals(expected, visit.stream().mapToInt(Integer::intValue).toArray(), "epoch " + epoch);
            }
            assertThrows(IllegalStateException.class, b::labels);
        }
    }

    /** A subset batches some rows of the same source: in the order given, or shuffled from them. */
    @Test
    void aSubsetVisitsItsRowsOfTheSharedSource() {
        INDArray x = Nd4j.createFromArray(new float[][] {{0}, {1}, {2}, {3}, {4}, {5}, {6}});
        INDArray y = Nd4j.createFromArray(0f, 10f, 20f, 30f, 40f, 50f, 60f);
        try (Batcher all = Batcher.of(x, y, BatchOptions.of(2).withSeed(3));
             Batcher fixed = all.subset(new int[] {6, 2, 4}, BatchOptions.of(2).withShuffle(false));
             Batcher shuffled = all.subset(new int[] {6, 2, 4, 1}, BatchOptions.of(4).withSeed(3))) {
            fixed.startEpoch(0);
            List<Float> seen = new ArrayList<>();
            while (fixed.next()) {
                for (int r = 0; r < fixed.size(); r++) {
                    seen.add(fixed.features().getFloat(r, 0));
                    assertEquals(10 * fixed.features().getFloat(r, 0), fixed.targets().getFloat(r, 0));
                }
            }
            assertEquals(List.of(6f, 2f, 4f), seen);
            int[] expected = {6, 2, 4, 1};
            Shuffle.shuffle(expected, Shuffle.epochSeed(3, 1));
            shuffled.startEpoch(1);
            assertTrue(shuffled.next());
            assertArrayEquals(expected, shuffled.indices());
            assertFalse(shuffled.next());
        }
    }

    /** A dataset batched into float64, column-major targets: one-hot rows and labels as in float32. */
    @Test
    void aDatasetBatchesIntoFloat64ColumnMajorTargetsToo() {
        try (Dataset ds = DatasetTest.numbered(5, 3);
             Batcher b = new Batcher(ds, BatchOptions.of(5).withShuffle(false).withTargetOrder('f')
                     .withDataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE))) {
            b.startEpoch(0);
            assertTrue(b.next());
            assertEquals('f', b.targets().ordering());
            for (int r = 0; r < 5; r++) {
                assertEquals(r * 10 + 1, b.features().getDouble(r, 1), 0.0);
                assertEquals(r % 3, b.labels()[r]);
                for (int c = 0; c < 3; c++) {
                    assertEquals(c == r % 3 ? 1.0 : 0.0, b.targets().getDouble(r, c), 0.0);
                }
            }
        }
    }

    @Test
    void arrayAndSubsetErrorsNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Batcher.of(Nd4j.zeros(4, 2), Nd4j.zeros(3), BatchOptions.of(2)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BatchOptions.of(2).withTargetOrder('x'));
        assertTrue(e.getMessage().contains("targetOrder='x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BatchOptions.of(2).withDataType(org.nd4j.linalg.api.buffer.DataType.INT));
        assertTrue(e.getMessage().contains("dataType=INT"), e.getMessage());
        try (Batcher b = Batcher.of(Nd4j.zeros(4, 2), Nd4j.zeros(4), BatchOptions.of(2))) {
            e = assertThrows(IllegalArgumentException.class, () -> b.subset(new int[] {0, 4}, BatchOptions.of(2)));
            assertTrue(e.getMessage().contains("sourceRows[1] = 4 is outside [0, 4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> b.subset(new int[0], BatchOptions.of(2)));
            assertTrue(e.getMessage().contains("no examples"), e.getMessage());
        }
    }

    /** Buffers whose size comes from the user (classes, batch size) are checked before they are allocated. */
    @Test
    void oversizedBatchBuffersAndOneHotMatricesAreRefusedBeforeAllocation() {
        INDArray x = Nd4j.createFromArray(new float[][] {{1}, {2}});
        try (Dataset wide = Dataset.ofLabels(x, new int[] {0, 1}, 1 << 30)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Batcher(wide, BatchOptions.of(2)));
            assertTrue(e.getMessage().contains("holds 2147483648 values in one buffer") && e.getMessage().contains("smaller batch"),
                    e.getMessage());
        }
        try (Dataset big = Dataset.ofLabels(x, new int[] {0, 1}, 3 << 27)) {
            dev.aiaas.core.backend.NativeMemoryException e = assertThrows(dev.aiaas.core.backend.NativeMemoryException.class,
                    () -> new Batcher(big, BatchOptions.of(2)));
            assertEquals(2L * (1 + (3 << 27)) * 4, e.requestedBytes());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OneHot.encode(new int[] {0, 1}, 1 << 30));
        assertTrue(e.getMessage().contains("sparseSoftmaxCrossEntropy"), e.getMessage());
        assertThrows(dev.aiaas.core.backend.NativeMemoryException.class, () -> OneHot.encode(new int[] {0, 1}, 3 << 27));
    }
}
