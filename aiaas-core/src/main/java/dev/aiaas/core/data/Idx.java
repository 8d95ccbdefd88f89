package dev.aiaas.core.data;

import dev.aiaas.core.io.AtomicFiles;
import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.Inputs;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * Reads and writes IDX files, the format of MNIST and Fashion-MNIST
 * (<a href="http://yann.lecun.com/exdb/mnist/">LeCun et al.</a>), with unsigned-byte elements.
 *
 * <p>Layout, all integers big-endian:
 * <pre>
 * offset 0  2 bytes   0x00 0x00
 * offset 2  1 byte    type code (0x08 = unsigned byte; the only type read here)
 * offset 3  1 byte    dimension count r
 * offset 4  4r bytes  sizes d0 .. d(r-1), each a signed 32-bit int &gt;= 0
 * then      d0*..*d(r-1) bytes of data, row-major, and nothing after them
 * </pre>
 *
 * <p>A file may be gzipped; that is detected from the gzip magic bytes {@code 1f 8b}, not from
 * the file name (files are opened through {@link Inputs}). Every violation of the layout is a
 * {@link DataFormatException} naming the file, the byte offset and field, what was found and what
 * was expected; so is a damaged gzip stream (its trailer's CRC included). Offsets are in the
 * uncompressed bytes.
 *
 * <p>Reading is bounded: the header is read first, and declared sizes beyond {@link #MAX_BYTES}
 * (or a smaller limit given), or beyond the Java heap's maximum size, are refused before any
 * memory is allocated for the data; then exactly the declared bytes are read, into an array that
 * grows as they arrive (a small file declaring a large array costs only what it holds), and
 * reading stops soon after the end of the data when trailing bytes follow (a gzip bomb behind a
 * valid header is not decompressed to its end).
 */
public final class Idx {

    /** Accept any dimension count in {@link #read(Path, int)}. */
    public static final int ANY_RANK = 0;

    /**
     * The most data bytes (elements) one IDX array may hold, and the default limit of
     * {@link #read(Path, int, long)}: {@code Integer.MAX_VALUE - 8}, the longest Java array.
     */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    /** Trailing bytes counted for the message before reading stops. */
    private static final long TRAILING_COUNTED = 1 << 20;

    private Idx() {
    }

    /**
     * Reads an IDX file of any rank, plain or gzipped.
     *
     * @param file the file
     * @return its shape and elements
     * @throws DataFormatException when the file is not a valid unsigned-byte IDX file
     * @throws IOException         when it cannot be read
     */
    public static IdxData read(Path file) throws IOException {
        return read(file, ANY_RANK);
    }

    /**
     * Reads an IDX file, plain or gzipped, that must have {@code expectedRank} dimensions
     * (3 for MNIST images {@code [n, rows, cols]}, 1 for labels {@code [n]}).
     *
     * @param file         the file
     * @param expectedRank the required dimension count, or {@link #ANY_RANK}
     * @return its shape and elements
     * @throws DataFormatException when the file is not a valid unsigned-byte IDX file of that rank
     * @throws IOException         when it cannot be read
     */
    public static IdxData read(Path file, int expectedRank) throws IOException {
        return read(file, expectedRank, MAX_BYTES);
    }

    /**
     * As {@link #read(Path, int)}, accepting at most {@code maxBytes} data bytes: the header is
     * read first, and sizes whose product exceeds the limit, or the Java heap's maximum size, are
     * refused before anything is allocated for the data. Memory then grows with the bytes actually
     * read, so a file that declares more than it holds fails at its real size.
     *
     * @param file         the file
     * @param expectedRank the required dimension count, or {@link #ANY_RANK}
     * @param maxBytes     the most data bytes accepted, 0 to {@link #MAX_BYTES}
     * @return its shape and elements
     * @throws DataFormatException when the file is not a valid unsigned-byte IDX file of that rank,
     *                             declares more than {@code maxBytes}, or its gzip stream is damaged
     * @throws IOException         when it cannot be read
     */
    public static IdxData read(Path file, int expectedRank, long maxBytes) throws IOException {
        checkArguments(expectedRank, maxBytes);
        String source = file.toString();
        try (InputStream in = Inputs.open(file, Inputs.UNLIMITED, FIX_DAMAGED)) {
            return readDecoded(in, source, expectedRank, maxBytes);
        } catch (CorruptInputException e) {
            throw DataFormatException.damaged(source, e);
        }
    }

    /**
     * Reads an IDX stream to its end, plain or gzipped; does not close it on success.
     *
     * @param in           the stream, positioned at the file's start
     * @param source       the name used in error messages (a path or resource name)
     * @param expectedRank the required dimension count, or {@link #ANY_RANK}
     * @return its shape and elements
     * @throws DataFormatException when the bytes are not a valid unsigned-byte IDX file of that rank
     * @throws IOException         when the stream cannot be read
     */
    public static IdxData read(InputStream in, String source, int expectedRank) throws IOException {
        checkArguments(expectedRank, MAX_BYTES);
        try {
            return readDecoded(Inputs.decode(in, source, Inputs.UNLIMITED, FIX_DAMAGED), source, expectedRank, MAX_BYTES);
        } catch (CorruptInputException e) {
            throw DataFormatException.damaged(source, e);
        }
    }

    /**
     * Parses the bytes of an IDX file, plain or gzipped (detected from the magic bytes
     * {@code 1f 8b}).
     *
     * @param bytes        the whole file
     * @param source       the name used in error messages
     * @param expectedRank the required dimension count, or {@link #ANY_RANK}
     * @return its shape and elements
     * @throws DataFormatException when the bytes are not a valid unsigned-byte IDX file of that rank
     */
    public static IdxData parse(byte[] bytes, String source, int expectedRank) throws DataFormatException {
        try {
            return read(new ByteArrayInputStream(bytes), source, expectedRank);
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFormatException(source, "byte offset 0", e.toString(), "a readable IDX file",
                    "check that this is an IDX file", e); // a byte array cannot fail to be read
        }
    }

    private static final String FIX_DAMAGED = "the file is damaged; copy or download it again";

    private static void checkArguments(int expectedRank, long maxBytes) {
        if (expectedRank < 0 || expectedRank > 255) {
            throw new IllegalArgumentException("expectedRank=" + expectedRank
                    + "; expected 1 to 255, or Idx.ANY_RANK (0) to accept any");
        }
        if (maxBytes < 0 || maxBytes > MAX_BYTES) {
            throw new IllegalArgumentException("maxBytes=" + maxBytes + "; expected 0 to " + MAX_BYTES
                    + " (Idx.MAX_BYTES, the longest Java array)");
        }
    }

    /**
     * Reads the header, checks the declared size against {@code maxBytes} and the heap, then reads
     * exactly that many data bytes into an array grown as they arrive, then the end of the stream
     * (so that trailing bytes, and a gzip trailer's CRC, are checked).
     */
    private static IdxData readDecoded(InputStream in, String source, int expectedRank, long maxBytes)
            throws IOException {
        String notIdx = "check that this is an IDX file (such as train-images-idx3-ubyte), plain or gzipped, "
                + "and download it again if it is damaged";
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new DataFormatException(source, "byte offset 0 (magic number)", b.length + " bytes in all",
                    "a 4-byte magic number 0x000008NN", notIdx);
        }
        if (b[0] != 0 || b[1] != 0) {
            throw new DataFormatException(source, "byte offset 0 (magic number)",
                    String.format("0x%02X%02X%02X%02X", b[0], b[1], b[2], b[3]),
                    "0x0000 then a type code and a dimension count", notIdx);
        }
        int type = b[2] & 0xFF;
        if (type != IdxData.UNSIGNED_BYTE) {
            throw new DataFormatException(source, "byte offset 2 (type code)",
                    String.format("0x%02X (%s)", type, typeName(type)), "0x08 (unsigned byte)",
                    "this reader reads unsigned-byte IDX files only; convert the file to unsigned bytes");
        }
        int rank = b[3] & 0xFF;
        if (rank == 0 || (expectedRank != ANY_RANK && rank != expectedRank)) {
            throw new DataFormatException(source, "byte offset 3 (dimension count)", Integer.toString(rank),
                    expectedRank == ANY_RANK ? "1 to 255" : Integer.toString(expectedRank),
                    expectedRank == 3 ? "pass an images file ([n, rows, cols], idx3), not a labels file"
                            : expectedRank == 1 ? "pass a labels file ([n], idx1), not an images file" : notIdx);
        }
        byte[] sizes = in.readNBytes(4 * rank);
        if (sizes.length < 4 * rank) {
            throw new DataFormatException(source, "byte offset 4 (dimension sizes)", sizes.length + " bytes",
                    (4 * rank) + " bytes for " + rank + " sizes", "the file is truncated; download it again");
        }
        int headerEnd = 4 + 4 * rank;
        int[] shape = new int[rank];
        long product = 1;
        for (int i = 0; i < rank; i++) {
            int off = 4 * i;
            int size = ((sizes[off] & 0xFF) << 24) | ((sizes[off + 1] & 0xFF) << 16) | ((sizes[off + 2] & 0xFF) << 8)
                    | (sizes[off + 3] & 0xFF);
            String where = "byte offset " + (4 + off) + " (size of dimension " + i + ")";
            if (size < 0) {
                throw new DataFormatException(source, where, Integer.toUnsignedString(size),
                        "a size from 0 to " + Integer.MAX_VALUE, notIdx);
            }
            shape[i] = size;
            product *= size;
            if (product > maxBytes) {
                throw new DataFormatException(source, where, "sizes " + Arrays.toString(Arrays.copyOf(shape, i + 1))
                        + " whose product exceeds " + maxBytes, "at most " + maxBytes + " elements"
                        + (maxBytes == MAX_BYTES ? " (one IDX array is held in one Java byte array)" : " (the limit given)"),
                        maxBytes == MAX_BYTES ? "split the file" : "raise the limit, or split the file");
            }
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (product > heap) {
            throw new DataFormatException(source, "byte offset 4 (dimension sizes)", "sizes " + Arrays.toString(shape)
                    + " declaring " + product + " bytes of data", "at most the Java heap's " + heap + " bytes (-Xmx)",
                    "run with a larger -Xmx, or check that the file is not damaged");
        }
        byte[] data = new byte[(int) Math.min(product, 1 << 20)];
        int got = 0;
        while (got < product) {
            if (got == data.length) {
                try {
                    data = Arrays.copyOf(data, (int) Math.min(product, 2L * data.length));
                } catch (OutOfMemoryError e) {
                    data = null;
                    throw new DataFormatException(source, "byte offset " + (headerEnd + got) + " (data)",
                            "sizes " + Arrays.toString(shape) + " declaring " + product + " bytes of data",
                            "data that fits in the Java heap (" + heap + " bytes at most, -Xmx)",
                            "run with a larger -Xmx");
                }
            }
            int r = in.read(data, got, data.length - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        if (got < product) {
            throw new DataFormatException(source, "byte offset " + headerEnd + " (data)", got + " bytes of data",
                    product + " bytes (the product of the sizes " + Arrays.toString(shape) + ")",
                    "the file is truncated; download it again");
        }
        long extra = 0;
        byte[] rest = new byte[8192];
        for (int r; extra <= TRAILING_COUNTED && (r = in.read(rest)) >= 0; ) {
            extra += r;
        }
        if (extra > 0) {
            throw new DataFormatException(source, "byte offset " + headerEnd + " (data)",
                    (extra > TRAILING_COUNTED ? "more than " : "") + (product + extra) + " bytes of data",
                    product + " bytes (the product of the sizes " + Arrays.toString(shape) + ")",
                    "the file has trailing bytes; check how it was written");
        }
        return IdxData.wrap(shape, data);
    }

    /**
     * Writes {@code data} as an IDX file, gzipped when {@code gzip} is true (the gzip header
     * carries no time stamp, so equal data gives equal files). Replaces an existing file atomically:
     * a crash or an error while writing leaves the old file as it was (see {@link dev.aiaas.core.io.AtomicFiles}).
     *
     * @param data the shape and elements to write
     * @param file the file to write
     * @param gzip whether to gzip it
     * @throws IOException when the file cannot be written
     */
    public static void write(IdxData data, Path file, boolean gzip) throws IOException {
        AtomicFiles.write(file, raw -> {
            if (gzip) {
                GZIPOutputStream z = new GZIPOutputStream(raw, 1 << 16);
                write(data, z);
                z.finish(); // the trailer; AtomicFiles flushes and closes the file itself
            } else {
                write(data, raw);
            }
        });
    }

    /**
     * Writes {@code data} as an uncompressed IDX stream; flushes but does not close {@code out}.
     *
     * @param data the shape and elements to write
     * @param out  the stream to write to
     * @throws IOException when the stream cannot be written
     */
    public static void write(IdxData data, OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        d.writeShort(0);
        d.writeByte(IdxData.UNSIGNED_BYTE);
        d.writeByte(data.rank());
        for (int i = 0; i < data.rank(); i++) {
            d.writeInt(data.dim(i));
        }
        d.write(data.raw());
        d.flush();
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "not an IDX type";
        };
    }
}
