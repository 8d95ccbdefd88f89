package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * core's {@code SteadyStateMemoryTest} for convolutional networks: after its first steps, a
 * training step (forward, loss, backward, Adam) through every vision layer allocates no native
 * memory and no heap memory on the training thread.
 */
class SteadyStateMemoryTest {

    /** Counts the native allocations JavaCPP makes on this thread while it is open (core's test helper {@code AllocationCounter}). */
    private static final class AllocationCounter extends PointerScope {
        long allocations;
        /** Where the last allocation was made, for the failure message. */
        StackTraceElement[] where;

        @Override
        public PointerScope attach(Pointer p) {
            allocations++;
            where = new Throwable().getStackTrace();
            return this;
        }
    }

    /**
     * A step through every vision layer (spatial dropout and basic blocks with the identity and the
     * projection shortcut among them), core's residual block over images and a convolution in more
     * than one im2col chunk: no native allocation and under 16 heap bytes per step on average
     * (one object per step would be 16 or more). The first network in a fresh JVM allocated about
     * 200 KB once, seconds into its run (the JVM's own warm-up: the same steps of a second network
     * allocate nothing), so a first network runs the same steps before the measured one. The
     * layers' Vector API kernels ({@code RunKernel}) box their vectors until the JIT's second tier has
     * compiled them, which on a busy machine can take longer than the warm-up (a kernel called a
     * few times per step, as the residual block's ReLU, is compiled last): as core's
     * {@code PredictorTest} does, the heap is measured over windows of 100 steps and the least
     * counts (no native allocation in any window).
     */
    @Test
    void aConvolutionalTrainingStepAllocatesNothing() {
        Backends.current();
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb
                && tb.isThreadAllocatedMemorySupported() && tb.isThreadAllocatedMemoryEnabled(), "per-thread allocation accounting");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        run(tb, 400, 0, 1, 16, false);
        long[] measured = run(tb, 100, 100, 12, 16, false);
        assertEquals(0, measured[0], "native allocations in windows of 100 steps");
        assertTrue(measured[1] < 16L * 100, "heap bytes allocated in 100 steps (the least window): " + measured[1]);
    }

    /**
     * The same at batch 64 through a small ResNet, whose convolutions take the direct passes
     * ({@link DirectConv}) where this JVM has the Vector API: none of their heap arrays is made again.
     */
    @Test
    void aDirectConvolutionStepAllocatesNothing() {
        Backends.current();
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb
                && tb.isThreadAllocatedMemorySupported() && tb.isThreadAllocatedMemoryEnabled(), "per-thread allocation accounting");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        run(tb, 200, 0, 1, 64, true);
        long[] measured = run(tb, 50, 50, 12, 64, true);
        assertEquals(0, measured[0], "native allocations in windows of 50 steps");
        assertTrue(measured[1] < 16L * 50, "heap bytes allocated in 50 steps (the least window): " + measured[1]);
    }

    /**
     * Trains a fresh network {@code warm} steps, then measures up to {@code windows} windows of
     * {@code steps} more (stopping at the first that allocates nothing on the heap): {native
     * allocations in all windows, the least heap bytes of a window}.
     */
    private static long[] run(com.sun.management.ThreadMXBean tb, int warm, int steps, int windows, int batch, boolean resnet) {
        try (Model m = resnet ? Model.builder(2 * 12 * 12).add(ConvLayers.unflatten(2, 12, 12))
                .add(ConvLayers.conv2d(8, 3).withPadding(Padding.of(1)).withBias(false)).add(ConvLayers.batchNorm2d()).add(Layers.relu())
                .add(ConvLayers.basicBlock(8, 1)).add(ConvLayers.basicBlock(12, 2)).add(ConvLayers.conv2d(4, 3))
                .add(ConvLayers.globalAvgPool()).add(Layers.dense(10)).seed(1).build()
                : Model.builder(2 * 12 * 12).add(ConvLayers.unflatten(2, 12, 12))
                .add(ConvLayers.conv2d(8, 3).withPadding(Padding.same()).withBias(false)).add(ConvLayers.batchNorm2d()).add(Layers.relu())
                .add(Layers.residual(ConvLayers.conv2d(8, 3).withPadding(Padding.same()).withGroups(2), ConvLayers.batchNorm2d(),
                        Layers.relu()))
                .add(ConvLayers.maxPool2d(2))
                .add(ConvLayers.dropout2d(0.2)).add(ConvLayers.basicBlock(8, 1)).add(ConvLayers.basicBlock(8, 1, true)).add(ConvLayers.depthwiseConv2d(8, 3)).add(ConvLayers.avgPool2d(3, 1))
                .add(ConvLayers.conv2d(6, 2).withStride(2).withDilation(1, 1))
                .add(ConvLayers.flatten()).add(Layers.dense(10)).seed(1).build();
             Optimizer.State state = Optimizers.adam(1e-3).newState(m.parameterCount(), DataType.FLOAT);
             INDArray x = Nd4j.rand(DataType.FLOAT, 'c', batch, 2 * 12 * 12);
             INDArray y = Nd4j.create(DataType.FLOAT, new long[] {batch, 1}, 'f');
             INDArray g = Nd4j.create(DataType.FLOAT, new long[] {batch, 10}, 'f')) {
            Optimizer adam = Optimizers.adam(1e-3);
            Loss loss = Losses.sparseSoftmaxCrossEntropy();
            for (int i = 0; i < batch; i++) {
                y.putScalar(i, i % 10);
            }
            long t = 0;
            for (int i = 0; i < warm; i++) {
                step(m, adam, state, loss, x, y, g, ++t);
            }
            new AllocationCounter().close(); // loads the counter's classes before the heap is measured
            long id = Thread.currentThread().getId();
            long natives = 0;
            long least = Long.MAX_VALUE;
            for (int w = 0; w < windows && least >= 16L * steps; w++) {
                long before = tb.getThreadAllocatedBytes(id);
                try (AllocationCounter counter = new AllocationCounter()) {
                    for (int i = 0; i < steps; i++) {
                        step(m, adam, state, loss, x, y, g, ++t);
                    }
                    natives += counter.allocations;
                    if (counter.allocations > 0) { // where, for the failure message
                        System.err.println("last native allocation in the steady state at " + java.util.Arrays.toString(counter.where));
                    }
                }
                least = Math.min(least, tb.getThreadAllocatedBytes(id) - before);
            }
            return new long[] {natives, least};
        }
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
