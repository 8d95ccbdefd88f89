package dev.aiaas.vision.image;

import java.util.Locale;

/**
 * Which decoder {@link ImageFiles} uses, chosen once per JVM and reported like the backend is.
 *
 * <ul>
 *   <li>{@link Decoder#OPENCV}: OpenCV's {@code imdecode} (libjpeg-turbo with SIMD, libpng)
 *       through {@code org.bytedeco:opencv}, when that artifact and its natives
 *       ({@code org.bytedeco:opencv:4.13.0-1.5.13} with the platform classifier, e.g.
 *       {@code linux-x86_64}) are on the class path and load. aiaas-vision declares them optional:
 *       users opt in by adding both to their build. It decodes PNGs of 8 and 16 bits (grey, RGB,
 *       RGBA) and 8-bit grey and YCbCr JPEGs; every other layout (palette and grey + alpha PNGs,
 *       PNGs with a transparency chunk, CMYK, YCCK and 12-bit JPEGs, BMP) still goes to ImageIO,
 *       so both give the same channels. PNG samples are identical to ImageIO's; JPEG samples differ
 *       by the two libjpegs' rounding (docs/benchmarks.md states the measured difference).</li>
 *   <li>{@link Decoder#IMAGEIO}: the JDK's ImageIO with TwelveMonkeys' JPEG plugin, always there.</li>
 * </ul>
 *
 * <p>The system property {@value #PROPERTY} chooses: {@code auto} (the default: OpenCV if it loads,
 * else ImageIO), {@code imageio}, or {@code opencv} (refuses to run without it). It is read once,
 * when the first image is decoded (or {@link #report()} is called). Either way, the sizes are read
 * from the header and checked against {@link ImageLimits} in Java before any native call, and the
 * EXIF orientation is not applied (ImageIO does not apply it).
 */
public final class ImageDecoders {

    /** The system property that chooses the decoder: {@code auto}, {@code imageio} or {@code opencv}. */
    public static final String PROPERTY = "aiaas.image.decoder";

    /** A decoder. */
    public enum Decoder {
        /** The JDK's ImageIO with TwelveMonkeys' JPEG plugin. */
        IMAGEIO,
        /** OpenCV's {@code imdecode} through {@code org.bytedeco:opencv} (optional dependency). */
        OPENCV
    }

    /**
     * What was chosen.
     *
     * @param decoder   the decoder {@link ImageFiles} uses
     * @param openCv    OpenCV's description if it loaded, else null
     * @param why       why ImageIO was chosen, or null if OpenCV was
     */
    record Choice(Decoder decoder, String openCv, String why) {
    }

    private static final String IMAGEIO = "ImageIO + TwelveMonkeys";

    private static volatile Choice choice;

    /** OpenCV loaded (its description) or why not; computed once. */
    private static final class OpenCv {
        static final String LOADED;
        static final String FAILURE;

        static {
            String loaded = null;
            String failure = null;
            try {
                loaded = OpenCvDecoder.load();
            } catch (NoClassDefFoundError e) {
                failure = "OpenCV not on the class path";
            } catch (LinkageError | RuntimeException e) {
                failure = "OpenCV did not load: " + e;
            }
            LOADED = loaded;
            FAILURE = failure;
        }
    }

    private ImageDecoders() {
    }

    /**
     * The decoder {@link ImageFiles#read(java.nio.file.Path)} and {@link ImageFiles#decode(byte[], String, ImageLimits)}
     * use, chosen on the first call from {@value #PROPERTY} and whether OpenCV loads.
     *
     * @return the decoder
     * @throws IllegalArgumentException if the property has another value than auto, imageio or opencv
     * @throws IllegalStateException    if the property says opencv and OpenCV does not load
     */
    public static Decoder active() {
        return choice().decoder();
    }

    /**
     * One line saying what decodes, e.g. "OpenCV 4.13.0 (libjpeg-turbo 3.1.2-70, libpng 1.6.53)" or
     * "ImageIO + TwelveMonkeys (OpenCV not on the class path)".
     *
     * @return the report
     */
    public static String report() {
        Choice c = choice();
        return c.decoder() == Decoder.OPENCV ? c.openCv() : IMAGEIO + " (" + c.why() + ")";
    }

    /** @return whether OpenCV is on the class path and loads (whatever {@value #PROPERTY} says) */
    public static boolean openCvLoads() {
        return OpenCv.LOADED != null;
    }

    private static Choice choice() {
        Choice c = choice;
        if (c == null) {
            synchronized (ImageDecoders.class) {
                c = choice;
                if (c == null) {
                    c = choose(System.getProperty(PROPERTY));
                    choice = c;
                }
            }
        }
        return c;
    }

    /**
     * The choice for a value of {@value #PROPERTY}.
     *
     * @param value auto, imageio, opencv (any case), or null for auto
     * @return the choice
     */
    static Choice choose(String value) {
        String v = value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "imageio":
                return new Choice(Decoder.IMAGEIO, null, PROPERTY + "=imageio");
            case "opencv":
                if (OpenCv.LOADED == null) {
                    throw new IllegalStateException(PROPERTY + "=opencv, but " + OpenCv.FAILURE + "; add org.bytedeco:opencv:4.13.0-1.5.13 "
                            + "and its platform artifact (classifier linux-x86_64, ...) to the class path, or set " + PROPERTY + "=auto");
                }
                return new Choice(Decoder.OPENCV, OpenCv.LOADED, null);
            case "auto":
                return OpenCv.LOADED != null ? new Choice(Decoder.OPENCV, OpenCv.LOADED, null) : new Choice(Decoder.IMAGEIO, null, OpenCv.FAILURE);
            default:
                throw new IllegalArgumentException(PROPERTY + "=" + value + ": expected auto, imageio or opencv");
        }
    }

    /**
     * Checks that a decoder can be used.
     *
     * @param decoder the decoder asked for
     * @throws IllegalStateException if it is OpenCV and OpenCV does not load
     */
    static void require(Decoder decoder) {
        if (decoder == Decoder.OPENCV && OpenCv.LOADED == null) {
            throw new IllegalStateException("the OpenCV decoder was asked for, but " + OpenCv.FAILURE
                    + "; add org.bytedeco:opencv:4.13.0-1.5.13 and its platform artifact (classifier linux-x86_64, ...) to the class path");
        }
    }
}
