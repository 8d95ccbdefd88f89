package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One {@link Predictor} shared by many threads: 16 threads x 10,000 calls of mixed batch sizes
 * and all four {@code predict} overloads give, bit for bit, what the same calls gave on one
 * thread before, on the packed path (a model whose first layer shares its panels with the worker
 * at small batches, and one whose batches are shared chunk by chunk) and on the copy path (a
 * float64 model, on ND4J and BLAS); the buffers stay within the pool's bound; and
 * {@link Predictor#close()} while calls run frees nothing under them (the rule: calls that
 * started finish, later and waiting ones throw {@link IllegalStateException}, and everything is
 * freed once the last running call returns).
 */
class PredictorConcurrencyTest {
    private static final int THREADS = 16;
    private static final int CALLS = 10_000;

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static DenseKernel vector() {
        assumeTrue(DenseKernels.VECTOR.isPresent(), "the Vector API kernel: " + DenseKernels.UNAVAILABLE);
        return DenseKernels.VECTOR.get();
    }

    private static float[] uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** One-thread calls per case before its expected results are taken (the JIT compiles the paths meanwhile). */
    private static final int WARM_UP = 30_000;

    /** A predictor and its inputs, each with what every overload gave for it on one thread. */
    private static final class Case {
        final Predictor p;
        final int in;
        final int out;
        /** The model's type: predict(INDArray) gives it; predict(float[]) gives float32. */
        final DataType type;
        final List<float[]> xs = new ArrayList<>();
        final List<INDArray> xa = new ArrayList<>();
        /** Per input: predict(float[]), predict(float[], out), predict(INDArray), predict(INDArray, out). */
        final List<Object[]> expected = new ArrayList<>();

        Case(Predictor p, int in, int out, DataType type, int[] batches, long seed) {
            this.p = p;
            this.in = in;
            this.out = out;
            this.type = type;
            for (int i = 0; i < batches.length; i++) {
                float[] x = uniform(batches[i] * in, seed + i);
                xs.add(x);
                xa.add(Nd4j.createFromArray(x).reshape('c', batches[i], in));
            }
            // The JIT first: the Vector API's tanh and e^x (GELU, tanh, softmax) round differently
            // interpreted and compiled (its Java fallback against the SVML stubs), so a result made
            // before compilation can differ in the last bits from the same call after it. This
            // test is about sharing between threads; the predictor's Javadoc states the JIT caveat.
            for (int w = 0; w < WARM_UP; w++) {
                p.predict(xs.get(w % xs.size()));
            }
            for (int i = 0; i < batches.length; i++) {
                Object[] e = new Object[4];
                for (int kind = 0; kind < 4; kind++) {
                    e[kind] = call(i, kind, null);
                }
                expected.add(e);
            }
        }

        /** The thread's own ND4J output buffers, one per input. */
        List<INDArray> outs() {
            List<INDArray> o = new ArrayList<>();
            for (float[] x : xs) {
                o.add(Nd4j.create(type, x.length / in, out));
            }
            return o;
        }

        /**
         * Overload {@code kind} on input {@code i}, its values as float[] or double[];
         * {@code into} (or null) is the thread's output buffer for that input.
         */
        Object call(int i, int kind, INDArray into) {
            int b = xs.get(i).length / in;
            return switch (kind) {
                case 0 -> p.predict(xs.get(i));
                case 1 -> p.predict(xs.get(i), new float[b * out]);
                case 2 -> {
                    try (INDArray y = p.predict(xa.get(i))) {
                        yield values(y);
                    }
                }
                default -> {
                    INDArray y = into != null ? into : Nd4j.create(type, b, out);
                    p.predict(xa.get(i), y);
                    Object v = values(y);
                    if (into == null) {
                        y.close();
                    }
                    yield v;
                }
            };
        }

        private Object values(INDArray y) {
            return type == DataType.DOUBLE ? y.data().asDouble() : y.data().asFloat();
        }
    }

