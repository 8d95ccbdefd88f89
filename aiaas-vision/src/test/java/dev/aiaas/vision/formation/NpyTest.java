package dev.aiaas.vision.formation;

import static dev.aiaas.vision.formation.RendererPhysicsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy writer, read back byte by byte and, where python3 with NumPy is installed, by numpy.load. */
class NpyTest {

    @Test
    void theBytesAreNumpysVersionOneFormat() throws Exception {
        float[] values = {1.5f, -2f, 0f, 3.25f, 1e-8f, Float.MAX_VALUE};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.writeFloat32(out, values, 1, 2, 3);
        byte[] bytes = out.toByteArray();
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6]);
        assertEquals(0, bytes[7]);
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLength) % 64, "the data starts 64-byte aligned");
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }", header.strip());
        assertTrue(header.endsWith("\n"));
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            assertEquals(v, data.getFloat());
        }
        assertEquals(10 + headerLength + 24, bytes.length);
        String oneD = new String(Npy.header(7), 10, Npy.header(7).length - 10, StandardCharsets.US_ASCII);
        assertTrue(oneD.contains("'shape': (7,), "), oneD);
        String scalar = new String(Npy.header(), 10, Npy.header().length - 10, StandardCharsets.US_ASCII);
        assertTrue(scalar.contains("'shape': (), "), scalar);
    }

    @Test
    void aShapeThatDoesNotFitTheValuesIsRefused() {
        assertMessage(() -> Npy.writeFloat32(new ByteArrayOutputStream(), new float[5], 2, 3), "5 values do not fill the shape [2, 3] (6 values)");
        assertMessage(() -> Npy.header(2, -1), "shape dimension 1 = -1");
    }

    @Test
    void numpyLoadsTheFile(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(hasNumpy(), "python3 with numpy is not installed");
        float[] values = new float[2 * 3 * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 3;
        }
        Path file = dir.resolve("a.npy");
        Npy.writeFloat32(file, values, 2, 3, 4);
        Process p = new ProcessBuilder("python3", "-c",
                "import numpy, sys; a = numpy.load(sys.argv[1]); print(a.dtype, a.shape, repr(float(a[1, 2, 3])), repr(float(a.sum())))",
                file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        assertEquals("float32 (2, 3, 4) " + (double) values[23] + " " + sum, out);
        assertTrue(Files.size(file) > 96);
    }

    private static boolean hasNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
