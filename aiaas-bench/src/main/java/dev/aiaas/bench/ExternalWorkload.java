package dev.aiaas.bench;

/**
 * A workload timed in a process of its own (the {@code pytorch-py} peer runs in Python): the
 * runner asks it for the statistics of a whole measurement, with the same warm-up, repeats and
 * percentiles as {@link BenchRunner} applies in process, instead of timing {@link #step()}.
 */
public interface ExternalWorkload extends Workload {

    /**
     * Runs the warm-up and the timed repeats of {@code options} at {@code threads} compute threads
     * in the other process and returns the per-step statistics it reports.
     *
     * @param options the warm-up and repeat settings
     * @param threads the compute threads, at least 1
     * @return the per-step statistics
     * @throws IllegalStateException when the process fails, times out or reports no result (the
     *                               message holds its error output)
     */
    Stats measure(BenchOptions options, int threads);

    /** Nothing to allocate in this process. */
    @Override
    default void setup() {
    }

    /**
     * Not available: the steps run in the other process.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    default void step() {
        throw new UnsupportedOperationException(engine() + " runs its steps in its own process; call measure(options, threads)");
    }

    /** Nothing to free in this process. */
    @Override
    default void close() {
    }
}
