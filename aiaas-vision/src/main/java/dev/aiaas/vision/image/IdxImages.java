package dev.aiaas.vision.image;

import dev.aiaas.core.data.Idx;
import dev.aiaas.core.data.IdxData;
import dev.aiaas.core.data.Mnist;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The images of MNIST-format IDX files as an {@link ImageSource}: an unsigned-byte images file
 * {@code [n, rows, cols]} and its labels {@code [n]}, each image a one-channel
 * {@code [1, rows, cols]} {@link Image} with values {@code byte / 255} (as the MLP's
 * {@code Mnist} reader scales them), so the IDX sets run through the same transforms and
 * {@code ImageLoader} as an image folder (random crops, flips, the physical augmentations).
 *
 * <pre>{@code
 * List<IdxImages> sets = IdxImages.mnist(Path.of("/usr/share/datasets/fashion-mnist"));  // train, test
 * Image first = sets.get(0).read(0, ImageLimits.defaults());                                // [1, 28, 28]
 * }</pre>
 *
 * The bytes are held in memory (47 MB for MNIST's 60,000 training images) and each image is made
 * when read. Immutable and thread-safe.
 */
public final class IdxImages implements ImageSource {

    private final String source;
    private final byte[] pixels;
    private final int[] labels;
    private final int rows;
    private final int cols;
    private final List<String> classes;

    private IdxImages(String source, byte[] pixels, int[] labels, int rows, int cols, List<String> classes) {
        this.source = source;
        this.pixels = pixels;
        this.labels = labels;
        this.rows = rows;
        this.cols = cols;
        this.classes = classes;
    }

    /**
     * Images and labels already read.
     *
     * @param images the images, unsigned bytes {@code [n, rows, cols]}
     * @param labels the labels, unsigned bytes {@code [n]}, each 0 to 254
     * @param source the images' name, for messages
     * @return the set; its classes are {@code "0"} to the largest label
     * @throws IllegalArgumentException when the shapes are not {@code [n, rows, cols]} and {@code [n]}
     *                                  with the same n, naming both
     */
    public static IdxImages of(IdxData images, IdxData labels, String source) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        if (images.rank() != 3 || labels.rank() != 1 || images.dim(0) != labels.dim(0)) {
            throw new IllegalArgumentException(source + ": images of shape " + java.util.Arrays.toString(images.shape())
                    + " and labels of shape " + java.util.Arrays.toString(labels.shape())
                    + "; expected [n, rows, cols] and [n] with the same n (an IDX images file and its labels file)");
        }
        int n = labels.dim(0);
        int[] l = new int[n];
        int max = 0;
        for (int i = 0; i < n; i++) {
            l[i] = labels.unsigned(i);
            max = Math.max(max, l[i]);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c <= max; c++) {
            names.add(Integer.toString(c));
        }
        return new IdxImages(source, images.bytes(), l, images.dim(1), images.dim(2), List.copyOf(names));
    }

    /**
     * Reads an images file and its labels file (plain or gzipped), with core's bounded IDX reader.
     *
     * @param images the images file, {@code [n, rows, cols]}
     * @param labels the labels file, {@code [n]}
     * @return the set
     * @throws IOException when a file cannot be read or is malformed ({@code DataFormatException} names it)
     * @throws IllegalArgumentException when the two files do not belong together
     */
    public static IdxImages read(Path images, Path labels) throws IOException {
        return of(Idx.read(images, 3), Idx.read(labels, 1), images.toString());
    }

    /**
     * The training and test sets of an MNIST-format folder: {@code train-images-idx3-ubyte},
     * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte},
     * each plain or with {@code .gz} (the folder {@code aiaas train --dataset} reads).
     *
     * @param dir the folder
     * @return [train, test]
     * @throws FileNotFoundException when a file is missing, naming it and the fix
     * @throws IOException           when a file cannot be read or is malformed
     */
    public static List<IdxImages> mnist(Path dir) throws IOException {
        Path[] f = new Path[4];
        for (int i = 0; i < 4; i++) {
            String name = Mnist.FILE_NAMES.get(i);
            Path plain = dir.resolve(name);
            Path gz = dir.resolve(name + ".gz");
            f[i] = Files.isRegularFile(plain) ? plain : Files.isRegularFile(gz) ? gz : null;
            if (f[i] == null) {
                throw new FileNotFoundException(dir + " has no " + name + " (plain or .gz); expected the four files "
                        + Mnist.FILE_NAMES + " of an MNIST-format folder");
            }
        }
        return List.of(read(f[0], f[1]), read(f[2], f[3]));
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int label(int i) {
        Objects.checkIndex(i, labels.length);
        return labels[i];
    }

    /** {@return the images' height} */
    public int rows() {
        return rows;
    }

    /** {@return the images' width} */
    public int cols() {
        return cols;
    }

    /**
     * Example {@code i} as a {@code [1, rows, cols]} image, values {@code byte / 255}.
     *
     * @throws ImageLimitException when the image has more pixels than {@code limits} allows
     */
    @Override
    public Image read(int i, ImageLimits limits) throws ImageLimitException {
        Objects.checkIndex(i, labels.length);
        long area = (long) rows * cols;
        if (area > limits.maxPixels()) {
            throw new ImageLimitException(describe(i), rows + " x " + cols + " pixels, more than the limit of " + limits.maxPixels()
                    + "; raise ImageLimits.maxPixels", null);
        }
        int a = (int) area;
        float[] chw = new float[a];
        int at = i * a;
        for (int p = 0; p < a; p++) {
            chw[p] = (pixels[at + p] & 0xFF) / 255f;
        }
        return Image.of(1, rows, cols, chw);
    }

    @Override
    public String describe(int i) {
        return source + " #" + i;
    }
}
