package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.vision.formation.PhotometricStereo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiaas vision render} and {@code aiaas vision stereo}: the round trip, determinism, and bad input. */
class VisionRenderStereoCliTest {

    @TempDir
    Path dir;

    /** The float32 values and shape of an .npy file this library wrote. */
    record Npy(int[] shape, float[] values) {
        static Npy read(Path file) throws IOException {
            byte[] b = Files.readAllBytes(file);
            int headerLength = (b[8] & 0xff) | (b[9] & 0xff) << 8;
            String header = new String(b, 10, headerLength, StandardCharsets.US_ASCII);
            assertTrue(header.contains("'descr': '<f4'"), header);
            String dims = header.substring(header.indexOf("'shape': (") + 10, header.indexOf(')'));
            int[] shape = Stream.of(dims.split(",")).map(String::strip).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
            ByteBuffer data = ByteBuffer.wrap(b, 10 + headerLength, b.length - 10 - headerLength).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[data.remaining() / 4];
            data.asFloatBuffer().get(v);
            return new Npy(shape, v);
        }
    }

    private List<String> images(Path scene) throws IOException {
        try (Stream<Path> files = Files.list(scene)) {
            return files.filter(p -> p.getFileName().toString().startsWith("image-")).map(Path::toString).sorted().toList();
        }
    }

    private static CliTest.Result stereo(Path lights, Path out, List<String> images, String... more) {
        List<String> args = new ArrayList<>(List.of("vision", "stereo", "--lights", lights.toString(), "--output", out.toString()));
        args.addAll(List.of(more));
        args.addAll(images);
        return CliTest.run(args.toArray(new String[0]));
    }

