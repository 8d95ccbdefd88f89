package dev.aiaas.bench;

/**
 * What one benchmark does, whatever the engine: its name and its arithmetic floor. The tasks of
 * the workload families ({@link MlpTask}, {@link CnnTask}, {@link EncoderTask},
 * {@link DecoderTask}) implement it, and {@link TaskWorkload} gives every engine's workload of a
 * task its {@link Workload#benchmark()} and {@link Workload#flopsPerStep()} from it.
 */
public interface BenchTask {
    /** {@return the benchmark's name, shared by every engine doing it, for example {@code cnn-b128}} */
    String benchmark();

    /** {@return the floating-point operations one step must do at least} */
    double flops();
}
