package dev.aiaas.vision.image;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Damaged images: random byte changes, cuts and insertions in small PNG, JPEG and BMP files are
 * decoded or refused with {@link ImageFormatException}, never another exception (a decoder's
 * {@code ArrayIndexOutOfBoundsException}, an {@code OutOfMemoryError} from a forged header).
 */
@Tag("fuzz")
class ImageFilesFuzzTest {

    @Test
    void damagedFilesAreDecodedOrRefusedWithATypedError() throws Exception {
        int scale = Integer.getInteger("aiaas.fuzz.scale", 1);
        Image im = ImageFilesTest.randomLevels(3, 24, 24, 255, 9);
        java.awt.image.BufferedImage bi = ImageFiles.toBufferedImage(im, 8);
        java.awt.image.BufferedImage rgb = new java.awt.image.BufferedImage(24, 24, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        rgb.getGraphics().drawImage(bi, 0, 0, null);
        byte[][] seeds = {ImageFiles.pngBytes(im, 8), encode(rgb, "jpeg"), encode(rgb, "bmp"), ImageFilesTest.hugePngHeader()};
        Random r = new Random(16);
        ImageLimits limits = new ImageLimits(1 << 20, 1 << 20);
        for (int i = 0; i < 300 * scale; i++) {
            byte[] b = seeds[i % seeds.length].clone();
            int edits = 1 + r.nextInt(4);
            for (int e = 0; e < edits; e++) {
                switch (r.nextInt(3)) {
                    case 0 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                    case 1 -> b = java.util.Arrays.copyOf(b, Math.max(0, b.length - 1 - r.nextInt(Math.max(1, b.length / 2))));
                    default -> {
                        int at = r.nextInt(b.length + 1);
                        byte[] n = new byte[b.length + 4];
                        System.arraycopy(b, 0, n, 0, at);
                        r.nextBytes(java.util.Arrays.copyOfRange(n, at, at + 4));
                        System.arraycopy(b, at, n, at + 4, b.length - at);
                        b = n;
                    }
                }
                if (b.length == 0) {
                    break;
                }
            }
            try {
                ImageFiles.decode(b, "fuzz" + i, limits);
            } catch (ImageFormatException expected) {
                // refused with the typed error
            } catch (Throwable t) {
                fail("case " + i + ": " + t, t);
            }
        }
    }

    private static byte[] encode(java.awt.image.BufferedImage bi, String format) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(bi, format, out);
        return out.toByteArray();
    }
}
