package dev.aiaas.vision.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.data.Idx;
import dev.aiaas.core.data.IdxData;
import dev.aiaas.vision.transform.Batch;
import dev.aiaas.vision.transform.ImageLoader;
import dev.aiaas.vision.transform.Transforms;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IDX files as images: each item a [1, rows, cols] image of byte / 255 with its label; an MNIST
 * folder (plain and gzipped files) read as train and test sets; streamed through the same loader and
 * transforms as an image folder, deterministically; mismatched and missing files refused by name.
 */
class IdxImagesTest {

    /** n images of 3 x 4 pixels, pixel p of image i = 10·i + p; labels i mod 3. */
    static IdxData[] data(int n) {
        byte[] px = new byte[n * 12];
        byte[] lb = new byte[n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 12; p++) {
                px[i * 12 + p] = (byte) (10 * i + p);
            }
            lb[i] = (byte) (i % 3);
        }
        return new IdxData[] {new IdxData(new int[] {n, 3, 4}, px), new IdxData(new int[] {n}, lb)};
    }

    @Test
    void eachItemIsAOneChannelImageOfItsBytesOver255() throws Exception {
        IdxData[] d = data(7);
        IdxImages set = IdxImages.of(d[0], d[1], "test.idx");
        assertEquals(7, set.size());
        assertEquals(List.of("0", "1", "2"), set.classes());
        assertEquals(2, set.label(5));
        Image im = set.read(5, ImageLimits.defaults());
        assertEquals(1, im.channels());
        assertEquals(3, im.height());
        assertEquals(4, im.width());
        assertEquals((50 + 6) / 255f, im.get(0, 1, 2), 0f);
        assertEquals("test.idx #5", set.describe(5));
        ImageLimitException tooBig = assertThrows(ImageLimitException.class, () -> set.read(0, new ImageLimits(11, 1 << 20)));
        assertTrue(tooBig.getMessage().contains("3 x 4 pixels") && tooBig.getMessage().contains("maxPixels"), tooBig.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> set.read(7, ImageLimits.defaults()));
    }

    @Test
    void anMnistFolderStreamsThroughTheLoaderAsAnImageFolderWould(@TempDir Path dir) throws Exception {
        IdxData[] train = data(10);
        IdxData[] test = data(4);
        Idx.write(train[0], dir.resolve("train-images-idx3-ubyte.gz"), true);
        Idx.write(train[1], dir.resolve("train-labels-idx1-ubyte"), false);
        Idx.write(test[0], dir.resolve("t10k-images-idx3-ubyte"), false);
        Idx.write(test[1], dir.resolve("t10k-labels-idx1-ubyte.gz"), true);
        List<IdxImages> sets = IdxImages.mnist(dir);
        assertEquals(10, sets.get(0).size());
        assertEquals(4, sets.get(1).size());
        List<float[]> runs = new ArrayList<>();
        for (int workers : new int[] {1, 3}) {
            ImageLoader loader = new ImageLoader(sets.get(0), Transforms.compose(Transforms.pad(1, 1, 1, 1,
                    dev.aiaas.vision.transform.PadMode.CONSTANT, 0f), Transforms.randomCrop(3, 4)),
                    new ImageLoader.Options(4, workers, 2, true, false), ImageLimits.defaults(), 7);
            assertEquals(3, loader.batchesPerEpoch());
            List<Float> all = new ArrayList<>();
            try (ImageLoader.Epoch e = loader.epoch(0)) {
                while (e.hasNext()) {
                    Batch b = e.next();
                    for (Image im : b.images()) {
                        for (float v : im.toChw()) {
                            all.add(v);
                        }
                    }
                    for (float[] row : b.labels()) {
                        for (float v : row) {
                            all.add(v);
                        }
                    }
                }
            }
            float[] a = new float[all.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = all.get(i);
            }
            runs.add(a);
        }
        assertArrayEquals(runs.get(0), runs.get(1), "the same batches with 1 and 3 workers");
    }

    @Test
    void mismatchedOrMissingFilesAreRefusedByName(@TempDir Path dir) throws Exception {
        IdxData[] d = data(5);
        IdxData[] other = data(6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxImages.of(d[0], other[1], "a.idx"));
        assertTrue(e.getMessage().contains("a.idx") && e.getMessage().contains("[5, 3, 4]") && e.getMessage().contains("[6]"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IdxImages.of(d[1], d[1], "labels twice"));
        Files.createDirectories(dir);
        FileNotFoundException missing = assertThrows(FileNotFoundException.class, () -> IdxImages.mnist(dir));
        assertTrue(missing.getMessage().contains("train-images-idx3-ubyte"), missing.getMessage());
    }
}
