package dev.aiaas.core.train;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizers;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: a harness that times whole training steps as {@code Trainer.fit} runs them (the
 * batcher's gather, forward, loss, metrics, backward, gradient transforms, Adam, callbacks),
 * where {@link StepPhases} times the model's phases alone. An MLP (default 784 256 10, ReLU) at
 * batch B (default 128), float32, sparse softmax cross-entropy with its default accuracy metric,
 * 100 steps an epoch; a step's time is the gap between two {@code onBatchEnd} calls of one
 * epoch. After an 8 s warm-up, five rounds of about 3 s each print the minimum and median step
 * in microseconds, of wall-clock time and of the training thread's CPU time (with
 * {@code -Daiaas.threads=1 -Daiaas.blas.threads=1} the whole step runs on that thread, so its
 * CPU time does not count the time a busy machine keeps it waiting). Uses only the public API that the trainer has had since its first release,
 * so the same class times an older build:
 * {@code java --add-modules jdk.incubator.vector -cp <core classes>:<this class's folder>:aiaas.jar
 * dev.aiaas.core.train.TrainerSteps [B [widths...]]}.
 */
public final class TrainerSteps {
    private TrainerSteps() {
    }

    public static void main(String[] args) {
        Backends.select();
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int[] widths = args.length > 2 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {784, 256, 10};
        int classes = widths[widths.length - 1];
        int n = batch * 100;
        INDArray x = Nd4j.rand(DataType.FLOAT, n, widths[0]);
        INDArray y = Nd4j.create(DataType.FLOAT, n);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % classes);
        }
        Model.Builder b = Model.builder(widths[0]);
        for (int l = 1; l < widths.length - 1; l++) {
            b.add(Layers.dense(widths[l], Activation.RELU));
        }
        double[] us = new double[100_000];
        double[] cpu = new double[100_000];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Callback timer = new Callback() {
            private final long warmEnd = System.nanoTime() + 8_000_000_000L;
            private long roundEnd;
            private int round = -1;
            private int count;
            private long last;
            private long lastCpu;

            @Override
            public void onEpochBegin(int epoch, TrainingContext context) {
                last = 0;
            }

            @Override
            public void onBatchEnd(long step, double loss, TrainingContext context) {
                long now = System.nanoTime();
                long nowCpu = threads.getCurrentThreadCpuTime();
                if (round >= 0 && last != 0 && count < us.length) {
                    us[count] = (now - last) / 1e3;
                    cpu[count++] = (nowCpu - lastCpu) / 1e3;
                }
                last = now;
                lastCpu = nowCpu;
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
                long now = System.nanoTime();
                if (round < 0) {
                    if (now > warmEnd) {
                        round = 0;
                        roundEnd = now + 3_000_000_000L;
                    }
                    return;
                }
                if (now < roundEnd) {
                    return;
                }
                Arrays.sort(us, 0, count);
                Arrays.sort(cpu, 0, count);
                System.out.printf(Locale.ROOT, "trainer step %.0f/%.0f us wall, %.0f/%.0f us cpu of this thread (min/median of %d steps)%n",
                        us[0], us[count / 2], cpu[0], cpu[count / 2], count);
                count = 0;
                round++;
                roundEnd = now + 3_000_000_000L;
                if (round == 5) {
                    context.requestStop();
                }
            }
        };
        try (Model m = b.add(Layers.dense(classes)).seed(1).build()) {
            Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(1e-3)).epochs(1_000_000).batchSize(batch)
                    .seed(1).callbacks(timer).build().fit(m, x, y);
        }
    }
}
