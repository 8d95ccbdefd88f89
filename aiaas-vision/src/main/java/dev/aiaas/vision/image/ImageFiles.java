package dev.aiaas.vision.image;

import dev.aiaas.core.io.AtomicFiles;
import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.InputLimitException;
import dev.aiaas.core.io.Inputs;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reading and writing images: PNG, JPEG and BMP (grey, grey + alpha, RGB, RGBA; 8 and 16 bits per
 * sample) through the JDK's ImageIO, with the TwelveMonkeys JPEG plugin on the class path (CMYK
 * and YCCK JPEGs, damaged markers), or through OpenCV when it is on the class path (see
 * {@link ImageDecoders}: which decoder, how it is chosen and reported). Writing is PNG, 8 or 16 bits.
 *
 * <p>Reading is bounded ({@link ImageLimits}): the encoded bytes while they are read, then the
 * pixels from the header, before any pixel is decoded. Every failure is an
 * {@link ImageFormatException} (a limit an {@link ImageLimitException}), whatever the decoder threw.
 *
 * <p>Samples are read as stored, with no colour management: an 8-bit value {@code v} becomes
 * {@code v / 255}, a 16-bit one {@code v / 65535} (as PIL and torchvision read them). Palette
 * images, CMYK and other colour spaces are converted to RGB or RGBA through the JDK's sRGB
 * conversion.
 */
public final class ImageFiles {

