package dev.aiaas.core.io;

import java.io.IOException;
import java.util.Objects;

/**
 * A compressed stream is damaged: a bad gzip header, deflate data, CRC-32 or length in the
 * trailer, or a stream that ends early. Format readers usually wrap it in their own typed
 * exception (the cause keeps it).
 */
public final class CorruptInputException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file or stream read. */
    private final String source;

    /**
     * @param source the file or stream, as the user would recognise it
     * @param detail what is wrong
     * @param cause  the exception that revealed it, or null
     */
    public CorruptInputException(String source, String detail, Throwable cause) {
        super(Objects.requireNonNull(source, "source") + ": a damaged gzip stream (" + detail
                + "). Fix: the file is damaged or truncated; copy or download it again", cause);
        this.source = source;
    }

    /** {@return the file or stream read} */
    public String source() {
        return source;
    }
}
