package dev.aiaas.core.data;

import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.InputLimitException;
import dev.aiaas.core.io.Inputs;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of CSV text (RFC 4180), parsed one at a time as they are asked for, with
 * {@link CsvLimits} checked as the characters arrive, before an oversized cell or record is held.
 *
 * <p>The grammar, as Apache Commons CSV's RFC 4180 format with empty lines ignored and
 * surrounding spaces dropped reads it: records end at {@code \n}, {@code \r\n} or {@code \r}
 * (or at the end of the text); cells are separated by the delimiter; spaces
 * ({@link Character#isWhitespace}, the delimiter excepted) around a cell are dropped; a cell that
 * starts with a double quote is quoted: it runs to the next lone quote, may hold the delimiter
 * and line breaks, and a doubled quote in it is one quote; after its closing quote only spaces
 * may come before the delimiter or the end of the line. A quote inside an unquoted cell is an
 * ordinary character. A leading byte-order mark is dropped; empty lines, and records of one
 * blank cell (a line of spaces), are skipped. Line numbers count every line break read,
 * {@code \r\n} once. Does not close the reader.
 */
final class CsvRecords {

    private final Reader in;
    private final String source;
    private final char delimiter;
    private final CsvLimits limits;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int end;
    private boolean eof;
    private boolean started;
    /** The 1-based line of the next character. */
    private long line = 1;
    /** Whether the last character read was a {@code \r} (then a {@code \n} ends the same line). */
    private boolean afterCr;
    /** The line where the current (or last returned) record starts; 0 before the first. */
    private long recordLine;
    /** The characters of the current record read so far. */
    private long recordChars;
    private final StringBuilder cell = new StringBuilder();
    private final List<String> cells = new ArrayList<>();

    CsvRecords(Reader in, String source, char delimiter, CsvLimits limits) {
        this.in = in;
        this.source = source;
        this.delimiter = delimiter;
        this.limits = limits;
    }

    /**
     * The next record.
     *
     * @return its cells, or null after the last record
     * @throws DataFormatException on a syntax error, an exceeded limit or a damaged gzip stream
     * @throws IOException         when the text cannot be read
     */
    String[] next() throws IOException {
        if (!started) {
            started = true;
            if (peek() == '\uFEFF') {
                pos++;
            }
        }
        while (true) {
            int c = peek();
            if (c < 0) {
                return null;
            }
            if (c == '\n' || c == '\r') {
                take(); // an empty line
                continue;
            }
            recordLine = line;
            recordChars = 0;
            cells.clear();
            while (readCell()) {
                // the cell ended at a delimiter: another follows
            }
            if (cells.size() == 1 && cells.get(0).isBlank()) {
                continue; // a line of spaces
            }
            return cells.toArray(new String[0]);
        }
    }

    /** {@return the 1-based line where the last record returned starts (0 before the first)} */
    long line() {
        return recordLine;
    }

    /** {@return the 1-based line of the next character: after the end, one more than the lines read} */
    long nextLine() {
        return line;
    }

    /** Reads one cell and what ends it; true when a delimiter ended it. */
    private boolean readCell() throws IOException {
        int column = cells.size() + 1;
        if (column > limits.maxColumns()) {
            throw new DataFormatException(source, "line " + recordLine + ", column " + column,
                    "more than " + limits.maxColumns() + " cells in one record",
                    "at most " + limits.maxColumns() + " cells per record (CsvLimits.maxColumns)",
                    "check the delimiter ('" + printable(delimiter) + "'), or raise the limit with CsvLimits.withMaxColumns");
        }
        long cellLine = line;
        cell.setLength(0);
        int c;
        while ((c = peek()) >= 0 && isSpace(c)) {
            step();
        }
        if (c == '"') {
            step();
            quoted(cellLine, column);
            while ((c = peek()) >= 0 && isSpace(c)) {
                step();
            }
            if (c >= 0 && c != delimiter && c != '\n' && c != '\r') {
                throw new DataFormatException(source, "line " + line + ", column " + column,
                        "'" + printable((char) c) + "' after the closing quote of a quoted cell",
                        "the delimiter '" + printable(delimiter) + "' or the end of the line after a closing quote",
                        "double each quote inside a quoted cell (\"\"), or quote the whole cell");
            }
        } else {
            unquoted(cellLine, column);
            int n = cell.length();
            while (n > 0 && Character.isWhitespace(cell.charAt(n - 1))) {
                n--;
            }
            cell.setLength(n);
        }
        cells.add(cell.toString());
        c = peek();
        if (c == delimiter) {
            step();
            return true;
        }
        if (c >= 0) {
            take(); // the line break
            if (c == '\r' && peek() == '\n') {
                take();
            }
        }
        return false;
    }

    /** Reads an unquoted cell up to (not including) the delimiter, a line break or the end. */
    private void unquoted(long cellLine, int column) throws IOException {
        while (pos < end || fill()) {
            int start = pos;
            while (pos < end) {
                char ch = buf[pos];
                if (ch == delimiter || ch == '\n' || ch == '\r') {
                    break;
                }
                pos++;
            }
            append(start, pos - start, cellLine, column);
            if (pos < end) {
                return;
            }
        }
    }

    /** Reads a quoted cell's content after its opening quote, up to and including its closing quote. */
    private void quoted(long cellLine, int column) throws IOException {
        while (true) {
            if (pos == end && !fill()) {
                throw new DataFormatException(source, "line " + cellLine + ", column " + column,
                        "a quoted cell that does not end (no closing quote before the end of the file)",
                        "a closing double quote for every opening one",
                        "close the quote, or double a quote inside a quoted cell (\"\")");
            }
            int start = pos;
            while (pos < end) {
                char ch = buf[pos];
                if (ch == '"' || ch == '\n' || ch == '\r') {
                    break;
                }
                pos++;
            }
            append(start, pos - start, cellLine, column);
            if (pos == end) {
                continue;
            }
            char ch = buf[pos];
            step();
            if (ch != '"') {
                appendChar(ch, cellLine, column); // a line break inside the quotes is part of the cell
            } else if (peek() == '"') {
                step();
                appendChar('"', cellLine, column);
            } else {
                return;
            }
        }
    }

    /** Appends {@code n} characters of the buffer (none a line break) from {@code start}, which were consumed. */
    private void append(int start, int n, long cellLine, int column) throws DataFormatException {
        if (n == 0) {
            return;
        }
        afterCr = false;
        if (cell.length() + (long) n > limits.maxCellChars()) {
            cell.append(buf, start, Math.min(n, Inputs.EXCERPT_CHARS));
            throw cellTooLong(cellLine, column);
        }
        recordChars += n;
        if (recordChars > limits.maxRecordChars()) {
            throw recordTooLong();
        }
        cell.append(buf, start, n);
    }

    private void appendChar(char ch, long cellLine, int column) throws DataFormatException {
        if (cell.length() >= limits.maxCellChars()) {
            throw cellTooLong(cellLine, column);
        }
        cell.append(ch);
    }

    private DataFormatException cellTooLong(long cellLine, int column) {
        String start = cell.length() > Inputs.EXCERPT_CHARS ? cell.substring(0, Inputs.EXCERPT_CHARS) : cell.toString();
        return new DataFormatException(source, "line " + cellLine + ", column " + column,
                "a cell longer than " + limits.maxCellChars() + " characters, starting '" + start + "...'",
                "cells of at most " + limits.maxCellChars() + " characters (CsvLimits.maxCellChars)",
                "check for a quote that is never closed (it makes the rest of the file one cell), or raise the limit "
                        + "with CsvLimits.withMaxCellChars");
    }

    private DataFormatException recordTooLong() {
        return new DataFormatException(source, "line " + recordLine, "a record longer than " + limits.maxRecordChars()
                + " characters", "records of at most " + limits.maxRecordChars() + " characters (CsvLimits.maxRecordChars)",
                "check that the file has line breaks and that every quote is closed, or raise the limit with "
                        + "CsvLimits.withMaxRecordChars");
    }

    /** Whether {@code c} is a space dropped around a cell: white space that is not the delimiter nor a line break. */
    private boolean isSpace(int c) {
        return c != delimiter && c != '\n' && c != '\r' && Character.isWhitespace(c);
    }

    /** Consumes one character of the current record, counting it against the record limit. */
    private void step() throws IOException {
        take();
        if (++recordChars > limits.maxRecordChars()) {
            throw recordTooLong();
        }
    }

    /** Consumes one character, counting lines; -1 at the end. */
    private int take() throws IOException {
        if (pos == end && !fill()) {
            return -1;
        }
        char c = buf[pos++];
        if (c == '\n') {
            if (!afterCr) {
                line++;
            }
            afterCr = false;
        } else if (c == '\r') {
            line++;
            afterCr = true;
        } else {
            afterCr = false;
        }
        return c;
    }

    private int peek() throws IOException {
        if (pos == end && !fill()) {
            return -1;
        }
        return buf[pos];
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n;
        try {
            do {
                n = in.read(buf, 0, buf.length);
            } while (n == 0);
        } catch (CorruptInputException | InputLimitException e) {
            throw DataFormatException.damaged(source, e);
        }
        if (n < 0) {
            eof = true;
            pos = 0;
            end = 0;
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    /** A character as a message shows it: tab and other control characters escaped. */
    static String printable(char c) {
        return switch (c) {
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        };
    }
}
