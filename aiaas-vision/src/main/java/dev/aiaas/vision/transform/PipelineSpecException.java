package dev.aiaas.vision.transform;

/** A pipeline spec ({@link PipelineSpec}) that does not parse; the message names the bad step and the fix. */
public final class PipelineSpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The bad step as written. */
    private final String part;

    /**
     * Creates the exception.
     *
     * @param part    the bad step as written
     * @param message what is wrong with it and the expected form
     */
    public PipelineSpecException(String part, String message) {
        super("pipeline step '" + part + "': " + message);
        this.part = part;
    }

    /** @return the bad step as written */
    public String part() {
        return part;
    }
}
