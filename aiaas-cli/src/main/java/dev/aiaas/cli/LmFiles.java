package dev.aiaas.cli;

import dev.aiaas.nlp.lm.ArpaFormatException;
import dev.aiaas.nlp.lm.LanguageModel;
import dev.aiaas.nlp.lm.LstmLanguageModel;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.nlp.text.TextFiles;
import dev.aiaas.nlp.text.TextLimits;
import dev.aiaas.nlp.text.Tokenizer;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the {@code aiaas lm} commands share: reading corpora and models, and number formats (the
 * checks of files and atomic writing are {@link CliFiles}'s).
 */
final class LmFiles {

    private LmFiles() {
    }

    /**
     * Reads a corpus, one whitespace-tokenized sentence per line, within {@code limits}; an I/O
     * failure, damaged gzip data or a limit exceeded names the file (and the line and the option).
     */
    static List<List<String>> readSentences(Path file, TextLimits limits) throws CommandFailedException {
        return readSentences(file, new WhitespaceTokenizer(), limits);
    }

    /**
     * Reads a corpus, one sentence per line split by {@code tokenizer}, within {@code limits}; an I/O
     * failure, damaged gzip data or a limit exceeded names the file (and the line and the option).
     */
    static List<List<String>> readSentences(Path file, Tokenizer tokenizer, TextLimits limits)
            throws CommandFailedException {
        try {
            return TextFiles.readSentences(file, tokenizer, limits);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + file + ": " + LmFiles.withoutFile(e, file), e);
        }
    }

    /**
     * The exception's message on one line, without the file name it starts with (core's input
     * exceptions name their file, which the caller's message already does).
     */
    static String withoutFile(Throwable e, Path file) {
        String m = AiaasCommand.oneLine(e);
        String prefix = file + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    /**
     * Loads an ARPA model; a malformed file fails with its line number and content
     * ({@link ArpaFormatException}), another I/O failure names the file.
     */
    static NgramModel readModel(Path file) throws CommandFailedException, ArpaFormatException {
        try {
            return NgramModel.readArpa(file);
        } catch (ArpaFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new CommandFailedException("cannot read the model " + file + ": " + AiaasCommand.oneLine(e), e);
        }
    }

    /**
     * Loads any kind of model: an aiaas model file (it starts with {@code AIAASMDL}) as a
     * {@link dev.aiaas.nlp.lm.TransformerLanguageModel} when its provenance says
     * {@code lm.kind=transformer}, else as an {@link LstmLanguageModel} (whose loader names any other
     * kind); anything else as an ARPA file ({@link #readModel}).
     */
    static LanguageModel readAnyModel(Path file) throws CommandFailedException, IOException {
        byte[] head = new byte[8];
        int n;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n == head.length && new String(head, StandardCharsets.US_ASCII).equals("AIAASMDL")) {
            try {
                String kind = dev.aiaas.core.io.ModelIO.provenance(file).get("lm.kind");
                if (dev.aiaas.nlp.lm.TransformerLanguageModel.KIND.equals(kind)) {
                    return dev.aiaas.nlp.lm.TransformerLanguageModel.load(file);
                }
                return LstmLanguageModel.load(file);
            } catch (dev.aiaas.core.backend.NativeMemoryException e) {
                throw new CommandFailedException("cannot load the model " + file + ": " + e.getMessage(), e);
            }
        }
        return readModel(file);
    }

    /**
     * A number as C++ streams print a float by default (6 significant digits, no trailing zeros),
     * which is how lmplz prints its discounts ({@code aiaas lm build}'s discount lines).
     */
    static String sixDigits(double x) {
        if (x == 0 || Double.isNaN(x) || Double.isInfinite(x)) {
            return x == 0 ? "0" : Double.toString(x);
        }
        return new BigDecimal((float) x).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** Bytes in MiB, one decimal. */
    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
