package dev.aiaas.vision.formation;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A lights file cannot be read: a line that is not {@code x y z [intensity]}, a zero direction,
 * a negative intensity, too many lines, or damaged compression. The message names the file, the
 * line, what is wrong and what was expected.
 */
public final class LightsFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    /**
     * @param file    the file read
     * @param message what is wrong, where and what was expected
     * @param cause   the exception that revealed it, or null
     */
    public LightsFormatException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** {@return the file that could not be read} */
    public Path file() {
        return file;
    }
}
