package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.train.Callback;
import dev.aiaas.core.train.Trainer;
import dev.aiaas.core.train.TrainingContext;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link Model} used by two threads at once is refused with a clear
 * {@link IllegalStateException}, never run: a call while another thread is inside one or
 * {@link Model#hold holds} the model, predict while a {@link Trainer} fits it, a fit while a
 * thread holds it, closing it under another thread. Deterministic: the other thread is held
 * inside its use by a latch. (The stress form, 16 threads at mixed batch sizes and predict
 * during fit, runs in a forked JVM: {@code ModelMisuseForkedTest}.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ModelThreadsTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static Model mlp() {
        return Model.builder(6).add(Layers.dense(8, Activation.RELU)).add(Layers.dense(3)).seed(1).build();
    }

    /** Runs {@code use} on another thread, which takes the model and waits there until {@code done} is counted down. */
    private static Future<?> elsewhere(ExecutorService pool, Model m, String purpose, CountDownLatch held, CountDownLatch done) {
        return pool.submit(() -> {
            try (Model.Hold h = m.hold(purpose)) {
                held.countDown();
                assertTrue(done.await(60, TimeUnit.SECONDS));
            }
            return null;
        });
    }

    private static void refused(Executable call, String... words) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' in: " + e.getMessage());
        }
    }

    @Test
    void everyCallFromAnotherThreadIsRefusedWhileOneHoldsTheModel() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "the-holder"));
        try (Model m = mlp(); INDArray x = Nd4j.rand(DataType.FLOAT, 2, 6)) {
            INDArray before = m.predict(x);
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Future<?> holder = elsewhere(pool, m, "fine-tuning", held, done);
            assertTrue(held.await(60, TimeUnit.SECONDS));
            String me = Thread.currentThread().getName();
            refused(() -> m.predict(x), "predict", "'" + me + "'", "'the-holder'", "fine-tuning", "model.predictor()", "its own model");
            refused(() -> m.predict(x, Nd4j.create(DataType.FLOAT, 2, 3)), "predict");
            refused(() -> m.forward(x, false), "forward");
            refused(() -> m.backward(Nd4j.create(DataType.FLOAT, 2, 3)), "backward");
            refused(m::predictor, "predictor()");
            refused(m::parameters, "parameters()");
            refused(m::gradients, "gradients()");
            refused(() -> m.predictClass(new float[][] {new float[6]}), "predict");
            refused(() -> m.hold("mine"), "mine", "fine-tuning");
            refused(m::close, "close()", "fine-tuning");
            done.countDown();
            holder.get(60, TimeUnit.SECONDS);
            // let go: the model works, unchanged, and closes
            assertEquals(before, m.predict(x));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theHoldingThreadCallsFreelyAndNestsButCannotCloseUnderItself() {
        try (Model m = mlp(); INDArray x = Nd4j.rand(DataType.FLOAT, 2, 6)) {
            INDArray expected = m.predict(x);
            try (Model.Hold outer = m.hold("outer")) {
                try (Model.Hold inner = m.hold("inner")) {
                    assertEquals(expected, m.predict(x));
                    m.parameters();
                }
                assertEquals(expected, m.predict(x));
                refused(m::close, "close()", "outer", "after");
                outer.close();
                outer.close(); // idempotent
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.hold(" "));
            assertTrue(e.getMessage().contains("purpose"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.hold(null));
        }
    }

    @Test
    void aHoldIsLetGoOnlyByItsThread() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Model m = mlp()) {
            Model.Hold h = m.hold("here");
            Future<?> other = pool.submit(() -> {
                refused(h::close, "closed by the thread that took it");
                return null;
            });
            other.get(60, TimeUnit.SECONDS);
            h.close();
            pool.submit(() -> m.predict(Nd4j.rand(DataType.FLOAT, 1, 6)).close()).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void predictDuringFitIsRefusedNamingTheTrainingAndFitDuringAHoldIsRefused() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "the-trainer"));
        try (Model m = mlp();
             INDArray x = Nd4j.rand(DataType.FLOAT, 64, 6);
             INDArray y = Nd4j.createFromArray(new int[64])) {
            CountDownLatch inFit = new CountDownLatch(1);
            CountDownLatch goOn = new CountDownLatch(1);
            Callback pause = new Callback() {
                @Override
                public void onBatchEnd(long step, double loss, TrainingContext context) {
                    if (step == 1) {
                        inFit.countDown();
                        try {
                            assertTrue(goOn.await(60, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    // the trainer's own thread predicts freely (a callback's evaluation)
                    m.predict(x).close();
                }
            };
            Trainer trainer = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.sgd(0.1)).epochs(2)
                    .batchSize(16).callbacks(pause).build();
            Future<?> fit = pool.submit(() -> trainer.fit(m, x, y));
            assertTrue(inFit.await(60, TimeUnit.SECONDS));
            refused(() -> m.predict(x), "predict", "'the-trainer'", "training (Trainer.fit)", "make a predictor first");
            refused(() -> trainer.evaluate(m, x, y), "evaluation (Trainer.evaluate)", "training (Trainer.fit)");
            refused(() -> trainer.fit(m, x, y), "training (Trainer.fit)");
            goOn.countDown();
            fit.get(60, TimeUnit.SECONDS);

            // the other way round: a fit while another thread holds the model is refused before it trains
            INDArray before = m.parameters().dup();
            try (Model.Hold h = m.hold("serving")) {
                Future<?> refusedFit = pool.submit(() -> trainer.fit(m, x, y));
                java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> refusedFit.get(60, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof IllegalStateException && e.getCause().getMessage().contains("serving"),
                        String.valueOf(e.getCause()));
            }
            assertEquals(before, m.parameters(), "the refused fit changed nothing");
            trainer.evaluate(m, x, y); // free again
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badInputsAtTheModelsEntryPointsAreNamed() {
        try (Model m = mlp()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predict(null));
            assertTrue(e.getMessage().contains("x is null") && e.getMessage().contains("[batch, 6]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.predict(null, Nd4j.create(DataType.FLOAT, 1, 3)));
            assertTrue(e.getMessage().contains("x is null"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.forward(null, true));
            assertTrue(e.getMessage().contains("x is null"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.predict(Nd4j.rand(DataType.FLOAT, 2, 6), null));
            assertTrue(e.getMessage().contains("out is null") && e.getMessage().contains("[2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.predict(Nd4j.rand(DataType.FLOAT, 2, 7)));
            assertTrue(e.getMessage().contains("[batch, 6]") && e.getMessage().contains("[2, 7]") && e.getMessage().contains("per example"),
                    e.getMessage());

            // a batch of none: nothing to compute, an empty result
            INDArray none = Nd4j.create(DataType.FLOAT, 0, 6);
            INDArray y = m.predict(none);
            assertArrayEquals(new long[] {0, 3}, y.shape());
            INDArray out = Nd4j.create(DataType.FLOAT, 0, 3);
            assertTrue(out == m.predict(none, out));
        }
        Model closed = mlp();
        closed.close();
        closed.close(); // idempotent
        refused(() -> closed.predict(Nd4j.rand(DataType.FLOAT, 1, 6)), "closed");
        refused(() -> closed.hold("x"), "closed");
        refused(closed::parameters, "closed");
    }

    @Test
    void aBatchTooLargeForTheMemoryLeftIsATypedErrorAndTheModelStillWorks() {
        // a layer of 2^20 units: each example needs 4 MB of working buffer
        try (Model m = Model.builder(4).add(Layers.dense(1 << 20)).seed(2).build()) {
            // above JavaCPP's fixed budget, which bounds the limit however much physical memory frees meanwhile
            long limit = org.bytedeco.javacpp.Pointer.maxBytes();
            int batch = (int) Math.min(Integer.MAX_VALUE / (1 << 20), limit / (4L << 20) + 2);
            assertTrue(batch * (4L << 20) > limit, "a batch of " + batch + " needs more than the limit " + limit);
            try (INDArray x = Nd4j.rand(DataType.FLOAT, batch, 4)) {
                dev.aiaas.core.backend.NativeMemoryException e = assertThrows(dev.aiaas.core.backend.NativeMemoryException.class,
                        () -> m.predict(x));
                assertTrue(e.getMessage().contains("working buffer 'z'") && e.getMessage().contains("batch of " + batch), e.getMessage());
                assertTrue(e.requestedBytes() > e.limitBytes());
            }
            try (INDArray x1 = Nd4j.rand(DataType.FLOAT, 1, 4); INDArray y = m.predict(x1)) {
                assertArrayEquals(new long[] {1, 1 << 20}, y.shape());
            }
        }
    }
}
