package dev.aiaas.vision.formation;

import dev.aiaas.core.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes NumPy's {@code .npy} format, version 1.0, float32 little-endian, C order
 * (numpy.lib.format): the magic {@code \x93NUMPY}, version bytes 1 and 0, the header's length as a
 * little-endian uint16, the header (an ASCII Python dict
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (H, W, 3), }} padded with spaces and
 * ended by a newline so that the data starts at a multiple of 64 bytes), then the values.
 * {@code numpy.load} reads it.
 */
public final class Npy {

    private static final int ALIGN = 64;

    private Npy() {
    }

    /**
     * The bytes before the data.
     *
     * @param shape the array's dimensions, each ≥ 0
     * @return magic, version, header length and header
     */
    public static byte[] header(int... shape) {
        StringBuilder dims = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("shape dimension " + i + " = " + shape[i] + ": expected >= 0");
            }
            dims.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) {
                dims.append(shape.length == 1 ? "," : ", ");
            }
        }
        dims.append(')');
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + dims + ", }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
        if (total - 10 > 0xFFFF) {
            throw new IllegalArgumentException("shape " + dims + ": header too long for .npy version 1.0");
        }
        String header = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) (total - 10));
        out.put(header.getBytes(StandardCharsets.US_ASCII));
        return out.array();
    }

    /**
     * Writes a float32 array.
     *
     * @param out    where to write (not closed)
     * @param values the values in C (row-major) order
     * @param shape  the dimensions; their product must equal the number of values
     * @throws IOException if writing fails
     */
    public static void writeFloat32(OutputStream out, float[] values, int... shape) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(values, "values");
        long count = 1;
        for (int d : shape) {
            count = Math.multiplyExact(count, Math.max(d, 0));
        }
        if (count != values.length) {
            throw new IllegalArgumentException(values.length + " values do not fill the shape " + java.util.Arrays.toString(shape)
                    + " (" + count + " values)");
        }
        out.write(header(shape));
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (!chunk.hasRemaining()) {
                out.write(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
            chunk.putFloat(v);
        }
        out.write(chunk.array(), 0, chunk.position());
    }

    /**
     * Writes a float32 array to a file atomically (a temporary file moved into place).
     *
     * @param file   the file, in an existing folder
     * @param values the values in C order
     * @param shape  the dimensions
     * @throws IOException if writing fails (the file is then as it was)
     */
    public static void writeFloat32(Path file, float[] values, int... shape) throws IOException {
        AtomicFiles.write(file, out -> writeFloat32(out, values, shape));
    }
}
