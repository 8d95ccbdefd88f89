package dev.aiaas.bench;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How {@link BenchRunner} measures. Immutable and validated.
 *
 * @param quick         the {@code --quick} subset and timing (figures are indicative)
 * @param warmupSeconds how long each (workload, threads) runs untimed first; at least 8 s for
 *                      figures to quote (on 2 cores the JIT takes CPU from the compute threads for
 *                      several seconds: a 1 s warm-up overstated JVM step times up to 7x)
 * @param repeats       timed repeats per (workload, threads), at least 1
 * @param repeatSeconds how long each repeat runs (it also runs at least {@link #MIN_STEPS} steps)
 * @param threadCounts  the ND4J compute-thread settings (OpenMP and BLAS threads alike), each ≥ 1
 * @param only          when not null, only workloads whose {@code benchmark/engine} this regular
 *                      expression finds a match in are run
 */
public record BenchOptions(boolean quick, double warmupSeconds, int repeats, double repeatSeconds,
                           List<Integer> threadCounts, Pattern only) {

    /** The least number of steps in one timed repeat. */
    public static final int MIN_STEPS = 3;
    /** The default warm-up of a full run, in seconds. */
    public static final double FULL_WARMUP_SECONDS = 10;
    /** The default warm-up of {@code --quick}, in seconds: shorter than the 8 s figures need. */
    public static final double QUICK_WARMUP_SECONDS = 2;

    /**
     * Validates the settings.
     *
     * @param quick         the {@code --quick} subset and timing (figures are indicative)
     * @param warmupSeconds how long each (workload, threads) runs untimed first; at least 8 s for
     *                      figures to quote (on 2 cores the JIT takes CPU from the compute threads for
     *                      several seconds: a 1 s warm-up overstated JVM step times up to 7x)
     * @param repeats       timed repeats per (workload, threads), at least 1
     * @param repeatSeconds how long each repeat runs (it also runs at least {@link #MIN_STEPS} steps)
     * @param threadCounts  the ND4J compute-thread settings (OpenMP and BLAS threads alike), each ≥ 1
     * @param only          when not null, only workloads whose {@code benchmark/engine} this regular
     *                      expression finds a match in are run
     */
    public BenchOptions {
        if (!(warmupSeconds >= 0) || !Double.isFinite(warmupSeconds)) {
            throw new IllegalArgumentException("warmup must be zero or more seconds. Received: warmup=" + warmupSeconds);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be a positive integer. Received: repeats=" + repeats);
        }
        if (!(repeatSeconds > 0) || !Double.isFinite(repeatSeconds)) {
            throw new IllegalArgumentException("repeatSeconds must be positive. Received: repeatSeconds=" + repeatSeconds);
        }
        threadCounts = List.copyOf(threadCounts);
        if (threadCounts.isEmpty() || threadCounts.stream().anyMatch(t -> t < 1)) {
            throw new IllegalArgumentException("threadCounts must be positive integers. Received: threadCounts=" + threadCounts);
        }
    }

    /** {@return a full run: 10 s warm-up, 5 repeats of 1 s, threads 1 and 2} */
    public static BenchOptions full() {
        return new BenchOptions(false, FULL_WARMUP_SECONDS, 5, 1.0, List.of(1, 2), null);
    }

    /**
     * {@code --quick}: 2 s warm-up, 3 repeats of 0.3 s, threads 1 and 2 for the headline tasks;
     * the others {@link #brief()}; indicative figures.
     *
     * @return the options of {@code --quick}
     */
    public static BenchOptions quickRun() {
        return new BenchOptions(true, QUICK_WARMUP_SECONDS, 3, 0.3, List.of(1, 2), null);
    }

    /**
     * The settings of {@code --quick} for the tasks outside its headline ({@link Workloads#HEADLINE}):
     * at most 1 s of warm-up and one timed repeat, so that the quick run still covers every
     * benchmark within three minutes. Their figures are rough.
     *
     * @return these options with the brief timing
     */
    public BenchOptions brief() {
        return new BenchOptions(quick, Math.min(warmupSeconds, 1.0), 1, repeatSeconds, threadCounts, only);
    }

    /**
     * A copy with another warm-up.
     *
     * @param seconds the warm-up before the timed repeats, in seconds
     * @return the new options
     */
    public BenchOptions withWarmupSeconds(double seconds) {
        return new BenchOptions(quick, seconds, repeats, repeatSeconds, threadCounts, only);
    }

    /**
     * A copy measuring only the given thread settings.
     *
     * @param counts the compute-thread settings, each at least 1
     * @return the new options
     */
    public BenchOptions withThreadCounts(List<Integer> counts) {
        return new BenchOptions(quick, warmupSeconds, repeats, repeatSeconds, counts, only);
    }

    /**
     * A copy running only the workloads whose {@code benchmark/engine} the pattern finds a match in.
     *
     * @param pattern found in {@code benchmark/engine} of each workload to run
     * @return the new options
     */
    public BenchOptions withOnly(Pattern pattern) {
        return new BenchOptions(quick, warmupSeconds, repeats, repeatSeconds, threadCounts, pattern);
    }

    /**
     * A copy with other repeat settings (tests use tiny ones).
     *
     * @param count   the timed repeats, at least 1
     * @param seconds the length of each, in seconds
     * @return the new options
     */
    public BenchOptions withRepeats(int count, double seconds) {
        return new BenchOptions(quick, warmupSeconds, count, seconds, threadCounts, only);
    }

    /** {@return whether the figures are indicative only (a quick run or a warm-up under 8 s)} */
    public boolean indicative() {
        return quick || warmupSeconds < 8;
    }

    /**
     * Whether {@code w} is selected by {@link #only()}.
     *
     * @param w the workload
     * @return whether it runs
     */
    public boolean selects(Workload w) {
        return selects(w.benchmark(), w.engine());
    }

    /**
     * Whether {@code benchmark/engine} is selected by {@link #only()}.
     *
     * @param benchmark the benchmark's name
     * @param engine    the engine's name
     * @return whether it runs
     */
    public boolean selects(String benchmark, String engine) {
        return only == null || only.matcher(benchmark + "/" + engine).find();
    }
}
