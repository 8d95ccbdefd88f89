package dev.aiaas.vision.nn;

import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.math.Gemm;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: the float32 BLAS rates (GFLOP/s of the calling thread's CPU time, one thread, best
 * of 5 rounds) of the products a 3×3 convolution's training step makes, for the cnn's layers at
 * batch 128: per position ({@code [B, ·]} blocks, {@link Conv2d}'s per-position path) and per
 * chunk of 7 positions ({@code [7B, ·]}, the chunked path), ∂L/∂W in both forms (patchesᵀ·δ into
 * {@code [K, F]}, δᵀ·patches into {@code [F, K]}).
 * {@code java -cp ... dev.aiaas.vision.nn.ConvGemmRates}.
 */
public final class ConvGemmRates {
    private ConvGemmRates() {
    }

    private interface Product {
        void run();
    }

    private static double rate(Product p, double flops) {
        java.lang.management.ThreadMXBean tb = java.lang.management.ManagementFactory.getThreadMXBean();
        int reps = Math.max(3, (int) (1e9 / flops));
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 5; r++) {
            long t0 = tb.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                p.run();
            }
            best = Math.min(best, (tb.getCurrentThreadCpuTime() - t0) / 1e9 / reps);
        }
        return flops / best / 1e9;
    }

    public static void main(String[] args) {
        Backends.select(BackendOptions.of(BackendKind.CPU).withThreads(1, 1));
        int[][] layers = {{32, 32}, {32, 64}, {64, 64}}; // C, F of the cnn's 3×3 convolutions after the first
        for (int[] l : layers) {
            int k = 9 * l[0];
            int f = l[1];
            for (int m : new int[] {128, 7 * 128}) {
                double flops = 2.0 * m * f * k;
                INDArray col = Nd4j.rand(DataType.FLOAT, 'f', m, k);
                INDArray w = Nd4j.rand(DataType.FLOAT, 'f', k, f);
                INDArray z = Nd4j.create(DataType.FLOAT, new long[] {m, f}, 'f');
                INDArray dw = Nd4j.create(DataType.FLOAT, new long[] {k, f}, 'f');
                INDArray dwT = Nd4j.create(DataType.FLOAT, new long[] {f, k}, 'f');
                double fwd = rate(() -> Gemm.gemm(false, false, m, f, k, 1, col, 0, m, w, 0, k, 0, z, 0, m), flops);
                double dW = rate(() -> Gemm.gemm(true, false, k, f, m, 1, col, 0, m, z, 0, m, 1, dw, 0, k), flops);
                double dWT = rate(() -> Gemm.gemm(true, false, f, k, m, 1, z, 0, m, col, 0, m, 1, dwT, 0, f), flops);
                double dX = rate(() -> Gemm.gemm(false, true, m, k, f, 1, z, 0, m, w, 0, k, 0, col, 0, m), flops);
                System.out.printf(Locale.ROOT, "C=%d F=%d rows %4d: y %6.1f  dW=colT.d %6.1f  dWT=dT.col %6.1f  dcol %6.1f GFLOP/s%n",
                        l[0], f, m, fwd, dW, dWT, dX);
                Nd4j.getExecutioner().commit();
                col.close();
                w.close();
                z.close();
                dw.close();
                dwT.close();
            }
        }
    }
}
