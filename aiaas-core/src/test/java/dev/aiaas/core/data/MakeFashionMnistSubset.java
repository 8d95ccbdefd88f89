package dev.aiaas.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes the embedded Fashion-MNIST subset from the full set (see the README beside the subset):
 * the first 600 training and the first 100 test images of each class, in file order, written as
 * gzipped IDX files. Pure Java (no ND4J), so it runs from the compiled classes:
 *
 * <pre>
 * apt-get install dataset-fashion-mnist
 * mvn -o -pl aiaas-core -am test-compile
 * java -cp aiaas-core/target/classes:aiaas-core/target/test-classes dev.aiaas.core.data.MakeFashionMnistSubset \
 *     /usr/share/datasets/fashion-mnist aiaas-datasets/src/main/resources/dev/aiaas/datasets/fashion-mnist
 * </pre>
 */
public final class MakeFashionMnistSubset {

    private MakeFashionMnistSubset() {
    }

    /** {@code args}: the directory of the full set, the output directory. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: MakeFashionMnistSubset <full-set dir> <output dir>");
        }
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        java.util.Map<String, IdxData> files = make(Path.of(args[0]));
        write(files, out);
        for (String name : files.keySet()) {
            System.out.println("wrote " + out.resolve(name) + " " + files.get(name));
        }
    }

    /** The four subset files by file name ({@code train-images-idx3-ubyte.gz} ...), in memory. */
    static java.util.Map<String, IdxData> make(Path fullSet) throws IOException {
        java.util.Map<String, IdxData> files = new java.util.LinkedHashMap<>();
        for (String split : List.of("train", "t10k")) {
            int perClass = split.equals("train") ? FashionMnist.EMBEDDED_TRAIN_PER_CLASS
                    : FashionMnist.EMBEDDED_TEST_PER_CLASS;
            IdxData images = Idx.read(fullSet.resolve(split + "-images-idx3-ubyte.gz"), 3);
            IdxData labels = Idx.read(fullSet.resolve(split + "-labels-idx1-ubyte.gz"), 1);
            int[] keep = Subsets.firstPerClass(labels, perClass, Mnist.NUM_CLASSES);
            files.put(split + "-images-idx3-ubyte.gz", images.select(keep));
            files.put(split + "-labels-idx1-ubyte.gz", labels.select(keep));
        }
        return files;
    }

    static void write(java.util.Map<String, IdxData> files, Path out) throws IOException {
        for (java.util.Map.Entry<String, IdxData> e : files.entrySet()) {
            Idx.write(e.getValue(), out.resolve(e.getKey()), true);
        }
    }
}
