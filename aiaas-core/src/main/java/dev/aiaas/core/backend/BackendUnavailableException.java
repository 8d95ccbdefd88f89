package dev.aiaas.core.backend;

/**
 * The requested backend cannot be used on this machine. The message says why and how to fix it;
 * {@link #reason()} and {@link #fix()} give the two parts separately.
 */
public final class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The backend that was asked for. */
    private final BackendKind requested;
    /** Why it cannot be used. */
    private final String reason;
    /** What to do about it. */
    private final String fix;

    /**
     * @param requested the backend that was asked for
     * @param reason    why it cannot be used
     * @param fix       what to do about it
     */
    public BackendUnavailableException(BackendKind requested, String reason, String fix) {
        super("Backend '" + requested.configName() + "' is not usable: " + reason + ". Fix: " + fix);
        this.requested = requested;
        this.reason = reason;
        this.fix = fix;
    }

    /** {@return the backend that was asked for} */
    public BackendKind requested() {
        return requested;
    }

    /** {@return why it cannot be used} */
    public String reason() {
        return reason;
    }

    /** {@return what to do about it} */
    public String fix() {
        return fix;
    }
}
