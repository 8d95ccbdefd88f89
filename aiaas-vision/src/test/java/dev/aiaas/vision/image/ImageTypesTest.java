package dev.aiaas.vision.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aiaas.core.backend.Backends;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The image type's layouts, its immutability, tensors and grids. */
class ImageTypesTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    @Test
    void hwcBytesAndChwFloatsAreTheSameSamples() {
        // 2 x 3 pixels, RGB: byte (y, x, c) = 10 y + 3 x + c... as levels
        byte[] hwc = new byte[2 * 3 * 3];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                for (int c = 0; c < 3; c++) {
                    hwc[(y * 3 + x) * 3 + c] = (byte) (100 * c + 10 * y + x);
                }
            }
        }
        Image im = Image.fromHwcBytes(hwc, 2, 3, 3);
        assertEquals((200 + 10 + 2) / 255f, im.get(2, 1, 2));
        assertEquals((100 + 1) / 255f, im.toChw()[(1 * 2 + 0) * 3 + 1]);
        assertArrayEquals(hwc, im.toHwcBytes());
    }

    @Test
    void imagesAreImmutable() {
        float[] a = {0.1f, 0.2f};
        Image im = Image.of(1, 1, 2, a);
        a[0] = 0.9f;
        im.toChw()[1] = 0.9f;
        assertEquals(0.1f, im.get(0, 0, 0));
        assertEquals(0.2f, im.get(0, 0, 1));
        ImageBuffer b = new ImageBuffer(1, 1, 1);
        b.toImage();
        assertThrows(IllegalStateException.class, b::data);
        assertThrows(IndexOutOfBoundsException.class, () -> im.get(0, 1, 0));
    }

    @Test
    void toBytesClampsAndRoundsHalfUp() {
        Image im = Image.of(1, 1, 5, new float[] {-1f, 2f, 0.5f / 255f, 1.49f / 255f, Float.NaN});
        byte[] b = im.toHwcBytes();
        assertArrayEquals(new byte[] {0, (byte) 255, 1, 1, 0}, b);
    }

    @Test
    void batchesBecomeNchwTensorsAndBack() {
        Image a = ImageFilesTest.randomLevels(3, 4, 5, 255, 1);
        Image b = ImageFilesTest.randomLevels(3, 4, 5, 255, 2);
        try (INDArray t = ImageTensors.toNchw(List.of(a, b))) {
            assertArrayEquals(new long[] {2, 3, 4, 5}, t.shape());
            assertEquals(b.get(2, 3, 4), t.getFloat(1, 2, 3, 4));
            assertEquals(a.get(1, 0, 2), t.getFloat(0, 1, 0, 2));
            assertEquals(List.of(a, b), ImageTensors.images(t));
        }
        assertThrows(IllegalArgumentException.class, () -> ImageTensors.nchw(List.of(a, Image.filled(3, 4, 4, 0f))));
        assertThrows(IllegalArgumentException.class, () -> ImageTensors.nchw(List.of()));
    }

    @Test
    void aGridPlacesEachImageInItsCell() {
        Image red = Image.of(3, 2, 2, new float[] {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0});
        Image grey = Image.filled(1, 1, 2, 0.5f);
        Image g = ImageGrid.of(List.of(red, grey, red), 2, 1, 0.25f);
        // 2 columns of 2 px + 3 px padding; 2 rows of 2 px + 3 px padding
        assertEquals(7, g.width());
        assertEquals(7, g.height());
        assertEquals(3, g.channels());
        assertEquals(0.25f, g.get(0, 0, 0));
        assertEquals(1f, g.get(0, 1, 1));
        assertEquals(0f, g.get(1, 1, 1));
        assertEquals(0.5f, g.get(1, 1, 4));
        assertEquals(0.25f, g.get(1, 2, 4), "below the short grey image: background");
        assertEquals(1f, g.get(0, 4, 1));
        assertEquals(0.25f, g.get(0, 4, 4), "the empty cell");
        assertNotEquals(g, ImageGrid.of(List.of(red, grey, red), 3, 1, 0.25f));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(List.of(red), 0, 1, 0f));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(List.of(red), 1, -1, 0f));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(List.of(red), 1, 1, 2f));
    }
}
