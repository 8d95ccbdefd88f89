package dev.aiaas.vision.nn;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Not a test: the forward and backward time of each layer of a network at one batch size, minimum
 * and median over repetitions (milliseconds), float32. {@code java -cp ... dev.aiaas.vision.nn.ConvSpeed [cnn|lenet] [batch] [reps]}.
 * With {@code -Dcpu=true} the times are the calling thread's CPU time (run it with
 * {@code -Daiaas.threads=1 -Daiaas.blas.threads=1}, so that BLAS computes on this thread): on a busy
 * machine these move far less than wall-clock times.
 */
public final class ConvSpeed {
    private ConvSpeed() {
    }

    public static void main(String[] args) {
        Backends.current();
        java.lang.management.ThreadMXBean tb = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean cpu = Boolean.getBoolean("cpu");
        java.util.function.LongSupplier clock = cpu ? tb::getCurrentThreadCpuTime : System::nanoTime;
        String net = args.length > 0 ? args[0] : "cnn";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Model.Builder b = net.equals("lenet") ? Networks.lenet5(10) : Networks.cnn(1, 28, 28, 10);
        List<Layer> layers;
        long[] in;
        try (Model m = b.seed(1).build()) {
            layers = m.layers();
            in = m.inputShape();
        }
        int n = layers.size();
        long[][] shapes = new long[n + 1][];
        long[] offsets = new long[n + 1];
        shapes[0] = in;
        List<Layer.Instance> inst = new ArrayList<>();
        boolean fuse = Boolean.getBoolean("fuse"); // -Dfuse=true: pairs as Chain runs them (Layer.instantiateFused), timed on the first
        boolean[] fused = new boolean[n];
        for (int i = 0; i < n; i++) {
            shapes[i + 1] = layers.get(i).outputShape(shapes[i]);
            offsets[i + 1] = offsets[i] + layers.get(i).parameterCount(shapes[i]);
        }
        for (int i = 0; i < n; i++) {
            Layer.Instance pair = fuse && i + 1 < n && (i == 0 || !fused[i - 1]) && offsets[i + 2] == offsets[i + 1]
                    ? layers.get(i).instantiateFused(layers.get(i + 1), shapes[i], DataType.FLOAT) : null;
            fused[i] = pair != null;
            inst.add(pair != null ? pair : layers.get(i).instantiate(shapes[i], DataType.FLOAT));
        }
        INDArray params = Nd4j.create(DataType.FLOAT, offsets[n]);
        INDArray grads = Nd4j.create(DataType.FLOAT, offsets[n]);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            if (offsets[i + 1] > offsets[i]) {
                inst.get(i).bind(params.get(NDArrayIndex.interval(offsets[i], offsets[i + 1])),
                        grads.get(NDArrayIndex.interval(offsets[i], offsets[i + 1])));
            } else {
                inst.get(i).bind(null, null);
            }
            inst.get(i).initialise(r);
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 'c', batch, in[0]);
        INDArray[] acts = new INDArray[n + 1];
        double[][] fw = new double[n][reps];
        double[][] bw = new double[n][reps];
        for (int rep = -5; rep < reps; rep++) {
            acts[0] = x;
            for (int i = 0; i < n; i++) {
                if (i > 0 && fused[i - 1]) {
                    continue; // run with layer i - 1
                }
                long t0 = clock.getAsLong();
                acts[i + 1] = inst.get(i).forward(acts[i], true);
                if (fused[i]) {
                    acts[i + 2] = acts[i + 1];
                }
                if (rep >= 0) {
                    fw[i][rep] = (clock.getAsLong() - t0) / 1e6;
                }
            }
            INDArray d = acts[n].dup('f');
            for (int i = n - 1; i >= 0; i--) {
                if (i > 0 && fused[i - 1]) {
                    continue;
                }
                long t0 = clock.getAsLong();
                // as Chain asks: ∂L/∂x only where a layer before has parameters
                d = inst.get(i).backward(acts[i], acts[fused[i] ? i + 2 : i + 1], d, offsets[i] > 0);
                if (rep >= 0) {
                    bw[i][rep] = (clock.getAsLong() - t0) / 1e6;
                }
            }
        }
        double minSum = 0;
        for (int i = 0; i < n; i++) {
            java.util.Arrays.sort(fw[i]);
            java.util.Arrays.sort(bw[i]);
            minSum += fw[i][0] + bw[i][0];
            System.out.printf(Locale.ROOT, "%-2d %-22s %-16s forward min %7.3f med %7.3f   backward min %7.3f med %7.3f ms%n", i,
                    layers.get(i).summaryName(), java.util.Arrays.toString(shapes[i + 1]), fw[i][0], fw[i][reps / 2], bw[i][0],
                    bw[i][reps / 2]);
        }
        System.out.printf(Locale.ROOT, "%s batch %d: sum of minima %.3f ms per forward and backward%n", net, batch, minSum);
    }
}
