package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {

    @BeforeAll
    static void backend() {
        // explicitly the CPU, as every test JVM runs on it (and BackendsTest expects 'requested: cpu')
        Backends.select(BackendOptions.of(BackendKind.CPU));
    }

    /** Writes a tiny MNIST layout: 3 train and 2 test 2x2 images; train plain, test gzipped. */
    static void writeTiny(Path dir, byte lastTrainLabel) throws IOException {
        Idx.write(new IdxData(new int[] {3, 2, 2}, new byte[] {0, 0, 0, 0, (byte) 255, 0, 0, 0, 51, 102, (byte) 153, (byte) 204}),
                dir.resolve("train-images-idx3-ubyte"), false);
        Idx.write(new IdxData(new int[] {3}, new byte[] {0, 9, lastTrainLabel}), dir.resolve("train-labels-idx1-ubyte"), false);
        Idx.write(new IdxData(new int[] {2, 2, 2}, new byte[8]), dir.resolve("t10k-images-idx3-ubyte.gz"), true);
        Idx.write(new IdxData(new int[] {2}, new byte[] {1, 2}), dir.resolve("t10k-labels-idx1-ubyte.gz"), true);
    }

    @Test
    void loadsPlainAndGzippedFilesScaledToUnitRange(@TempDir Path dir) throws IOException {
        writeTiny(dir, (byte) 4);
        try (TrainTest tt = Mnist.load(dir)) {
            assertEquals(3, tt.train().size());
            assertEquals(4, tt.train().featureCount());
            assertEquals(10, tt.train().numClasses());
            assertArrayEquals(new int[] {0, 9, 4}, tt.train().labels());
            assertArrayEquals(new float[] {51 / 255f, 102 / 255f, 153 / 255f, 204 / 255f},
                    tt.train().features().getRow(2).toFloatVector());
            assertEquals(1f, tt.train().features().getFloat(1, 0));
            assertArrayEquals(new int[] {1, 2}, tt.test().labels());
        }
    }

    /** The scaling that predictions on new images repeat: unsigned byte / 255, row-major, the data left as it was. */
    @Test
    void pixelsAreTheUnsignedBytesOver255InRowMajorOrder() {
        byte[] raw = {0, (byte) 255, 51, (byte) 128, 1, (byte) 204};
        IdxData images = new IdxData(new int[] {2, 1, 3}, raw);
        assertArrayEquals(new float[] {0f, 1f, 0.2f, 128 / 255f, 1 / 255f, 0.8f}, Mnist.pixels(images));
        assertArrayEquals(raw, images.bytes());
        assertEquals(0, Mnist.pixels(new IdxData(new int[] {0, 28, 28}, new byte[0])).length);
    }

    @Test
    void missingFileListsExpectedAndFound(@TempDir Path dir) throws IOException {
        writeTiny(dir, (byte) 4);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> Mnist.load(dir));
        String m = e.getMessage();
        assertTrue(m.contains("missing [t10k-labels-idx1-ubyte]"), m);
        assertTrue(m.contains("Expected the four files [train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                + "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte]"), m);
        assertTrue(m.contains("found [t10k-images-idx3-ubyte.gz, train-images-idx3-ubyte, train-labels-idx1-ubyte]"), m);
        e = assertThrows(FileNotFoundException.class, () -> Mnist.load(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("no such directory"), e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesItsOffset(@TempDir Path dir) throws IOException {
        writeTiny(dir, (byte) 10);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Mnist.load(dir));
        assertTrue(e.source().endsWith("train-labels-idx1-ubyte"), e.source());
        assertEquals("byte offset 10 (label 2)", e.location());
        assertEquals("10", e.found());
    }

    @Test
    void countMismatchAndSwappedFiles(@TempDir Path dir) throws IOException {
        writeTiny(dir, (byte) 1);
        Idx.write(new IdxData(new int[] {2}, new byte[] {1, 2}), dir.resolve("train-labels-idx1-ubyte"), false);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Mnist.load(dir));
        assertTrue(e.found().equals("2 labels") && e.expected().startsWith("3, one per image"), e.getMessage());
        Files.copy(dir.resolve("t10k-labels-idx1-ubyte.gz"), dir.resolve("train-images-idx3-ubyte"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        e = assertThrows(DataFormatException.class, () -> Mnist.load(dir));
        assertEquals("byte offset 3 (dimension count)", e.location());
        assertTrue(e.fix().contains("images file"), e.fix());
    }

    @Test
    void testImagesOfAnotherSizeAreRejected(@TempDir Path dir) throws IOException {
        writeTiny(dir, (byte) 1);
        Idx.write(new IdxData(new int[] {2, 1, 4}, new byte[8]), dir.resolve("t10k-images-idx3-ubyte.gz"), true);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Mnist.load(dir));
        assertTrue(e.found().contains("1x4") && e.expected().contains("2x2"), e.getMessage());
    }

    @Test
    void subsetsTakeTheFirstPerClassInFileOrder() {
        IdxData labels = new IdxData(new int[] {7}, new byte[] {1, 0, 1, 1, 0, 2, 0});
        assertArrayEquals(new int[] {0, 1, 2, 4}, Subsets.firstPerClass(labels, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Subsets.firstPerClass(labels, 2, 3));
        assertTrue(e.getMessage().contains("[2, 2, 1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Subsets.firstPerClass(labels, 0, 3));
        assertThrows(IllegalArgumentException.class,
                () -> Subsets.firstPerClass(new IdxData(new int[] {1, 1}, new byte[1]), 1, 1));
    }
}
