package dev.aiaas.core.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking
 * Machine Learning Algorithms", arXiv:1708.07747, 2017): 28x28 grey images of 10 kinds of
 * clothing, MIT licence, Zalando SE.
 *
 * <p>{@link #embedded()} loads a stratified subset (6,000 training images, the first 600 of each
 * class; 1,000 test images, the first 100 of each class) from the class path, where the artifact
 * {@code dev.aiaas:aiaas-datasets} puts it (this jar does not carry it; see {@code README.md}
 * beside the files for how it was made). {@link #load(Path)} loads the full set from a directory,
 * for example {@code /usr/share/datasets/fashion-mnist} of Debian's {@code dataset-fashion-mnist}.
 */
public final class FashionMnist {

    /** The class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /**
     * The class-path folder of the embedded subset, in the form {@link Class#getResourceAsStream}
     * takes (a leading {@code /}); the files are in the artifact {@value #DATASETS_ARTIFACT}.
     */
    public static final String RESOURCE_DIR = "/dev/aiaas/datasets/fashion-mnist/";

    /** The Maven coordinates ({@code groupId:artifactId}) of the artifact that carries the subset. */
    public static final String DATASETS_ARTIFACT = "dev.aiaas:aiaas-datasets";

    /** Training images per class in the embedded subset. */
    public static final int EMBEDDED_TRAIN_PER_CLASS = 600;

    /** Test images per class in the embedded subset. */
    public static final int EMBEDDED_TEST_PER_CLASS = 100;

    private FashionMnist() {
    }

    /**
     * The embedded subset: train {@code [6000, 784]}, test {@code [1000, 784]}, pixels in
     * {@code [0, 1]}, classes balanced. Reads the class path only; about 0.3 s. Needs the artifact
     * {@code dev.aiaas:aiaas-datasets} on the class path.
     *
     * @return the training and test sets; the caller closes them
     * @throws MissingDataException when {@code aiaas-datasets} is not on the class path (the
     *                              message says which dependency to add)
     * @throws IOException          when the files are damaged
     */
    public static TrainTest embedded() throws IOException {
        return embedded(FashionMnist.class.getClassLoader());
    }

    /** {@link #embedded()} from the class path of {@code loader}. */
    static TrainTest embedded(ClassLoader loader) throws IOException {
        String dir = RESOURCE_DIR.substring(1);
        String first = dir + Mnist.FILE_NAMES.get(0) + ".gz";
        if (loader.getResource(first) == null) {
            throw new MissingDataException("the embedded Fashion-MNIST subset", first, DATASETS_ARTIFACT,
                    "or load the full set from a directory with FashionMnist.load(dir)");
        }
        return Mnist.load(name -> loader.getResourceAsStream(dir + name + ".gz"),
                name -> "classpath:" + RESOURCE_DIR + name + ".gz");
    }

    /**
     * The full set (or any MNIST-layout copy of it) from {@code dir}; see {@link Mnist#load(Path)}.
     *
     * @param dir the directory with the four MNIST files, plain or gzipped
     * @return the training and test sets; the caller closes them
     * @throws IOException when a file is missing or malformed
     */
    public static TrainTest load(Path dir) throws IOException {
        return Mnist.load(dir);
    }
}
