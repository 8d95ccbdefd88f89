package dev.aiaas.core.io;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Not a test: a harness that times {@link ModelIO#load(Path)} of the MLP 784-1024-256-10 with a
 * batch norm (1,070,666 float32 parameters, a 4.3 MB file), written once to {@code FILE} (first
 * argument, default {@code /tmp/aiaas-load-1m.aiaas}; an existing file is reused, so that two
 * builds time the same bytes). After a 3 s warm-up, five rounds of 50 loads, each followed by
 * building the same model from code (what a load does before it reads θ: allocation and random
 * initialisation), each round printing the minima and medians in milliseconds; the difference is
 * what reading the file costs. Run against a build and against the baseline alternately:
 * {@code java --add-modules jdk.incubator.vector -cp aiaas-core/target/test-classes:aiaas-core/target/classes:aiaas.jar dev.aiaas.core.io.LoadSpeed}.
 */
public final class LoadSpeed {
    private LoadSpeed() {
    }

    public static void main(String[] args) throws Exception {
        Backends.select();
        Path file = Path.of(args.length > 0 ? args[0] : "/tmp/aiaas-load-1m.aiaas");
        if (!Files.exists(file)) {
            try (Model m = build()) {
                ModelIO.save(m, file);
            }
        }
        long end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < end) {
            ModelIO.load(file).close();
        }
        for (int round = 0; round < 5; round++) {
            double[] t = new double[50];
            double[] b = new double[50];
            for (int i = 0; i < t.length; i++) {
                long t0 = System.nanoTime();
                Model m = ModelIO.load(file);
                t[i] = (System.nanoTime() - t0) / 1e6;
                m.close();
                t0 = System.nanoTime();
                m = build();
                b[i] = (System.nanoTime() - t0) / 1e6;
                m.close();
            }
            Arrays.sort(t);
            Arrays.sort(b);
            System.out.printf(Locale.ROOT, "load %s (%d bytes): min %.2f ms, median %.2f ms; building the model alone: min %.2f ms,"
                    + " median %.2f ms%n", file.getFileName(), Files.size(file), t[0], t[t.length / 2], b[0], b[b.length / 2]);
        }
    }

    /** The model of the file: what a load builds, with its initialisation, before reading θ. */
    private static Model build() {
        return Model.builder(784).add(Layers.dense(1024, Activation.RELU)).add(Layers.batchNorm())
                .add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).seed(1).build();
    }
}
