package dev.aiaas.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.AllocationCounter;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** After its first steps, a training step allocates no native memory. */
class SteadyStateMemoryTest {

    @Test
    void nativeMemoryIsFlatOverThousandsOfSteps() {
        Backends.current();
        // a hidden output of two heap chunks (32 x 160 > Dense.CHUNK) and a one-chunk logits layer
        try (Model m = Model.builder(100).add(Layers.dense(160, Activation.RELU)).add(Layers.dense(10)).seed(1).build();
             Optimizer.State state = Optimizers.adam(1e-3).newState(m.parameterCount(), DataType.FLOAT)) {
            Optimizer adam = Optimizers.adam(1e-3);
            Loss loss = Losses.sparseSoftmaxCrossEntropy();
            INDArray x = Nd4j.rand(DataType.FLOAT, 'c', 32, 100);
            INDArray y = Nd4j.create(DataType.FLOAT, new long[] {32, 1}, 'f');
            for (int i = 0; i < 32; i++) {
                y.putScalar(i, i % 10);
            }
            INDArray g = Nd4j.create(DataType.FLOAT, new long[] {32, 10}, 'f');
            long t = 0;
            for (int i = 0; i < 50; i++) {
                step(m, adam, state, loss, x, y, g, ++t);
            }
            try (AllocationCounter counter = new AllocationCounter()) {
                for (int i = 0; i < 3000; i++) {
                    step(m, adam, state, loss, x, y, g, ++t);
                }
                assertEquals(0, counter.allocations, "native allocations (JavaCPP pointers with a deallocator) in 3,000 steps");
            }
        }
    }

    /** The sequence stack of a neural language model: embedding, LSTM, time-distributed dense, sequence loss. */
    @Test
    void aSequenceModelStepAllocatesNoNativeMemoryEither() {
        Backends.current();
        try (Model m = Model.builder(12).add(Layers.embedding(50, 16)).add(Layers.lstm(32))
                .add(Layers.timeDistributed(Layers.dense(50))).seed(1).build();
             Optimizer.State state = Optimizers.adam(1e-3).newState(m.parameterCount(), DataType.FLOAT)) {
            Optimizer adam = Optimizers.adam(1e-3);
            Loss loss = Losses.sequenceSparseSoftmaxCrossEntropy();
            INDArray x = Nd4j.create(DataType.FLOAT, new long[] {16, 12}, 'c');
            INDArray y = Nd4j.create(DataType.FLOAT, new long[] {16, 12}, 'f');
            for (int i = 0; i < 16 * 12; i++) {
                x.putScalar(i, i % 50);
                y.putScalar(i, i % 7 == 0 ? Losses.PADDING : (i * 3) % 50);
            }
            INDArray g = Nd4j.create(DataType.FLOAT, new long[] {16, 12, 50}, 'f');
            long t = 0;
            for (int i = 0; i < 20; i++) {
                step(m, adam, state, loss, x, y, g, ++t);
            }
            try (AllocationCounter counter = new AllocationCounter()) {
                for (int i = 0; i < 300; i++) {
                    step(m, adam, state, loss, x, y, g, ++t);
                }
                assertEquals(0, counter.allocations, "native allocations (JavaCPP pointers with a deallocator) in 300 steps");
            }
        }
    }

