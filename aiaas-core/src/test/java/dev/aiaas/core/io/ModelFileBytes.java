package dev.aiaas.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Test helper: a model file's bytes taken apart and put together again ({@link ModelIO}'s layout),
 * with the CRC-32 recomputed, so that tests can hand the parser files that pass the CRC check and
 * are wrong in one chosen way.
 */
final class ModelFileBytes {
    private ModelFileBytes() {
    }

    /** The bytes with the trailing CRC-32 recomputed over the rest (for a file of at least 8 bytes). */
    static byte[] recrc(byte[] file) {
        byte[] b = file.clone();
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 8);
        ByteBuffer.wrap(b, b.length - 8, 8).putLong(crc.getValue());
        return b;
    }

    /** Where the header's text starts: after the magic, the version and the header's length. */
    static final int HEADER_AT = 16;

    /** The header's length as the file declares it. */
    static int headerLength(byte[] file) {
        return ByteBuffer.wrap(file).getInt(12);
    }

    /** The header's entries, in order. */
    static LinkedHashMap<String, String> header(byte[] file) {
        String text = new String(file, HEADER_AT, headerLength(file), StandardCharsets.UTF_8);
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                int eq = line.indexOf('=');
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    /** {@code key=value} lines. */
    static String format(Map<String, String> entries) {
        StringBuilder sb = new StringBuilder();
        entries.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    /** The file with another header text (its length updated), the arrays as they were, the CRC recomputed. */
    static byte[] withHeader(byte[] file, String header) {
        return withHeaderBytes(file, header.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #withHeader}, with the header's raw bytes. */
    static byte[] withHeaderBytes(byte[] file, byte[] header) {
        int old = headerLength(file);
        byte[] rest = Arrays.copyOfRange(file, HEADER_AT + old, file.length);
        ByteBuffer b = ByteBuffer.allocate(HEADER_AT + header.length + rest.length);
        b.put(file, 0, 12).putInt(header.length).put(header).put(rest);
        return recrc(b.array());
    }

    /** The file with one header entry set (added at the end when new), the CRC recomputed. */
    static byte[] withEntry(byte[] file, String key, String value) {
        LinkedHashMap<String, String> h = header(file);
        h.put(key, value);
        return withHeader(file, format(h));
    }

    /** Where the arrays start: the offset of the array count. */
    static int arraysAt(byte[] file) {
        return HEADER_AT + headerLength(file);
    }

    /** Where array 0's values start (after the count, its type byte and its length). */
    static int thetaAt(byte[] file) {
        return arraysAt(file) + 4 + 1 + 8;
    }

    /** The file with float32 value {@code i} of θ set, the CRC recomputed. */
    static byte[] withThetaFloat(byte[] file, int i, float v) {
        byte[] b = file.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(thetaAt(b) + 4 * i, v);
        return recrc(b);
    }

    /** The file with float64 value {@code i} of θ set, the CRC recomputed. */
    static byte[] withThetaDouble(byte[] file, int i, double v) {
        byte[] b = file.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putDouble(thetaAt(b) + 8 * i, v);
        return recrc(b);
    }

    /** The file with a big-endian int at {@code at} set, the CRC recomputed. */
    static byte[] withInt(byte[] file, int at, int v) {
        byte[] b = file.clone();
        ByteBuffer.wrap(b).putInt(at, v);
        return recrc(b);
    }

    /** The file with a big-endian long at {@code at} set, the CRC recomputed. */
    static byte[] withLong(byte[] file, int at, long v) {
        byte[] b = file.clone();
        ByteBuffer.wrap(b).putLong(at, v);
        return recrc(b);
    }
}
