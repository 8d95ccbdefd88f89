package dev.aiaas.vision.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.vision.image.HwcBytes;
import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageDecoders.Decoder;
import dev.aiaas.vision.image.ImageFiles;
import dev.aiaas.vision.image.ImageFormatException;
import dev.aiaas.vision.image.ImageLimits;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast decode + resize path: bytes from the decoder, resized without the full-size float image, bit for bit as the float path. */
class ResizeFromBytesTest {

    private static byte[] dog() throws IOException {
        try (InputStream in = ResizeFromBytesTest.class.getResourceAsStream("/dev/aiaas/datasets/photos/dog.jpg")) {
            return in.readAllBytes();
        }
    }

    @Test
    void resizingBytesGivesTheFloatPathsSamplesExactly() {
        Random r = new Random(3);
        for (int c = 1; c <= 4; c++) {
            byte[] b = new byte[37 * 53 * c];
            r.nextBytes(b);
            HwcBytes px = new HwcBytes(b, 37, 53, c);
            for (Interpolation mode : Interpolation.values()) {
                for (int[] size : new int[][] {{11, 17}, {37, 53}, {80, 100}, {5, 90}}) {
                    Image fast = ImageOps.resize(px, size[0], size[1], mode);
                    Image slow = ImageOps.resize(px.toImage(), size[0], size[1], mode);
                    assertArrayEquals(slow.toChw(), fast.toChw(), c + " channels, " + mode + " to " + size[0] + "x" + size[1]);
                }
            }
        }
    }

    @Test
    void theFastPathOnAPhotoEqualsTheImageIoPath() throws IOException {
        byte[] jpg = dog();
        Transform normalise = Transforms.normalize(Transforms.IMAGENET_MEAN, Transforms.IMAGENET_STD);
        for (Decoder d : Decoder.values()) {
            HwcBytes px = ImageFiles.decodeHwc(jpg, "dog.jpg", ImageLimits.defaults(), d);
            assertEquals(240, px.height());
            assertEquals(3, px.channels());
            float[] fast = normalise.apply(ImageOps.resize(px, 224, 224, Interpolation.BILINEAR_ANTIALIAS), 0).toChw();
            float[] slow = normalise.apply(ImageOps.resize(ImageFiles.decode(jpg, "dog.jpg", ImageLimits.defaults(), Decoder.IMAGEIO),
                    224, 224, Interpolation.BILINEAR_ANTIALIAS), 0).toChw();
            // the two JPEG decoders give the same bytes on this photo (ImageDecodersTest), so the tensors are equal
            assertArrayEquals(slow, fast, d.toString());
        }
    }

    @Test
    void sixteenBitImagesAndBadSizesAreRefused() {
        Image im = Image.filled(3, 4, 5, 0.25f);
        byte[] png16 = ImageFiles.pngBytes(im, 16);
        for (Decoder d : Decoder.values()) {
            ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageFiles.decodeHwc(png16, "deep.png", ImageLimits.defaults(), d));
            assertTrue(e.getMessage().startsWith("deep.png: a 16-bit PNG") && e.getMessage().contains("ImageFiles.read"), e.getMessage());
            HwcBytes eight = assertDoesNotThrowHwc(ImageFiles.pngBytes(im, 8), d);
            assertArrayEquals(im.toHwcBytes(), eight.data());
        }
        assertThrows(IllegalArgumentException.class, () -> new HwcBytes(new byte[5], 2, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new HwcBytes(new byte[5], 1, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.resize(new HwcBytes(new byte[4], 2, 2, 1), 0, 2, Interpolation.BILINEAR));
    }

    private static HwcBytes assertDoesNotThrowHwc(byte[] png, Decoder d) {
        try {
            return ImageFiles.decodeHwc(png, "eight.png", ImageLimits.defaults(), d);
        } catch (ImageFormatException e) {
            throw new AssertionError(e);
        }
    }
}
