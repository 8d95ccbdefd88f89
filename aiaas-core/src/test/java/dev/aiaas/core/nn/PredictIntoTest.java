package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.AllocationCounter;
import dev.aiaas.core.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link Model#predict(INDArray, INDArray)}: the same values as {@link Model#predict(INDArray)}, in the caller's buffer. */
class PredictIntoTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static Model mlp(DataType type) {
        return Model.builder(6).add(Layers.dense(5, Activation.RELU)).add(Layers.dense(4)).dataType(type).seed(3).build();
    }

    @ParameterizedTest(name = "batch {0}, out in ''{1}'' order, {2}")
    @CsvSource({"1, c, FLOAT", "7, c, FLOAT", "7, f, FLOAT", "7, c, DOUBLE", "7, f, DOUBLE", "1, f, DOUBLE"})
    void writesWhatPredictReturns(int batch, char order, DataType type) {
        try (Model m = mlp(type)) {
            INDArray x = Nd4j.rand(DataType.FLOAT, batch, 6).subi(0.5);
            INDArray expected = m.predict(x);
            INDArray out = Nd4j.create(type, new long[] {batch, 4}, order);
            assertSame(out, m.predict(x, out));
            assertEquals(expected.castTo(type), out.dup('c'));
        }
    }

    @Test
    void aSequenceModelsOutputToo() {
        try (Model m = Model.builder(3).add(Layers.embedding(9, 4)).add(Layers.lstm(5))
                .add(Layers.timeDistributed(Layers.dense(9))).seed(2).build()) {
            INDArray x = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}});
            INDArray out = Nd4j.create(DataType.FLOAT, new long[] {2, 3, 9}, 'c');
            m.predict(x, out);
            assertEquals(m.predict(x), out);
        }
    }

    @Test
    void badBuffersAreRejectedByNameAndLeftUnchanged() {
        try (Model m = mlp(DataType.FLOAT)) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 3, 6);
            INDArray wrongShape = Nd4j.valueArrayOf(new long[] {3, 5}, 7f, DataType.FLOAT);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predict(x, wrongShape));
            assertTrue(e.getMessage().contains("out must have shape [3, 4]") && e.getMessage().contains("[3, 5]")
                    && e.getMessage().contains("Nd4j.create(DataType.FLOAT, new long[] {3, 4}, 'c')"), e.getMessage());
            assertEquals(7.0, wrongShape.maxNumber().doubleValue());
            assertEquals(7.0, wrongShape.minNumber().doubleValue());
            e = assertThrows(IllegalArgumentException.class, () -> m.predict(x, Nd4j.create(DataType.DOUBLE, 3, 4)));
            assertTrue(e.getMessage().contains("FLOAT") && e.getMessage().contains("DOUBLE"), e.getMessage());
            INDArray wide = Nd4j.zeros(DataType.FLOAT, 3, 8);
            INDArray view = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 4));
            e = assertThrows(IllegalArgumentException.class, () -> m.predict(x, view));
            assertTrue(e.getMessage().contains("contiguous"), e.getMessage());
            assertEquals(0.0, wide.norm1Number().doubleValue());
        }
    }

    /** Serving at batch 1: after the first call, no native memory and (almost) no heap per call. */
    @Test
    void allocatesNothingPerCall() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb
                && tb.isThreadAllocatedMemorySupported() && tb.isThreadAllocatedMemoryEnabled(), "per-thread allocation accounting");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        try (Model m = Model.builder(784).add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).seed(1).build()) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 1, 784);
            INDArray out = Nd4j.create(DataType.FLOAT, 1, 10);
            for (int i = 0; i < 200; i++) {
                m.predict(x, out);
            }
            long id = Thread.currentThread().getId();
            int calls = 2000;
            long before = tb.getThreadAllocatedBytes(id);
            try (AllocationCounter counter = new AllocationCounter()) {
                for (int i = 0; i < calls; i++) {
                    m.predict(x, out);
                }
                assertEquals(0, counter.allocations, "native allocations in " + calls + " calls");
            }
            long bytes = tb.getThreadAllocatedBytes(id) - before;
            assertTrue(bytes < 16L * calls, "heap bytes allocated in " + calls + " calls: " + bytes);
        }
    }
}
