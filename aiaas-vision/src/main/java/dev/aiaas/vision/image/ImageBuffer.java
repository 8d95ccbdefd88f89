package dev.aiaas.vision.image;

/**
 * A one-shot builder of an {@link Image} without copying: write the samples into {@link #data()}
 * (CHW order, as {@link Image} documents), then call {@link #toImage()}, which hands the array to
 * the image; after that the buffer refuses use, so the image stays immutable as long as the caller
 * keeps no reference of its own to the array.
 *
 * <p>Typical use, by a transform: {@code ImageBuffer b = new ImageBuffer(3, h, w);
 * float[] out = b.data(); ...fill out...; return b.toImage();}
 */
public final class ImageBuffer {

    private final int channels;
    private final int height;
    private final int width;
    private float[] data;

    /**
     * A buffer of zeros.
     *
     * @param channels 1 to {@value Image#MAX_CHANNELS}
     * @param height   rows, at least 1
     * @param width    columns, at least 1
     * @throws IllegalArgumentException if a size is out of range
     */
    public ImageBuffer(int channels, int height, int width) {
        this.data = new float[Image.checkedSize(channels, height, width)];
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /**
     * The array to fill, {@code channels * height * width} samples in CHW order.
     *
     * @return the array (the same one each call)
     * @throws IllegalStateException after {@link #toImage()}
     */
    public float[] data() {
        if (data == null) {
            throw new IllegalStateException("this ImageBuffer has been turned into an Image already; create a new buffer");
        }
        return data;
    }

    /**
     * The image, holding the array (no copy); the buffer is unusable afterwards.
     *
     * @return the image
     * @throws IllegalStateException if called twice
     */
    public Image toImage() {
        float[] a = data();
        data = null;
        return Image.adopt(channels, height, width, a);
    }
}
