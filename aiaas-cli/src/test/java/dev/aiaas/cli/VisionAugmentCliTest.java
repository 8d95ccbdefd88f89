package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.cli.CliTest.Result;
import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageFiles;
import dev.aiaas.vision.transform.PipelineSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiaas vision augment}: the files it writes, their reproducibility, and its errors. */
class VisionAugmentCliTest {

    @TempDir
    Path dir;

    private Path photo() throws IOException {
        float[] a = new float[3 * 48 * 64];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 64; x++) {
                    a[(c * 48 + y) * 64 + x] = (float) (0.5 + 0.4 * Math.sin(0.1 * x * (c + 1)) * Math.cos(0.13 * y));
                }
            }
        }
        Path p = dir.resolve("photo.png");
        ImageFiles.writePng(Image.of(3, 48, 64, a), p);
        return p;
    }

    private static List<Path> pngs(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().matches("photo-\\d{4}\\.png")).sorted().toList();
        }
    }

    @Test
    void writesCountImagesByteIdenticalUnderOneSeed() throws IOException {
        Path in = photo();
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        String spec = "random-resized-crop:32,hflip,jitter:0.4:0.4:0.4:0.1";
        Result r = CliTest.run("vision", "augment", "--input", in.toString(), "--output", a.toString(), "--count", "5", "--seed", "7",
                "--pipeline", spec, "--grid", dir.resolve("grid.png").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote 5 images"), r.out());
        assertEquals(0, CliTest.run("vision", "augment", "--input", in.toString(), "--out", b.toString(), "--count", "5", "--seed", "7",
                "--pipeline", spec).code());
        assertEquals(0, CliTest.run("vision", "augment", "--input", in.toString(), "--out", c.toString(), "--count", "5", "--seed", "8",
                "--pipeline", spec).code());
        List<Path> fa = pngs(a);
        List<Path> fb = pngs(b);
        List<Path> fc = pngs(c);
        assertEquals(5, fa.size());
        int differ = 0;
        for (int k = 0; k < 5; k++) {
            assertArrayEquals(Files.readAllBytes(fa.get(k)), Files.readAllBytes(fb.get(k)), fa.get(k).toString());
            differ += java.util.Arrays.equals(Files.readAllBytes(fa.get(k)), Files.readAllBytes(fc.get(k))) ? 0 : 1;
            Image im = ImageFiles.read(fa.get(k));
            assertEquals(32, im.height());
            assertEquals(32, im.width());
        }
        assertTrue(differ > 0, "seed 8 gave seed 7's images");
        Image g = ImageFiles.read(dir.resolve("grid.png"));
        assertEquals(5 * 32 + 6 * 2, g.width());
        assertEquals(32 + 2 * 2, g.height());
    }

    @Test
    void theDefaultPipelineGives224Squares() throws IOException {
        Path out = dir.resolve("d");
        Result r = CliTest.run("vision", "augment", "--input", photo().toString(), "--out", out.toString(), "--count", "1");
        assertEquals(0, r.code(), r.err());
        Image im = ImageFiles.read(pngs(out).get(0));
        assertEquals(224, im.width());
    }

    @Test
    void aBadPipelineIsExitTwoNamingThePart() throws IOException {
        Result r = CliTest.run("vision", "augment", "--input", photo().toString(), "--out", dir.resolve("x").toString(),
                "--pipeline", "hflip,rotate:abc,vflip");
        assertEquals(2, r.code(), r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("aiaas: --pipeline: pipeline step 'rotate:abc'") && first.contains("not a number"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(dir.resolve("x")), "nothing written before the pipeline is checked");
        r = CliTest.run("vision", "augment", "--input", photo().toString(), "--out", dir.resolve("x").toString(), "--pipeline", "swirl");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'swirl'") && r.err().contains("known steps"), r.err());
    }

    @Test
    void badFilesAndNumbersAreOneLine() throws IOException {
        Path text = Files.writeString(dir.resolve("not.png"), "not an image");
        Result r = CliTest.run("vision", "augment", "--input", text.toString(), "--out", dir.resolve("y").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("aiaas: error: ") && r.err().contains("not.png") && r.err().contains("not a PNG, JPEG or BMP"), r.err());
        r = CliTest.run("vision", "augment", "--input", dir.resolve("missing.png").toString(), "--out", dir.resolve("y").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--input: file not found"), r.err());
        r = CliTest.run("vision", "augment", "--input", photo().toString(), "--out", dir.resolve("y").toString(), "--count", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--count must be in 1..100000, got 0"), r.err());
        r = CliTest.run("vision", "augment", "--input", photo().toString(), "--out", photo().toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is a file; name a folder"), r.err());
        r = CliTest.run("vision");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("aiaas vision augment"), r.err());
    }

    @Test
    void helpListsEveryStep() {
        Result r = CliTest.run("vision", "augment", "--help");
        assertEquals(0, r.code());
        for (String name : PipelineSpec.names()) {
            assertTrue(r.out().contains("  " + name), name + " missing from:\n" + r.out());
        }
    }
}
