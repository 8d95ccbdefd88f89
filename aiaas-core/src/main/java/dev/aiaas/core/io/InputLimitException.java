package dev.aiaas.core.io;

import java.io.IOException;
import java.util.Objects;

/**
 * Reading stopped because the input exceeds a limit that protects the host process: more
 * decompressed bytes than allowed (a gzip bomb), a line or cell longer than allowed, or a declared
 * size beyond a bound. Thrown before the memory for the oversized part is allocated. Format
 * readers usually wrap it in their own typed exception (the cause keeps it).
 */
public final class InputLimitException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file or stream read. */
    private final String source;
    /** What exceeded the limit, and where. */
    private final String what;
    /** The limit that was exceeded. */
    private final long limit;

    /**
     * @param source the file or stream, as the user would recognise it
     * @param what   what exceeded the limit, with where: {@code "line 7"},
     *               {@code "decompressed size"}
     * @param limit  the limit, in the unit that {@code what} implies (bytes, characters)
     * @param fix    what to do about it (which option raises the limit)
     */
    public InputLimitException(String source, String what, long limit, String fix) {
        super(Objects.requireNonNull(source, "source") + ": " + what + " exceeds the limit of " + limit
                + ". Fix: " + fix);
        this.source = source;
        this.what = what;
        this.limit = limit;
    }

    /** {@return the file or stream read} */
    public String source() {
        return source;
    }

    /** {@return what exceeded the limit, and where} */
    public String what() {
        return what;
    }

    /** {@return the limit that was exceeded} */
    public long limit() {
        return limit;
    }
}