    /** Bit for bit (Arrays.equals compares floats and doubles by their bits, NaN as NaN). */
    private static boolean same(Object a, Object b) {
        return a instanceof float[] f ? java.util.Arrays.equals(f, (float[]) b) : java.util.Arrays.equals((double[]) a, (double[]) b);
    }

    /**
     * THREADS threads each make CALLS calls, spread over the cases, inputs and overloads; every
     * result must equal, bit for bit, the one-thread result.
     */
    private static void sharedByManyThreads(List<Case> cases) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            AtomicInteger wrong = new AtomicInteger();
            AtomicReference<String> firstWrong = new AtomicReference<>();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    // this thread's own out buffers (the caller owns out), one per case and input
                    List<List<INDArray>> outs = new ArrayList<>();
                    for (Case c : cases) {
                        outs.add(c.outs());
                    }
                    SplittableRandom r = new SplittableRandom(thread);
                    for (int call = 0; call < CALLS; call++) {
                        int ci = r.nextInt(cases.size());
                        Case c = cases.get(ci);
                        int i = r.nextInt(c.xs.size());
                        int kind = r.nextInt(4);
                        Object y = c.call(i, kind, outs.get(ci).get(i));
                        if (!same(c.expected.get(i)[kind], y) && wrong.getAndIncrement() == 0) {
                            firstWrong.set("thread " + thread + ", call " + call + ": case " + ci + " (" + c.p.kernel() + "), input " + i
                                    + ", overload " + kind);
                        }
                    }
                    outs.forEach(l -> l.forEach(INDArray::close));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(); // rethrows what a call threw
            }
            assertEquals(0, wrong.get(), "results that differ from the one-thread ones, the first: " + firstWrong.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Batch sizes from 1 to 16 and a few over one chunk (17, 33, 40). */
    private static int[] mixedBatches(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            b[i] = i % 8 == 7 ? 17 + r.nextInt(24) : 1 + r.nextInt(16);
        }
        return b;
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void thePackedPathSharedBySixteenThreadsGivesWhatOneThreadGives() throws Exception {
        DenseKernel kernel = vector();
        // 64 x 1024 = 65,536 weights: a batch of one chunk shares its first layer's panels with
        // the worker (PackedExecutor.SPLIT_WEIGHTS) when the engine has two threads; small batches
        // keep the test fast
        try (Model wide = Model.builder(64).add(Layers.dense(1024, Activation.RELU)).add(Layers.dense(8)).seed(1).build();
             Model narrow = Model.builder(24).add(Layers.dense(40, Activation.GELU)).add(Layers.layerNorm())
                     .add(Layers.residual(Layers.dense(40, Activation.TANH))).add(Layers.dense(6, Activation.SOFTMAX)).seed(2).build();
             Predictor pw = Predictor.of(wide, kernel);
             Predictor pn = Predictor.of(narrow, kernel)) {
            assertTrue(pw.kernel().startsWith("packed") && pn.kernel().startsWith("packed"), pw.kernel() + "; " + pn.kernel());
            List<Case> cases = List.of(new Case(pw, 64, 8, DataType.FLOAT, new int[] {1, 2, 3, 1, 4, 2, 1, 3}, 10),
                    new Case(pn, 24, 6, DataType.FLOAT, mixedBatches(24, 3), 20));
            sharedByManyThreads(cases);
            assertTrue(((PackedExecutor) pw.executor()).scratches() <= pw.maxConcurrentCalls(), "scratches within the bound");
            cases.forEach(c -> c.xa.forEach(INDArray::close));
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theCopyPathSharedBySixteenThreadsGivesWhatOneThreadGives() throws Exception {
        try (Model f64 = Model.builder(12).add(Layers.dense(24, Activation.TANH)).add(Layers.dense(5)).dataType(DataType.DOUBLE)
                     .seed(3).build();
             Predictor p = f64.predictor()) {
            assertTrue(p.kernel().startsWith("copy"), p.kernel());
            // six batch sizes from 1 to 16, two inputs each: more sizes than a layer's workspace keeps
            // (Workspace.MAX_BATCH_SIZES), so each scratch also frees and makes buffers while others compute
            Case c = new Case(p, 12, 5, DataType.DOUBLE, new int[] {1, 3, 6, 9, 13, 16, 16, 13, 9, 6, 3, 1}, 30);
            sharedByManyThreads(List.of(c));
            assertTrue(((CopyExecutor) p.executor()).scratches() <= p.maxConcurrentCalls(), "scratches within the bound");
            c.xa.forEach(INDArray::close);
        }
    }

    @Test
    void aThousandThreadsMakeNoMoreScratchesThanTheBound() throws Exception {
        // 64 threads at once on a predictor allowed 3 calls at a time: at most 3 scratches, each
        // call still right
        for (DenseKernel kernel : java.util.Arrays.asList(DenseKernels.VECTOR.orElse(null), null)) {
            try (Model m = Model.builder(10).add(Layers.dense(16, Activation.RELU)).add(Layers.dense(3)).seed(4).build();
                 Predictor p = Predictor.of(m, kernel, 3)) {
                assertEquals(3, p.maxConcurrentCalls());
                float[] x = uniform(5 * 10, 5);
                float[] expected = p.predict(x);
                ExecutorService pool = Executors.newFixedThreadPool(64);
                try {
                    List<Future<Boolean>> results = new ArrayList<>();
                    CountDownLatch start = new CountDownLatch(1);
                    for (int t = 0; t < 64; t++) {
                        results.add(pool.submit(() -> {
                            start.await();
                            boolean ok = true;
                            for (int i = 0; i < 50; i++) {
                                ok &= java.util.Arrays.equals(expected, p.predict(x));
                            }
                            return ok;
                        }));
                    }
                    start.countDown();
                    for (Future<Boolean> f : results) {
                        assertTrue(f.get(), p.kernel());
                    }
                } finally {
                    pool.shutdownNow();
                }
                int scratches = p.executor() instanceof PackedExecutor pe ? pe.scratches() : ((CopyExecutor) p.executor()).scratches();
                assertTrue(scratches >= 1 && scratches <= 3, p.kernel() + ": " + scratches + " scratches");
            }
        }
    }

    @Test
    void theMostCallsAtOnceIsTheProcessorCount() {
        try (Model m = Model.builder(4).add(Layers.dense(2)).build();
             Predictor p = m.predictor()) {
            assertEquals(Runtime.getRuntime().availableProcessors(), p.maxConcurrentCalls());
        }
    }

    /** A user's layer (so the copy path) that passes x through, and can hold a call inside its forward until released. */
    private record Gated(Gate gate) implements Layer {
        @Override
        public String type() {
            return "gated";
        }

        @Override
        public long[] outputShape(long[] inputShape) {
            return inputShape;
        }

        @Override
        public long parameterCount(long[] inputShape) {
            return 0;
        }

        @Override
        public Map<String, Object> config() {
            return Map.of();
        }

        @Override
        public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
            Layer.Instance inner = Layers.identity().instantiate(inputShape, dataType);
            return new Layer.Instance() {
                @Override
                public void bind(INDArray params, INDArray grads) {
                    inner.bind(params, grads);
                }

                @Override
                public void initialise(SplittableRandom random) {
                    inner.initialise(random);
                }

                @Override
                public INDArray forward(INDArray x, boolean training) {
                    gate.pass();
                    return inner.forward(x, training);
                }

                @Override
                public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                    return inner.backward(x, y, dy, needInput);
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }
    }

    /** Holds calls that pass it while armed, until released. */
    private static final class Gate {
        volatile boolean armed;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        void pass() {
            if (armed) {
                entered.countDown();
                try {
                    assertTrue(release.await(60, TimeUnit.SECONDS), "released");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closeWhileACallRunsFreesNothingUnderItAndRefusesLaterCalls() throws Exception {
        Gate gate = new Gate();
        try (Model m = Model.builder(6).add(Layers.dense(8, Activation.TANH)).add(new Gated(gate)).add(Layers.dense(3)).seed(5).build()) {
            Predictor p = Predictor.of(m, DenseKernels.VECTOR.orElse(null), 1);
            assertTrue(p.kernel().startsWith("copy"), p.kernel());
            CopyExecutor copy = (CopyExecutor) p.executor();
            float[] x = uniform(4 * 6, 6);
            float[] expected = p.predict(x);
            gate.armed = true;
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<float[]> running = pool.submit(() -> p.predict(x));
                assertTrue(gate.entered.await(60, TimeUnit.SECONDS), "the call is inside the model");
                // the one scratch is in use: this call waits for it
                Future<float[]> waiting = pool.submit(() -> p.predict(x));
                Thread.sleep(50);
                assertFalse(waiting.isDone(), "a call beyond maxConcurrentCalls waits");

                p.close(); // returns at once, freeing nothing the running call uses
                assertEquals(1, copy.scratches(), "the running call's scratch is still alive");
                IllegalStateException later = assertThrows(IllegalStateException.class, () -> p.predict(x));
                assertTrue(later.getMessage().contains("closed") && later.getMessage().contains("model.predictor()"), later.getMessage());
                java.util.concurrent.ExecutionException waited = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> waiting.get(60, TimeUnit.SECONDS));
                assertTrue(waited.getCause() instanceof IllegalStateException && waited.getCause().getMessage().contains("closed"),
                        String.valueOf(waited.getCause()));

                gate.release.countDown();
                assertArrayEquals(expected, running.get(60, TimeUnit.SECONDS), "the running call finishes on its buffers");
                assertEquals(0, copy.scratches(), "freed when the call returned");
                p.close(); // idempotent
            } finally {
                gate.release.countDown();
                pool.shutdownNow();
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closeAmidManyCallsEndsEachInAResultOrTheClosedError() throws Exception {
        for (DenseKernel kernel : java.util.Arrays.asList(DenseKernels.VECTOR.orElse(null), null)) {
            try (Model m = Model.builder(20).add(Layers.dense(32, Activation.RELU)).add(Layers.dense(4)).seed(6).build()) {
                Predictor p = Predictor.of(m, kernel, 4);
                float[][] xs = new float[8][];
                float[][] expected = new float[8][];
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = uniform((1 + 3 * i) * 20, i);
                    expected[i] = p.predict(xs[i]);
                }
                AtomicInteger done = new AtomicInteger();
                AtomicInteger refused = new AtomicInteger();
                AtomicInteger wrong = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(8);
                try {
                    List<Future<?>> futures = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        int thread = t;
                        futures.add(pool.submit(() -> {
                            for (int i = 0; ; i++) {
                                int k = (thread + i) % xs.length;
                                try {
                                    if (!java.util.Arrays.equals(expected[k], p.predict(xs[k]))) {
                                        wrong.incrementAndGet();
                                    }
                                    done.incrementAndGet();
                                } catch (IllegalStateException e) {
                                    assertTrue(e.getMessage().contains("closed"), e.getMessage());
                                    refused.incrementAndGet();
                                    return null;
                                }
                            }
                        }));
                    }
                    while (done.get() < 2000) {
                        Thread.onSpinWait();
                    }
                    p.close();
                    for (Future<?> f : futures) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                } finally {
                    pool.shutdownNow();
                }
                assertEquals(0, wrong.get());
                assertEquals(8, refused.get(), "every thread's next call after close was refused");
                int scratches = p.executor() instanceof PackedExecutor pe ? pe.scratches() : ((CopyExecutor) p.executor()).scratches();
                assertEquals(0, scratches, p.kernel() + ": every scratch freed once its call ended");
            }
        }
    }
}
