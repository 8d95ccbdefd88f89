package dev.aiaas.cli;

import dev.aiaas.core.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The files that options name, shared by the commands: checks, each failure a usage error naming
 * the option, and atomic writing.
 */
final class CliFiles {

    private CliFiles() {
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

    /** Checks that the folder {@code file} will be written in exists and that it is not a folder itself. */
    static void requireParentFolder(CommandLine cl, String option, Path file) {
        Path parent = file.toAbsolutePath().getParent();
        Path dir = parent == null ? file.toAbsolutePath().getRoot() : parent;
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(cl, option + ": folder not found: " + dir + " (for " + file + ")");
        }
        if (Files.isDirectory(file)) {
            throw new ParameterException(cl, option + ": is a folder, expected a file name: " + file.toAbsolutePath());
        }
    }

    /** {@code --plot}-like options: a .png file in an existing folder. */
    static void requirePng(CommandLine cl, String option, Path png) {
        String name = png.getFileName() == null ? "" : png.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new ParameterException(cl, option + ": '" + png + "' does not end in .png; the chart is a PNG image, name it FILE.png");
        }
        Path dir = png.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new ParameterException(cl, option + ": the folder " + dir + " does not exist; create it first");
        }
        if (Files.isDirectory(png)) {
            throw new ParameterException(cl, option + ": " + png + " is a folder; name a .png file inside it");
        }
    }

    /**
     * Writes {@code file} atomically ({@link AtomicFiles#write}): the content goes to a temporary
     * file in the same folder, which then replaces {@code file} in one move. If anything fails,
     * {@code file} is left as it was and the temporary file is removed; temporary files that a
     * killed earlier run left for the same file are removed first. The content is
     * gzip-compressed when the name ends in {@code .gz}.
     */
    static void writeAtomically(Path file, WriterContent content) throws IOException {
        boolean gzip = file.getFileName().toString().endsWith(".gz");
        AtomicFiles.write(file, out -> {
            OutputStream os = gzip ? new GZIPOutputStream(out, 1 << 16) : out;
            try (Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
                content.writeTo(w);
            }
        });
    }

    /**
     * An option that has an older spelling kept as a hidden alias (for example {@code --out}
     * and {@code --arpa}): the value given, under the spelling the user typed.
     *
     * @param name  the option's spelling, or the old one when only that was given
     * @param value the value, or null when neither was given
     */
    record Aliased<T>(String name, T value) {
        /**
         * Picks the given one of an option and its old spelling.
         *
         * @throws ParameterException when both are given
         */
        static <T> Aliased<T> of(CommandLine cl, String name, T value, String oldName, T oldValue) {
            if (value != null && oldValue != null) {
                throw new ParameterException(cl, name + " and " + oldName + " are two spellings of the same option; give "
                        + name + " once");
            }
            return oldValue != null ? new Aliased<>(oldName, oldValue) : new Aliased<>(name, value);
        }

        /**
         * The value, which must have been given.
         *
         * @throws ParameterException naming the option when it was not
         */
        T required(CommandLine cl, String paramLabel) {
            if (value == null) {
                throw new ParameterException(cl, "Missing required option: '" + name + "=" + paramLabel + "'");
            }
            return value;
        }
    }
}
