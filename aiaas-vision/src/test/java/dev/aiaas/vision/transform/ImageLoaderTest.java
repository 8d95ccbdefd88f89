package dev.aiaas.vision.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageFiles;
import dev.aiaas.vision.image.ImageFolder;
import dev.aiaas.vision.image.ImageFormatException;
import dev.aiaas.vision.image.ImageLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image-folder data set and its loader: classes, order, determinism whatever the workers, splits, errors. */
class ImageLoaderTest {

    @TempDir
    Path dir;

    /** cat: 5 images, dog: 4 (one in a sub-folder); image i of a class is the constant i / 10 (red) and class (green). */
    Path folder() throws IOException {
        Path root = dir.resolve("data");
        for (String cls : List.of("cat", "dog")) {
            int n = cls.equals("cat") ? 5 : 4;
            for (int i = 0; i < n; i++) {
                Path d = root.resolve(cls).resolve(i == 3 ? "more" : "");
                Files.createDirectories(d);
                float[] a = new float[3 * (6 + i) * (7 + i)];
                int plane = (6 + i) * (7 + i);
                java.util.Arrays.fill(a, 0, plane, i / 10f);
                java.util.Arrays.fill(a, plane, 2 * plane, cls.equals("cat") ? 0f : 1f);
                ImageFiles.writePng(Image.of(3, 6 + i, 7 + i, a), d.resolve(cls + i + ".png"));
            }
        }
        Files.writeString(root.resolve("cat").resolve("notes.txt"), "not an image");
        return root;
    }

    static ImageLoader loader(ImageFolder f, int batch, int workers, boolean shuffle) {
        return new ImageLoader(f, Transforms.compose(Transforms.resize(4, 4, Interpolation.NEAREST), Transforms.horizontalFlip(0.5)),
                new ImageLoader.Options(batch, workers, 2, shuffle, false), ImageLimits.defaults(), 42);
    }

    static List<Batch> all(ImageLoader l, int epoch) {
        List<Batch> out = new ArrayList<>();
        try (ImageLoader.Epoch e = l.epoch(epoch)) {
            while (e.hasNext()) {
                out.add(e.next());
            }
        }
        return out;
    }

    @Test
    void theFolderListsClassesAndFilesInSortedOrder() throws IOException {
        ImageFolder f = ImageFolder.scan(folder());
        assertEquals(List.of("cat", "dog"), f.classes());
        assertEquals(9, f.size());
        assertEquals("cat0.png", f.file(0).getFileName().toString());
        assertEquals(0, f.label(4));
        assertEquals(1, f.label(5));
        List<ImageFolder> parts = f.split(0.34, 7);
        assertEquals(6, parts.get(0).size());
        assertEquals(3, parts.get(1).size());
        Set<Path> union = new HashSet<>();
        for (ImageFolder p : parts) {
            for (int i = 0; i < p.size(); i++) {
                assertTrue(union.add(p.file(i)), "in both parts: " + p.file(i));
            }
        }
        assertEquals(9, union.size());
    }

    @Test
    void batchesAreTheSameWhateverTheWorkers() throws IOException {
        ImageFolder f = ImageFolder.scan(folder());
        List<Batch> one = all(loader(f, 4, 1, true), 0);
        List<Batch> three = all(loader(f, 4, 3, true), 0);
        assertEquals(3, one.size());
        assertEquals(1, one.get(2).images().size());
        for (int b = 0; b < one.size(); b++) {
            assertEquals(one.get(b).images(), three.get(b).images());
            assertArrayEquals(one.get(b).labels(), three.get(b).labels());
        }
        // every example once per epoch, each with its class (green channel: 0 cat, 1 dog)
        int dogs = 0;
        for (Batch b : one) {
            for (int k = 0; k < b.images().size(); k++) {
                float green = b.images().get(k).get(1, 0, 0);
                assertEquals(green, b.labels()[k][1]);
                dogs += (int) green;
            }
        }
        assertEquals(4, dogs);
        // another epoch, another order
        List<Batch> next = all(loader(f, 4, 2, true), 1);
        assertNotEquals(one.get(0).images(), next.get(0).images());
        // unshuffled: the folder's order
        List<Batch> inOrder = all(loader(f, 9, 2, false), 0);
        assertEquals(0f, inOrder.get(0).labels()[0][1]);
        assertEquals(1f, inOrder.get(0).labels()[8][1]);
        assertEquals(2, new ImageLoader(f, Transforms.resize(4, 4, Interpolation.NEAREST), new ImageLoader.Options(4, 1, 1, true, true),
                ImageLimits.defaults(), 1).batchesPerEpoch());
    }

    @Test
    void aBadFileStopsTheEpochNamingIt() throws IOException {
        Path root = folder();
        Files.writeString(root.resolve("dog").resolve("broken.png"), "broken");
        ImageFolder f = ImageFolder.scan(root);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> all(loader(f, 4, 2, false), 0));
        assertTrue(e.getCause() instanceof ImageFormatException && e.getMessage().contains("broken.png"), e.getMessage());
    }

    @Test
    void badFoldersAndOptionsAreRefused() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.scan(dir.resolve("missing")));
        Files.createDirectories(dir.resolve("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageFolder.scan(dir.resolve("empty"))).getMessage()
                .contains("one sub-folder per class"));
        Files.createDirectories(dir.resolve("noimages/cls"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageFolder.scan(dir.resolve("noimages"))).getMessage()
                .contains("holds no .png"));
        assertThrows(IllegalArgumentException.class, () -> new ImageLoader.Options(0, 1, 1, true, false));
        assertThrows(IllegalArgumentException.class, () -> new ImageLoader.Options(1, 0, 1, true, false));
        assertThrows(IllegalArgumentException.class, () -> new ImageLoader.Options(1, 1, 65, true, false));
    }

    @Test
    void seedsMixIsCoresEpochSeed() {
        for (long seed : new long[] {0, 42, -7}) {
            for (int i = 0; i < 5; i++) {
                assertEquals(dev.aiaas.core.data.Shuffle.epochSeed(seed, i), Seeds.mix(seed, i));
            }
        }
    }
}
