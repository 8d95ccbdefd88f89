package dev.aiaas.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.Objects;

/**
 * Reads text line by line with a limit on the length of a line, checked before the line is held:
 * unlike {@link java.io.BufferedReader#readLine()}, a file of one 3 GB line costs at most the limit
 * in memory, then an {@link InputLimitException} naming the line. Lines end at {@code '\n'}; a
 * {@code '\r'} before it is dropped (so CRLF files read as LF files); a last line without a
 * newline is a line. Not thread-safe.
 */
public final class LineReader implements Closeable {

    private final Reader in;
    private final String source;
    private final int maxChars;
    private final String fix;
    private final char[] buf = new char[1 << 16];
    private final StringBuilder line = new StringBuilder();
    private int pos;
    private int end;
    private long lineNumber;
    private boolean eof;

    /**
     * @param in       the text; closed by {@link #close()}
     * @param source   the file or stream, for messages
     * @param maxChars the longest line accepted, in characters (UTF-16 units), at least 1
     * @param fix      what the limit's error message tells the user to do
     */
    public LineReader(Reader in, String source, int maxChars, String fix) {
        this.in = Objects.requireNonNull(in, "in");
        this.source = Objects.requireNonNull(source, "source");
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars=" + maxChars + ": expected a line length limit >= 1");
        }
        this.maxChars = maxChars;
        this.fix = Objects.requireNonNull(fix, "fix");
    }

    /**
     * The next line, without its terminator.
     *
     * @return the line, or null at the end of the text
     * @throws InputLimitException if the line is longer than the limit
     * @throws IOException         if the text cannot be read
     */
    public String readLine() throws IOException {
        line.setLength(0);
        boolean any = false;
        while (true) {
            if (pos == end) {
                if (eof || !fill()) {
                    if (!any) {
                        return null;
                    }
                    return finish();
                }
            }
            any = true;
            int start = pos;
            while (pos < end && buf[pos] != '\n') {
                pos++;
            }
            int n = pos - start;
            // one character more than the limit is held, for a '\r' that finish() drops
            if (line.length() + n > maxChars + 1L) {
                throw tooLong();
            }
            line.append(buf, start, n);
            if (pos < end) {
                pos++; // the '\n'
                return finish();
            }
        }
    }

    /** {@return the 1-based number of the line that {@link #readLine()} returned last (0 before the first)} */
    public long lineNumber() {
        return lineNumber;
    }

    /** {@return the file or stream read} */
    public String source() {
        return source;
    }

    private String finish() throws InputLimitException {
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
            line.setLength(n - 1);
        }
        if (line.length() > maxChars) {
            throw tooLong();
        }
        lineNumber++;
        return line.toString();
    }

    private InputLimitException tooLong() {
        return new InputLimitException(source, "line " + (lineNumber + 1) + " (longer than " + maxChars + " characters)",
                maxChars, fix);
    }

    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            pos = end = 0;
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
