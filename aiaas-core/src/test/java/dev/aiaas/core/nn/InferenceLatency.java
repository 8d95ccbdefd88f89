package dev.aiaas.core.nn;

import dev.aiaas.core.backend.Backends;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: a harness that times {@link Model#predict(INDArray)} (a new array per call, closed)
 * against {@link Model#predict(INDArray, INDArray)} (into one buffer) for the MLP 784-256-10 at
 * batch B (default 1), float32, after an 8 s warm-up of each; five rounds of 5,000 calls of each,
 * interleaved, printing minimum and median in microseconds. Run after
 * {@code mvn -B package -DskipTests}:
 * {@code java -cp aiaas-cli/target/aiaas.jar:aiaas-core/target/test-classes dev.aiaas.core.nn.InferenceLatency [B]}.
 */
public final class InferenceLatency {
    private InferenceLatency() {
    }

    public static void main(String[] args) {
        Backends.select();
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        try (Model m = Model.builder(784).add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).seed(1).build();
             INDArray x = Nd4j.rand(DataType.FLOAT, batch, 784);
             INDArray out = Nd4j.create(DataType.FLOAT, batch, 10)) {
            long end = System.nanoTime() + 8_000_000_000L;
            while (System.nanoTime() < end) {
                m.predict(x).close();
                m.predict(x, out);
            }
            for (int round = 0; round < 5; round++) {
                int n = 5000;
                double[] fresh = new double[n];
                double[] into = new double[n];
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    m.predict(x).close();
                    long t1 = System.nanoTime();
                    m.predict(x, out);
                    long t2 = System.nanoTime();
                    fresh[i] = (t1 - t0) / 1e3;
                    into[i] = (t2 - t1) / 1e3;
                }
                Arrays.sort(fresh);
                Arrays.sort(into);
                System.out.println(String.format(Locale.ROOT, "batch %d: predict(x) %.1f/%.1f us, predict(x, out) %.1f/%.1f us (min/median)",
                        batch, fresh[0], fresh[n / 2], into[0], into[n / 2]));
            }
        }
    }
}
