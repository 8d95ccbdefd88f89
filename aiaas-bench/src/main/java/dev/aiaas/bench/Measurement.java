package dev.aiaas.bench;

/**
 * One (workload, threads) result.
 *
 * @param benchmark    the benchmark, for example {@code mlp-784-256-10-b128}
 * @param engine       the engine, for example {@code dl4j}
 * @param threads      ND4J compute threads (OpenMP and BLAS)
 * @param stats        per-step times
 * @param flopsPerStep the arithmetic floor of one step in FLOP, or 0 when not arithmetic
 * @param localGemmGflops the GEMM rate measured just before this workload at the same thread
 *                     setting (the machine's speed drifts over a run on a shared host), in
 *                     GFLOP/s, or 0 when not measured
 */
public record Measurement(String benchmark, String engine, int threads, Stats stats, double flopsPerStep, double localGemmGflops) {

    /**
     * A result without a local GEMM rate.
     *
     * @param benchmark    the benchmark, for example {@code mlp-784-256-10-b128}
     * @param engine       the engine, for example {@code dl4j}
     * @param threads      ND4J compute threads (OpenMP and BLAS)
     * @param stats        per-step times
     * @param flopsPerStep the arithmetic floor of one step in FLOP, or 0 when not arithmetic
     */
    public Measurement(String benchmark, String engine, int threads, Stats stats, double flopsPerStep) {
        this(benchmark, engine, threads, stats, flopsPerStep, 0);
    }

    /** {@return achieved GFLOP/s at the median step time: flopsPerStep / median; 0 when not arithmetic} */
    public double gflops() {
        return flopsPerStep <= 0 ? 0 : flopsPerStep / (stats.medianMs() * 1e6);
    }

    /**
     * The share of the arithmetic floor reached, in percent: (flopsPerStep / gemmGflops) / median,
     * that is gflops / gemmGflops × 100; 0 when not arithmetic or no GEMM rate is known.
     *
     * @param gemmGflops the GEMM rate to compare with, in GFLOP/s
     * @return the percentage
     */
    public double floorPercent(double gemmGflops) {
        return flopsPerStep <= 0 || gemmGflops <= 0 ? 0 : 100 * gflops() / gemmGflops;
    }

    /**
     * The share of the GEMM rate measured just before this workload ({@link #localGemmGflops}),
     * in percent; 0 when not arithmetic or not measured.
     *
     * @return the percentage
     */
    public double localFloorPercent() {
        return floorPercent(localGemmGflops);
    }
}
