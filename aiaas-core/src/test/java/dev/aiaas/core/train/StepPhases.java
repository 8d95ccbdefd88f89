package dev.aiaas.core.train;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: a harness that times each phase of the MLP 784-256-10 training step (forward, loss,
 * backward, Adam) at batch B (default 128), float32, after an 8 s warm-up; five rounds of 1,000
 * steps, each printing the minimum and median per phase in microseconds, and the heap bytes the
 * thread allocated per step. Run after {@code mvn -B package -DskipTests}:
 * {@code java -cp aiaas-cli/target/aiaas.jar:aiaas-core/target/test-classes dev.aiaas.core.train.StepPhases [B]}.
 */
public final class StepPhases {
    private StepPhases() {
    }

    public static void main(String[] args) {
        Backends.select();
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        try (Model m = Model.builder(784).add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).seed(1).build();
             INDArray x = Nd4j.rand(DataType.FLOAT, batch, 784).dup('f');
             INDArray y = Nd4j.create(DataType.FLOAT, new long[] {batch, 1}, 'f');
             INDArray grad = Nd4j.create(DataType.FLOAT, new long[] {batch, 10}, 'f')) {
            for (int i = 0; i < batch; i++) {
                y.putScalar(i, i % 10);
            }
            Loss loss = Losses.sparseSoftmaxCrossEntropy();
            Optimizer adam = Optimizers.adam(1e-3);
            try (Optimizer.State state = adam.newState(m.parameterCount(), DataType.FLOAT)) {
                long t = 0;
                long end = System.nanoTime() + 8_000_000_000L;
                while (System.nanoTime() < end) {
                    loss.compute(m.forward(x, true), y, grad);
                    m.backward(grad);
                    adam.step(m.parameters(), m.gradients(), state, 1e-3, ++t);
                }
                com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                String[] names = {"forward", "loss", "backward", "adam", "step"};
                for (int round = 0; round < 5; round++) {
                    int n = 1000;
                    double[][] us = new double[5][n];
                    long heap0 = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < n; i++) {
                        long t0 = System.nanoTime();
                        INDArray out = m.forward(x, true);
                        long t1 = System.nanoTime();
                        loss.compute(out, y, grad);
                        long t2 = System.nanoTime();
                        m.backward(grad);
                        long t3 = System.nanoTime();
                        adam.step(m.parameters(), m.gradients(), state, 1e-3, ++t);
                        long t4 = System.nanoTime();
                        us[0][i] = (t1 - t0) / 1e3;
                        us[1][i] = (t2 - t1) / 1e3;
                        us[2][i] = (t3 - t2) / 1e3;
                        us[3][i] = (t4 - t3) / 1e3;
                        us[4][i] = (t4 - t0) / 1e3;
                    }
                    double heapPerStep = (threads.getCurrentThreadAllocatedBytes() - heap0) / (double) n;
                    StringBuilder sb = new StringBuilder();
                    for (int k = 0; k < names.length; k++) {
                        Arrays.sort(us[k]);
                        sb.append(String.format(Locale.ROOT, "%s %.0f/%.0f  ", names[k], us[k][0], us[k][n / 2]));
                    }
                    System.out.println(sb + String.format(Locale.ROOT, "(min/median us); heap %.1f bytes/step", heapPerStep));
                }
            }
        }
    }
}
