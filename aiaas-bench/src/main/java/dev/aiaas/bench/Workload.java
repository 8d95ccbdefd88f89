package dev.aiaas.bench;

/**
 * One unit of work timed by {@link BenchRunner}: an engine doing a benchmark's step on fixed,
 * seeded inputs (the same inputs for every engine).
 *
 * <p>Call order: {@link #setup()}; {@link #step()} any number of times; {@link #close()}. The
 * runner repeats that cycle once per thread setting, so {@link #setup()} must work again after
 * {@link #close()}. Compute threads are process-wide in ND4J: the runner sets them (through
 * {@code Backends.select}) before {@link #setup()}; a workload does not.
 */
public interface Workload extends AutoCloseable {

    /** {@return the benchmark's name, shared by every engine doing it, for example {@code mlp-784-256-10-b128}} */
    String benchmark();

    /**
     * The engine: {@code aiaas}, {@code dl4j}, {@code samediff}, and the peers of {@link Peers}
     * ({@code pytorch-djl}, {@code onnxruntime}, {@code pytorch-py}) where they are available.
     *
     * @return the engine's name
     */
    String engine();

    /**
     * The floating-point operations one step must do at least (the arithmetic floor; see
     * {@link MlpShape} for the formulas), or 0 when the step is not arithmetic (n-gram queries).
     *
     * @return FLOP per step, or 0
     */
    double flopsPerStep();

    /**
     * Whether the step's speed depends on ND4J's compute threads. When false (pure-Java work such
     * as n-gram queries), the runner measures it at one thread setting only.
     *
     * @return whether to measure it at every thread setting
     */
    default boolean usesComputeThreads() {
        return true;
    }

    /**
     * The compute threads the next {@link #setup()} and steps should use. ND4J engines ignore it
     * (the runner sets ND4J's threads for the whole process); engines with their own thread pools
     * apply it in {@link #setup()}. The default does nothing.
     *
     * @param threads at least 1
     */
    default void useThreads(int threads) {
    }

    /** Allocates the model, inputs and working memory (not timed). */
    void setup();

    /** Does one step (one training step, one inference call, one query pass). */
    void step();

    /** Frees what {@link #setup()} allocated, native memory included. */
    @Override
    void close();
}
