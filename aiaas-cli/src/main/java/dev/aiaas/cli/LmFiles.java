package dev.aiaas.cli;

import dev.aiaas.nlp.lm.ArpaFormatException;
import dev.aiaas.nlp.lm.LanguageModel;
import dev.aiaas.nlp.lm.LstmLanguageModel;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.nlp.text.TextFiles;
import dev.aiaas.nlp.text.Tokenizer;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** File handling shared by the {@code aiaas lm} commands: checks, reading, atomic writing. */
final class LmFiles {

    private LmFiles() {
    }

    /** Writes content to a {@link Writer}. */
    @FunctionalInterface
    interface WriterContent {
        void writeTo(Writer w) throws IOException;
    }

    /**
     * Checks that {@code file}, given with {@code option}, is a readable regular file; otherwise a
     * usage error (exit code 2) naming the option and the path.
     */
    static void requireFile(CommandLine cl, String option, Path file) {
        if (!Files.exists(file)) {
            throw new ParameterException(cl, option + ": file not found: " + file.toAbsolutePath());
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ParameterException(cl, option + ": not a readable file: " + file.toAbsolutePath());
        }
    }

    /** Checks that the folder {@code file} will be written in exists; otherwise a usage error. */
    static void requireParentFolder(CommandLine cl, String option, Path file) {
        Path dir = folderOf(file);
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(cl, option + ": folder not found: " + dir + " (for " + file + ")");
        }
        if (Files.isDirectory(file)) {
            throw new ParameterException(cl, option + ": is a folder, expected a file name: " + file.toAbsolutePath());
        }
    }

    /** Reads a corpus, one whitespace-tokenized sentence per line; an I/O failure names the file. */
    static List<List<String>> readSentences(Path file) throws CommandFailedException {
        return readSentences(file, new WhitespaceTokenizer());
    }

    /** Reads a corpus, one sentence per line split by {@code tokenizer}; an I/O failure names the file. */
    static List<List<String>> readSentences(Path file, Tokenizer tokenizer) throws CommandFailedException {
        try {
            return TextFiles.readSentences(file, tokenizer);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + file + ": " + AiaasCommand.oneLine(e), e);
        }
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
     * Loads either kind of model: an aiaas model file (it starts with {@code AIAASMDL}) as an
     * {@link LstmLanguageModel}, anything else as an ARPA file ({@link #readModel}).
     */
    static LanguageModel readAnyModel(Path file) throws CommandFailedException, IOException {
        byte[] head = new byte[8];
        int n;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n == head.length && new String(head, StandardCharsets.US_ASCII).equals("AIAASMDL")) {
            return LstmLanguageModel.load(file);
        }
        return readModel(file);
    }

    /**
     * Writes {@code file} atomically: the content goes to a temporary file in the same folder,
     * which then replaces {@code file} in one move. If anything fails, {@code file} is left as it
     * was and the temporary file is removed. The content is gzip-compressed when the name ends in
     * {@code .gz}.
     */
    static void writeAtomically(Path file, WriterContent content) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            OutputStream os = Files.newOutputStream(tmp);
            if (target.getFileName().toString().endsWith(".gz")) {
                os = new GZIPOutputStream(os, 1 << 16);
            }
            try (Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
                content.writeTo(w);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static Path folderOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? file.toAbsolutePath().getRoot() : parent;
    }

    /**
     * A number as C++ streams print a float by default (6 significant digits, no trailing zeros),
     * which is how lmplz prints discounts and query prints sentence totals.
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
