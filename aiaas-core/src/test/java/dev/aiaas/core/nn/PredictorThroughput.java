package dev.aiaas.core.nn;

import dev.aiaas.core.backend.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Not a test: a harness that measures how many {@link Predictor#predict(float[], float[])} calls
 * per second N threads make on the MLP 784-256-10 at batch B, float32: with one predictor shared
 * by all threads ({@code shared}), or one per thread ({@code own}, the only safe way before
 * predictors could be shared). After a 5 s warm-up, five rounds of 3 s each, printing calls per
 * second and microseconds per call per thread. Run after {@code mvn -B package -DskipTests}:
 * {@code java --add-modules jdk.incubator.vector -cp aiaas-cli/target/aiaas.jar:aiaas-core/target/test-classes
 * dev.aiaas.core.nn.PredictorThroughput N B shared|own}.
 */
public final class PredictorThroughput {
    private PredictorThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Backends.select();
        int threads = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        boolean shared = args[2].equals("shared");
        try (Model m = Model.builder(784).add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).seed(1).build()) {
            List<Predictor> predictors = new ArrayList<>();
            for (int t = 0; t < (shared ? 1 : threads); t++) {
                predictors.add(m.predictor());
            }
            System.out.println("predictor: " + predictors.get(0).kernel() + "; " + threads + " threads, batch " + batch + ", "
                    + (shared ? "one shared predictor" : "one predictor per thread"));
            LongAdder calls = new LongAdder();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(threads);
            List<Thread> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Predictor p = predictors.get(shared ? 0 : t);
                float[] x = new float[batch * 784];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) Math.sin(i + t);
                }
                float[] y = new float[batch * 10];
                Thread th = new Thread(() -> {
                    started.countDown();
                    while (!stop.get()) {
                        p.predict(x, y);
                        calls.increment();
                    }
                });
                th.start();
                running.add(th);
            }
            started.await();
            Thread.sleep(5000);
            for (int round = 0; round < 5; round++) {
                long c0 = calls.sum();
                long t0 = System.nanoTime();
                Thread.sleep(3000);
                long c1 = calls.sum();
                double s = (System.nanoTime() - t0) / 1e9;
                double perSecond = (c1 - c0) / s;
                System.out.println(String.format(Locale.ROOT, "threads %d batch %d %s: %.0f calls/s, %.1f us per call per thread", threads, batch,
                        shared ? "shared" : "own", perSecond, threads * 1e6 / perSecond));
            }
            stop.set(true);
            for (Thread th : running) {
                th.join();
            }
            predictors.forEach(Predictor::close);
        }
    }
}
