package dev.aiaas.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Reads a model file ({@link ModelIO}'s layout) from a {@link FileChannel} with every declared
 * size checked against the bytes the file holds and the load's limits before anything of that size
 * is allocated: {@link #open} checks the magic, the version and the CRC-32 (streamed, nothing held);
 * {@link #header()} reads the header, at most {@link ModelIO.LoadOptions#maxHeaderBytes()};
 * {@link #arrays()} walks the arrays' descriptors (type and length) without reading their values;
 * {@link #readFloats}/{@link #readDoubles} stream one array's values into a buffer the caller has
 * allocated once the sizes are known to be sound. The file is held open (so that a replacement
 * written meanwhile is not read halfway) until {@link #close()}.
 */
final class ModelFileReader implements AutoCloseable {

    /** The magic, version, header length, array count and CRC: the smallest file. */
    static final int MIN_SIZE = 8 + 4 + 4 + 4 + 8;
    /** θ and at most this many optimiser state arrays less one. */
    static final int MAX_ARRAYS = 8;
    static final byte[] MAGIC = "AIAASMDL".getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK = 1 << 16;

    /** One array's descriptor: its type (float32 or float64), its length and where its values start. */
    record Array(int index, boolean f32, long length, long offset) {
        int width() {
            return f32 ? 4 : 8;
        }

        String typeName() {
            return f32 ? "float32" : "float64";
        }
    }

    private final Path file;
    private final FileChannel ch;
    private final long size;
    private final ModelIO.LoadOptions options;
    /** Little-endian, as the arrays' values are stored. */
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    private long headerEnd = -1;

    private ModelFileReader(Path file, FileChannel ch, ModelIO.LoadOptions options) throws IOException {
        this.file = file;
        this.ch = ch;
        this.size = ch.size();
        this.options = options;
    }

    /**
     * Opens a model file and checks its magic, version and CRC-32.
     *
     * @throws java.nio.file.NoSuchFileException when it does not exist
     * @throws ModelFormatException              when it is not an aiaas model, newer, or corrupt
     */
    static ModelFileReader open(Path file, ModelIO.LoadOptions options) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ModelFileReader r = new ModelFileReader(file, ch, options);
            r.checkStart();
            r.checkCrc();
            return r;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void checkStart() throws IOException {
        ByteBuffer start = read(0, (int) Math.min(size, 12));
        byte[] head = Arrays.copyOf(start.array(), start.limit());
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            throw new ModelFormatException(file, "is gzip-compressed; model files are read uncompressed: decompress it first"
                    + " (gunzip " + file.getFileName() + ")");
        }
        if (head.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC)) {
            throw new ModelFormatException(file, "is not an aiaas model (it does not start with "
                    + new String(MAGIC, StandardCharsets.US_ASCII) + "); pass a file written by ModelIO.save or 'aiaas train --out'");
        }
        if (size < 12) {
            throw truncated();
        }
        int version = start.order(ByteOrder.BIG_ENDIAN).getInt(8);
        if (version > ModelIO.FORMAT_VERSION) {
            throw new ModelFormatException(file, "format version " + version + ", this library reads up to " + ModelIO.FORMAT_VERSION
                    + "; load it with a newer aiaas");
        }
        if (version < 1) {
            throw new ModelFormatException(file, "format version " + version + " is not valid (versions start at 1); the file is corrupt");
        }
        if (size < MIN_SIZE) {
            throw truncated();
        }
        long most = mostBytes(options);
        if (size > most) {
            throw new ModelFormatException(file, "is " + size + " bytes, more than a model within the load's limits can be ("
                    + most + " bytes for at most " + options.maxParameters() + " parameters, ModelIO.LoadOptions.maxParameters,"
                    + " and a header of at most " + options.maxHeaderBytes() + " bytes); if the file is trusted, raise the limits");
        }
    }

    /** The largest file within the limits: a header of maxHeaderBytes, MAX_ARRAYS arrays of maxParameters float64. */
    private static long mostBytes(ModelIO.LoadOptions o) {
        long arrays = (long) MAX_ARRAYS * (1 + 8 + o.maxParameters() * 8);
        return MIN_SIZE + (long) o.maxHeaderBytes() + arrays;
    }

    private ModelFormatException truncated() {
        return new ModelFormatException(file, "is truncated: it has " + size + " bytes, and a model file has at least " + MIN_SIZE
                + " (it was cut off while being copied or written)");
    }

    private void checkCrc() throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer b = ByteBuffer.allocateDirect(CHUNK);
        long end = size - 8;
        for (long at = 0; at < end; ) {
            b.clear();
            b.limit((int) Math.min(CHUNK, end - at));
            fill(b, at);
            b.flip();
            at += b.remaining();
            crc.update(b);
        }
        long stored = read(end, 8).order(ByteOrder.BIG_ENDIAN).getLong(0);
        if (stored != crc.getValue()) {
            throw new ModelFormatException(file, "is corrupt: its CRC-32 check fails (stored " + Long.toHexString(stored) + ", computed "
                    + Long.toHexString(crc.getValue()) + "); it was truncated or changed after saving");
        }
    }

    /** The header's bytes, its length checked against the limit and the file. */
    byte[] header() throws IOException {
        int length = read(12, 4).order(ByteOrder.BIG_ENDIAN).getInt(0);
        long room = size - MIN_SIZE;
        if (length < 0 || length > room) {
            throw new ModelFormatException(file, "declares a header of " + length + " bytes, but the file holds " + room
                    + " bytes besides its fixed fields; the file is corrupt");
        }
        if (length > options.maxHeaderBytes()) {
            throw new ModelFormatException(file, "its header is " + length + " bytes, more than the limit of " + options.maxHeaderBytes()
                    + " (ModelIO.LoadOptions.maxHeaderBytes); if the file is trusted, load it with"
                    + " ModelIO.LoadOptions.defaults().withMaxHeaderBytes(" + length + ")");
        }
        headerEnd = 16L + length;
        ByteBuffer b = read(16, length);
        return b.array().length == length ? b.array() : Arrays.copyOf(b.array(), length);
    }

    /**
     * The arrays' descriptors, each length checked against the bytes that follow it, the count
     * against {@link #MAX_ARRAYS}, and the last array ending where the CRC begins.
     */
    List<Array> arrays() throws IOException {
        if (headerEnd < 0) {
            throw new IllegalStateException("header() first");
        }
        long end = size - 8;
        long at = headerEnd;
        if (end - at < 4) {
            throw new ModelFormatException(file, "ends after its header, where the number of arrays should be; it is truncated");
        }
        int count = read(at, 4).order(ByteOrder.BIG_ENDIAN).getInt(0);
        at += 4;
        if (count < 1 || count > MAX_ARRAYS) {
            throw new ModelFormatException(file, "declares " + count + " arrays; a model file holds θ and at most " + (MAX_ARRAYS - 1)
                    + " optimiser state arrays (1 to " + MAX_ARRAYS + "); the file is corrupt");
        }
        List<Array> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (end - at < 9) {
                throw new ModelFormatException(file, "array " + i + " of " + count + " is missing: the file ends "
                        + (end - at) + " bytes after the previous one; it is truncated or corrupt");
            }
            ByteBuffer d = read(at, 9).order(ByteOrder.BIG_ENDIAN);
            byte type = d.get(0);
            long length = d.getLong(1);
            at += 9;
            if (type != 1 && type != 2) {
                throw new ModelFormatException(file, "array " + i + " has unknown type " + type
                        + " (expected 1 for float32 or 2 for float64); the file is corrupt");
            }
            int width = type == 1 ? 4 : 8;
            if (length < 0 || length > (end - at) / width) {
                throw new ModelFormatException(file, "array " + i + " declares " + length + (type == 1 ? " float32" : " float64")
                        + " values, but only " + Math.max(0, end - at) + " bytes follow (room for " + (end - at) / width
                        + "); the file is truncated or corrupt");
            }
            if (length > options.maxParameters()) {
                throw new ModelFormatException(file, "array " + i + " holds " + length + " values, more than the limit of "
                        + options.maxParameters() + " parameters (ModelIO.LoadOptions.maxParameters); if the file is trusted, load"
                        + " it with ModelIO.LoadOptions.defaults().withMaxParameters(" + length + ")");
            }
            out.add(new Array(i, type == 1, length, at));
            at += length * width;
        }
        if (at != end) {
            throw new ModelFormatException(file, "has " + (end - at) + " bytes after its last array, before the CRC; the file is corrupt");
        }
        return out;
    }

    /** Reports a value that is NaN or infinite, by its index in the array. */
    @FunctionalInterface
    interface NonFinite {
        ModelFormatException at(long index, double value);
    }

    /**
     * Streams a float32 array into {@code dst} (its length positions from 0), each value checked
     * finite unless {@code nonFinite} is null.
     */
    void readFloats(Array a, FloatBuffer dst, NonFinite nonFinite) throws IOException {
        float[] values = new float[(int) Math.min(a.length(), CHUNK / 4)];
        long done = 0;
        while (done < a.length()) {
            int n = (int) Math.min(values.length, a.length() - done);
            chunk.clear().limit(n * 4);
            fill(chunk, a.offset() + done * 4);
            chunk.flip();
            chunk.asFloatBuffer().get(values, 0, n);
            if (nonFinite != null) {
                int bad = firstNonFinite(values, n);
                if (bad >= 0) {
                    throw nonFinite.at(done + bad, values[bad]);
                }
            }
            dst.put((int) done, values, 0, n);
            done += n;
        }
    }

    /**
     * As {@link #readFloats}, for a float64 array; with {@code narrowed}, the values will become
     * float32, and each must also stay finite as one ({@code 1e39} does not).
     */
    void readDoubles(Array a, DoubleBuffer dst, boolean narrowed, NonFinite nonFinite) throws IOException {
        double[] values = new double[(int) Math.min(a.length(), CHUNK / 8)];
        long done = 0;
        while (done < a.length()) {
            int n = (int) Math.min(values.length, a.length() - done);
            chunk.clear().limit(n * 8);
            fill(chunk, a.offset() + done * 8);
            chunk.flip();
            chunk.asDoubleBuffer().get(values, 0, n);
            if (nonFinite != null) {
                for (int i = 0; i < n; i++) {
                    if (!Double.isFinite(values[i]) || narrowed && !Float.isFinite((float) values[i])) {
                        throw nonFinite.at(done + i, values[i]);
                    }
                }
            }
            dst.put((int) done, values, 0, n);
            done += n;
        }
    }

    /** The index of the first NaN or infinity among {@code v[0, n)}, or -1: one branch-free pass, then a search. */
    private static int firstNonFinite(float[] v, int n) {
        int any = 0;
        for (int i = 0; i < n; i++) {
            // the exponent bits all set (NaN or ±infinity) make the sum reach the sign bit
            any |= (Float.floatToRawIntBits(v[i]) & 0x7f800000) + 0x00800000;
        }
        if (any >= 0) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    private ByteBuffer read(long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        fill(b, at);
        b.flip();
        return b;
    }

    /** Fills {@code b} from the file at {@code at}; the file ending first (it shrank meanwhile) is a format error. */
    private void fill(ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new ModelFormatException(file, "ended at byte " + pos + " while being read (it was truncated meanwhile?)");
            }
            pos += n;
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
