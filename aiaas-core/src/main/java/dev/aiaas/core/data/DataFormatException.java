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

    /** The file or resource. */
    private final String source;
    /** Where in it. */
    private final String location;
    /** What was found. */
    private final String found;
    /** What was expected. */
    private final String expected;
    /** What to do about it. */
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
     *
     * @param source   the file or resource, as the user would recognise it
     * @param location where in it
     * @param found    what was found there
     * @param expected what should have been there
     * @param fix      what to do about it
     * @param cause    the exception that revealed the problem, or null
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

    /** {@return the file or resource that is malformed} */
    public String source() {
        return source;
    }

    /** {@return where in it: a byte offset and field name, or a line and column (both 1-based)} */
    public String location() {
        return location;
    }

    /** {@return what was found} */
    public String found() {
        return found;
    }

    /** {@return what was expected} */
    public String expected() {
        return expected;
    }

    /** {@return what to do about it} */
    public String fix() {
        return fix;
    }

    /**
     * A damaged gzip stream ({@link dev.aiaas.core.io.CorruptInputException}) or a stream over a
     * limit ({@link dev.aiaas.core.io.InputLimitException}) as a data file's error, the cause kept.
     */
    static DataFormatException damaged(String source, IOException e) {
        if (e instanceof dev.aiaas.core.io.InputLimitException limit) {
            return new DataFormatException(source, limit.what(), "more than the limit of " + limit.limit(),
                    "at most " + limit.limit(), "raise the limit, or check that this is the right file", e);
        }
        String detail = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                : e.getClass().getSimpleName();
        return new DataFormatException(source, "gzip stream", "a corrupt or truncated stream (" + detail + ")",
                "a complete gzip stream", "the file is damaged; copy or download it again", e);
    }
}
