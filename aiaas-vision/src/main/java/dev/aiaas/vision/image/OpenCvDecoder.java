package dev.aiaas.vision.image;

import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The OpenCV decoder ({@code cv::imdecode}: libjpeg-turbo, libpng) behind {@link ImageDecoders}.
 * The only class that names OpenCV's classes: {@link ImageDecoders} loads it inside a
 * {@code try}, so that without {@code org.bytedeco:opencv} on the class path nothing else fails.
 *
 * <p>Called only with a header read and checked in Java ({@link ImageHeaders}, {@link ImageLimits}).
 * Decodes with {@code IMREAD_UNCHANGED} (samples as stored, 8 or 16 bits, grey kept grey, alpha
 * kept, EXIF orientation not applied: the ImageIO path's behaviour), then converts OpenCV's BGR(A)
 * into RGB(A) planes. Both native matrices (the encoded bytes and the decoded image) and the
 * native copy of the bytes are released before it returns, whatever happens.
 */
final class OpenCvDecoder {

    private static final float[] BYTE_LEVELS = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            BYTE_LEVELS[v] = v / 255f;
        }
    }

    private OpenCvDecoder() {
    }

    /**
     * Loads OpenCV's natives and says what was loaded. (OpenCV's decoders also warn on stderr
     * about damaged files, which the caller gets as an exception; the environment variable
     * {@code OPENCV_LOG_LEVEL=ERROR} silences them.)
     *
     * @return e.g. "OpenCV 4.13.0 (libjpeg-turbo 3.1.2-70, libpng 1.6.53)"
     */
    static String load() {
        String build = opencv_core.getBuildInformation().getString();
        return "OpenCV " + opencv_core.CV_VERSION() + " (" + library(build, "JPEG:", "libjpeg")
                + ", " + library(build, "PNG:", "libpng") + ")";
    }

    /**
     * The library of a build-information line with its version, e.g. "libjpeg-turbo 3.1.2-70" from
     * "JPEG: build-libjpeg-turbo (ver 3.1.2-70)", "libpng 1.6.53" from "PNG: build (ver 1.6.53)".
     */
    private static String library(String build, String key, String plain) {
        for (String line : build.split("\n")) {
            String t = line.trim();
            if (t.startsWith(key)) {
                String value = t.substring(key.length()).trim();
                String name = value.contains("libjpeg-turbo") ? "libjpeg-turbo" : value.contains("spng") ? "libspng" : plain;
                int v = value.indexOf("(ver ");
                int end = value.indexOf(')', Math.max(v, 0));
                return v >= 0 && end > v ? name + " " + value.substring(v + 5, end) : name;
            }
        }
        return plain + " (not in OpenCV's build information)";
    }

    /**
     * Decodes a PNG or JPEG whose header was checked.
     *
     * @param encoded the bytes
     * @param source  the name, for messages
     * @param header  the header read from the bytes
     * @return the image, samples in [0, 1]
     * @throws ImageFormatException if OpenCV cannot decode the bytes or gives another shape than the header's
     */
    static Image decode(byte[] encoded, String source, ImageHeaders.Header header) throws ImageFormatException {
        try {
            return decodeChw(encoded, source, header);
        } catch (RuntimeException e) {
            throw nativeFailure(source, header, e);
        }
    }

    /** A {@code cv::Exception} (JavaCPP gives it as a RuntimeException) as the typed error. */
    private static ImageFormatException nativeFailure(String source, ImageHeaders.Header header, RuntimeException e) {
        return new ImageFormatException(source, "cannot decode the " + header.format() + " image (OpenCV: " + e.getMessage()
                + "); the file is damaged or of an unsupported kind", e);
    }

    private static Image decodeChw(byte[] encoded, String source, ImageHeaders.Header header) throws ImageFormatException {
        try (BytePointer bytes = new BytePointer(encoded);
             Mat buffer = new Mat(1, encoded.length, opencv_core.CV_8UC1, bytes);
             Mat m = opencv_imgcodecs.imdecode(buffer, opencv_imgcodecs.IMREAD_UNCHANGED)) {
            check(m, source, header);
            return header.bits() == 16 ? planes16(m, header) : planes8(m, header);
        }
    }

    /**
     * Decodes an 8-bit PNG or JPEG whose header was checked into interleaved RGB(A) bytes.
     *
     * @param encoded the bytes
     * @param source  the name, for messages
     * @param header  the header read from the bytes (8 bits)
     * @return the pixels
     * @throws ImageFormatException if OpenCV cannot decode the bytes or gives another shape than the header's
     */
    static HwcBytes decodeHwc(byte[] encoded, String source, ImageHeaders.Header header) throws ImageFormatException {
        try {
            return decodeInterleaved(encoded, source, header);
        } catch (RuntimeException e) {
            throw nativeFailure(source, header, e);
        }
    }

    private static HwcBytes decodeInterleaved(byte[] encoded, String source, ImageHeaders.Header header) throws ImageFormatException {
        // a colour JPEG straight into RGB (libjpeg-turbo's own output order: no swap afterwards), the
        // EXIF orientation ignored as IMREAD_UNCHANGED ignores it
        boolean rgbJpeg = header.format().equals("JPEG") && header.channels() == 3;
        int flags = rgbJpeg ? opencv_imgcodecs.IMREAD_COLOR_RGB | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION : opencv_imgcodecs.IMREAD_UNCHANGED;
        try (BytePointer bytes = new BytePointer(encoded);
             Mat buffer = new Mat(1, encoded.length, opencv_core.CV_8UC1, bytes);
             Mat m = opencv_imgcodecs.imdecode(buffer, flags)) {
            check(m, source, header);
            int h = header.height();
            int w = header.width();
            int c = header.channels();
            int rowBytes = w * c;
            byte[] out = new byte[h * rowBytes];
            BytePointer data = m.data();
            long step = m.step();
            if (step == rowBytes) {
                data.position(0).get(out, 0, out.length);
            } else {
                for (int y = 0; y < h; y++) {
                    data.position(y * step).get(out, y * rowBytes, rowBytes);
                }
            }
            data.position(0);
            if (c >= 3 && !rgbJpeg) {
                for (int i = 0; i < out.length; i += c) {
                    byte b = out[i];
                    out[i] = out[i + 2];
                    out[i + 2] = b;
                }
            }
            return new HwcBytes(out, h, w, c);
        }
    }

    private static void check(Mat m, String source, ImageHeaders.Header header) throws ImageFormatException {
        if (m == null || m.empty()) {
            throw new ImageFormatException(source, "cannot decode the " + header.format() + " image (OpenCV: the data is "
                    + "damaged or truncated); the file is damaged or of an unsupported kind", null);
        }
        int depth = header.bits() == 16 ? opencv_core.CV_16U : opencv_core.CV_8U;
        if (m.rows() != header.height() || m.cols() != header.width() || m.channels() != header.channels() || m.depth() != depth) {
            throw new ImageFormatException(source, "the header gives " + header.width() + "x" + header.height() + " pixels of "
                    + header.channels() + " channels, " + header.bits() + " bits, but OpenCV decoded " + m.cols() + "x" + m.rows()
                    + " of " + m.channels() + " channels, depth " + m.depth() + " (a damaged file?)", null);
        }
    }

    /** Source channel of output plane {@code c}: OpenCV stores BGR and BGRA. */
    private static int sourceChannel(int c, int channels) {
        return channels >= 3 && c < 3 ? 2 - c : c;
    }

    private static Image planes8(Mat m, ImageHeaders.Header header) {
        int h = header.height();
        int w = header.width();
        int c = header.channels();
        int rowBytes = w * c;
        long step = m.step();
        ImageBuffer buffer = new ImageBuffer(c, h, w);
        float[] out = buffer.data();
        byte[] row = new byte[rowBytes];
        BytePointer data = m.data();
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            data.position(y * step).get(row, 0, rowBytes);
            int base = y * w;
            if (c == 1) {
                for (int x = 0; x < w; x++) {
                    out[base + x] = BYTE_LEVELS[row[x] & 0xff];
                }
            } else if (c == 3) {
                for (int x = 0, s = 0; x < w; x++, s += 3) {
                    out[base + x] = BYTE_LEVELS[row[s + 2] & 0xff];
                    out[plane + base + x] = BYTE_LEVELS[row[s + 1] & 0xff];
                    out[2 * plane + base + x] = BYTE_LEVELS[row[s] & 0xff];
                }
            } else {
                for (int k = 0; k < c; k++) {
                    int src = sourceChannel(k, c);
                    int dst = k * plane + base;
                    for (int x = 0; x < w; x++) {
                        out[dst + x] = BYTE_LEVELS[row[x * c + src] & 0xff];
                    }
                }
            }
        }
        data.position(0);
        return buffer.toImage();
    }

    private static Image planes16(Mat m, ImageHeaders.Header header) {
        int h = header.height();
        int w = header.width();
        int c = header.channels();
        int rowBytes = w * c * 2;
        long step = m.step();
        ImageBuffer buffer = new ImageBuffer(c, h, w);
        float[] out = buffer.data();
        byte[] row = new byte[rowBytes];
        BytePointer data = m.data();
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            data.position(y * step).get(row, 0, rowBytes);
            for (int k = 0; k < c; k++) {
                int src = sourceChannel(k, c);
                int dst = k * plane + y * w;
                for (int x = 0; x < w; x++) {
                    int i = 2 * (x * c + src);
                    int v = little ? (row[i] & 0xff) | ((row[i + 1] & 0xff) << 8) : ((row[i] & 0xff) << 8) | (row[i + 1] & 0xff);
                    out[dst + x] = v / 65535f;
                }
            }
        }
        data.position(0);
        return buffer.toImage();
    }
}
