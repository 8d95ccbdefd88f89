package dev.aiaas.core.nn;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.math.MathOps;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.train.Callback;
import dev.aiaas.core.train.Trainer;
import dev.aiaas.core.train.TrainingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: the child JVM of {@code ModelMisuseForkedTest}, which misuses one {@link Model}
 * from many threads the way the finding did (a native crash before): (1) 16 threads
 * calling {@code predict} at mixed batch sizes 1..16; (2) 15 threads predicting while another
 * fits the model; (3) 8 threads predicting while the model is closed. Every call must end in the
 * right result or the model's {@link IllegalStateException}; it prints one line
 * {@code MISUSE-RESULT correct=... refused=... wrong=0 unexpected=0} and exits 0, or names the
 * first wrong result or other throwable and exits 3. A crash or hang is the parent's to see.
 */
public final class ModelMisuseChild {
    private static final int THREADS = 16;
    private static final int IN = 16;
    private static final int OUT = 4;

    private final AtomicInteger correct = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger wrong = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

    private ModelMisuseChild() {
    }

    public static void main(String[] args) throws Exception {
        Backends.select();
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        ModelMisuseChild run = new ModelMisuseChild();
        run.all(calls);
        String line = String.format(Locale.ROOT, "MISUSE-RESULT correct=%d refused=%d wrong=%d unexpected=%d", run.correct.get(),
                run.refused.get(), run.wrong.get(), run.problems.size());
        System.out.println(line);
        if (run.wrong.get() > 0 || !run.problems.isEmpty()) {
            run.problems.stream().limit(5).forEach(p -> System.out.println("PROBLEM " + p));
            System.exit(3);
        }
        System.exit(0);
    }

    /** The model's IllegalStateException about sharing (counted) or being closed (counted when {@code closedOk}); anything else is a problem. */
    private void ended(Throwable t, boolean closedOk) {
        if (t instanceof IllegalStateException e && e.getMessage() != null
                && (e.getMessage().contains("model.predictor()") || (closedOk && e.getMessage().contains("closed")))) {
            refused.incrementAndGet();
            return;
        }
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        problems.add(w.toString());
    }

    private void all(int calls) throws Exception {
        float[][] xs = new float[16][];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < xs.length; i++) {
            xs[i] = new float[(i + 1) * IN];
            for (int j = 0; j < xs[i].length; j++) {
                xs[i][j] = (float) r.nextDouble(-1, 1);
            }
        }
        long t0 = System.nanoTime();
        try (Model m = Model.builder(IN).add(Layers.dense(32, Activation.RELU)).add(Layers.dense(OUT)).seed(3).build()) {
            storm(m, xs, calls);
            long t1 = System.nanoTime();
            duringFit(m, xs);
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "storm %.1f s, during fit %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        }
        long t3 = System.nanoTime();
        Model m = Model.builder(IN).add(Layers.dense(32, Activation.RELU)).add(Layers.dense(OUT)).seed(4).build();
        closedUnderUse(m, xs);
        System.out.printf(Locale.ROOT, "close under use %.1f s%n", (System.nanoTime() - t3) / 1e9);
    }

    private static INDArray array(float[] x) {
        return Nd4j.create(x, new long[] {x.length / IN, IN}, 'c');
    }

    private static float[][] expected(Model m, float[][] xs) {
        float[][] e = new float[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            try (INDArray x = array(xs[i]); INDArray y = m.predict(x)) {
                e[i] = y.data().asFloat();
            }
        }
        return e;
    }

    /** One call of one of three kinds on input {@code i}; the values it gave. */
    private static float[] call(Model m, float[][] xs, int i, int kind) {
        try (INDArray x = array(xs[i])) {
            switch (kind) {
                case 0 -> {
                    try (INDArray y = m.predict(x)) {
                        return y.data().asFloat();
                    }
                }
                case 1 -> {
                    try (INDArray y = Nd4j.create(DataType.FLOAT, i + 1, OUT)) {
                        return m.predict(x, y).data().asFloat();
                    }
                }
                default -> {
                    float[][] rows = new float[i + 1][];
                    for (int k = 0; k <= i; k++) {
                        rows[k] = Arrays.copyOfRange(xs[i], k * IN, (k + 1) * IN);
                    }
                    int[] classes = m.predictClass(rows);
                    float[] asFloats = new float[classes.length];
                    for (int k = 0; k < classes.length; k++) {
                        asFloats[k] = classes[k];
                    }
                    return asFloats;
                }
            }
        }
    }

    /** What {@link #call} of {@code kind} should give, from the one-thread outputs. */
    private static float[] want(float[] outputs, int kind) {
        if (kind < 2) {
            return outputs;
        }
        float[] classes = new float[outputs.length / OUT];
        for (int k = 0; k < classes.length; k++) {
            classes[k] = MathOps.argmax(Arrays.copyOfRange(outputs, k * OUT, (k + 1) * OUT));
        }
        return classes;
    }

