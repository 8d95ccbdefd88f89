package dev.aiaas.vision.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and writing images: every layout round trip, the formats, and every error path. */
class ImageFilesTest {

    @TempDir
    Path dir;

    /** An image of random 8-bit levels (so that writing it as 8 bits is exact). */
    static Image randomLevels(int c, int h, int w, int levels, long seed) {
        Random r = new Random(seed);
        float[] a = new float[c * h * w];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextInt(levels + 1) / (float) levels;
        }
        return Image.of(c, h, w, a);
    }

    @Test
    void eightBitPngRoundTripsForEveryChannelCount() throws IOException {
        for (int c = 1; c <= 4; c++) {
            Image im = randomLevels(c, 7, 11, 255, c);
            Path f = dir.resolve("c" + c + ".png");
            ImageFiles.writePng(im, f);
            Image back = ImageFiles.read(f);
            assertEquals(im, back, "channels " + c);
        }
    }

    @Test
    void sixteenBitPngRoundTripsWithSixteenBitPrecision() throws IOException {
        for (int c : new int[] {1, 3, 4}) {
            Image im = randomLevels(c, 5, 6, 65535, 10 + c);
            Path f = dir.resolve("d" + c + ".png");
            ImageFiles.writePng(im, 16, f);
            Image back = ImageFiles.read(f);
            assertEquals(c, back.channels());
            float[] a = im.toChw();
            float[] b = back.toChw();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-7f);
            }
            // values between 8-bit levels survive: the 16 bits were not cut to 8
            int between = 0;
            for (float v : b) {
                between += Math.abs(Math.round(v * 255) / 255f - v) > 1e-4f ? 1 : 0;
            }
            assertTrue(between > b.length / 2, between + " of " + b.length);
        }
    }

    @Test
    void theSameImageGivesTheSamePngBytes() {
        Image im = randomLevels(3, 9, 9, 255, 3);
        assertArrayEquals(ImageFiles.pngBytes(im, 8), ImageFiles.pngBytes(Image.of(3, 9, 9, im.toChw()), 8));
    }

    @Test
    void bmpAndPaletteImagesAreRead() throws IOException {
        BufferedImage bgr = new BufferedImage(4, 3, BufferedImage.TYPE_3BYTE_BGR);
        bgr.setRGB(1, 2, 0x102030);
        Path f = dir.resolve("a.bmp");
        assertTrue(ImageIO.write(bgr, "bmp", f.toFile()));
        Image im = ImageFiles.read(f);
        assertEquals(3, im.channels());
        assertEquals(0x10 / 255f, im.get(0, 2, 1));
        assertEquals(0x20 / 255f, im.get(1, 2, 1));
        assertEquals(0x30 / 255f, im.get(2, 2, 1));

        byte[] r = {0, (byte) 200};
        byte[] g = {0, 100};
        byte[] b = {0, 50};
        BufferedImage pal = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, g, b));
        pal.getRaster().setSample(1, 1, 0, 1);
        Path p = dir.resolve("pal.png");
        assertTrue(ImageIO.write(pal, "png", p.toFile()));
        Image pi = ImageFiles.read(p);
        assertEquals(3, pi.channels());
        assertEquals(200 / 255f, pi.get(0, 1, 1));
        assertEquals(100 / 255f, pi.get(1, 1, 1));
        assertEquals(0f, pi.get(0, 0, 0));
    }

    @Test
    void jpegsAreReadAsRgbOrGrey() throws IOException {
        BufferedImage rgb = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                rgb.setRGB(x, y, 0xC86432);
            }
        }
        Path f = dir.resolve("a.jpg");
        assertTrue(ImageIO.write(rgb, "jpeg", f.toFile()));
        Image im = ImageFiles.read(f);
        assertEquals(3, im.channels());
        assertEquals(200 / 255f, im.get(0, 8, 8), 3 / 255f);
        assertEquals(100 / 255f, im.get(1, 8, 8), 3 / 255f);
        assertEquals(50 / 255f, im.get(2, 8, 8), 3 / 255f);

        BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(3, 3, 0, 90);
        Path g = dir.resolve("g.jpg");
        assertTrue(ImageIO.write(grey, "jpeg", g.toFile()));
        assertEquals(1, ImageFiles.read(g).channels());
    }

    @Test
    void theTwelveMonkeysJpegReaderIsTheOneUsed() {
        var readers = ImageIO.getImageReadersByFormatName("jpeg");
        boolean twelveMonkeys = false;
        while (readers.hasNext()) {
            twelveMonkeys |= readers.next().getClass().getName().startsWith("com.twelvemonkeys");
        }
        assertTrue(twelveMonkeys, "TwelveMonkeys' JPEG plugin is not registered");
    }

    /** A PNG whose header claims 100000 x 100000 pixels and that has no pixel data. */
    static byte[] hugePngHeader() {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        b.putInt(13);
        int start = b.position();
        b.put(new byte[] {'I', 'H', 'D', 'R'});
        b.putInt(100_000).putInt(100_000).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(b.array(), start, 17);
        b.putInt((int) crc.getValue());
        b.putInt(0).put(new byte[] {'I', 'E', 'N', 'D'}).putInt(0xAE426082);
        return b.array();
    }

    @Test
    void tooManyPixelsAreRefusedFromTheHeaderBeforeDecoding() {
        ImageLimitException e = assertThrows(ImageLimitException.class,
                () -> ImageFiles.decode(hugePngHeader(), "huge.png", ImageLimits.defaults()));
        assertTrue(e.getMessage().contains("100000x100000") && e.getMessage().contains("maxPixels"), e.getMessage());
        Image small = randomLevels(1, 10, 10, 255, 1);
        ImageLimitException e2 = assertThrows(ImageLimitException.class,
                () -> ImageFiles.decode(ImageFiles.pngBytes(small, 8), "small.png", new ImageLimits(99, 1 << 20)));
        assertTrue(e2.getMessage().contains("10x10 = 100 pixels"), e2.getMessage());
    }

    @Test
    void tooManyBytesAreRefused() throws IOException {
        Path f = dir.resolve("big.png");
        ImageFiles.writePng(randomLevels(3, 20, 20, 255, 2), f);
        ImageLimitException e = assertThrows(ImageLimitException.class, () -> ImageFiles.read(f, new ImageLimits(1000, 100)));
        assertTrue(e.getMessage().contains("maxBytes"), e.getMessage());
        assertThrows(ImageLimitException.class, () -> ImageFiles.decode(Files.readAllBytes(f), "x", new ImageLimits(1000, 100)));
    }

    @Test
    void notAnImageIsATypedErrorNamingTheBytes() throws IOException {
        Path f = dir.resolve("text.png");
        Files.writeString(f, "hello, world");
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageFiles.read(f));
        assertTrue(e.getMessage().contains("not a PNG, JPEG or BMP") && e.getMessage().contains("68656c6c6f"), e.getMessage());
        assertEquals(f.toString(), e.source());
        Path empty = dir.resolve("empty.png");
        Files.write(empty, new byte[0]);
        assertTrue(assertThrows(ImageFormatException.class, () -> ImageFiles.read(empty)).getMessage().contains("empty"));
    }

    @Test
    void aTruncatedFileIsATypedError() {
        byte[] png = ImageFiles.pngBytes(randomLevels(3, 32, 32, 255, 4), 8);
        byte[] cut = java.util.Arrays.copyOf(png, png.length / 2);
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageFiles.decode(cut, "cut.png", ImageLimits.defaults()));
        assertTrue(e.getMessage().startsWith("cut.png: cannot decode"), e.getMessage());
    }

    @Test
    void badLimitsAndBadSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ImageLimits(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ImageLimits(1, 0));
        assertThrows(IllegalArgumentException.class, () -> ImageFiles.toBufferedImage(Image.filled(1, 1, 1, 0f), 12));
        assertThrows(IllegalArgumentException.class, () -> Image.of(5, 1, 1, new float[5]));
        assertThrows(IllegalArgumentException.class, () -> Image.of(1, 0, 1, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> Image.of(3, 2, 2, new float[11]));
        assertThrows(IllegalArgumentException.class, () -> Image.filled(4, 65536, 65536, 0f));
    }

    @Test
    void gzipCompressedImagesAreRead() throws IOException {
        Image im = randomLevels(3, 4, 4, 255, 5);
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(bo)) {
            gz.write(ImageFiles.pngBytes(im, 8));
        }
        Path f = dir.resolve("a.png.gz");
        Files.write(f, bo.toByteArray());
        assertEquals(im, ImageFiles.read(f));
    }
}
