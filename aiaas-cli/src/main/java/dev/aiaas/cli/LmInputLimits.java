package dev.aiaas.cli;

import dev.aiaas.nlp.text.TextLimits;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The limits on the corpora that {@code lm build}, {@code lm train} and {@code lm eval} read
 * (a picocli mixin): the longest line and the most bytes after decompression, which protect the
 * machine from a damaged file (one line of gigabytes, a gzip bomb). A file beyond them fails with
 * one line naming the file, the line and the option that raises the limit.
 */
final class LmInputLimits {

    /** The most {@code --max-input-mib}: the bytes must fit in a {@code long}. */
    static final long MAX_MIB = Long.MAX_VALUE >> 20;

    @Option(names = "--max-line-chars", defaultValue = "" + TextLimits.DEFAULT_MAX_LINE_CHARS, paramLabel = "N",
            description = "The longest line a corpus may have, in characters, 1.." + Integer.MAX_VALUE
                    + " (default: ${DEFAULT-VALUE}); a longer line fails, naming it.")
    int maxLineChars;

    @Option(names = "--max-input-mib", defaultValue = "" + (TextLimits.DEFAULT_MAX_BYTES >> 20), paramLabel = "MIB",
            description = "The most a corpus may hold after decompression, in MiB, at least 1 (default: "
                    + "${DEFAULT-VALUE}); the corpus is held in memory.")
    long maxInputMib;

    /** The limits; a value out of range is a usage error naming the option. */
    TextLimits limits(CommandLine cl) {
        if (maxLineChars < 1) {
            throw new ParameterException(cl, "--max-line-chars must be in 1.." + Integer.MAX_VALUE + ", got "
                    + maxLineChars + "; the default is " + TextLimits.DEFAULT_MAX_LINE_CHARS);
        }
        if (maxInputMib < 1 || maxInputMib > MAX_MIB) {
            throw new ParameterException(cl, "--max-input-mib must be in 1.." + MAX_MIB + ", got " + maxInputMib
                    + "; the default is " + (TextLimits.DEFAULT_MAX_BYTES >> 20));
        }
        return TextLimits.defaults().withMaxBytes(maxInputMib << 20).withMaxLineChars(maxLineChars);
    }
}
