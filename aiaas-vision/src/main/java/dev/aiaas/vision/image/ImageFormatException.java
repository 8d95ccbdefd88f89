package dev.aiaas.vision.image;

import java.io.IOException;

/**
 * An image file or stream that cannot be decoded: not an image in a format the readers know,
 * damaged, of an unsupported layout, or larger than the {@link ImageLimits} allow
 * ({@link ImageLimitException}). The message names the source, what was found and the fix.
 */
public class ImageFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file or stream name. */
    private final String source;

    /**
     * Creates the exception.
     *
     * @param source  the file or stream name
     * @param message what was wrong and the fix
     * @param cause   the decoder's exception, or null
     */
    public ImageFormatException(String source, String message, Throwable cause) {
        super(source + ": " + message, cause);
        this.source = source;
    }

    /** @return the file or stream name */
    public String source() {
        return source;
    }
}
