package dev.aiaas.vision.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.vision.image.ImageDecoders.Decoder;
import dev.aiaas.vision.transform.Interpolation;
import dev.aiaas.vision.transform.Transform;
import dev.aiaas.vision.transform.Transforms;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * The OpenCV decoder against the ImageIO one: the choice and its report, identical PNGs, JPEGs
 * within the two libjpegs' rounding, the decode + resize + normalise tensor, the EXIF orientation,
 * and every error path (sizes checked in Java before the native decoder runs).
 */
class ImageDecodersTest {

    private static final ImageLimits LIMITS = ImageLimits.defaults();

    static byte[] resource(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(ImageDecodersTest.class.getResourceAsStream(name), name)) {
            return in.readAllBytes();
        }
    }

    /** The test photos: a 96x72 crop in this module's resources, the 320x240 dog of aiaas-datasets. */
    static byte[][] photos() throws IOException {
        return new byte[][] {resource("/dev/aiaas/vision/transform/photos/dog.jpg"), resource("/dev/aiaas/datasets/photos/dog.jpg")};
    }

    @Test
    void openCvIsChosenByDefaultHereAndReported() {
        assertTrue(ImageDecoders.openCvLoads(), "the tests have org.bytedeco:opencv on the class path");
        String report = ImageDecoders.report();
        if (System.getProperty(ImageDecoders.PROPERTY) == null) {
            assertEquals(Decoder.OPENCV, ImageDecoders.active());
            assertTrue(report.startsWith("OpenCV 4.13.0 (libjpeg-turbo "), report);
            assertTrue(report.contains("libpng"), report);
        }
        assertEquals(Decoder.OPENCV, ImageDecoders.choose(null).decoder());
        assertEquals(Decoder.OPENCV, ImageDecoders.choose(" Auto ").decoder());
        assertEquals(Decoder.OPENCV, ImageDecoders.choose("opencv").decoder());
        ImageDecoders.Choice forced = ImageDecoders.choose("IMAGEIO");
        assertEquals(Decoder.IMAGEIO, forced.decoder());
        assertEquals("aiaas.image.decoder=imageio", forced.why());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageDecoders.choose("turbo"));
        assertTrue(e.getMessage().contains("aiaas.image.decoder=turbo") && e.getMessage().contains("auto, imageio or opencv"), e.getMessage());
    }

    @Test
    void pngsDecodeIdenticallyForEveryLayout() throws IOException {
        for (int bits : new int[] {8, 16}) {
            for (int c = 1; c <= 4; c++) {
                Image im = ImageFilesTest.randomLevels(c, 13, 17, bits == 8 ? 255 : 65535, 31L * c + bits);
                byte[] png = ImageFiles.pngBytes(im, bits);
                ImageHeaders.Header h = ImageHeaders.read(png);
                assertEquals(c != 2, h.openCv(), "grey + alpha goes to ImageIO, the others to OpenCV: " + h);
                Image a = ImageFiles.decode(png, "a.png", LIMITS, Decoder.OPENCV);
                Image b = ImageFiles.decode(png, "a.png", LIMITS, Decoder.IMAGEIO);
                assertEquals(b.toString(), a.toString());
                assertArrayEquals(b.samples(), a.samples(), bits + " bits, " + c + " channels");
                assertArrayEquals(im.samples(), a.samples(), 0.5f / (bits == 8 ? 255 : 65535));
            }
        }
    }

    @Test
    void paletteAndTransparencyPngsGoToImageIo() throws IOException {
        BufferedImage indexed = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_INDEXED);
        indexed.setRGB(1, 1, 0xff3366);
        byte[] png = encode(indexed, "png");
        assertFalse(ImageHeaders.read(png).openCv());
        assertArrayEquals(ImageFiles.decode(png, "p.png", LIMITS, Decoder.IMAGEIO).samples(),
                ImageFiles.decode(png, "p.png", LIMITS, Decoder.OPENCV).samples());
        byte[] trns = withChunkAfterIhdr(ImageFiles.pngBytes(ImageFilesTest.randomLevels(3, 4, 4, 255, 3), 8), "tRNS", new byte[6]);
        assertFalse(ImageHeaders.read(trns).openCv());
        Image a = ImageFiles.decode(trns, "t.png", LIMITS, Decoder.OPENCV);
        assertEquals(ImageFiles.decode(trns, "t.png", LIMITS, Decoder.IMAGEIO).toString(), a.toString());
    }

    @Test
    void jpegsAgreeWithinTheTwoDecodersRounding() throws IOException {
        for (byte[] jpg : photos()) {
            ImageHeaders.Header h = ImageHeaders.read(jpg);
            assertTrue(h.openCv(), h.toString());
            Image a = ImageFiles.decode(jpg, "dog.jpg", LIMITS, Decoder.OPENCV);
            Image b = ImageFiles.decode(jpg, "dog.jpg", LIMITS, Decoder.IMAGEIO);
            assertEquals(b.toString(), a.toString());
            float[] x = a.samples();
            float[] y = b.samples();
            double max = 0;
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                double d = Math.abs(x[i] - y[i]) * 255;
                max = Math.max(max, d);
                sum += d;
            }
            double mean = sum / x.length;
            System.out.printf(Locale.ROOT, "%s: OpenCV against ImageIO, max %.0f levels, mean %.3f levels%n", a, max, mean);
            // the two libjpegs' IDCT and upsampling round differently: a few levels at most, under one on average
            assertTrue(max <= 6 && mean < 1.0, "max " + max + ", mean " + mean);
        }
        BufferedImage grey = new BufferedImage(19, 11, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 19; x++) {
                grey.getRaster().setSample(x, y, 0, (x * 13 + y * 7) % 256);
            }
        }
        byte[] g = encode(grey, "jpeg");
        Image a = ImageFiles.decode(g, "g.jpg", LIMITS, Decoder.OPENCV);
        Image b = ImageFiles.decode(g, "g.jpg", LIMITS, Decoder.IMAGEIO);
        assertEquals(1, a.channels());
        assertArrayEquals(b.samples(), a.samples(), 6 / 255f);
    }

    @Test
    void colourChannelsComeOutInRgbOrder() throws IOException {
        BufferedImage rgb = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                rgb.setRGB(x, y, 0xC86432);
            }
        }
        Image jpg = ImageFiles.decode(encode(rgb, "jpeg"), "a.jpg", LIMITS, Decoder.OPENCV);
        assertEquals(200 / 255f, jpg.get(0, 8, 8), 3 / 255f);
        assertEquals(100 / 255f, jpg.get(1, 8, 8), 3 / 255f);
        assertEquals(50 / 255f, jpg.get(2, 8, 8), 3 / 255f);
        float[] rgba = new float[4 * 2 * 3];
        for (int c = 0; c < 4; c++) {
            Arrays.fill(rgba, c * 6, c * 6 + 6, (c + 1) * 50 / 255f);
        }
        Image png = ImageFiles.decode(ImageFiles.pngBytes(Image.of(4, 2, 3, rgba), 8), "a.png", LIMITS, Decoder.OPENCV);
        for (int c = 0; c < 4; c++) {
            assertEquals((c + 1) * 50 / 255f, png.get(c, 1, 2));
        }
    }

    @Test
    void decodeResizeNormaliseGivesTheImageIoTensor() throws IOException {
        Transform t = Transforms.compose(Transforms.resize(224, 224, Interpolation.BILINEAR_ANTIALIAS),
                Transforms.normalize(Transforms.IMAGENET_MEAN, Transforms.IMAGENET_STD));
        for (byte[] jpg : photos()) {
            float[] a = t.apply(ImageFiles.decode(jpg, "dog.jpg", LIMITS, Decoder.OPENCV), 1).samples();
            float[] b = t.apply(ImageFiles.decode(jpg, "dog.jpg", LIMITS, Decoder.IMAGEIO), 1).samples();
            double max = 0;
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs(a[i] - b[i]));
                sum += Math.abs(a[i] - b[i]);
            }
            System.out.printf(Locale.ROOT, "decode + resize 224 + normalise: OpenCV against ImageIO, max %.4f, mean %.5f%n", max, sum / a.length);
            // normalised units (1 / (255 * 0.225) = 0.0174 per 8-bit level)
            assertTrue(max < 0.06 && sum / a.length < 0.01, "max " + max + ", mean " + sum / a.length);
        }
    }

    @Test
    void theExifOrientationIsIgnoredAsImageIoIgnoresIt() throws IOException {
        byte[] jpg = photos()[1];
        byte[] rotated = withExifOrientation(jpg, 6);
        // the segment is one OpenCV understands: IMREAD_COLOR applies it (rotates 90 degrees), IMREAD_UNCHANGED not
        try (org.bytedeco.javacpp.BytePointer p = new org.bytedeco.javacpp.BytePointer(rotated);
             org.bytedeco.opencv.opencv_core.Mat buf = new org.bytedeco.opencv.opencv_core.Mat(1, rotated.length,
                     org.bytedeco.opencv.global.opencv_core.CV_8UC1, p);
             org.bytedeco.opencv.opencv_core.Mat m = org.bytedeco.opencv.global.opencv_imgcodecs.imdecode(buf,
                     org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR)) {
            assertEquals(240, m.cols());
            assertEquals(320, m.rows());
        }
        Image a = ImageFiles.decode(rotated, "exif.jpg", LIMITS, Decoder.OPENCV);
        Image b = ImageFiles.decode(rotated, "exif.jpg", LIMITS, Decoder.IMAGEIO);
        assertEquals(b.toString(), a.toString());
        assertEquals(320, a.width());
        assertArrayEquals(ImageFiles.decode(jpg, "plain.jpg", LIMITS, Decoder.OPENCV).samples(), a.samples());
        // the byte path (colour JPEGs decoded straight into RGB) ignores it as well
        HwcBytes px = ImageFiles.decodeHwc(rotated, "exif.jpg", LIMITS, Decoder.OPENCV);
        assertEquals(320, px.width());
        assertArrayEquals(a.toHwcBytes(), px.data());
    }

    @Test
    void truncatedAndGarbageFilesAreTypedErrorsNamingTheFile() throws IOException {
        byte[] jpg = photos()[1];
        for (int cut : new int[] {jpg.length / 2, jpg.length - 40, 600}) {
            ImageFormatException e = assertThrows(ImageFormatException.class,
                    () -> ImageFiles.decode(Arrays.copyOf(jpg, cut), "cut.jpg", LIMITS, Decoder.OPENCV), "cut at " + cut);
            assertEquals("cut.jpg", e.source());
            assertTrue(e.getMessage().startsWith("cut.jpg: "), e.getMessage());
        }
        byte[] png = ImageFiles.pngBytes(ImageFilesTest.randomLevels(3, 32, 32, 255, 4), 8);
        ImageFormatException p = assertThrows(ImageFormatException.class,
                () -> ImageFiles.decode(Arrays.copyOf(png, png.length / 2), "cut.png", LIMITS, Decoder.OPENCV));
        assertTrue(p.getMessage().startsWith("cut.png: cannot decode the PNG image (OpenCV"), p.getMessage());
        byte[] garbage = new byte[300];
        new java.util.Random(5).nextBytes(garbage);
        assertThrows(ImageFormatException.class, () -> ImageFiles.decode(garbage, "garbage.jpg", LIMITS, Decoder.OPENCV));
        // a JPEG start followed by garbage: no frame header to read, ImageIO refuses it
        byte[] soiGarbage = garbage.clone();
        soiGarbage[0] = (byte) 0xff;
        soiGarbage[1] = (byte) 0xd8;
        soiGarbage[2] = (byte) 0xff;
        assertThrows(ImageFormatException.class, () -> ImageFiles.decode(soiGarbage, "soi.jpg", LIMITS, Decoder.OPENCV));
        // a PNG signature and a valid header, then garbage in place of the pixels
        byte[] pngGarbage = Arrays.copyOf(png, png.length);
        for (int i = 41; i < pngGarbage.length - 12; i++) {
            pngGarbage[i] = garbage[i % garbage.length];
        }
        assertThrows(ImageFormatException.class, () -> ImageFiles.decode(pngGarbage, "g.png", LIMITS, Decoder.OPENCV));
    }

    @Test
    void hugeDeclaredSizesAreRefusedFromTheHeaderBeforeOpenCv() throws IOException {
        ImageLimitException e = assertThrows(ImageLimitException.class,
                () -> ImageFiles.decode(ImageFilesTest.hugePngHeader(), "huge.png", LIMITS, Decoder.OPENCV));
        assertTrue(e.getMessage().contains("100000x100000") && e.getMessage().contains("maxPixels"), e.getMessage());
        byte[] jpg = withFrameSize(photos()[1], 60000, 50000);
        ImageHeaders.Header h = ImageHeaders.read(jpg);
        assertEquals(60000, h.width());
        assertEquals(50000, h.height());
        ImageLimitException j = assertThrows(ImageLimitException.class, () -> ImageFiles.decode(jpg, "huge.jpg", LIMITS, Decoder.OPENCV));
        assertTrue(j.getMessage().contains("60000x50000 = 3000000000 pixels"), j.getMessage());
        // the limit is the caller's: 320x240 refused under 76799 pixels, by both decoders
        ImageLimits small = new ImageLimits(320 * 240 - 1, 1 << 20);
        assertThrows(ImageLimitException.class, () -> ImageFiles.decode(photos()[1], "dog.jpg", small, Decoder.OPENCV));
        assertThrows(ImageLimitException.class, () -> ImageFiles.decode(photos()[1], "dog.jpg", small, Decoder.IMAGEIO));
        // a zero height (a DNL-marker JPEG, or damage) is refused before decoding too
        ImageFormatException zero = assertThrows(ImageFormatException.class,
                () -> ImageFiles.decode(withFrameSize(photos()[1], 320, 0), "zero.jpg", LIMITS, Decoder.OPENCV));
        assertTrue(zero.getMessage().contains("320x0 pixels"), zero.getMessage());
    }

    @Test
    void headersThatCannotBeFollowedGiveNull() {
        assertNull(ImageHeaders.read(new byte[0]));
        assertNull(ImageHeaders.read(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0x7f, 0x7f}));
        assertNull(ImageHeaders.read(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xda, 0, 2, 0, 0}));
        assertNull(ImageHeaders.read(Arrays.copyOf(ImageFilesTest.hugePngHeader(), 20)));
        assertNotNull(ImageHeaders.read(ImageFilesTest.hugePngHeader()));
    }

    @Test
    void nativeMemoryIsReleasedAfterEveryDecode() throws IOException {
        byte[] jpg = photos()[1];
        byte[] png = ImageFiles.pngBytes(ImageFilesTest.randomLevels(4, 40, 50, 65535, 8), 16);
        ImageFiles.decode(jpg, "warm.jpg", LIMITS, Decoder.OPENCV);
        long before = Pointer.totalBytes();
        for (int i = 0; i < 200; i++) {
            ImageFiles.decode(i % 2 == 0 ? jpg : png, "x", LIMITS, Decoder.OPENCV);
            try {
                ImageFiles.decode(Arrays.copyOf(png, png.length / 2), "cut.png", LIMITS, Decoder.OPENCV);
            } catch (ImageFormatException expected) {
                // released on the error path as well
            }
        }
        long after = Pointer.totalBytes();
        assertTrue(after - before < jpg.length, "JavaCPP's tracked native bytes grew by " + (after - before));
    }

    @Test
    void openCvAsKedForExplicitlyWorksAndImageIoCanBeForced() throws IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("aiaas-decoders");
        try {
            java.nio.file.Path f = dir.resolve("dog.jpg");
            java.nio.file.Files.write(f, photos()[0]);
            Image a = ImageFiles.read(f, LIMITS, Decoder.OPENCV);
            Image b = ImageFiles.read(f, LIMITS, Decoder.IMAGEIO);
            assertEquals(a.toString(), b.toString());
            assertThrows(NullPointerException.class, () -> ImageFiles.read(f, LIMITS, null));
        } finally {
            try (var s = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path p : s.toList()) {
                    java.nio.file.Files.delete(p);
                }
            }
            java.nio.file.Files.delete(dir);
        }
    }

    static byte[] encode(BufferedImage bi, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(bi, format, out));
        return out.toByteArray();
    }

    /** The PNG with one more chunk (CRC not checked by the header reader; both decoders get the same bytes). */
    static byte[] withChunkAfterIhdr(byte[] png, String type, byte[] data) {
        int at = 8 + 25;
        ByteBuffer b = ByteBuffer.allocate(png.length + 12 + data.length);
        b.put(png, 0, at);
        b.putInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        b.put(t).put(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        b.putInt((int) crc.getValue());
        b.put(png, at, png.length - at);
        return b.array();
    }

    /** The JPEG with an Exif APP1 segment (big-endian TIFF, one IFD entry: Orientation) after SOI. */
    static byte[] withExifOrientation(byte[] jpg, int orientation) {
        ByteBuffer seg = ByteBuffer.allocate(2 + 2 + 6 + 8 + 2 + 12 + 4);
        seg.put((byte) 0xff).put((byte) 0xe1).putShort((short) (seg.capacity() - 2));
        seg.put(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        seg.put(new byte[] {'M', 'M', 0, 42}).putInt(8);
        seg.putShort((short) 1);
        seg.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        seg.putInt(0);
        byte[] out = new byte[jpg.length + seg.capacity()];
        System.arraycopy(jpg, 0, out, 0, 2);
        System.arraycopy(seg.array(), 0, out, 2, seg.capacity());
        System.arraycopy(jpg, 2, out, 2 + seg.capacity(), jpg.length - 2);
        return out;
    }

    /** The JPEG with its frame header's size changed. */
    static byte[] withFrameSize(byte[] jpg, int width, int height) {
        byte[] b = jpg.clone();
        int at = 2;
        while (true) {
            int m = b[at + 1] & 0xff;
            int len = ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
            if (m == 0xc0 || m == 0xc2) {
                b[at + 5] = (byte) (height >> 8);
                b[at + 6] = (byte) height;
                b[at + 7] = (byte) (width >> 8);
                b[at + 8] = (byte) width;
                return b;
            }
            at += 2 + len;
        }
    }
}
