package dev.aiaas.core.data;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.backend.NativeMemory;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Loads the four-file MNIST layout (MNIST, Fashion-MNIST, KMNIST...):
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}
 * and {@code t10k-labels-idx1-ubyte}, each plain or with a {@code .gz} suffix (the content, not
 * the suffix, decides whether it is decompressed).
 *
 * <p>Images {@code [n, rows, cols]} become features {@code [n, rows * cols]} (row-major
 * flattening, float32, pixel / 255 so in {@code [0, 1]}); labels become class labels in
 * {@code [0, 10)}.
 */
public final class Mnist {

    /** The number of classes of the MNIST family. */
    public static final int NUM_CLASSES = 10;

    /** The four base names, in the order train images, train labels, test images, test labels. */
    public static final List<String> FILE_NAMES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private Mnist() {
    }

    /** Opens a named file, or returns null when it does not exist. */
    @FunctionalInterface
    interface Opener {
        InputStream open(String name) throws IOException;
    }

    /**
     * Loads train and test splits from {@code dir}.
     *
     * @param dir the directory with the four files, each plain or gzipped ({@code train-images-idx3-ubyte[.gz]} ...)
     * @return the training and test sets; the caller closes them
     * @throws FileNotFoundException when a file is missing (the message lists the files expected
     *                               and those found in {@code dir})
     * @throws DataFormatException   when a file is malformed, or image and label counts differ
     */
    public static TrainTest load(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : FILE_NAMES) {
            Path plain = dir.resolve(name);
            Path gz = dir.resolve(name + ".gz");
            if (Files.isRegularFile(plain)) {
                files.add(plain);
            } else if (Files.isRegularFile(gz)) {
                files.add(gz);
            } else {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new FileNotFoundException("MNIST-style data in " + dir + " is incomplete: missing " + missing
                    + " (plain or .gz). Expected the four files " + FILE_NAMES + " (each plain or .gz); found "
                    + listing(dir) + ". Fix: put the four files in that directory");
        }
        return load(name -> Files.newInputStream(files.get(FILE_NAMES.indexOf(name))),
                name -> files.get(FILE_NAMES.indexOf(name)).toString());
    }

    /** Loads the four files through {@code opener}; {@code describe} names a file in messages. */
    static TrainTest load(Opener opener, java.util.function.UnaryOperator<String> describe) throws IOException {
        IdxData trainImages = read(opener, describe, FILE_NAMES.get(0), 3);
        IdxData trainLabels = read(opener, describe, FILE_NAMES.get(1), 1);
        IdxData testImages = read(opener, describe, FILE_NAMES.get(2), 3);
        IdxData testLabels = read(opener, describe, FILE_NAMES.get(3), 1);
        if (testImages.dim(1) != trainImages.dim(1) || testImages.dim(2) != trainImages.dim(2)) {
            throw new DataFormatException(describe.apply(FILE_NAMES.get(2)), "byte offset 8 (image size)",
                    testImages.dim(1) + "x" + testImages.dim(2) + " images",
                    trainImages.dim(1) + "x" + trainImages.dim(2) + " as in the training images",
                    "use the test files of the same dataset as the training files");
        }
        Dataset train = toDataset(trainImages, trainLabels, describe.apply(FILE_NAMES.get(0)),
                describe.apply(FILE_NAMES.get(1)));
        Dataset test = toDataset(testImages, testLabels, describe.apply(FILE_NAMES.get(2)),
                describe.apply(FILE_NAMES.get(3)));
        return new TrainTest(train, test);
    }

    /**
     * Turns an images file {@code [n, rows, cols]} and a labels file {@code [n]} into a dataset
     * with features {@code [n, rows * cols]} = pixel / 255 and labels in {@code [0, 10)}.
     *
     * @param images the images, unsigned bytes {@code [n, rows, cols]}
     * @param labels the labels, unsigned bytes {@code [n]}
     * @param imagesSource names the images in messages
     * @param labelsSource names the labels in messages
     * @return a new dataset; the caller closes it
     * @throws DataFormatException when the counts differ or a label is 10 or more
     */
    public static Dataset toDataset(IdxData images, IdxData labels, String imagesSource, String labelsSource)
            throws DataFormatException {
        if (images.rank() != 3) {
            throw new DataFormatException(imagesSource, "byte offset 3 (dimension count)",
                    Integer.toString(images.rank()), "3 ([n, rows, cols])", "pass an idx3 images file");
        }
        if (labels.rank() != 1) {
            throw new DataFormatException(labelsSource, "byte offset 3 (dimension count)",
                    Integer.toString(labels.rank()), "1 ([n])", "pass an idx1 labels file");
        }
        if (labels.count() != images.count()) {
            throw new DataFormatException(labelsSource, "byte offset 4 (label count)", labels.count() + " labels",
                    images.count() + ", one per image of " + imagesSource,
                    "use the labels file that belongs to the images file");
        }
        int[] y = new int[labels.count()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.unsigned(i);
            if (y[i] >= NUM_CLASSES) {
                throw new DataFormatException(labelsSource, "byte offset " + (8 + i) + " (label " + i + ")",
                        Integer.toString(y[i]), "a class from 0 to " + (NUM_CLASSES - 1),
                        "this is not an MNIST-family labels file, or it is damaged");
            }
        }
        Backends.current();
        NativeMemory.require("the features of " + imagesSource + " (" + images.count() + " x " + images.itemSize()
                + " float32)", NativeMemory.bytes("the features of " + imagesSource, images.length(), 4));
        INDArray x = Rows.matrix(images.count(), images.itemSize(), 'c');
        FloatBuffer host = Rows.host(x);
        byte[] raw = images.raw();
        for (int i = 0; i < raw.length; i++) {
            host.put(i, (raw[i] & 0xFF) / 255f); // as pixels(images), without a float[] copy on the heap
        }
        return Dataset.wrapLabels(x, y, NUM_CLASSES);
    }

    /**
     * The elements of an images file as the features this class makes of them: each unsigned byte
     * divided by 255, so in {@code [0, 1]}, in row-major order ({@code itemSize()} values per
     * image, image after image). Use it to feed a model trained on MNIST-format data new images
     * scaled as its training images were.
     *
     * @param images the images, unsigned bytes, any shape {@code [n, ...]}
     * @return a new array of {@code images.length()} values in {@code [0, 1]}
     */
    public static float[] pixels(IdxData images) {
        byte[] raw = images.raw();
        float[] pixels = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            pixels[i] = (raw[i] & 0xFF) / 255f;
        }
        return pixels;
    }

    private static IdxData read(Opener opener, java.util.function.UnaryOperator<String> describe, String name,
            int rank) throws IOException {
        try (InputStream in = opener.open(name)) {
            if (in == null) {
                throw new FileNotFoundException(describe.apply(name) + " not found; expected the four files "
                        + FILE_NAMES + " (each plain or .gz)");
            }
            return Idx.read(in, describe.apply(name), rank);
        }
    }

    private static String listing(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "no such directory";
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            return names.isEmpty() ? "an empty directory" : names.toString();
        } catch (IOException e) {
            return "a directory that cannot be listed (" + e.getMessage() + ")";
        }
    }
}
