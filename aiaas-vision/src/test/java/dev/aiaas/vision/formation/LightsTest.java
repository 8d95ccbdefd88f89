package dev.aiaas.vision.formation;

import static dev.aiaas.vision.formation.RendererPhysicsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lights files and the seeded ring. */
class LightsTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenFileReadsBackExactly() throws Exception {
        List<Light> ring = Lights.ring(7, 5);
        Path file = dir.resolve("lights.txt");
        Lights.write(file, ring);
        assertEquals(ring, Lights.read(file));
        assertEquals(ring, Lights.ring(7, 5), "the same seed, the same lights");
        assertTrue(!ring.equals(Lights.ring(7, 6)));
        for (Light l : ring) {
            double elevation = Math.toDegrees(Math.asin(l.z()));
            assertTrue(elevation >= 35 && elevation <= 65, "elevation " + elevation);
        }
    }

    @Test
    void directionsAreNormalisedIntensityDefaultsToOneAndGzipIsRead() throws Exception {
        Path file = dir.resolve("l.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("# x y z [intensity]\n\n0 0 2\n3\t4 0 0.5\n1,0,1\n".getBytes(StandardCharsets.UTF_8));
        }
        List<Light> lights = Lights.read(file);
        assertEquals(List.of(new Light(0, 0, 1, 1), new Light(0.6, 0.8, 0, 0.5), new Light(1, 0, 1, 1)), lights);
    }

    @Test
    void badFilesAreTypedErrorsNamingTheLine() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.txt"), "0 0 1\n0 0 1 1 1\n");
        LightsFormatException e = assertThrows(LightsFormatException.class, () -> Lights.read(bad));
        assertTrue(e.getMessage().contains("line 2 '0 0 1 1 1': expected 3 or 4 numbers"), e.getMessage());
        assertEquals(bad, e.file());
        Path many = Files.writeString(dir.resolve("many.txt"), "0 0 1\n".repeat(Lights.MAX_LIGHTS + 1));
        assertTrue(assertThrows(LightsFormatException.class, () -> Lights.read(many)).getMessage().contains("more than 1024 lights"));
        Path nan = Files.writeString(dir.resolve("nan.txt"), "NaN 0 1\n");
        assertTrue(assertThrows(LightsFormatException.class, () -> Lights.read(nan)).getMessage().contains("expected finite components"));
        Path big = Files.writeString(dir.resolve("big.txt"), ("#" + "x".repeat(900) + "\n").repeat(1200));
        assertTrue(assertThrows(LightsFormatException.class, () -> Lights.read(big)).getMessage().contains("exceeds the limit of 1048576"));
        assertMessage(() -> Lights.ring(0, 1), "count=0: expected 1 to 1024 lights");
    }
}
