package dev.aiaas.vision.image;

/**
 * An image larger than its {@link ImageLimits}: too many pixels (from the header, checked before the
 * pixels are decoded) or too many bytes in the file.
 */
public final class ImageLimitException extends ImageFormatException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param source  the file or stream name
     * @param message the size found, the limit and the fix
     * @param cause   the underlying exception, or null
     */
    public ImageLimitException(String source, String message, Throwable cause) {
        super(source, message, cause);
    }
}