    /** (1) 16 threads x {@code calls} predictions at batch sizes 1..16 on one model. */
    private void storm(Model m, float[][] xs, int calls) throws Exception {
        float[][] expected = expected(m, xs);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(thread);
                    for (int c = 0; c < calls; c++) {
                        int i = r.nextInt(xs.length);
                        int kind = r.nextInt(3);
                        try {
                            if (Arrays.equals(want(expected[i], kind), call(m, xs, i, kind))) {
                                correct.incrementAndGet();
                            } else if (wrong.getAndIncrement() == 0) {
                                problems.add("storm: a wrong result for input " + i + ", kind " + kind);
                            }
                        } catch (Throwable e) {
                            ended(e, false);
                        }
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * (2) 15 threads predict while this one fits the model: each result must be the model's
     * before the fit or after it (never a mixture), the fit waits (in its first batch) until a
     * prediction was refused; a fit refused because a prediction was running is retried.
     */
    private void duringFit(Model m, float[][] xs) throws Exception {
        float[][] before = expected(m, xs);
        AtomicBoolean fitting = new AtomicBoolean(true);
        AtomicInteger refusedNow = new AtomicInteger();
        ConcurrentLinkedQueue<float[]> changed = new ConcurrentLinkedQueue<>(); // results differing from before, with their input
        ExecutorService pool = Executors.newFixedThreadPool(THREADS - 1);
        List<Future<?>> fs = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS - 1; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(100 + thread);
                    while (fitting.get()) {
                        int i = r.nextInt(xs.length);
                        try {
                            float[] y = call(m, xs, i, 0);
                            if (Arrays.equals(before[i], y)) {
                                correct.incrementAndGet();
                            } else {
                                float[] tagged = Arrays.copyOf(y, y.length + 1);
                                tagged[y.length] = i;
                                changed.add(tagged);
                            }
                        } catch (Throwable e) {
                            ended(e, false);
                            refusedNow.incrementAndGet();
                            Thread.yield(); // the fit runs on: let it
                        }
                    }
                }));
            }
            int n = 1024;
            try (INDArray x = Nd4j.rand(DataType.FLOAT, n, IN); INDArray y = Nd4j.createFromArray(new int[n])) {
                CountDownLatch seen = new CountDownLatch(1);
                Callback waitForARefusal = new Callback() {
                    @Override
                    public void onBatchEnd(long step, double loss, TrainingContext context) {
                        if (step == 1) {
                            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                            int at = refusedNow.get();
                            while (refusedNow.get() == at && System.nanoTime() < end) {
                                Thread.onSpinWait();
                            }
                            seen.countDown();
                        }
                    }
                };
                Trainer trainer = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.sgd(0.05)).epochs(2)
                        .batchSize(64).callbacks(waitForARefusal).build();
                for (int attempt = 0; ; attempt++) {
                    try {
                        trainer.fit(m, x, y);
                        break;
                    } catch (IllegalStateException e) {
                        if (attempt > 100_000 || !e.getMessage().contains("model.predictor()")) {
                            ended(e, false);
                            break;
                        }
                        Thread.yield(); // a prediction was running: try again
                    }
                }
                if (seen.getCount() > 0) {
                    problems.add("duringFit: the fit never ran");
                }
            }
        } finally {
            fitting.set(false);
            for (Future<?> f : fs) {
                f.get();
            }
            pool.shutdownNow();
        }
        float[][] after = expected(m, xs);
        for (float[] tagged : changed) {
            int i = (int) tagged[tagged.length - 1];
            if (Arrays.equals(after[i], Arrays.copyOf(tagged, tagged.length - 1))) {
                correct.incrementAndGet();
            } else if (wrong.getAndIncrement() == 0) {
                problems.add("duringFit: a result neither of the model before the fit nor after it, input " + i);
            }
        }
        if (refusedNow.get() == 0) {
            problems.add("duringFit: no prediction was refused while the model was being trained");
        }
    }

    /** (3) 8 threads predict while the model is closed: close is refused while one runs, then succeeds; later calls are refused as closed. */
    private void closedUnderUse(Model m, float[][] xs) throws Exception {
        float[][] expected = expected(m, xs);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger calls = new AtomicInteger();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(200 + thread);
                    while (true) {
                        int i = r.nextInt(xs.length);
                        try {
                            float[] y = call(m, xs, i, 0);
                            calls.incrementAndGet();
                            if (Arrays.equals(expected[i], y)) {
                                correct.incrementAndGet();
                            } else if (wrong.getAndIncrement() == 0) {
                                problems.add("closedUnderUse: a wrong result for input " + i);
                            }
                        } catch (IllegalStateException e) {
                            if (e.getMessage().contains("closed")) {
                                refused.incrementAndGet();
                                return; // closed: this thread is done
                            }
                            ended(e, false);
                            Thread.yield();
                        } catch (Throwable e) {
                            ended(e, false);
                            return;
                        }
                    }
                }));
            }
            while (calls.get() < 500) {
                Thread.onSpinWait();
            }
            int closes = 1;
            for (int attempt = 0; ; attempt++) {
                try {
                    m.close();
                    break;
                } catch (IllegalStateException e) {
                    if (attempt > 1_000_000 || !e.getMessage().contains("model.predictor()")) {
                        ended(e, false);
                        break;
                    }
                    refused.incrementAndGet();
                    closes++;
                }
            }
            System.out.println("close succeeded at attempt " + closes);
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