    /**
     * A small decoder language model's step: embedding, learned and sinusoidal positions, a causal
     * pre-LN transformer block (multi-head attention, layer norms, GELU MLP, dropout, residuals),
     * time-distributed logits and the sequence loss, with Adam: after the first steps, no native
     * allocation and under 16 heap bytes per step on this thread.
     */
    @Test
    void aTransformerStepAllocatesNothing() {
        Backends.current();
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb
                && tb.isThreadAllocatedMemorySupported() && tb.isThreadAllocatedMemoryEnabled(), "per-thread allocation accounting");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        Model.Builder b = Model.builder(12).add(Layers.embedding(40, 16)).add(Layers.positionEmbedding(16))
                .add(Layers.sinusoidalPositions(16)).seed(1);
        Layers.transformerBlock(16, 2, 32, 0.1, true).forEach(b::add);
        try (Model m = b.add(Layers.timeDistributed(Layers.dense(40))).build();
             Optimizer.State state = Optimizers.adam(1e-3).newState(m.parameterCount(), DataType.FLOAT)) {
            Optimizer adam = Optimizers.adam(1e-3);
            Loss loss = Losses.sequenceSparseSoftmaxCrossEntropy();
            INDArray x = Nd4j.create(DataType.FLOAT, new long[] {8, 12}, 'c');
            INDArray y = Nd4j.create(DataType.FLOAT, new long[] {8, 12}, 'f');
            for (int i = 0; i < 8 * 12; i++) {
                x.putScalar(i, i % 40);
                y.putScalar(i, (i * 3) % 40);
            }
            INDArray g = Nd4j.create(DataType.FLOAT, new long[] {8, 12, 40}, 'f');
            long t = 0;
            for (int i = 0; i < 100; i++) {
                step(m, adam, state, loss, x, y, g, ++t);
            }
            long id = Thread.currentThread().getId();
            long before = tb.getThreadAllocatedBytes(id);
            int steps = 300;
            try (AllocationCounter counter = new AllocationCounter()) {
                for (int i = 0; i < steps; i++) {
                    step(m, adam, state, loss, x, y, g, ++t);
                }
                assertEquals(0, counter.allocations, "native allocations in " + steps + " steps");
            }
            long bytes = tb.getThreadAllocatedBytes(id) - before;
            assertTrue(bytes < 16L * steps, "heap bytes allocated in " + steps + " steps: " + bytes);
        }
    }

    /**
     * Nor heap memory: forward (GEMM, the heap-chunk bias/ReLU loops), the loss, backward and
     * Adam, with θ large enough that the update is shared with the optimiser's worker thread
     * when the engine has two threads. Measured per thread by the JVM (TLAB accounting); a
     * reused view or scratch array made later than the warm-up would show as a few bytes, so the
     * bound is 16 bytes per step on average (one allocated object per step would be 16 or more).
     */
    @Test
    void aTrainingStepAllocatesNoHeapMemory() {
        try (Model m = Model.builder(512).add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).seed(1).build()) {
            assertTrue(m.parameterCount() >= 131_072, "θ as large as the shared update needs");
            assertNoAllocationPerStep(m, 64, 2000);
        }
    }

    /**
     * The same for a step through every layer that works on heap copies: batch norm, GELU, layer
     * norm, dropout, tanh, leaky ReLU and softmax (their per-thread and per-layer scratch is made
     * in the first steps), and no native allocation either.
     */
    @Test
    void aStepThroughTheNormalisationLayersAllocatesNothingEither() {
        try (Model m = Model.builder(64).add(Layers.dense(48)).add(Layers.batchNorm()).add(Layers.gelu()).add(Layers.dropout(0.2))
                .add(Layers.layerNorm()).add(Layers.dense(32, Activation.TANH)).add(Layers.leakyRelu(0.1))
                .add(Layers.dense(10, Activation.SOFTMAX)).seed(1).build()) {
            assertNoAllocationPerStep(m, 32, 1000);
        }
    }

    /**
     * Trains {@code m} (10 classes) with Adam for 200 steps at batch {@code batch}, then asserts
     * that {@code steps} more allocate no native memory and under 16 bytes of heap per step on
     * this thread.
     */
    private static void assertNoAllocationPerStep(Model m, int batch, int steps) {
        Backends.current();
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb
                && tb.isThreadAllocatedMemorySupported() && tb.isThreadAllocatedMemoryEnabled(), "per-thread allocation accounting");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        int features = (int) m.inputShape()[0];
        try (Optimizer.State state = Optimizers.adam(1e-3).newState(m.parameterCount(), DataType.FLOAT);
             INDArray x = Nd4j.rand(DataType.FLOAT, 'f', batch, features);
             INDArray y = Nd4j.create(DataType.FLOAT, new long[] {batch, 1}, 'f');
             INDArray g = Nd4j.create(DataType.FLOAT, new long[] {batch, 10}, 'f')) {
            Optimizer adam = Optimizers.adam(1e-3);
            Loss loss = Losses.sparseSoftmaxCrossEntropy();
            for (int i = 0; i < batch; i++) {
                y.putScalar(i, i % 10);
            }
            long t = 0;
            for (int i = 0; i < 200; i++) {
                step(m, adam, state, loss, x, y, g, ++t);
            }
            long id = Thread.currentThread().getId();
            long before = tb.getThreadAllocatedBytes(id);
            try (AllocationCounter counter = new AllocationCounter()) {
                for (int i = 0; i < steps; i++) {
                    step(m, adam, state, loss, x, y, g, ++t);
                }
                assertEquals(0, counter.allocations, "native allocations in " + steps + " steps");
            }
            long bytes = tb.getThreadAllocatedBytes(id) - before;
            assertTrue(bytes < 16L * steps, "heap bytes allocated in " + steps + " steps: " + bytes);
        }
    }

    /**
     * The whole trainer step, as {@code Trainer.fit} runs it: the batcher's gather, forward, the
     * loss, the metrics (accuracy and top-k), backward, the gradient transforms (an L2 penalty,
     * clipping by norm, batch normalisation's frozen state), Adam and the callbacks. Measured
     * between steps 1,000 and 3,000 of one epoch (no epoch boundary, whose logs allocate): no native
     * allocation and under 16 heap bytes per step on the training thread.
     */
    @Test
    void aTrainerStepAllocatesNothingEither() {
        Backends.current();
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb
                && tb.isThreadAllocatedMemorySupported() && tb.isThreadAllocatedMemoryEnabled(), "per-thread allocation accounting");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        int batch = 16;
        int n = batch * 3000 + 5; // and a smaller last batch
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 20);
        INDArray y = Nd4j.create(DataType.FLOAT, n);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 10);
        }
        long[] bytes = new long[2];
        long[] natives = {-1};
        Callback measure = new Callback() {
            private AllocationCounter counter;

            @Override
            public void onBatchEnd(long step, double loss, TrainingContext context) {
                if (step == 1000) {
                    bytes[0] = tb.getThreadAllocatedBytes(Thread.currentThread().getId());
                    counter = new AllocationCounter();
                } else if (step == 3000) {
                    bytes[1] = tb.getThreadAllocatedBytes(Thread.currentThread().getId());
                    counter.close();
                    natives[0] = counter.allocations;
                }
            }
        };
        try (Model m = Model.builder(20).add(Layers.dense(32)).add(Layers.batchNorm()).add(Layers.relu()).add(Layers.dense(10))
                .seed(1).build()) {
            Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).epochs(1).batchSize(batch).seed(3)
                    .metrics(dev.aiaas.core.metrics.Metrics.accuracy(), dev.aiaas.core.metrics.Metrics.topK(3))
                    .regularizer(dev.aiaas.core.optim.Regularizer.l2(1e-4)).clipNorm(1.0)
                    .callbacks(measure).build().fit(m, x, y);
        }
        assertEquals(0, natives[0], "native allocations in steps 1,001 to 3,000");
        long perStep = (bytes[1] - bytes[0]) / 2000;
        assertTrue(bytes[1] - bytes[0] < 16L * 2000, "heap bytes in 2,000 trainer steps: " + (bytes[1] - bytes[0]) + " (" + perStep + " a step)");
    }

    @Test
    void theCounterSeesAnAllocation() {
        Backends.current();
        try (AllocationCounter counter = new AllocationCounter()) {
            INDArray a = Nd4j.create(DataType.FLOAT, 1000);
            a.close();
            assertTrue(counter.allocations > 0, "the counter must see ND4J's buffer allocation");
        }
    }


    private static void step(Model m, Optimizer o, Optimizer.State s, Loss loss, INDArray x, INDArray y, INDArray g, long t) {
        INDArray out = m.forward(x, true);
        loss.compute(out, y, g);
        m.backward(g);
        o.step(m.parameters(), m.gradients(), s, 1e-3, t);
    }
}
