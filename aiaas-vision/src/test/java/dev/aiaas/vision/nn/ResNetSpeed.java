package dev.aiaas.vision.nn;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: the forward and backward CPU time of each layer of {@code Networks.resnetSmall(3, 32,
 * 32, 10)}, with every residual block's branches unrolled (each inner layer timed alone, on its
 * own instance), then each whole block timed as the model runs it, so that the block's own work
 * (the sum, the ReLU, ∂L/∂x's sum) is the block's time less its layers'. Minimum and median over
 * repetitions, milliseconds of the calling thread's CPU time; run with {@code -Daiaas.threads=1
 * -Daiaas.blas.threads=1} so that BLAS and libnd4j compute on this thread.
 * {@code java -cp ... dev.aiaas.vision.nn.ResNetSpeed [batch] [reps]}.
 */
public final class ResNetSpeed {
    private ResNetSpeed() {
    }

    public static void main(String[] args) {
        Backends.current();
        java.lang.management.ThreadMXBean tb = java.lang.management.ManagementFactory.getThreadMXBean();
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<Layer> top;
        long[] in;
        try (Model m = Networks.resnetSmall(3, 32, 32, 10).seed(1).build()) {
            top = m.layers();
            in = m.inputShape();
        }
        // the unrolled list: top-level layers, each block's main branch, then its shortcut (on the block's input)
        List<String> names = new ArrayList<>();
        List<Layer> flat = new ArrayList<>();
        List<long[]> inShapes = new ArrayList<>();
        List<Integer> source = new ArrayList<>(); // index of the input activation in the flat list (-1: the previous)
        long[] s = in;
        for (Layer l : top) {
            if (l instanceof ResidualBlock rb) {
                int blockInput = flat.size(); // activation index of the block's input
                long[] bs = s;
                for (Layer ml : rb.main()) {
                    names.add("  main " + ml.summaryName());
                    flat.add(ml);
                    inShapes.add(bs);
                    source.add(-1);
                    bs = ml.outputShape(bs);
                }
                long[] ss = s;
                boolean first = true;
                for (Layer sl : rb.shortcut()) {
                    names.add("  short " + sl.summaryName());
                    flat.add(sl);
                    inShapes.add(ss);
                    source.add(first ? blockInput : -1);
                    first = false;
                    ss = sl.outputShape(ss);
                }
            }
            names.add(l instanceof ResidualBlock ? "BLOCK TOTAL " + l.summaryName() : l.summaryName());
            flat.add(l);
            inShapes.add(s);
            source.add(-2); // top level: the previous top-level output
            s = l.outputShape(s);
        }
        int n = flat.size();
        List<Layer.Instance> inst = new ArrayList<>();
        long total = 0;
        long[] off = new long[n + 1];
        for (int i = 0; i < n; i++) {
            off[i + 1] = off[i] + flat.get(i).parameterCount(inShapes.get(i));
            inst.add(flat.get(i).instantiate(inShapes.get(i), DataType.FLOAT));
        }
        total = off[n];
        INDArray params = Nd4j.rand(DataType.FLOAT, Math.max(1, total)).subi(0.5).muli(0.2);
        INDArray grads = Nd4j.create(DataType.FLOAT, Math.max(1, total));
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            if (off[i + 1] > off[i]) {
                inst.get(i).bind(params.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(off[i], off[i + 1])),
                        grads.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(off[i], off[i + 1])));
            } else {
                inst.get(i).bind(null, null);
            }
            inst.get(i).initialise(r);
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 'c', batch, in[0]);
        INDArray[] inputs = new INDArray[n];
        INDArray[] outs = new INDArray[n];
        double[][] fw = new double[n][reps];
        double[][] bw = new double[n][reps];
        for (int rep = -5; rep < reps; rep++) {
            INDArray prevTop = x;
            INDArray prev = x;
            for (int i = 0; i < n; i++) {
                int src = source.get(i);
                INDArray xi = src == -2 ? prevTop : src == -1 ? prev : inputs[src]; // inputs[blockInput] is the first main layer's input
                inputs[i] = xi;
                long t0 = tb.getCurrentThreadCpuTime();
                outs[i] = inst.get(i).forward(xi, true);
                if (rep >= 0) {
                    fw[i][rep] = (tb.getCurrentThreadCpuTime() - t0) / 1e6;
                }
                prev = outs[i];
                if (src == -2) {
                    prevTop = outs[i];
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                INDArray d = outs[i].dup('f');
                long t0 = tb.getCurrentThreadCpuTime();
                inst.get(i).backward(inputs[i], outs[i], d, source.get(i) != -2 || i > 1);
                if (rep >= 0) {
                    bw[i][rep] = (tb.getCurrentThreadCpuTime() - t0) / 1e6;
                }
                d.close();
            }
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            Arrays.sort(fw[i]);
            Arrays.sort(bw[i]);
            if (source.get(i) == -2) {
                sum += fw[i][0] + bw[i][0];
            }
            System.out.printf(Locale.ROOT, "%-2d %-34s %-16s fwd min %7.3f med %7.3f   bwd min %7.3f med %7.3f ms%n", i, names.get(i),
                    Arrays.toString(flat.get(i).outputShape(inShapes.get(i))), fw[i][0], fw[i][reps / 2], bw[i][0], bw[i][reps / 2]);
        }
        System.out.printf(Locale.ROOT, "resnet-small batch %d: sum of the top-level minima %.3f ms per forward and backward%n", batch, sum);
    }
}
