package dev.aiaas.core.backend;

import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How to choose and configure the backend. Immutable and validated.
 *
 * <p>Each setting can come from code, from a system property or from an environment variable;
 * a system property wins over the environment variable:
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>system property</th><th>environment variable</th><th>default</th></tr>
 *   <tr><td>{@link #backend()}</td><td>{@code aiaas.backend}</td><td>{@code AIAAS_BACKEND}</td><td>{@code auto}</td></tr>
 *   <tr><td>{@link #threads()}</td><td>{@code aiaas.threads}</td><td>{@code AIAAS_THREADS}</td><td>0 (ND4J's default: one per core)</td></tr>
 *   <tr><td>{@link #blasThreads()}</td><td>{@code aiaas.blas.threads}</td><td>{@code AIAAS_BLAS_THREADS}</td><td>0 (ND4J's default: the OpenMP count)</td></tr>
 * </table>
 *
 * @param backend     the backend to run on
 * @param threads     OpenMP threads for ND4J's own kernels and the threads of aiaas's own parallel
 *                    work ({@link Backends#computeThreads()}), or 0 to keep ND4J's default (one
 *                    per core)
 * @param blasThreads BLAS (OpenBLAS) threads, or 0 to keep ND4J's default
 */
public record BackendOptions(BackendKind backend, int threads, int blasThreads) {

    /** System property naming the backend. */
    public static final String BACKEND_PROPERTY = "aiaas.backend";
    /** Environment variable naming the backend. */
    public static final String BACKEND_ENV = "AIAAS_BACKEND";
    /** System property giving the OpenMP thread count. */
    public static final String THREADS_PROPERTY = "aiaas.threads";
    /** Environment variable giving the OpenMP thread count. */
    public static final String THREADS_ENV = "AIAAS_THREADS";
    /** System property giving the BLAS thread count. */
    public static final String BLAS_THREADS_PROPERTY = "aiaas.blas.threads";
    /** Environment variable giving the BLAS thread count. */
    public static final String BLAS_THREADS_ENV = "AIAAS_BLAS_THREADS";

    /**
     * Validates the settings.
     *
     * @param backend     the backend to run on
     * @param threads     OpenMP threads for ND4J's own kernels, or 0 to keep ND4J's default
     * @param blasThreads BLAS (OpenBLAS) threads, or 0 to keep ND4J's default
     */
    public BackendOptions {
        Objects.requireNonNull(backend, "backend must not be null; use BackendKind.AUTO for the default");
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (ND4J's default) or positive. Received: threads=" + threads);
        }
        if (blasThreads < 0) {
            throw new IllegalArgumentException("blasThreads must be 0 (ND4J's default) or positive. Received: blasThreads=" + blasThreads);
        }
    }

    /**
     * The given backend with default thread counts.
     *
     * @param backend the backend to run on
     * @return the options
     */
    public static BackendOptions of(BackendKind backend) {
        return new BackendOptions(backend, 0, 0);
    }

    /** {@return {@code auto} with default thread counts} */
    public static BackendOptions defaults() {
        return of(BackendKind.AUTO);
    }

    /**
     * A copy with the given OpenMP and BLAS thread counts (0 keeps ND4J's default).
     *
     * @param threads     OpenMP threads for ND4J's own kernels, or 0 to keep ND4J's default
     * @param blasThreads BLAS threads, or 0 to keep ND4J's default
     * @return the new options
     */
    public BackendOptions withThreads(int threads, int blasThreads) {
        return new BackendOptions(backend, threads, blasThreads);
    }

    /** {@return the settings read from this process's system properties and environment} */
    public static BackendOptions fromEnvironment() {
        return from(System::getProperty, System.getenv());
    }

    /**
     * Reads the settings from the given system properties and environment (for tests and for
     * callers that hold their own configuration).
     *
     * @param properties looks up a system property, returning null when unset
     * @param env        the environment variables
     * @return the settings; a setting that is absent takes its default
     * @throws IllegalArgumentException for an unknown backend name or a thread count that is not a
     *                                  non-negative integer, naming the setting and the value
     */
    public static BackendOptions from(UnaryOperator<String> properties, Map<String, String> env) {
        Setting b = Setting.read(properties, env, BACKEND_PROPERTY, BACKEND_ENV);
        BackendKind kind = b == null ? BackendKind.AUTO : BackendKind.parse(b.value(), b.source());
        return new BackendOptions(kind,
                count(Setting.read(properties, env, THREADS_PROPERTY, THREADS_ENV)),
                count(Setting.read(properties, env, BLAS_THREADS_PROPERTY, BLAS_THREADS_ENV)));
    }

    private static int count(Setting s) {
        if (s == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(s.value().trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("Invalid thread count '" + s.value() + "' (from " + s.source()
                + "); expected a non-negative integer, 0 meaning ND4J's default.");
    }

    private record Setting(String value, String source) {
        static Setting read(UnaryOperator<String> properties, Map<String, String> env, String property, String variable) {
            String p = properties.apply(property);
            if (p != null && !p.isBlank()) {
                return new Setting(p, "system property " + property);
            }
            String e = env.get(variable);
            if (e != null && !e.isBlank()) {
                return new Setting(e, "environment variable " + variable);
            }
            return null;
        }
    }
}
