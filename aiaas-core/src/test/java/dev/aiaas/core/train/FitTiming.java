package dev.aiaas.core.train;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.data.FashionMnist;
import dev.aiaas.core.data.TrainTest;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizers;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Not a test: a harness that times {@link Trainer#fit} end to end, as a user calls it (the
 * batcher's copy of the data, the checks before the first step, the epochs and the checks between
 * them): MLP 784-256-10 (ReLU), Adam 1e-3, batch 128, float32, on the embedded Fashion-MNIST
 * training subset (6,000 x 784), {@code E} epochs per fit (default 3) after a warm-up fit; R
 * rounds (default 10), each printing the fit's wall time and its fastest and median epoch in
 * milliseconds. Uses only API that predates issue 14, so the same class runs against an older
 * build: {@code java --add-modules jdk.incubator.vector -cp <this class's folder>:<core classes>:aiaas.jar
 * dev.aiaas.core.train.FitTiming [E [R]]}.
 */
public final class FitTiming {
    private FitTiming() {
    }

    public static void main(String[] args) throws Exception {
        Backends.select();
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        try (TrainTest data = FashionMnist.embedded()) {
            fit(data, epochs, new double[epochs]); // warm-up
            for (int r = 0; r < rounds; r++) {
                double[] ms = new double[epochs];
                double total = fit(data, epochs, ms);
                Arrays.sort(ms);
                System.out.println(String.format(Locale.ROOT, "fit %.1f ms; epoch min %.1f ms, median %.1f ms", total, ms[0],
                        ms[epochs / 2]));
            }
        }
    }

    private static double fit(TrainTest data, int epochs, double[] epochMs) {
        long[] start = new long[1];
        Callback timer = new Callback() {
            @Override
            public void onEpochBegin(int epoch, TrainingContext context) {
                start[0] = System.nanoTime();
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
                epochMs[epoch] = (System.nanoTime() - start[0]) / 1e6;
            }
        };
        try (Model m = Model.builder(784).add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).seed(1).build()) {
            Trainer trainer = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(1e-3)).epochs(epochs)
                    .batchSize(128).seed(1).callbacks(timer).build();
            long t0 = System.nanoTime();
            trainer.fit(m, data.train());
            return (System.nanoTime() - t0) / 1e6;
        }
    }
}
