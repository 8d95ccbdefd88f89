package dev.aiaas.core.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Damaged gzip text read through {@link Inputs}: every truncation and seeded random byte flips end
 * normally or in {@link CorruptInputException} / {@link InputLimitException}, nothing else. Runs in
 * the fuzz JVM (small heap, capped off-heap); {@code -Daiaas.fuzz.scale=N} multiplies the flips.
 */
@Tag("fuzz")
class InputsFuzzTest {

    private static final int SCALE = Integer.getInteger("aiaas.fuzz.scale", 1);

    @Test
    void truncationsAndByteFlipsOfAGzippedTextEndInTypedExceptions() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append("line ").append(i).append(" of some text to compress\n");
        }
        byte[] gz = gzip(text.toString().getBytes(StandardCharsets.UTF_8));
        int corrupt = 0;
        for (int n = 0; n < gz.length; n++) {
            corrupt += read(Arrays.copyOf(gz, n)) ? 0 : 1;
        }
        assertTrue(corrupt > gz.length / 2, "most truncations are reported as damage: " + corrupt + " of " + gz.length);
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 10_000 * SCALE; i++) {
            byte[] b = gz.clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
            }
            read(b);
        }
    }

    /** Reads every line; true if it ended normally, false on a typed damage or limit exception. */
    private static boolean read(byte[] file) {
        try (LineReader r = new LineReader(new InputStreamReader(
                Inputs.decode(new ByteArrayInputStream(file), "fuzz.gz", 1 << 20, "-"), StandardCharsets.UTF_8),
                "fuzz.gz", 10_000, "-")) {
            while (r.readLine() != null) {
                // read to the end, so that the trailer is checked
            }
            return true;
        } catch (CorruptInputException | InputLimitException e) {
            return false;
        } catch (Throwable t) {
            fail("a damaged gzip stream must end in a typed exception, not " + t, t);
            return false;
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(data);
        }
        return bytes.toByteArray();
    }
}
