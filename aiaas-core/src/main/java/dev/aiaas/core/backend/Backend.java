package dev.aiaas.core.backend;

import java.util.Objects;

/**
 * The backend this process runs on, as chosen by {@link Backends#select(BackendOptions)}.
 *
 * @param kind      {@link BackendKind#CPU} or {@link BackendKind#CUDA}: what runs
 * @param requested what was asked for (may be {@link BackendKind#AUTO})
 * @param note      why this backend was chosen, for the report (for example why {@code auto}
 *                  did not take CUDA); never null
 */
public record Backend(BackendKind kind, BackendKind requested, String note) {

    /**
     * Validates the record.
     *
     * @param kind      {@link BackendKind#CPU} or {@link BackendKind#CUDA}: what runs
     * @param requested what was asked for (may be {@link BackendKind#AUTO})
     * @param note      why this backend was chosen, for the report (for example why {@code auto}
     *                  did not take CUDA); never null
     */
    public Backend {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(note, "note");
        if (kind == BackendKind.AUTO) {
            throw new IllegalArgumentException("a selected backend is CPU or CUDA, not AUTO");
        }
    }

    /**
     * Reports what runs now: backend, devices and memory, the native build loaded against what
     * the CPU supports, the BLAS vendor and thread counts. Reads live values from ND4J.
     *
     * @return a report of live values; reading it touches ND4J
     */
    public BackendReport report() {
        return BackendReport.of(this);
    }
}
