package dev.aiaas.vision.image;

import dev.aiaas.core.backend.NativeMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batches of images as tensors and back: NCHW float ({@code [batch, channels, height, width]}, the
 * layout {@code Conv2d} takes) as a Java array or an ND4J array, without per-pixel boxing.
 */
public final class ImageTensors {

    private ImageTensors() {
    }

    /**
     * The images as one NCHW float array.
     *
     * @param images at least one image, all of one shape
     * @return {@code batch * channels * height * width} floats, image {@code n} from {@code n * C*H*W}
     * @throws IllegalArgumentException if the list is empty, the shapes differ or the batch exceeds one array
     */
    public static float[] nchw(List<Image> images) {
        int per = checkSameShape(images);
        long total = (long) per * images.size();
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(images.size() + " images of " + per + " samples = " + total
                    + " floats, more than one Java array holds; use smaller batches");
        }
        float[] out = new float[(int) total];
        for (int n = 0; n < images.size(); n++) {
            images.get(n).copyChwTo(out, n * per);
        }
        return out;
    }

    /**
     * The images as an NCHW float32 ND4J array (off-heap; the caller owns and closes it).
     *
     * @param images at least one image, all of one shape
     * @return an array of shape {@code [batch, channels, height, width]}
     * @throws IllegalArgumentException if the list is empty or the shapes differ
     * @throws dev.aiaas.core.backend.NativeMemoryException if the batch exceeds the off-heap memory left
     */
    public static INDArray toNchw(List<Image> images) {
        checkSameShape(images);
        Image first = images.get(0);
        long elements = (long) images.size() * first.size();
        NativeMemory.require("an NCHW image batch of " + images.size() + " x " + first, NativeMemory.bytes("image batch", elements, 4));
        float[] data = nchw(images);
        return Nd4j.create(data, new long[] {images.size(), first.channels(), first.height(), first.width()}, DataType.FLOAT);
    }

    /**
     * The items of an NCHW array as images.
     *
     * @param nchw an array of shape {@code [batch, channels, height, width]}, channels 1 to 4
     * @return one image per item
     * @throws IllegalArgumentException if the array is not of rank 4 or has more than 4 channels
     */
    public static List<Image> images(INDArray nchw) {
        Objects.requireNonNull(nchw, "nchw");
        if (nchw.rank() != 4) {
            throw new IllegalArgumentException("shape " + java.util.Arrays.toString(nchw.shape())
                    + ": expected rank 4, [batch, channels, height, width]");
        }
        long[] s = nchw.shape();
        int c = Math.toIntExact(s[1]);
        int h = Math.toIntExact(s[2]);
        int w = Math.toIntExact(s[3]);
        List<Image> out = new ArrayList<>();
        for (int n = 0; n < s[0]; n++) {
            INDArray item = nchw.slice(n).castTo(DataType.FLOAT).dup('c');
            ImageBuffer b = new ImageBuffer(c, h, w);
            float[] src = item.data().asFloat();
            System.arraycopy(src, 0, b.data(), 0, src.length);
            out.add(b.toImage());
        }
        return out;
    }

    private static int checkSameShape(List<Image> images) {
        Objects.requireNonNull(images, "images");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("images is empty: expected at least one image");
        }
        Image first = images.get(0);
        for (int i = 1; i < images.size(); i++) {
            Image im = images.get(i);
            if (im.channels() != first.channels() || im.height() != first.height() || im.width() != first.width()) {
                throw new IllegalArgumentException("image " + i + " is " + im + ", image 0 is " + first
                        + ": a batch needs one shape; resize or crop them first");
            }
        }
        return first.size();
    }
}
