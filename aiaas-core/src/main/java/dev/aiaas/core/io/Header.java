package dev.aiaas.core.io;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The text header of a model file: ordered {@code key=value} lines, with typed, checked reads. */
final class Header {
    final Map<String, String> entries;
    private final Path file;

    Header(Map<String, String> entries, Path file) {
        this.entries = entries;
        this.file = file;
    }

    static String format(Map<String, String> entries) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (e.getKey().contains("=") || e.getKey().contains("\n") || e.getValue().contains("\n")) {
                throw new IllegalArgumentException("header entries may not contain '=' in keys or line breaks: " + e);
            }
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    static Header parse(String text, Path file) throws ModelFormatException {
        Map<String, String> m = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ModelFormatException(file, "header line " + lineNo + " is not key=value: '" + line + "'");
            }
            m.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return new Header(m, file);
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
            throw error("'" + key + "' should be an integer, found '" + v + "'");
        }
    }

    long getLong(String key) throws ModelFormatException {
        String v = get(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw error("'" + key + "' should be an integer, found '" + v + "'");
        }
    }

    double getDouble(String key) throws ModelFormatException {
        String v = get(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw error("'" + key + "' should be a number, found '" + v + "'");
        }
    }

    /** Runs a constructor, turning its validation error into a format error. */
    <T> T wrap(Supplier<T> make) throws ModelFormatException {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw error("inconsistent settings: " + e.getMessage());
        }
    }

    ModelFormatException error(String message) {
        return new ModelFormatException(file, message);
    }
}
