package dev.aiaas.datasets;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The files of this artifact and where they lie on the class path. {@code aiaas-core}'s
 * {@code FashionMnist.embedded()} and {@code aiaas-nlp}'s {@code Corpora} read them by these
 * names without depending on this artifact at compile time, so that the library jars stay small
 * and this one is added only by applications that want the demo data.
 *
 * <p>Licences: the Fashion-MNIST subset is MIT-licensed (Zalando SE; the full text is
 * {@code LICENSE} beside the files); the Moby-Dick text and Fisher's Iris data are in the public
 * domain. Provenance and
 * checksums are in the {@code README.md} beside each set, and a summary in
 * {@code META-INF/NOTICE}.
 */
public final class EmbeddedDatasets {

    /** The Maven coordinates of this artifact ({@code groupId:artifactId}), for error messages. */
    public static final String ARTIFACT = "dev.aiaas:aiaas-datasets";

    /**
     * The class-path folder of the Fashion-MNIST subset (6,000 training images, the first 600 of
     * each class; 1,000 test images, the first 100 of each class): gzipped IDX files named as in
     * {@link #FASHION_MNIST_FILES}.
     */
    public static final String FASHION_MNIST = "dev/aiaas/datasets/fashion-mnist/";

    /** The files in {@link #FASHION_MNIST}, in the MNIST layout (gzipped IDX). */
    public static final List<String> FASHION_MNIST_FILES = List.of("train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    /**
     * The class-path folder of Moby-Dick, tokenized one sentence per line (gzipped UTF-8): the
     * files named in {@link #MOBY_DICK_FILES}, chapters 1-120 to train on and 121-135 to test on.
     */
    public static final String MOBY_DICK = "dev/aiaas/datasets/moby-dick/";

    /** The files in {@link #MOBY_DICK}: the training part, then the test part. */
    public static final List<String> MOBY_DICK_FILES = List.of("moby-train.txt.gz", "moby-test.txt.gz");

    /**
     * The class-path folder of Fisher's Iris data (1936), a small demo table for
     * {@code aiaas train --csv} and the table API: the file named in {@link #IRIS_FILES}, plain CSV
     * with a header line ({@code sepal_length,sepal_width,petal_length,petal_width,species}) and
     * 150 rows, 50 per species.
     */
    public static final String IRIS = "dev/aiaas/datasets/iris/";

    /** The files in {@link #IRIS}: the table, plain CSV (not gzipped). */
    public static final List<String> IRIS_FILES = List.of("iris.csv");

    /**
     * The class-path folder of a small demo photo for the image API and {@code aiaas quickstart}:
     * the file named in {@link #PHOTOS_FILES}, a 320 x 240 RGB JPEG of a dog beside a bicycle (from
     * Darknet's example images, MIT).
     */
    public static final String PHOTOS = "dev/aiaas/datasets/photos/";

    /** The files in {@link #PHOTOS}: the photo, a JPEG. */
    public static final List<String> PHOTOS_FILES = List.of("dog.jpg");

    private EmbeddedDatasets() {
    }

    /**
     * Opens one of this artifact's files as it is stored (gzip-compressed, but for the Iris
     * table).
     *
     * @param resource the class-path name, a folder constant followed by a file name, for example
     *                 {@code FASHION_MNIST + "train-labels-idx1-ubyte.gz"}
     * @return a new stream of the compressed bytes; the caller closes it
     * @throws FileNotFoundException when no such file is on the class path (the message names it)
     * @throws IOException           when the class path cannot be read
     */
    public static InputStream open(String resource) throws IOException {
        InputStream in = EmbeddedDatasets.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new FileNotFoundException("no class-path file '" + resource + "' in " + ARTIFACT
                    + "; its files are " + FASHION_MNIST + FASHION_MNIST_FILES + ", " + MOBY_DICK + MOBY_DICK_FILES + ", "
                    + IRIS + IRIS_FILES + " and " + PHOTOS + PHOTOS_FILES);
        }
        return in;
    }
}
