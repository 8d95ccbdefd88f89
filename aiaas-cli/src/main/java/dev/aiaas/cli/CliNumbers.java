package dev.aiaas.cli;

import dev.aiaas.core.backend.NativeMemory;
import dev.aiaas.core.backend.NativeMemoryException;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The number options of the commands, checked against stated ranges before anything runs: each
 * failure a usage error (exit code 2) naming the option, the value and the range. Sizes that
 * would need more native memory than is available are refused the same way, before allocation.
 */
final class CliNumbers {

    /** The most hidden units {@code --hidden} takes. */
    static final int MAX_HIDDEN = 1_000_000;
    /** The most epochs {@code --epochs} takes. */
    static final int MAX_EPOCHS = 1_000_000;
    /** The largest {@code --batch-size}. */
    static final int MAX_BATCH = 1_000_000;
    /** The most compute threads {@code --threads} takes. */
    static final int MAX_THREADS = 1024;

    private CliNumbers() {
    }

    /**
     * Checks that {@code value} lies in {@code [min, max]}.
     *
     * @param what what the option counts, for the message ("hidden units")
     * @return the value
     */
    static int range(CommandLine cl, String option, int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw new ParameterException(cl, option + "=" + value + ": expected an integer from " + min + " to "
                    + String.format(Locale.ROOT, "%,d", max) + " (" + what + ")");
        }
        return value;
    }

    /**
     * Checks that {@code value} is finite and in {@code (0, max]}.
     *
     * @param example a sensible value, for the message
     * @return the value
     */
    static double positive(CommandLine cl, String option, double value, String what, String example) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new ParameterException(cl, option + "=" + value + ": expected a finite number > 0 (" + what
                    + "), for example " + example);
        }
        return value;
    }

    /**
     * Checks that {@code bytes} of native memory may be allocated; otherwise a usage error naming
     * the option that sets the size, the size and the limit.
     *
     * @param what what would be allocated, with the option's value
     */
    static void requireMemory(CommandLine cl, String option, String what, long bytes) {
        try {
            NativeMemory.require(what, bytes);
        } catch (NativeMemoryException e) {
            throw new ParameterException(cl, option + ": " + what + " would need " + describe(bytes)
                    + " of native memory, more than the " + describe(e.limitBytes()) + " available; lower " + option, e);
        }
    }

    /** Bytes as {@code 1.6 GB} or {@code 12.0 MB}. */
    static String describe(long bytes) {
        return bytes >= 1e9 ? String.format(Locale.ROOT, "%.1f GB", bytes / 1e9)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /**
     * The float32 values training the CLI's MLP holds: parameters, their gradients and Adam's two
     * moments ({@code 4 P}), with P = d·h + h + h·k + k (+ 4h for batch norm's scale, shift and
     * running statistics).
     */
    static long trainingValues(long inputs, long hidden, long classes, boolean batchNorm) {
        long p = Math.addExact(Math.addExact(Math.multiplyExact(inputs, hidden), hidden),
                Math.addExact(Math.multiplyExact(hidden, classes), classes));
        if (batchNorm) {
            p = Math.addExact(p, Math.multiplyExact(4, hidden));
        }
        return Math.multiplyExact(4, p);
    }

    /**
     * The float32 values one batch of {@code b} examples holds while training the CLI's MLP, from
     * above: the batch's features and targets, and per layer its output, activation and their
     * gradients (about 2d + 6h + 4k per example).
     */
    static long batchValues(long b, long inputs, long hidden, long classes) {
        return Math.multiplyExact(b, Math.addExact(Math.addExact(Math.multiplyExact(2, inputs),
                Math.multiplyExact(6, hidden)), Math.multiplyExact(4, classes)));
    }
}
