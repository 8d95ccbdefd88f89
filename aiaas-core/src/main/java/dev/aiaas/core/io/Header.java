package dev.aiaas.core.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The text header of a model file: ordered {@code key=value} lines, with typed, checked reads,
 * and the limits of the load in progress ({@link ModelIO.LoadOptions}: how deep layers may nest
 * and how many there may be, counted as they are decoded).
 */
final class Header {
    final Map<String, String> entries;
    private final Path file;
    final ModelIO.LoadOptions options;
    /** Layers decoded so far, nested ones included, against {@link ModelIO.LoadOptions#maxLayers()}. */
    int layersDecoded;

    Header(Map<String, String> entries, Path file, ModelIO.LoadOptions options) {
        this.entries = entries;
        this.file = file;
        this.options = options;
    }

    static String format(Map<String, String> entries) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().contains("=") || e.getKey().contains("\n") || e.getValue().contains("\n")) {
                throw new IllegalArgumentException("header keys must be non-empty without '=' or line breaks, and values without"
                        + " line breaks: " + Inputs.excerpt(e.toString()));
            }
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Parses header bytes, which must be UTF-8, line by line (so that at no time more than the
     * bytes and the entries made of them are held).
     */
    static Header parse(byte[] bytes, Path file, ModelIO.LoadOptions options) throws ModelFormatException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        Lines lines = new Lines(file);
        int lineNo = 0;
        for (int start = 0; start < bytes.length; ) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            lineNo++;
            String line;
            try {
                line = utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
            } catch (CharacterCodingException e) {
                throw new ModelFormatException(file, "header line " + lineNo + " is not valid UTF-8 text (" + e
                        + "); the file is corrupt or was not written by aiaas");
            }
            lines.add(line, lineNo);
            start = end + 1;
        }
        return new Header(lines.entries, file, options);
    }

    static Header parse(String text, Path file) throws ModelFormatException {
        return parse(text, file, ModelIO.LoadOptions.defaults());
    }

    /** Parses {@code key=value} lines; a key may appear once. */
    static Header parse(String text, Path file, ModelIO.LoadOptions options) throws ModelFormatException {
        Lines lines = new Lines(file);
        int lineNo = 0;
        for (int start = 0; start < text.length(); ) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            lines.add(text.substring(start, end), ++lineNo);
            start = end + 1;
        }
        return new Header(lines.entries, file, options);
    }

    /** Header lines as they are read: {@code key=value}, each key once. */
    private static final class Lines {
        final Map<String, String> entries = new LinkedHashMap<>();
        final Map<String, Integer> lineOf = new HashMap<>();
        final Path file;

        Lines(Path file) {
            this.file = file;
        }

        void add(String line, int lineNo) throws ModelFormatException {
            if (line.isEmpty()) {
                return;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ModelFormatException(file, "header line " + lineNo + " is not key=value: " + Inputs.excerpt(line)
                        + "; the file is corrupt or was not written by aiaas");
            }
            String key = line.substring(0, eq);
            if (entries.putIfAbsent(key, line.substring(eq + 1)) != null) {
                throw new ModelFormatException(file, "header line " + lineNo + " repeats the key " + Inputs.excerpt(key)
                        + " of line " + lineOf.get(key) + "; each key may appear once (the file was changed by hand or by"
                        + " another program)");
            }
            lineOf.put(key, lineNo);
        }
    }

    String get(String key) throws ModelFormatException {
        String v = entries.get(key);
        if (v == null) {
            throw error("the header has no '" + key + "'");
        }
        return v;
    }

    int getInt(String key) throws ModelFormatException {
        String v = get(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw error("'" + key + "' should be an integer, found " + Inputs.excerpt(v));
        }
    }

    long getLong(String key) throws ModelFormatException {
        String v = get(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw error("'" + key + "' should be an integer, found " + Inputs.excerpt(v));
        }
    }

    /**
     * A count that the file declares: an integer from 0 to {@code max}, and at most the header's
     * entries (each counted thing has at least one entry of its own).
     */
    int getCount(String key, long max, String limit) throws ModelFormatException {
        long n = getLong(key);
        if (n < 0) {
            throw error("'" + key + "' is " + n + "; expected a count >= 0");
        }
        if (n > max) {
            throw error("'" + key + "' is " + n + ", more than the limit of " + max + " (" + limit + ")");
        }
        if (n > entries.size()) {
            throw error("'" + key + "' declares " + n + " items, but the header has only " + entries.size()
                    + " entries; the file is corrupt or was changed by hand");
        }
        return (int) n;
    }

    double getDouble(String key) throws ModelFormatException {
        String v = get(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw error("'" + key + "' should be a number, found " + Inputs.excerpt(v));
        }
    }

    /** Runs a constructor, turning its validation error into a format error. */
    <T> T wrap(Supplier<T> make) throws ModelFormatException {
        try {
            return make.get();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ModelFormatException(file, "inconsistent settings: " + e.getMessage(), e);
        }
    }

    ModelFormatException error(String message) {
        return new ModelFormatException(file, message);
    }

    Path file() {
        return file;
    }
}
