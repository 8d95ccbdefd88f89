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
}
