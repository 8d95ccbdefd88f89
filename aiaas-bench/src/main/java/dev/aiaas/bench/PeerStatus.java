package dev.aiaas.bench;

/**
 * Whether a peer engine takes part in this run, and if not, why and how to change that.
 *
 * @param engine    the engine, for example {@code pytorch-djl}
 * @param available true when its workloads are in the run
 * @param detail    when available, what runs (for example the Python and torch versions); when
 *                  not, the reason and the fix (for example the Maven command that builds it in)
 */
public record PeerStatus(String engine, boolean available, String detail) {

    /**
     * Validates the fields.
     *
     * @param engine    the engine, for example {@code pytorch-djl}
     * @param available true when its workloads are in the run
     * @param detail    when available, what runs (for example the Python and torch versions); when
     *                  not, the reason and the fix (for example the Maven command that builds it in)
     */
    public PeerStatus {
        if (engine == null || engine.isBlank()) {
            throw new IllegalArgumentException("engine must be a non-empty name. Received: engine=" + engine);
        }
        if (detail == null) {
            throw new NullPointerException("detail must not be null");
        }
    }

    /** {@return one line for the report: {@code pytorch-djl: available (...)} or {@code ...: not available: ...}} */
    public String line() {
        return engine + ": " + (available ? "available" + (detail.isEmpty() ? "" : " (" + detail + ")") : "not available: " + detail);
    }
}
