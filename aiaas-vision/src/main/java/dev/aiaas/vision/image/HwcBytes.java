package dev.aiaas.vision.image;

import java.util.Objects;

/**
 * An 8-bit image as decoded, before it becomes floats: {@code height x width x channels} bytes,
 * row by row, channels interleaved (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA, in that order). What
 * {@link ImageFiles#readHwc} gives, so that a resize can read the decoder's bytes directly
 * ({@code ImageOps.resize(HwcBytes, ...)}) instead of a full-size float copy; {@link #toImage()}
 * gives the {@link Image} that {@link ImageFiles#read} would have given (sample {@code v / 255}).
 *
 * <p>The array is the record's own (a decoder's fresh array); callers that keep the record should
 * not change it.
 *
 * @param data     {@code height * width * channels} bytes
 * @param height   rows, at least 1
 * @param width    columns, at least 1
 * @param channels 1 to {@value Image#MAX_CHANNELS}
 */
public record HwcBytes(byte[] data, int height, int width, int channels) {

    /**
     * Validates.
     *
     * @param data     {@code height * width * channels} bytes
     * @param height   rows, at least 1
     * @param width    columns, at least 1
     * @param channels 1 to {@value Image#MAX_CHANNELS}
     * @throws IllegalArgumentException if a size is out of range or the array's length differs
     */
    public HwcBytes {
        Objects.requireNonNull(data, "data");
        int n = Image.checkedSize(channels, height, width);
        if (data.length != n) {
            throw new IllegalArgumentException("data.length=" + data.length + ": expected height * width * channels = " + n);
        }
    }

    /** @return the image, each byte {@code v} becoming {@code v / 255} (as {@link Image#fromHwcBytes}) */
    public Image toImage() {
        return Image.fromHwcBytes(data, height, width, channels);
    }

    @Override
    public String toString() {
        return "HwcBytes[" + height + "x" + width + "x" + channels + "]";
    }
}
