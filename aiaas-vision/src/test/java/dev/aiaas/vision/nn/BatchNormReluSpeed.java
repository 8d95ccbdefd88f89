package dev.aiaas.vision.nn;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: a batch norm and the ReLU after it, fused ({@link BatchNorm2d#instantiateFused}) against
 * the two layers one after the other, float32, forward and backward (with ∂L/∂x) per pass, thread
 * CPU time, minimum and median over repetitions, the two alternating.
 * {@code java -cp ... dev.aiaas.vision.nn.BatchNormReluSpeed B C H W reps}.
 */
public final class BatchNormReluSpeed {
    private BatchNormReluSpeed() {
    }

    public static void main(String[] args) {
        Backends.current();
        ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        int batch = Integer.parseInt(args[0]);
        int c = Integer.parseInt(args[1]);
        int h = Integer.parseInt(args[2]);
        int w = Integer.parseInt(args[3]);
        int reps = Integer.parseInt(args[4]);
        long[] shape = {c, h, w};
        BatchNorm2d bn = new BatchNorm2d(0.9, 1e-5);
        Layer relu = Layers.relu();
        Layer.Instance fused = bn.instantiateFused(relu, shape, DataType.FLOAT);
        Layer.Instance a = bn.instantiate(shape, DataType.FLOAT);
        Layer.Instance b = relu.instantiate(shape, DataType.FLOAT);
        INDArray p1 = Nd4j.create(DataType.FLOAT, 4 * c);
        INDArray g1 = Nd4j.create(DataType.FLOAT, 4 * c);
        INDArray p2 = Nd4j.create(DataType.FLOAT, 4 * c);
        INDArray g2 = Nd4j.create(DataType.FLOAT, 4 * c);
        fused.bind(p1, g1);
        fused.initialise(new SplittableRandom(1));
        a.bind(p2, g2);
        a.initialise(new SplittableRandom(1));
        b.bind(null, null);
        INDArray x = Nd4j.rand(DataType.FLOAT, 'f', batch, c, h, w).subi(0.5);
        INDArray dy = Nd4j.rand(DataType.FLOAT, 'f', batch, c, h, w).subi(0.5);
        double[][] t = new double[4][reps];
        for (int rep = -5; rep < reps; rep++) {
            long t0 = tb.getCurrentThreadCpuTime();
            INDArray y = fused.forward(x, true);
            long t1 = tb.getCurrentThreadCpuTime();
            fused.backward(x, y, dy, true);
            long t2 = tb.getCurrentThreadCpuTime();
            INDArray mid = a.forward(x, true);
            INDArray y2 = b.forward(mid, true);
            long t3 = tb.getCurrentThreadCpuTime();
            a.backward(x, mid, b.backward(mid, y2, dy, true), true);
            long t4 = tb.getCurrentThreadCpuTime();
            if (rep >= 0) {
                t[0][rep] = (t1 - t0) / 1e6;
                t[1][rep] = (t2 - t1) / 1e6;
                t[2][rep] = (t3 - t2) / 1e6;
                t[3][rep] = (t4 - t3) / 1e6;
            }
        }
        for (double[] r : t) {
            Arrays.sort(r);
        }
        System.out.printf(Locale.ROOT, "B %d C %d %dx%d: fused fwd %.3f (med %.3f) bwd %.3f (med %.3f) | separate fwd %.3f (med %.3f) "
                + "bwd %.3f (med %.3f) ms%n", batch, c, h, w, t[0][0], t[0][reps / 2], t[1][0], t[1][reps / 2], t[2][0], t[2][reps / 2],
                t[3][0], t[3][reps / 2]);
    }
}
