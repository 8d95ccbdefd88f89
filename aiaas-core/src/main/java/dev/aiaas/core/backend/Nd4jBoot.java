package dev.aiaas.core.backend;

/**
 * The two things selection asks of ND4J: initialise it with one backend, and set thread counts.
 * Package-private so that the selection logic can be tested without native code.
 */
interface Nd4jBoot {

    /**
     * Initialises ND4J, if it is not initialised yet, so that its discovery sees only the wanted
     * backend, and returns the kind of backend ND4J now runs on (which differs from {@code wanted}
     * when ND4J was initialised earlier, by a tensor created before selection).
     *
     * @param wanted {@link BackendKind#CPU} or {@link BackendKind#CUDA}
     */
    BackendKind initialise(BackendKind wanted);

    /** Sets the OpenMP and BLAS thread counts; 0 leaves a count as it is. */
    void applyThreads(int threads, int blasThreads);
}
