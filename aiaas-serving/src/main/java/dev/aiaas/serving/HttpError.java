package dev.aiaas.serving;

/**
 * A request the server answers with an error status and {@code {"error": message}}: the message
 * names the bad value, what was expected and the fix.
 */
final class HttpError extends Exception {

    private static final long serialVersionUID = 1L;

    /** The HTTP status code. */
    final int status;
    /** A {@code Retry-After} value in seconds, or null. */
    final String retryAfter;

    HttpError(int status, String message) {
        this(status, message, null);
    }

    HttpError(int status, String message, String retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
    }
}
