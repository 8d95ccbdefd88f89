package dev.aiaas.core.nn;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.math.Buf;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: a harness that times each activation's forward and backward pass on a float32
 * {@code [128, 256]} batch (the hidden layer of the MLP 784-256-10 at batch 128), the least of
 * 1.5 s of calls after 3 s of warm-up, in microseconds. Run after
 * {@code mvn -B package -DskipTests}:
 * {@code java -cp aiaas-cli/target/aiaas.jar:aiaas-core/target/test-classes dev.aiaas.core.nn.ActivationSpeed}.
 */
public final class ActivationSpeed {
    private ActivationSpeed() {
    }

    public static void main(String[] args) {
        Backends.select();
        int rows = 128;
        int cols = 256;
        try (INDArray z = Nd4j.rand(DataType.FLOAT, rows, cols).subi(0.5).muli(6);
             INDArray y = Nd4j.create(DataType.FLOAT, rows, cols);
             INDArray dy = Nd4j.rand(DataType.FLOAT, rows, cols);
             INDArray dz = Nd4j.create(DataType.FLOAT, rows, cols)) {
            Buf zb = Buf.of(z);
            Buf yb = Buf.of(y);
            Buf dyb = Buf.of(dy);
            Buf dzb = Buf.of(dz);
            for (Activation f : new Activation[] {Activation.RELU, Activation.leakyRelu(0.1), Activation.GELU, Activation.TANH,
                Activation.SIGMOID, Activation.SOFTMAX}) {
                for (long window : new long[] {3_000_000_000L, 1_500_000_000L}) {
                    long forward = Long.MAX_VALUE;
                    long backward = Long.MAX_VALUE;
                    long end = System.nanoTime() + window;
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        f.forward(zb, yb, rows, cols);
                        long t1 = System.nanoTime();
                        f.backward(zb, yb, dyb, dzb, rows, cols);
                        long t2 = System.nanoTime();
                        forward = Math.min(forward, t1 - t0);
                        backward = Math.min(backward, t2 - t1);
                    }
                    if (window < 2_000_000_000L) {
                        System.out.printf(Locale.ROOT, "%-16s forward %8.1f us  backward %8.1f us  (float32 [%d, %d])%n", f,
                                forward / 1e3, backward / 1e3, rows, cols);
                    }
                }
            }
        }
    }
}
