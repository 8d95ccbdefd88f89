package dev.aiaas.core.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file is not a readable aiaas model: wrong kind of file, newer format, corrupt, inconsistent,
 * or beyond the limits of the load ({@link ModelIO.LoadOptions}). The message names the file, what
 * is wrong and what to do.
 */
public final class ModelFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    /**
     * @param file    the file read
     * @param message what is wrong, what was expected and what to do
     */
    public ModelFormatException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    /**
     * @param file    the file read
     * @param message what is wrong, what was expected and what to do
     * @param cause   the exception that revealed it (a limit's {@link InputLimitException}, a
     *                layer's validation error)
     */
    public ModelFormatException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** {@return the file that could not be read} */
    public Path file() {
        return file;
    }
}
