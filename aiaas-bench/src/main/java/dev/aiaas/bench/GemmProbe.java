package dev.aiaas.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's physical limit as this process sees it: the best float32 GEMM rate ND4J reaches,
 * {@code C = A·B} with n×n operands in 'f' (column-major) order (ND4J's fast path; 'c' order is
 * about half as fast on this stack). Rate = 2n³ / time, the best of the timed runs.
 */
public final class GemmProbe {

    /** The matrix size of the probe. */
    public static final int N = 1024;

    private GemmProbe() {
    }

    /**
     * Measures the rate with the process's current thread setting.
     *
     * @param warmupSeconds how long to multiply before timing
     * @param timedSeconds  how long to time (at least 5 products)
     * @return the best rate, in GFLOP/s
     */
    public static double measureGflops(double warmupSeconds, double timedSeconds) {
        try (INDArray a = Inputs.features(N, N, 'f');
             INDArray b = Inputs.features(N, N, 'f');
             INDArray c = Nd4j.create(DataType.FLOAT, new long[] {N, N}, 'f')) {
            long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
            do {
                a.mmuli(b, c);
            } while (System.nanoTime() < end);
            long best = Long.MAX_VALUE;
            end = System.nanoTime() + (long) (timedSeconds * 1e9);
            for (int i = 0; i < 5 || System.nanoTime() < end; i++) {
                long t0 = System.nanoTime();
                a.mmuli(b, c);
                best = Math.min(best, System.nanoTime() - t0);
            }
            return 2.0 * N * N * N / best;
        }
    }
}