    @Test
    void renderThenStereoRecoversTheNormalsAndAlbedo() throws IOException {
        Path scene = dir.resolve("scene");
        CliTest.Result r = CliTest.run("vision", "render", "--output", scene.toString(), "--seed", "3", "--scene", "sphere",
                "--lights", "8", "--size", "48");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("rendered sphere (48x48) under 8 lights"), r.out());
        List<String> images = images(scene);
        assertEquals(8, images.size());
        assertEquals(8, Files.readAllLines(scene.resolve("lights.txt")).size());
        for (String f : List.of("normals.npy", "albedo.npy", "height.npy", "normals.png", "albedo.png")) {
            assertTrue(Files.isRegularFile(scene.resolve(f)), f);
        }
        Path out = dir.resolve("out");
        r = stereo(scene.resolve("lights.txt"), out, images);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("8 images of 48x48"), r.out());
        Npy truth = Npy.read(scene.resolve("normals.npy"));
        Npy normals = Npy.read(out.resolve("normals.npy"));
        assertArrayEquals(new int[] {48, 48, 3}, normals.shape());
        Npy albedo = Npy.read(out.resolve("albedo.npy"));
        assertArrayEquals(new int[] {48, 48}, albedo.shape());
        Npy trueAlbedo = Npy.read(scene.resolve("albedo.npy"));
        boolean[] object = new boolean[48 * 48];
        for (int p = 0; p < object.length; p++) {
            object[p] = trueAlbedo.values()[p] > 0;
            float[] n = {normals.values()[3 * p], normals.values()[3 * p + 1], normals.values()[3 * p + 2]};
            double len = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
            // unit vectors on the object, zeros off it (foreground: not black in every image)
            assertEquals(object[p] ? 1 : 0, len, 1e-5, "pixel " + p);
            if (object[p]) {
                assertEquals(trueAlbedo.values()[p], albedo.values()[p], 0.01, "albedo at " + p);
            }
        }
        // through 8-bit PNGs and the text lights file; measured 0.07°
        double error = PhotometricStereo.meanAngularErrorDegrees(truth.values(), normals.values(), object);
        assertTrue(error < 0.5, "mean angular error " + error + "°");
        assertTrue(Files.isRegularFile(out.resolve("normals.png")) && Files.isRegularFile(out.resolve("height.npy")));
    }

    @Test
    void theSameSeedWritesTheSameFiles() throws IOException {
        String[] common = {"--scene", "bumps", "--lights", "4", "--size", "24", "--iso", "1600", "--specular", "0.3"};
        for (String name : List.of("a", "b", "c")) {
            List<String> args = new ArrayList<>(List.of("vision", "render", "--output", dir.resolve(name).toString(), "--seed",
                    name.equals("c") ? "8" : "7"));
            args.addAll(List.of(common));
            assertEquals(0, CliTest.run(args.toArray(new String[0])).code());
        }
        for (String f : List.of("image-00.png", "image-03.png", "lights.txt", "normals.npy", "height.npy")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(dir.resolve("a").resolve("image-00.png")),
                Files.readAllBytes(dir.resolve("c").resolve("image-00.png"))));
    }

    @Test
    void badOptionsAreUsageErrorsNamingThem() throws IOException {
        String out = dir.resolve("o").toString();
        TableCliTest.usageError(CliTest.run("vision", "render", "--output", out, "--lights", "2"),
                "--lights=2: expected an integer from 3 to 256");
        TableCliTest.usageError(CliTest.run("vision", "render", "--output", out, "--size", "5"), "--size=5: expected an integer from 8 to 2,048");
        TableCliTest.usageError(CliTest.run("vision", "render", "--output", out, "--scene", "bunny"),
                "--scene=bunny: expected one of sphere, bumps, vase");
        TableCliTest.usageError(CliTest.run("vision", "render", "--output", out, "--iso", "10"), "--iso=10.0: expected 0 (no noise)");
        TableCliTest.usageError(CliTest.run("vision", "render", "--output", out, "--specular", "-1"), "--specular=-1.0");
        TableCliTest.usageError(CliTest.run("vision", "render", "--output", dir.resolve("no/such").toString()), "does not exist; create it first");
        Path file = Files.writeString(dir.resolve("file"), "x");
        TableCliTest.usageError(CliTest.run("vision", "render", "--output", file.toString()), "is a file; name a folder");
        TableCliTest.usageError(CliTest.run("vision", "render"), "Missing required option: '--output=DIR'");
        TableCliTest.usageError(CliTest.run("vision"), "Missing command: try 'aiaas vision augment', 'aiaas vision render'");
        Path lights = Files.writeString(dir.resolve("l.txt"), "0 0 1\n1 0 1\n0 1 1\n");
        TableCliTest.usageError(stereo(lights, dir.resolve("s"), List.of(file.toString(), file.toString())),
                "2 images: photometric stereo needs 3 to 1024 images");
        TableCliTest.usageError(stereo(lights, dir.resolve("s"), List.of(file.toString(), file.toString(), "missing.png")),
                "IMAGE: file not found");
        TableCliTest.usageError(stereo(lights, dir.resolve("s"), List.of(file.toString(), file.toString(), file.toString()),
                "--black-level", "1"), "--black-level=1.0: expected a value in [0, 1)");
        TableCliTest.usageError(stereo(dir.resolve("none.txt"), dir.resolve("s"), List.of(file.toString(), file.toString(), file.toString())),
                "--lights: file not found");
    }

    @Test
    void badFilesAreFailuresWithOneLine() throws IOException {
        Path scene = dir.resolve("scene");
        assertEquals(0, CliTest.run("vision", "render", "--output", scene.toString(), "--lights", "3", "--size", "16").code());
        List<String> images = images(scene);
        Path out = dir.resolve("out");
        Path four = Files.writeString(dir.resolve("four.txt"), "0 0 1\n1 0 1\n0 1 1\n1 1 1\n");
        TableCliTest.failure(stereo(four, out, images), "has 4 lights for 3 images: give one light per image");
        Path bad = Files.writeString(dir.resolve("bad.txt"), "# a comment\n0 0 1\n1 zero 1\n0 1 1\n");
        TableCliTest.failure(stereo(bad, out, images), "line 3 '1 zero 1': field 2 'zero' is not a number");
        Path zero = Files.writeString(dir.resolve("zero.txt"), "0 0 1\n0 0 0\n0 1 1\n");
        TableCliTest.failure(stereo(zero, out, images), "line 2 '0 0 0': light direction (0.0, 0.0, 0.0): expected a non-zero vector");
        Path two = Files.writeString(dir.resolve("two.txt"), "0 0 1\n1 1\n0 1 1\n");
        TableCliTest.failure(stereo(two, out, images), "line 2 '1 1': expected 3 or 4 numbers 'x y z [intensity]', found 2 fields");
        Path negative = Files.writeString(dir.resolve("neg.txt"), "0 0 1 -2\n1 0 1\n0 1 1\n");
        TableCliTest.failure(stereo(negative, out, images), "light intensity=-2.0");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n# nothing\n");
        TableCliTest.failure(stereo(empty, out, images), "no lights: expected one line");
        Path longLine = Files.writeString(dir.resolve("long.txt"), "0 ".repeat(2000) + "\n");
        TableCliTest.failure(stereo(longLine, out, images), "exceeds the limit of 1000");
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        List<String> withText = new ArrayList<>(images.subList(0, 2));
        withText.add(text.toString());
        TableCliTest.failure(stereo(scene.resolve("lights.txt"), out, withText), "notes.png: not a PNG, JPEG or BMP image");
        Path small = dir.resolve("small");
        assertEquals(0, CliTest.run("vision", "render", "--output", small.toString(), "--lights", "3", "--size", "8").code());
        List<String> mixed = new ArrayList<>(images.subList(0, 2));
        mixed.add(images(small).get(0));
        TableCliTest.failure(stereo(scene.resolve("lights.txt"), out, mixed), "is 8x8", "is 16x16: the images must have the same size");
    }
}
