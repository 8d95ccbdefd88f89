package dev.aiaas.core.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opening files that come from outside, bounded: plain or gzip-compressed (detected from the first
 * two bytes, {@code 1f 8b}, whatever the file's name), with a limit on the bytes read after
 * decompression, gzip damage (including a wrong CRC-32 or length in the trailer, checked when the
 * stream is read to its end) reported as {@link CorruptInputException}, and lines read with a
 * length limit ({@link LineReader}). Every reader of text and binary data files in aiaas opens
 * them here.
 *
 * <p>A reader that stops before the end of a stream (at an end marker such as ARPA's
 * {@code \end\}) must read on to the end for the gzip trailer to be checked.
 */
public final class Inputs {

    /** No limit on the bytes read: for streams that are processed as read, never held whole. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** Characters an excerpt of bad input quotes in an error message, at most. */
    public static final int EXCERPT_CHARS = 100;

    private Inputs() {
    }

    /**
     * Opens a file, decompressing it when it is gzip-compressed.
     *
     * @param file     the file
     * @param maxBytes the most bytes the stream may deliver after decompression ({@link #UNLIMITED}
     *                 for none); reading more throws {@link InputLimitException}
     * @param fix      what the limit's error message tells the user to do (the option that raises it)
     * @return a buffered stream; the caller closes it
     * @throws IOException if the file cannot be opened, or its gzip header is damaged
     *                     ({@link CorruptInputException})
     */
    public static InputStream open(Path file, long maxBytes, String fix) throws IOException {
        Objects.requireNonNull(file, "file");
        return decode(Files.newInputStream(file), file.toString(), maxBytes, fix);
    }

    /**
     * Wraps a raw stream as {@link #open} wraps a file's: gzip detected from the first two bytes,
     * the decompressed bytes bounded, damage typed.
     *
     * @param raw      the stream as stored; closed by the returned stream (and here if this fails)
     * @param source   the name of the file or stream for messages
     * @param maxBytes the most bytes to deliver, {@link #UNLIMITED} for none
     * @param fix      what the limit's error message tells the user to do
     * @return a buffered, bounded stream
     * @throws IOException if the gzip header is damaged ({@link CorruptInputException}) or {@code raw}
     *                     cannot be read
     */
    public static InputStream decode(InputStream raw, String source, long maxBytes, String fix) throws IOException {
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(source, "source");
        if (maxBytes < 0) {
            raw.close();
            throw new IllegalArgumentException("maxBytes=" + maxBytes + ": expected a limit >= 0 (Inputs.UNLIMITED for none)");
        }
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                in = new BufferedInputStream(new Gunzip(in, source), 1 << 16);
            }
            return new Bounded(in, source, maxBytes, fix);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Opens a UTF-8 text file (plain or gzipped) for reading line by line, bounded in bytes and
     * line length. Malformed UTF-8 is read as U+FFFD.
     *
     * @param file         the file
     * @param maxBytes     the most bytes after decompression, {@link #UNLIMITED} for none
     * @param maxLineChars the longest line accepted, in characters (UTF-16 units)
     * @param fix          what a limit's error message tells the user to do
     * @return a line reader; the caller closes it
     * @throws IOException if the file cannot be opened or its gzip header is damaged
     */
    public static LineReader lines(Path file, long maxBytes, int maxLineChars, String fix) throws IOException {
        InputStream in = open(file, maxBytes, fix);
        return new LineReader(new InputStreamReader(in, StandardCharsets.UTF_8), file.toString(), maxLineChars, fix);
    }

    /**
     * The start of a piece of bad input, for an error message: at most {@link #EXCERPT_CHARS}
     * characters, quoted, with the full length when it was cut ({@code 'abc...' (52428800 characters)}).
     *
     * @param text the input, or null
     * @return the quoted excerpt ({@code null} for null)
     */
    public static String excerpt(CharSequence text) {
        if (text == null) {
            return "null";
        }
        if (text.length() <= EXCERPT_CHARS) {
            return "'" + text + "'";
        }
        return "'" + text.subSequence(0, EXCERPT_CHARS) + "...' (" + text.length() + " characters)";
    }

    /** A gzip stream whose damage is a {@link CorruptInputException}. */
    private static final class Gunzip extends FilterInputStream {
        private final String source;

        Gunzip(InputStream gzipped, String source) throws IOException {
            super(null);
            this.source = source;
            try {
                this.in = new GZIPInputStream(gzipped, 1 << 16);
            } catch (ZipException | EOFException e) {
                throw damaged(e);
            }
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (ZipException | EOFException e) {
                throw damaged(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (ZipException | EOFException e) {
                throw damaged(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return in.skip(n);
            } catch (ZipException | EOFException e) {
                throw damaged(e);
            }
        }

        private CorruptInputException damaged(IOException e) {
            return new CorruptInputException(source, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }

    /** Counts the bytes delivered and refuses to deliver more than the limit. */
    private static final class Bounded extends FilterInputStream {
        private final String source;
        private final long max;
        private final String fix;
        private long count;

        Bounded(InputStream in, String source, long max, String fix) {
            super(in);
            this.source = source;
            this.max = max;
            this.fix = fix;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, (int) Math.min(len, allowance()));
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(Math.min(n, allowance()));
            if (s > 0) {
                counted(s);
            }
            return s;
        }

        /**
         * The bytes one call may read: one more than the room left, so that going over the limit is
         * seen; never less than 1, and no overflow for {@link #UNLIMITED} (which read one byte a call).
         */
        private long allowance() {
            long room = max - count;
            return room == Long.MAX_VALUE ? room : room + 1;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        private void counted(long n) throws InputLimitException {
            count += n;
            if (count > max) {
                throw new InputLimitException(source, "the size after decompression (more than " + max + " bytes)", max, fix);
            }
        }
    }
}
