package dev.aiaas.core.nn;

import dev.aiaas.core.backend.Backends;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: a harness that times the forward (training) and backward pass of the layers that sit
 * around dense ones (batch norm, layer norm, dropout 0.2, ReLU as a layer, and a dense layer of
 * 256 with ReLU for scale) on a float32 'f'-order [128, 256] batch, the least over 1.5 s of calls
 * after 2 s of warm-up, in microseconds. Run after {@code mvn -B package -DskipTests}:
 * {@code java -cp aiaas-cli/target/aiaas.jar:aiaas-core/target/test-classes dev.aiaas.core.nn.LayerSpeed}.
 */
public final class LayerSpeed {
    private LayerSpeed() {
    }

    public static void main(String[] args) {
        Backends.select();
        int rows = 128;
        int cols = 256;
        long[] shape = {cols};
        try (INDArray x = Nd4j.rand(DataType.FLOAT, rows, cols).dup('f');
             INDArray dy = Nd4j.rand(DataType.FLOAT, rows, cols).dup('f')) {
            for (Layer layer : new Layer[] {Layers.batchNorm(), Layers.layerNorm(), Layers.dropout(0.2), Layers.relu(),
                Layers.dense(256, Activation.RELU)}) {
                long count = Math.max(1, layer.parameterCount(shape));
                try (Layer.Instance in = layer.instantiate(shape, DataType.FLOAT);
                     INDArray params = Nd4j.create(DataType.FLOAT, count);
                     INDArray grads = Nd4j.create(DataType.FLOAT, count)) {
                    in.bind(params, grads);
                    in.initialise(new SplittableRandom(1));
                    long forward = Long.MAX_VALUE;
                    long backward = Long.MAX_VALUE;
                    for (long window : new long[] {2_000_000_000L, 1_500_000_000L}) {
                        forward = Long.MAX_VALUE;
                        backward = Long.MAX_VALUE;
                        long end = System.nanoTime() + window;
                        while (System.nanoTime() < end) {
                            long t0 = System.nanoTime();
                            INDArray y = in.forward(x, true);
                            long t1 = System.nanoTime();
                            in.backward(x, y, dy, true);
                            long t2 = System.nanoTime();
                            forward = Math.min(forward, t1 - t0);
                            backward = Math.min(backward, t2 - t1);
                        }
                    }
                    System.out.printf(Locale.ROOT, "%-12s forward %8.1f us  backward %8.1f us  (float32 [%d, %d])%n", layer.type(),
                            forward / 1e3, backward / 1e3, rows, cols);
                }
            }
        }
    }
}
