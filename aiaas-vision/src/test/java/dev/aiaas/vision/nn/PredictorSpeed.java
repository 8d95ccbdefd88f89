package dev.aiaas.vision.nn;

import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: the CPU time of {@code predictor.predict(x)} (the new array closed at once, as the
 * bench's {@code infer-cnn} rows do) for a network of {@link Networks} at one thread, the minimum
 * and median over calls after as many warm-up calls; what the predictor runs on is printed
 * ({@code -Daiaas.vector=false} gives the copy path). For the small ResNet, which has no bench
 * row. Run with the module's class path (see docs/benchmarks.md):
 * <pre>
 * java --add-modules jdk.incubator.vector -cp CP dev.aiaas.vision.nn.PredictorSpeed resnet|resnet28|cnn BATCH CALLS
 * </pre>
 */
public final class PredictorSpeed {

    private PredictorSpeed() {
    }

    public static void main(String[] args) {
        Backends.select(BackendOptions.of(BackendKind.CPU).withThreads(1, 1));
        String net = args[0];
        int batch = Integer.parseInt(args[1]);
        int calls = Integer.parseInt(args[2]);
        try (Model m = switch (net) {
            case "resnet" -> Networks.resnetSmall(3, 32, 32, 10).seed(42).build();
            case "resnet28" -> Networks.resnetSmall(1, 28, 28, 10).seed(42).build();
            case "cnn" -> Networks.cnn(1, 28, 28, 10).seed(42).build();
            default -> throw new IllegalArgumentException("expected resnet, resnet28 or cnn; got " + net);
        }; Predictor p = m.predictor(); INDArray x = Nd4j.rand(DataType.FLOAT, batch, m.inputShape()[0])) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int i = 0; i < calls; i++) {
                p.predict(x).close();
            }
            double[] ms = new double[calls];
            for (int i = 0; i < calls; i++) {
                long t0 = threads.getCurrentThreadCpuTime();
                p.predict(x).close();
                ms[i] = (threads.getCurrentThreadCpuTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf("%s b%d (%s): cpu min %.3f med %.3f ms per call%n", net, batch, p.kernel(), ms[0], ms[calls / 2]);
        }
    }
}
