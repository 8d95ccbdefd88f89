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
 * Not a test: a harness that times each phase of an MLP training step (forward, loss, backward,
 * Adam) at batch B (default 128), float32, after an 8 s warm-up; five rounds of steps (1,000, or
 * as many as fit in about 3 s), each printing the minimum and median per phase in microseconds,
 * and the heap bytes the thread allocated per step. The widths default to 784 256 10 (ReLU hidden
 * layers, a linear last layer). Run after {@code mvn -B package -DskipTests}:
 * {@code java -cp aiaas-cli/target/aiaas.jar:aiaas-core/target/test-classes dev.aiaas.core.train.StepPhases [B [widths...]]},
 * for example {@code ... StepPhases 512 784 2048 2048 10}.
 */
public final class StepPhases {
    private StepPhases() {
    }

    public static void main(String[] args) {
        Backends.select();
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int[] widths = args.length > 2 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {784, 256, 10};
        Model.Builder b = Model.builder(widths[0]);
        for (int l = 1; l < widths.length - 1; l++) {
            b.add(Layers.dense(widths[l], Activation.RELU));
        }
        int classes = widths[widths.length - 1];
        try (Model m = b.add(Layers.dense(classes)).seed(1).build();
             INDArray x = Nd4j.rand(DataType.FLOAT, batch, widths[0]).dup('f');
             INDArray y = Nd4j.create(DataType.FLOAT, new long[] {batch, 1}, 'f');
             INDArray grad = Nd4j.create(DataType.FLOAT, new long[] {batch, classes}, 'f')) {
            for (int i = 0; i < batch; i++) {
                y.putScalar(i, i % classes);
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
                    long roundEnd = System.nanoTime() + 3_000_000_000L;
                    long heap0 = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < n; i++) {
                        if (i >= 5 && System.nanoTime() > roundEnd) {
                            n = i;
                            break;
                        }
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
                        Arrays.sort(us[k], 0, n);
                        sb.append(String.format(Locale.ROOT, "%s %.0f/%.0f  ", names[k], us[k][0], us[k][n / 2]));
                    }
                    System.out.println(sb + String.format(Locale.ROOT, "(min/median us of %d steps); heap %.1f bytes/step", n, heapPerStep));
                }
            }
        }
    }
}