    /** {@code v / 255f} for every byte value. */
    private static final float[] BYTE_LEVELS = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            BYTE_LEVELS[v] = v / 255f;
        }
    }

    private static final String FIX_BYTES = "raise ImageLimits.maxBytes, or shrink the file";

    private ImageFiles() {
    }

    /**
     * Reads an image file with the default limits.
     *
     * @param file a PNG, JPEG or BMP file (plain, or gzip-compressed)
     * @return the image
     * @throws ImageFormatException if the file is not a readable image or exceeds the default limits
     * @throws IOException          if the file cannot be opened
     */
    public static Image read(Path file) throws IOException {
        return read(file, ImageLimits.defaults());
    }

    /**
     * Reads an image file.
     *
     * @param file   a PNG, JPEG or BMP file (plain, or gzip-compressed)
     * @param limits the most bytes and pixels accepted
     * @return the image
     * @throws ImageFormatException if the file is not a readable image or exceeds the limits
     * @throws IOException          if the file cannot be opened
     */
    public static Image read(Path file, ImageLimits limits) throws IOException {
        return read(file, limits, ImageDecoders.active());
    }

    /**
     * Reads an image file with a given decoder (rather than {@link ImageDecoders#active()}).
     *
     * @param file    a PNG, JPEG or BMP file (plain, or gzip-compressed)
     * @param limits  the most bytes and pixels accepted
     * @param decoder the decoder; with OpenCV, the layouts it does not decode as ImageIO does still go to ImageIO
     * @return the image
     * @throws ImageFormatException  if the file is not a readable image or exceeds the limits
     * @throws IOException           if the file cannot be opened
     * @throws IllegalStateException if the decoder is OpenCV and OpenCV does not load
     */
    public static Image read(Path file, ImageLimits limits, ImageDecoders.Decoder decoder) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(limits, "limits");
        byte[] bytes;
        try (InputStream in = Inputs.open(file, limits.maxBytes(), FIX_BYTES)) {
            bytes = in.readAllBytes();
        } catch (InputLimitException e) {
            throw new ImageLimitException(file.toString(), "the file has more than " + limits.maxBytes()
                    + " bytes (ImageLimits.maxBytes); " + FIX_BYTES, e);
        } catch (CorruptInputException e) {
            throw new ImageFormatException(file.toString(), "damaged gzip compression: " + e.getMessage(), e);
        }
        return decode(bytes, file.toString(), limits, decoder);
    }

    /**
     * Decodes an encoded image held in memory.
     *
     * @param encoded the PNG, JPEG or BMP bytes
     * @param source  the name of the file or stream, for messages
     * @param limits  the most bytes and pixels accepted
     * @return the image
     * @throws ImageFormatException if the bytes are not a readable image or exceed the limits
     */
    public static Image decode(byte[] encoded, String source, ImageLimits limits) throws ImageFormatException {
        return decode(encoded, source, limits, ImageDecoders.active());
    }

    /**
     * Decodes an encoded image held in memory with a given decoder. With OpenCV, the width and
     * height are read from the PNG or JPEG header in Java and checked against the limits before
     * OpenCV sees the bytes; the layouts OpenCV does not decode as ImageIO does (see
     * {@link ImageDecoders}) go to ImageIO.
     *
     * @param encoded the PNG, JPEG or BMP bytes
     * @param source  the name of the file or stream, for messages
     * @param limits  the most bytes and pixels accepted
     * @param decoder the decoder
     * @return the image
     * @throws ImageFormatException  if the bytes are not a readable image or exceed the limits
     * @throws IllegalStateException if the decoder is OpenCV and OpenCV does not load
     */
    public static Image decode(byte[] encoded, String source, ImageLimits limits, ImageDecoders.Decoder decoder)
            throws ImageFormatException {
        Objects.requireNonNull(encoded, "encoded");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(decoder, "decoder");
        ImageDecoders.require(decoder);
        if (encoded.length > limits.maxBytes()) {
            throw new ImageLimitException(source, encoded.length + " bytes, more than ImageLimits.maxBytes = "
                    + limits.maxBytes() + "; " + FIX_BYTES, null);
        }
        if (decoder == ImageDecoders.Decoder.OPENCV) {
            ImageHeaders.Header header = ImageHeaders.read(encoded);
            if (header != null && header.openCv()) {
                checkSize(source, header.width(), header.height(), limits);
                return OpenCvDecoder.decode(encoded, source, header);
            }
        }
        try (ImageInputStream iis = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new ImageFormatException(source, "not a PNG, JPEG or BMP image (it starts with bytes "
                        + hex(encoded, 8) + "); convert it to PNG", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                checkSize(source, reader.getWidth(0), reader.getHeight(0), limits);
                BufferedImage decoded = reader.read(0);
                return fromBufferedImage(decoded);
            } finally {
                reader.dispose();
            }
        } catch (ImageFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageFormatException(source, "cannot decode the image (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); the file is damaged or of an unsupported kind", e);
        }
    }

    /**
     * Reads an 8-bit image file as interleaved bytes, the decoder's own output, for a resize that
     * reads bytes ({@code ImageOps.resize(HwcBytes, ...)}, the fast decode + resize path): the same
     * samples as {@link #read(Path, ImageLimits, ImageDecoders.Decoder)} gives, as bytes.
     *
     * @param file    a PNG, JPEG or BMP file of 8 bits per sample (plain, or gzip-compressed)
     * @param limits  the most bytes and pixels accepted
     * @param decoder the decoder
     * @return the pixels
     * @throws ImageFormatException  if the file is not a readable image, exceeds the limits, or is a 16-bit PNG
     * @throws IOException           if the file cannot be opened
     * @throws IllegalStateException if the decoder is OpenCV and OpenCV does not load
     */
    public static HwcBytes readHwc(Path file, ImageLimits limits, ImageDecoders.Decoder decoder) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(limits, "limits");
        byte[] bytes;
        try (InputStream in = Inputs.open(file, limits.maxBytes(), FIX_BYTES)) {
            bytes = in.readAllBytes();
        } catch (InputLimitException e) {
            throw new ImageLimitException(file.toString(), "the file has more than " + limits.maxBytes()
                    + " bytes (ImageLimits.maxBytes); " + FIX_BYTES, e);
        } catch (CorruptInputException e) {
            throw new ImageFormatException(file.toString(), "damaged gzip compression: " + e.getMessage(), e);
        }
        return decodeHwc(bytes, file.toString(), limits, decoder);
    }

    /**
     * Decodes an 8-bit encoded image held in memory as interleaved bytes; see {@link #readHwc}.
     *
     * @param encoded the PNG, JPEG or BMP bytes
     * @param source  the name of the file or stream, for messages
     * @param limits  the most bytes and pixels accepted
     * @param decoder the decoder
     * @return the pixels
     * @throws ImageFormatException  if the bytes are not a readable image, exceed the limits, or are a 16-bit PNG
     * @throws IllegalStateException if the decoder is OpenCV and OpenCV does not load
     */
    public static HwcBytes decodeHwc(byte[] encoded, String source, ImageLimits limits, ImageDecoders.Decoder decoder)
            throws ImageFormatException {
        Objects.requireNonNull(encoded, "encoded");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(decoder, "decoder");
        ImageDecoders.require(decoder);
        ImageHeaders.Header header = ImageHeaders.read(encoded);
        if (header != null && header.bits() == 16) {
            throw new ImageFormatException(source, "a 16-bit " + header.format() + ": bytes would lose its precision; "
                    + "read it with ImageFiles.read, which keeps 16 bits", null);
        }
        if (decoder == ImageDecoders.Decoder.OPENCV && header != null && header.openCv()) {
            if (encoded.length > limits.maxBytes()) {
                throw new ImageLimitException(source, encoded.length + " bytes, more than ImageLimits.maxBytes = "
                        + limits.maxBytes() + "; " + FIX_BYTES, null);
            }
            checkSize(source, header.width(), header.height(), limits);
            return OpenCvDecoder.decodeHwc(encoded, source, header);
        }
        Image im = decode(encoded, source, limits, ImageDecoders.Decoder.IMAGEIO);
        return new HwcBytes(im.toHwcBytes(), im.height(), im.width(), im.channels());
    }

    /** The header's size: both at least 1, the pixels within the limits. */
    private static void checkSize(String source, int width, int height, ImageLimits limits) throws ImageFormatException {
        if (width < 1 || height < 1) {
            throw new ImageFormatException(source, "the header gives " + width + "x" + height
                    + " pixels: expected both at least 1 (a damaged file?)", null);
        }
        long pixels = (long) width * height;
        if (pixels > limits.maxPixels()) {
            throw new ImageLimitException(source, width + "x" + height + " = " + pixels
                    + " pixels, more than ImageLimits.maxPixels = " + limits.maxPixels()
                    + "; raise the limit or downscale the image", null);
        }
    }

    /**
     * An image from a {@link BufferedImage}: the raster's samples as stored for grey and sRGB
     * images (1 to 4 bands, up to 16 bits), otherwise the JDK's conversion to RGB or RGBA.
     *
     * @param image the decoded image
     * @return the image, samples in [0, 1]
     */
    public static Image fromBufferedImage(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        int bands = raster.getNumBands();
        int csType = cm.getColorSpace().getType();
        boolean plain = (cm instanceof ComponentColorModel || cm instanceof DirectColorModel)
                && !cm.isAlphaPremultiplied()
                && ((csType == ColorSpace.TYPE_GRAY && bands == (cm.hasAlpha() ? 2 : 1))
                || (csType == ColorSpace.TYPE_RGB && bands == (cm.hasAlpha() ? 4 : 3)))
                && raster.getTransferType() != DataBuffer.TYPE_FLOAT && raster.getTransferType() != DataBuffer.TYPE_DOUBLE;
        if (plain && raster.getDataBuffer() instanceof DataBufferByte bytes && raster.getSampleModel() instanceof ComponentSampleModel sm
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0 && bytes.getNumBanks() == 1) {
            // the common case (8-bit JPEG, PNG, BMP): read the bytes directly, not through the sample model
            ImageBuffer buffer = new ImageBuffer(bands, h, w);
            float[] out = buffer.data();
            byte[] data = bytes.getData();
            int base = bytes.getOffset();
            int pixel = sm.getPixelStride();
            int scan = sm.getScanlineStride();
            int[] offsets = sm.getBandOffsets();
            for (int b = 0; b < bands; b++) {
                int plane = b * h * w;
                for (int y = 0; y < h; y++) {
                    int src = base + y * scan + offsets[b];
                    int dst = plane + y * w;
                    for (int x = 0; x < w; x++) {
                        out[dst + x] = BYTE_LEVELS[data[src + x * pixel] & 0xff];
                    }
                }
            }
            return buffer.toImage();
        }
        if (plain) {
            ImageBuffer buffer = new ImageBuffer(bands, h, w);
            float[] out = buffer.data();
            int[] row = new int[w];
            for (int b = 0; b < bands; b++) {
                int bits = cm.getComponentSize(b);
                float max = (float) ((1L << Math.min(bits, 31)) - 1);
                for (int y = 0; y < h; y++) {
                    raster.getSamples(0, y, w, 1, b, row);
                    int base = (b * h + y) * w;
                    for (int x = 0; x < w; x++) {
                        out[base + x] = row[x] / max;
                    }
                }
            }
            return buffer.toImage();
        }
        int channels = cm.hasAlpha() ? 4 : 3;
        ImageBuffer buffer = new ImageBuffer(channels, h, w);
        float[] out = buffer.data();
        int plane = h * w;
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                int i = y * w + x;
                out[i] = ((p >> 16) & 0xff) / 255f;
                out[plane + i] = ((p >> 8) & 0xff) / 255f;
                out[2 * plane + i] = (p & 0xff) / 255f;
                if (channels == 4) {
                    out[3 * plane + i] = (p >>> 24) / 255f;
                }
            }
        }
        return buffer.toImage();
    }

    /**
     * The image as a {@link BufferedImage} of 8 or 16 bits per sample, grey (1, 2 channels) or sRGB
     * (3, 4 channels); each sample clamped to [0, 1] and scaled to the depth, rounded half up.
     *
     * @param image the image
     * @param bits  8 or 16
     * @return the buffered image
     * @throws IllegalArgumentException if {@code bits} is neither 8 nor 16
     */
    public static BufferedImage toBufferedImage(Image image, int bits) {
        Objects.requireNonNull(image, "image");
        if (bits != 8 && bits != 16) {
            throw new IllegalArgumentException("bits=" + bits + ": expected 8 or 16 bits per sample");
        }
        int c = image.channels();
        boolean alpha = c == 2 || c == 4;
        ColorSpace cs = ColorSpace.getInstance(c <= 2 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ColorModel cm = new ComponentColorModel(cs, alpha, false, alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
                bits == 8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_USHORT);
        int w = image.width();
        int h = image.height();
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        float[] s = image.samples();
        int[] row = new int[w];
        float max = bits == 8 ? 255f : 65535f;
        for (int b = 0; b < c; b++) {
            for (int y = 0; y < h; y++) {
                int base = (b * h + y) * w;
                for (int x = 0; x < w; x++) {
                    float v = s[base + x];
                    row[x] = !(v > 0f) ? 0 : v >= 1f ? (int) max : (int) (v * max + 0.5f);
                }
                raster.setSamples(0, y, w, 1, b, row);
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    /**
     * The image encoded as PNG. The same image gives the same bytes (no time stamp is written).
     *
     * @param image the image
     * @param bits  8 or 16 bits per sample
     * @return the PNG bytes
     */
    public static byte[] pngBytes(Image image, int bits) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writePng(image, bits, out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory failed", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes the image as an 8-bit PNG file, atomically (a reader sees the old file or the new one).
     *
     * @param image the image
     * @param file  the file
     * @throws IOException if the file cannot be written
     */
    public static void writePng(Image image, Path file) throws IOException {
        writePng(image, 8, file);
    }

    /**
     * Writes the image as a PNG file of 8 or 16 bits per sample, atomically.
     *
     * @param image the image
     * @param bits  8 or 16
     * @param file  the file
     * @throws IOException if the file cannot be written
     */
    public static void writePng(Image image, int bits, Path file) throws IOException {
        BufferedImage bi = toBufferedImage(image, bits);
        AtomicFiles.write(file, out -> writeBuffered(bi, out));
    }

    private static void writePng(Image image, int bits, OutputStream out) throws IOException {
        writeBuffered(toBufferedImage(image, bits), out);
    }

    private static void writeBuffered(BufferedImage bi, OutputStream out) throws IOException {
        if (!ImageIO.write(bi, "png", out)) {
            throw new IOException("no PNG writer accepts a " + bi.getColorModel() + " image");
        }
    }

    private static String hex(byte[] bytes, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, bytes.length); i++) {
            sb.append(String.format("%02x", bytes[i] & 0xff));
        }
        return bytes.length == 0 ? "(none: the file is empty)" : sb.toString();
    }
}
