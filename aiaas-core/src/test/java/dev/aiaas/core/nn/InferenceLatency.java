package dev.aiaas.core.nn;

import dev.aiaas.core.backend.Backends;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: a harness that times {@link Model#predict(INDArray)} (a new array per call, closed)
 * and {@link Model#predict(INDArray, INDArray)} (into one buffer) against the same two calls and
 * {@link Predictor#predict(float[], float[])} of the model's {@link Predictor}, for the MLP
 * 784-256-10 at batch B (default 1), float32, after an 8 s warm-up of each; with a second
 * argument {@code norm}, the MLP 784-256-10 with a batch norm, GELU, dropout and a softmax
 * output (dense 256, batch_norm, gelu, dropout 0.2, dense 10 softmax). Five rounds; in each,
 * every call runs 2,000 times in a row (the first 200 not counted: BLAS's threads and the
 * predictor's worker spin for a while after a call, and a call right after another kind meets
 * them), printing minimum and median in microseconds. Run after
 * {@code mvn -B package -DskipTests}, with the Vector API for the packed predictor:
 * {@code java --add-modules jdk.incubator.vector -cp aiaas-cli/target/aiaas.jar:aiaas-core/target/test-classes dev.aiaas.core.nn.InferenceLatency [B [norm]]}.
 */
public final class InferenceLatency {
    private InferenceLatency() {
    }

    public static void main(String[] args) {
        Backends.select();
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        boolean norm = args.length > 1 && args[1].equals("norm");
        Model.Builder b = Model.builder(784).seed(1);
        if (norm) {
            b.add(Layers.dense(256)).add(Layers.batchNorm()).add(Layers.gelu()).add(Layers.dropout(0.2))
                    .add(Layers.dense(10, Activation.SOFTMAX));
        } else {
            b.add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10));
        }
        try (Model m = b.build();
             INDArray x = Nd4j.rand(DataType.FLOAT, batch, 784);
             INDArray out = Nd4j.create(DataType.FLOAT, batch, 10);
             Predictor p = m.predictor()) {
            System.out.println("predictor: " + p.kernel());
            float[] xh = x.data().asFloat();
            float[] yh = new float[batch * 10];
            String[] names = {"model predict(x)", "model predict(x, out)", "predictor predict(x)", "predictor predict(x, out)",
                "predictor predict(float[], float[])"};
            Runnable[] calls = {() -> m.predict(x).close(), () -> m.predict(x, out), () -> p.predict(x).close(),
                () -> p.predict(x, out), () -> p.predict(xh, yh)};
            for (Runnable call : calls) {
                long end = System.nanoTime() + 8_000_000_000L;
                while (System.nanoTime() < end) {
                    call.run();
                }
            }
            int skip = 200;
            int n = 2000;
            for (int round = 0; round < 5; round++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "batch %d (min/median us):", batch));
                for (int c = 0; c < calls.length; c++) {
                    double[] t = new double[n - skip];
                    for (int i = 0; i < n; i++) {
                        long t0 = System.nanoTime();
                        calls[c].run();
                        long t1 = System.nanoTime();
                        if (i >= skip) {
                            t[i - skip] = (t1 - t0) / 1e3;
                        }
                    }
                    Arrays.sort(t);
                    line.append(String.format(Locale.ROOT, " %s %.1f/%.1f%s", names[c], t[0], t[t.length / 2],
                            c + 1 < calls.length ? ";" : ""));
                }
                System.out.println(line);
            }
        }
    }
}
