package dev.aiaas.vision.nn;

/**
 * How a convolution pads its input: {@link #same()}, or explicitly by {@code height} rows above and
 * below and {@code width} columns left and right ({@link #valid()} is no padding).
 *
 * <p>{@code same} keeps {@code ceil(in / stride)} outputs per axis, as TensorFlow and Keras define
 * it: the total padding is {@code max((out − 1)·stride + dilation·(kernel − 1) + 1 − in, 0)}, of which
 * {@code total / 2} (rounded down) goes before and the rest after. At stride 1 that is PyTorch's
 * {@code padding='same'}. Padded positions read as 0.
 *
 * @param sameSize whether the padding is {@code same}
 * @param height   rows of zeros above and below the input (explicit padding; 0 with {@code same})
 * @param width    columns of zeros left and right of the input (explicit padding; 0 with {@code same})
 */
public record Padding(boolean sameSize, int height, int width) {

    /**
     * Validates the amounts.
     *
     * @param sameSize whether the padding is {@code same}
     * @param height   rows above and below, at least 0 (0 with {@code same})
     * @param width    columns left and right, at least 0 (0 with {@code same})
     */
    public Padding {
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("padding must be at least 0 on each axis. Received: height=" + height + ", width=" + width);
        }
        if (sameSize && (height != 0 || width != 0)) {
            throw new IllegalArgumentException("'same' padding computes its own amounts; give height=0 and width=0. Received: height="
                    + height + ", width=" + width);
        }
    }

    /**
     * No padding: outputs only where the whole window lies inside the input.
     *
     * @return the padding
     */
    public static Padding valid() {
        return new Padding(false, 0, 0);
    }

    /**
     * {@code same} padding: {@code ceil(in / stride)} outputs per axis.
     *
     * @return the padding
     */
    public static Padding same() {
        return new Padding(true, 0, 0);
    }

    /**
     * The same explicit padding on both axes.
     *
     * @param amount rows above and below and columns left and right, at least 0
     * @return the padding
     */
    public static Padding of(int amount) {
        return new Padding(false, amount, amount);
    }

    /**
     * Explicit padding per axis.
     *
     * @param height rows above and below, at least 0
     * @param width  columns left and right, at least 0
     * @return the padding
     */
    public static Padding of(int height, int width) {
        return new Padding(false, height, width);
    }

    /** {@code same}, {@code valid}, or {@code HxW}. */
    @Override
    public String toString() {
        return sameSize ? "same" : height == 0 && width == 0 ? "valid" : height + "x" + width;
    }
}
