// The training-step rate of Networks.resnetSmall on 3x224x224 images (thread CPU time, one thread), to set beside the
// augmentation pipeline's images per CPU-second (issue 16). Run: java -cp aiaas-cli/target/aiaas.jar tools/Resnet224Step.java 16
import dev.aiaas.core.backend.*;
import dev.aiaas.core.loss.*;
import dev.aiaas.core.nn.*;
import dev.aiaas.core.optim.*;
import dev.aiaas.vision.nn.Networks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import java.lang.management.*;

public class Resnet224Step {
    public static void main(String[] a) {
        Backends.select(BackendOptions.of(BackendKind.CPU).withThreads(1, 1));
        int b = Integer.parseInt(a[0]);
        try (Model m = Networks.resnetSmall(3, 224, 224, 10).seed(1).build()) {
            INDArray x = Nd4j.rand(DataType.FLOAT, b, 3 * 224 * 224).dup('f');
            float[] lab = new float[b];
            for (int i = 0; i < b; i++) lab[i] = i % 10;
            INDArray y = Nd4j.createFromArray(lab).reshape(b, 1).castTo(DataType.FLOAT);
            INDArray g = Nd4j.create(DataType.FLOAT, new long[] {b, 10}, 'f');
            Loss loss = Losses.sparseSoftmaxCrossEntropy();
            Optimizer opt = Optimizers.adam(1e-3);
            Optimizer.State st = opt.newState(m.parameterCount(), m.dataType());
            ThreadMXBean tb = ManagementFactory.getThreadMXBean();
            double best = 1e18;
            for (int s = 1; s <= 4; s++) {
                long t0 = tb.getCurrentThreadCpuTime();
                INDArray out = m.forward(x, true);
                loss.compute(out, y, g);
                m.backward(g);
                opt.step(m.parameters(), m.gradients(), st, 1e-3, s);
                double ms = (tb.getCurrentThreadCpuTime() - t0) / 1e6;
                if (s > 1) best = Math.min(best, ms);
                System.out.printf("step %d: %.0f ms CPU%n", s, ms);
            }
            System.out.printf("resnet-small 3x224x224 batch %d: %.0f ms CPU per step, %.1f images per CPU-second%n", b, best, b * 1000 / best);
        }
    }
}
