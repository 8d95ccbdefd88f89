package dev.aiaas.vision.image;

/**
 * Bounds on what an image reader accepts, checked before decoding: the pixels from the header
 * ({@code width * height}) and the bytes of the encoded file. Images come from outside (users'
 * files, data sets); these bounds keep one hostile or damaged file from exhausting the heap of the
 * JVM that runs this library.
 *
 * @param maxPixels the most {@code width * height}, at least 1 (decoded as float CHW, an image takes
 *                  {@code 4 * channels * width * height} bytes of heap, plus the decoder's raster)
 * @param maxBytes  the most bytes of the encoded file, at least 1
 */
public record ImageLimits(long maxPixels, long maxBytes) {

    /** The default pixels: 50 megapixels, more than most cameras' photos (8192 x 6104). */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    /** The default encoded bytes: 256 MiB. */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    /**
     * Validates.
     *
     * @param maxPixels the most {@code width * height}, at least 1
     * @param maxBytes  the most encoded bytes, at least 1
     */
    public ImageLimits {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels=" + maxPixels + ": expected at least 1 (default " + DEFAULT_MAX_PIXELS + ")");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes=" + maxBytes + ": expected at least 1 (default " + DEFAULT_MAX_BYTES + ")");
        }
    }

    /** @return the default limits: {@value #DEFAULT_MAX_PIXELS} pixels, 256 MiB */
    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES);
    }
}
