package dev.aiaas.core.data;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

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
 * the file name. Every violation of the layout is a {@link DataFormatException} naming the file,
 * the byte offset and field, what was found and what was expected. Offsets are in the
 * uncompressed bytes.
 */
public final class Idx {

    /** Accept any dimension count in {@link #read(Path, int)}. */
    public static final int ANY_RANK = 0;

    private Idx() {
    }

    /** Reads an IDX file of any rank, plain or gzipped. */
    public static IdxData read(Path file) throws IOException {
        return read(file, ANY_RANK);
    }

    /**
     * Reads an IDX file, plain or gzipped, that must have {@code expectedRank} dimensions
     * (3 for MNIST images {@code [n, rows, cols]}, 1 for labels {@code [n]}).
     *
     * @param expectedRank the required dimension count, or {@link #ANY_RANK}
     * @throws DataFormatException when the file is not a valid unsigned-byte IDX file of that rank
     * @throws IOException         when it cannot be read
     */
    public static IdxData read(Path file, int expectedRank) throws IOException {
        return parse(Files.readAllBytes(file), file.toString(), expectedRank);
    }

    /**
     * Reads an IDX stream to its end, plain or gzipped; does not close it.
     *
     * @param source       the name used in error messages (a path or resource name)
     * @param expectedRank the required dimension count, or {@link #ANY_RANK}
     */
    public static IdxData read(InputStream in, String source, int expectedRank) throws IOException {
        return parse(in.readAllBytes(), source, expectedRank);
    }

    /**
     * Parses the bytes of an IDX file, plain or gzipped (detected from the magic bytes
     * {@code 1f 8b}).
     *
     * @param source       the name used in error messages
     * @param expectedRank the required dimension count, or {@link #ANY_RANK}
     * @throws DataFormatException when the bytes are not a valid unsigned-byte IDX file of that rank
     */
    public static IdxData parse(byte[] bytes, String source, int expectedRank) throws DataFormatException {
        if (expectedRank < 0 || expectedRank > 255) {
            throw new IllegalArgumentException("expectedRank=" + expectedRank
                    + "; expected 1 to 255, or Idx.ANY_RANK (0) to accept any");
        }
        byte[] b = isGzip(bytes) ? gunzip(bytes, source) : bytes;
        String notIdx = "check that this is an IDX file (such as train-images-idx3-ubyte), plain or gzipped, "
                + "and download it again if it is damaged";
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
        int headerEnd = 4 + 4 * rank;
        if (b.length < headerEnd) {
            throw new DataFormatException(source, "byte offset 4 (dimension sizes)",
                    (b.length - 4) + " bytes", (4 * rank) + " bytes for " + rank + " sizes",
                    "the file is truncated; download it again");
        }
        int[] shape = new int[rank];
        long product = 1;
        for (int i = 0; i < rank; i++) {
            int off = 4 + 4 * i;
            int size = ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8)
                    | (b[off + 3] & 0xFF);
            if (size < 0) {
                throw new DataFormatException(source, "byte offset " + off + " (size of dimension " + i + ")",
                        Integer.toUnsignedString(size), "a size from 0 to " + Integer.MAX_VALUE, notIdx);
            }
            shape[i] = size;
            product *= size;
            if (product > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(source, "byte offset " + off + " (size of dimension " + i + ")",
                        "sizes whose product exceeds " + (Integer.MAX_VALUE - 8),
                        "at most " + (Integer.MAX_VALUE - 8) + " elements",
                        "split the file; one IDX array is held in one Java byte array");
            }
        }
        long dataBytes = b.length - (long) headerEnd;
        if (dataBytes != product) {
            throw new DataFormatException(source, "byte offset " + headerEnd + " (data)",
                    dataBytes + " bytes of data", product + " bytes (the product of the sizes "
                            + java.util.Arrays.toString(shape) + ")",
                    dataBytes < product ? "the file is truncated; download it again"
                            : "the file has trailing bytes; check how it was written");
        }
        byte[] data = java.util.Arrays.copyOfRange(b, headerEnd, b.length);
        return IdxData.wrap(shape, data);
    }

    /**
     * Writes {@code data} as an IDX file, gzipped when {@code gzip} is true (the gzip header
     * carries no time stamp, so equal data gives equal files). Replaces an existing file.
     */
    public static void write(IdxData data, Path file, boolean gzip) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file)) {
            if (gzip) {
                try (GZIPOutputStream z = new GZIPOutputStream(raw, 1 << 16)) {
                    write(data, z);
                }
            } else {
                write(data, raw);
            }
        }
    }

    /** Writes {@code data} as an uncompressed IDX stream; flushes but does not close {@code out}. */
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

    /** Whether {@code bytes} start with the gzip magic bytes {@code 1f 8b}. */
    static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B;
    }

    static byte[] gunzip(byte[] bytes, String source) throws DataFormatException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), 1 << 16)) {
            return in.readAllBytes();
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(source, "gzip stream", "a corrupt or truncated stream (" + e.getMessage()
                    + ")", "a complete gzip stream", "the file is damaged; download it again", e);
        } catch (IOException e) {
            throw new DataFormatException(source, "gzip stream", e.toString(), "a readable gzip stream",
                    "the file is damaged; download it again", e);
        }
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
