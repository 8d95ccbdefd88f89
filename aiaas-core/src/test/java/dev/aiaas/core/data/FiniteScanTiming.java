package dev.aiaas.core.data;

import dev.aiaas.core.backend.Backends;
import java.nio.FloatBuffer;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: times the work issue 14 added around training steps, which the trainer does once
 * per fit (the finite check of the data, {@link Batcher#requireFinite}, here 6,000 x 784 features
 * and 6,000 targets) and once per epoch (the finite check of θ, here 203,530 floats, the MLP
 * 784-256-10), as the minimum of 2,000 repetitions after the JIT has compiled both:
 * {@code java --add-modules jdk.incubator.vector -cp aiaas-core/target/test-classes:aiaas-cli/target/aiaas.jar
 * dev.aiaas.core.data.FiniteScanTiming}.
 */
public final class FiniteScanTiming {
    private FiniteScanTiming() {
    }

    public static void main(String[] args) {
        Backends.select();
        try (INDArray x = Nd4j.rand(DataType.FLOAT, 6000, 784); INDArray y = Nd4j.zeros(DataType.FLOAT, 6000);
             Batcher data = Batcher.of(x, y, BatchOptions.of(128));
             INDArray theta = Nd4j.rand(DataType.FLOAT, 1, 203_530)) {
            FloatBuffer p = theta.data().asNioFloat();
            double minData = Double.MAX_VALUE;
            double minTheta = Double.MAX_VALUE;
            long sink = 0;
            for (int r = 0; r < 2000; r++) {
                long t0 = System.nanoTime();
                data.requireFinite("x", "y", "-");
                long t1 = System.nanoTime();
                sink += Batcher.firstNonFinite(p, 203_530);
                long t2 = System.nanoTime();
                minData = Math.min(minData, (t1 - t0) / 1e6);
                minTheta = Math.min(minTheta, (t2 - t1) / 1e6);
            }
            System.out.println(String.format(Locale.ROOT, "data check (6000 x 784 + 6000 values), once per fit: %.2f ms; "
                    + "theta check (203,530 floats), once per epoch: %.3f ms (%d)", minData, minTheta, sink));
        }
    }
}
