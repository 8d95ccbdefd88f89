package dev.aiaas.core.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking
 * Machine Learning Algorithms", arXiv:1708.07747, 2017): 28x28 grey images of 10 kinds of
 * clothing, MIT licence, Zalando SE.
 *
 * <p>{@link #embedded()} loads a stratified subset shipped on the class path (6,000 training
 * images, the first 600 of each class; 1,000 test images, the first 100 of each class); see
 * {@code README.md} beside the files for how it was made. {@link #load(Path)} loads the full
 * set from a directory, for example {@code /usr/share/datasets/fashion-mnist} of Debian's
 * {@code dataset-fashion-mnist}.
 */
public final class FashionMnist {

    /** The class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The class-path folder of the embedded subset. */
    public static final String RESOURCE_DIR = "/dev/aiaas/core/data/fashion-mnist/";

    /** Training images per class in the embedded subset. */
    public static final int EMBEDDED_TRAIN_PER_CLASS = 600;

    /** Test images per class in the embedded subset. */
    public static final int EMBEDDED_TEST_PER_CLASS = 100;

    private FashionMnist() {
    }

    /**
     * The embedded subset: train {@code [6000, 784]}, test {@code [1000, 784]}, pixels in
     * {@code [0, 1]}, classes balanced. Reads the class path only; about 0.3 s.
     *
     * @throws IOException when the resources are missing from the class path or damaged
     */
    public static TrainTest embedded() throws IOException {
        return Mnist.load(name -> FashionMnist.class.getResourceAsStream(RESOURCE_DIR + name + ".gz"),
                name -> "classpath:" + RESOURCE_DIR + name + ".gz");
    }

    /** The full set (or any MNIST-layout copy of it) from {@code dir}; see {@link Mnist#load(Path)}. */
    public static TrainTest load(Path dir) throws IOException {
        return Mnist.load(dir);
    }
}
