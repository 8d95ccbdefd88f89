package dev.aiaas.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * {@link ConvBenchmark}'s four calls timed by thread CPU time rather than wall clock, for a
 * shared machine: per shape, the minimum over five rounds of three calls each (after one round
 * of warm-up) of aiaas's forward and backward and libnd4j's {@code conv2d} and {@code conv2d_bp}.
 * With one OpenMP thread ({@code OMP_NUM_THREADS=1 -Daiaas.threads=1 -Daiaas.blas.threads=1})
 * all the work is on the calling thread. Which native build runs libnd4j's ops (with or without
 * oneDNN) is the class path's {@code nd4j-native} classifier.
 *
 * <pre>
 * OMP_NUM_THREADS=1 java -Daiaas.threads=1 -Daiaas.blas.threads=1 -Daiaas.conv=im2col -cp CP \
 *     dev.aiaas.bench.jmh.ConvCpuTime 128x32x28x28x32x3xs 128x64x14x14x64x3xs
 * </pre>
 */
public final class ConvCpuTime {
    private ConvCpuTime() {
    }

    /**
     * Times each shape given ({@link ConvBenchmark#shape}'s form) and prints one line per shape.
     *
     * @param args the shapes, for example {@code 128x32x28x28x32x3xs}
     */
    public static void main(String[] args) {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        for (String shape : args) {
            ConvBenchmark b = new ConvBenchmark();
            b.shape = shape;
            b.setup();
            try {
                Runnable[] calls = {b::aiaasForward, b::aiaasBackward, b::nd4jConv2d, b::nd4jConv2dBp};
                double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
                for (int round = 0; round < 6; round++) {
                    for (int i = 0; i < calls.length; i++) {
                        for (int r = 0; r < 3; r++) {
                            long c0 = t.getCurrentThreadCpuTime();
                            calls[i].run();
                            long c1 = t.getCurrentThreadCpuTime();
                            if (round > 0) {
                                min[i] = Math.min(min[i], (c1 - c0) / 1e6);
                            }
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "%s: aiaas forward %.2f backward %.2f (sum %.2f) | libnd4j conv2d %.2f conv2d_bp %.2f (sum %.2f)"
                        + " ms, thread CPU minimum%n", shape, min[0], min[1], min[0] + min[1], min[2], min[3], min[2] + min[3]);
            } finally {
                b.tearDown();
            }
        }
    }
}
