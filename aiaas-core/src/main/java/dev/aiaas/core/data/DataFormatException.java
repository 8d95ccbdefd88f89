package dev.aiaas.core.data;

import java.io.IOException;
import java.util.Objects;

/**
 * A data file is malformed. The message names the file, the place in it (a byte offset and field
 * for binary files, a line and column for text files), what was found, what was expected, and
 * what to do about it; the parts are also available separately.
 */
public final class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String location;
    private final String found;
    private final String expected;
    private final String fix;

    /**
     * @param source   the file or resource, as the user would recognise it (for example a path)
     * @param location where in it: {@code "byte offset 3 (dimension count)"}, {@code "line 4, column 2"}
     * @param found    what was found there
     * @param expected what should have been there
     * @param fix      what to do about it
     */
    public DataFormatException(String source, String location, String found, String expected, String fix) {
        this(source, location, found, expected, fix, null);
    }

    /**
     * As {@link #DataFormatException(String, String, String, String, String)}, with the
     * lower-level exception that revealed the problem.
     */
    public DataFormatException(String source, String location, String found, String expected, String fix,
            Throwable cause) {
        super(Objects.requireNonNull(source, "source") + ": at " + location + ": found " + found
                + ", expected " + expected + ". Fix: " + fix, cause);
        this.source = source;
        this.location = location;
        this.found = found;
        this.expected = expected;
        this.fix = fix;
    }

    /** The file or resource that is malformed. */
    public String source() {
        return source;
    }

    /** Where in it: a byte offset and field name, or a line and column (both 1-based). */
    public String location() {
        return location;
    }

    /** What was found. */
    public String found() {
        return found;
    }

    /** What was expected. */
    public String expected() {
        return expected;
    }

    /** What to do about it. */
    public String fix() {
        return fix;
    }
}
