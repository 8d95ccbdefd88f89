package dev.aiaas.core.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file is not a readable aiaas model: wrong kind of file, newer format, corrupt, or inconsistent. */
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

    /** The file that could not be read. */
    public Path file() {
        return file;
    }
}
