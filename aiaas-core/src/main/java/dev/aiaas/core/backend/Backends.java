package dev.aiaas.core.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the process's ND4J backend, once, before the first tensor.
 *
 * <p>ND4J keeps one backend per process (its arrays belong to the backend that made them), so
 * this is the one piece of process-wide state in aiaas:
 * <ol>
 *   <li>{@link #select(BackendOptions)} picks {@code cpu}, {@code cuda} or {@code auto}
 *       (CUDA when usable, else the CPU with one warning saying why) and initialises ND4J with
 *       it. Call it at start-up; {@link #select()} reads {@code -Daiaas.backend} /
 *       {@code AIAAS_BACKEND}.</li>
 *   <li>Calling it again with the same backend (or {@code auto}) returns the same
 *       {@link Backend} and applies the new thread counts; asking for the other backend throws
 *       {@link IllegalStateException}.</li>
 *   <li>{@link Backend#report()} says what runs.</li>
 * </ol>
 *
 * <pre>{@code
 * Backend backend = Backends.select(BackendOptions.of(BackendKind.CPU).withThreads(2, 2));
 * System.out.println(backend.report().toText());
 * }</pre>
 */
public final class Backends {

    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static final BackendSelector SELECTOR =
            new BackendSelector(new RealNd4jBoot(), CudaProbe.lazily(), LOG::warn);

    private Backends() {
    }

    /**
     * Selects the backend described by {@code options}, initialising ND4J with it.
     *
     * @param options the backend kind and thread counts to use
     * @return the backend this process now runs on
     * @throws BackendUnavailableException when {@code cuda} is requested and cannot be used (the
     *                                     message says why and how to fix it)
     * @throws IllegalStateException       when another backend is already in use
     */
    public static Backend select(BackendOptions options) {
        Backend backend = SELECTOR.select(options);
        if (options.threads() > 0) {
            threads = options.threads();
        }
        LOG.debug("aiaas backend: {} ({})", backend.kind().configName(), backend.note());
        return backend;
    }

    /**
     * Selects the backend from {@code -Daiaas.backend} / {@code AIAAS_BACKEND} (default
     * {@code auto}) and the thread settings (see {@link BackendOptions}).
     *
     * @return the backend this process now runs on
     * @throws IllegalArgumentException    for an unknown backend name (the message lists the valid ones)
     * @throws BackendUnavailableException when {@code cuda} is requested and cannot be used
     */
    public static Backend select() {
        return select(BackendOptions.fromEnvironment());
    }

    /**
     * The backend in use, selecting it from the environment first if nothing has been selected
     * yet. Code that needs tensors calls this before creating one.
     *
     * @return the backend this process runs on
     */
    public static Backend current() {
        Backend b = SELECTOR.selected();
        return b != null ? b : select();
    }

    /** The compute threads last set through {@link #select(BackendOptions)}; 0 for ND4J's default. */
    private static volatile int threads;

    /**
     * The compute threads aiaas's own parallel work (the optimisers' update, the predictor's
     * chunks; {@link dev.aiaas.core.kernel.Parallel}'s pool and its callers) may use: the thread setting of the last {@link #select(BackendOptions)}, or the
     * machine's cores when none was given (ND4J's default). ND4J's
     * {@code Environment.maxThreads()} does not follow the setting (it stayed 2 after a setting
     * of 1), so it cannot tell.
     *
     * @return the thread count, at least 1
     */
    public static int computeThreads() {
        int t = threads;
        return t > 0 ? t : Runtime.getRuntime().availableProcessors();
    }

    /** {@return whether the CUDA backend could be used here, and if not why (does not initialise ND4J)} */
    public static CudaStatus cudaStatus() {
        return CudaProbe.ofThisMachine().probe();
    }
}
