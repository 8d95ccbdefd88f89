package dev.aiaas.vision.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * An image: {@code channels x height x width} float samples held in one planar array (channel-major,
 * then rows: sample {@code (c, y, x)} at index {@code (c * height + y) * width + x}, the layout of one
 * NCHW tensor item). Immutable: the factories copy the array given, and nothing hands the array out.
 *
 * <p>Samples are intensities in [0, 1] as decoded (8-bit {@code v / 255}, 16-bit {@code v / 65535});
 * transforms such as {@code normalize} may leave that range. Channels: 1 grey, 2 grey + alpha,
 * 3 RGB, 4 RGBA. Row 0 is the top of the picture, column 0 its left.
 */
public final class Image {

    /** The most channels an image has (RGBA). */
    public static final int MAX_CHANNELS = 4;

    private final int channels;
    private final int height;
    private final int width;
    private final float[] chw;

    private Image(int channels, int height, int width, float[] chw) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.chw = chw;
    }

    /**
     * An image from planar samples.
     *
     * @param channels 1 to {@value #MAX_CHANNELS}
     * @param height   rows, at least 1
     * @param width    columns, at least 1
     * @param chw      {@code channels * height * width} samples in CHW order (copied)
     * @return the image
     * @throws IllegalArgumentException if a size is out of range or the array's length differs
     */
    public static Image of(int channels, int height, int width, float[] chw) {
        Objects.requireNonNull(chw, "chw");
        int n = checkedSize(channels, height, width);
        if (chw.length != n) {
            throw new IllegalArgumentException("chw.length=" + chw.length + ": expected channels * height * width = "
                    + channels + " * " + height + " * " + width + " = " + n);
        }
        return new Image(channels, height, width, chw.clone());
    }

    /**
     * An image of one value everywhere.
     *
     * @param channels 1 to {@value #MAX_CHANNELS}
     * @param height   rows, at least 1
     * @param width    columns, at least 1
     * @param value    every sample's value
     * @return the image
     */
    public static Image filled(int channels, int height, int width, float value) {
        float[] a = new float[checkedSize(channels, height, width)];
        Arrays.fill(a, value);
        return new Image(channels, height, width, a);
    }

    /**
     * An image from 8-bit interleaved samples ({@code height x width x channels}, the layout of
     * decoded pixels), each byte {@code v} (unsigned) becoming {@code v / 255}.
     *
     * @param hwc      {@code height * width * channels} bytes, row by row, channels interleaved
     * @param height   rows, at least 1
     * @param width    columns, at least 1
     * @param channels 1 to {@value #MAX_CHANNELS}
     * @return the image
     */
    public static Image fromHwcBytes(byte[] hwc, int height, int width, int channels) {
        Objects.requireNonNull(hwc, "hwc");
        int n = checkedSize(channels, height, width);
        if (hwc.length != n) {
            throw new IllegalArgumentException("hwc.length=" + hwc.length + ": expected height * width * channels = " + n);
        }
        float[] a = new float[n];
        int plane = height * width;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < channels; c++) {
                a[c * plane + p] = (hwc[p * channels + c] & 0xff) / 255f;
            }
        }
        return new Image(channels, height, width, a);
    }

    /**
     * Wraps an array that the caller gives up (no copy): for this package's decoders and for
     * {@link ImageBuffer}, which hand over arrays nobody else holds.
     */
    static Image adopt(int channels, int height, int width, float[] chw) {
        if (chw.length != checkedSize(channels, height, width)) {
            throw new IllegalArgumentException("chw.length=" + chw.length + " does not match " + channels + "x" + height + "x" + width);
        }
        return new Image(channels, height, width, chw);
    }

    static int checkedSize(int channels, int height, int width) {
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new IllegalArgumentException("channels=" + channels + ": expected 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA)");
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("height=" + height + ", width=" + width + ": expected both at least 1");
        }
        long n = (long) channels * height * width;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(channels + "x" + height + "x" + width + " = " + n
                    + " samples: more than one Java array holds (" + (Integer.MAX_VALUE - 8) + "); use a smaller image");
        }
        return (int) n;
    }

    /** @return the channels: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA */
    public int channels() {
        return channels;
    }

    /** @return the rows */
    public int height() {
        return height;
    }

    /** @return the columns */
    public int width() {
        return width;
    }

    /** @return {@code channels * height * width} */
    public int size() {
        return chw.length;
    }

    /**
     * One sample.
     *
     * @param c channel
     * @param y row (0 at the top)
     * @param x column (0 at the left)
     * @return the sample at {@code (c, y, x)}
     * @throws IndexOutOfBoundsException if an index is outside the image
     */
    public float get(int c, int y, int x) {
        Objects.checkIndex(c, channels);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return chw[(c * height + y) * width + x];
    }

    /** @return a copy of the samples in CHW order */
    public float[] toChw() {
        return chw.clone();
    }

    /**
     * Copies the samples, CHW, into {@code dst} from {@code offset} (one item of an NCHW batch).
     *
     * @param dst    the destination
     * @param offset where the first sample goes
     * @throws IndexOutOfBoundsException if the samples do not fit
     */
    public void copyChwTo(float[] dst, int offset) {
        Objects.checkFromIndexSize(offset, chw.length, dst.length);
        System.arraycopy(chw, 0, dst, offset, chw.length);
    }

    /**
     * The samples as 8-bit interleaved bytes ({@code height x width x channels}): each value
     * clamped to [0, 1], times 255, rounded half up.
     *
     * @return {@code height * width * channels} bytes
     */
    public byte[] toHwcBytes() {
        int plane = height * width;
        byte[] out = new byte[chw.length];
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            for (int p = 0; p < plane; p++) {
                out[p * channels + c] = (byte) toByte(chw[base + p]);
            }
        }
        return out;
    }

    /** A sample in [0, 1] as an 8-bit value: clamped, times 255, rounded half up; NaN gives 0. */
    static int toByte(float v) {
        if (!(v > 0f)) {
            return 0;
        }
        if (v >= 1f) {
            return 255;
        }
        return (int) (v * 255f + 0.5f);
    }

    /** Read access for this package's writers (no copy). */
    float[] samples() {
        return chw;
    }

    /**
     * Equal when the shapes and every sample (compared as {@link Float#compare} does) are equal.
     *
     * @param o the other object
     * @return whether equal
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Image i && i.channels == channels && i.height == height && i.width == width && Arrays.equals(i.chw, chw);
    }

    /** @return a hash of the shape and samples */
    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width) * 31 + Arrays.hashCode(chw);
    }

    /** @return the shape, as {@code Image[3x224x224]} (channels x height x width) */
    @Override
    public String toString() {
        return "Image[" + channels + "x" + height + "x" + width + "]";
    }
}
