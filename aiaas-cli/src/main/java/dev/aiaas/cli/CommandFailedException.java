package dev.aiaas.cli;

/**
 * A command failed for a reason its message states in full: what happened, why, and the option
 * that fixes it. The command line prints the message as its one error line (exit code 1),
 * without the hint about {@code --verbose}.
 */
final class CommandFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, why, and the fix
     * @param cause the underlying exception, shown with {@code --verbose}
     */
    CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
