package dev.aiaas.cli;

import dev.aiaas.core.data.FashionMnist;
import dev.aiaas.core.data.Mnist;
import dev.aiaas.core.data.TrainTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Loads the {@code --dataset} of {@code train} and {@code eval}: a folder of MNIST-format IDX files, or the embedded subset. */
final class DatasetOption {
    private DatasetOption() {
    }

    /** What {@code --dataset} names, for messages and provenance. */
    static String describe(Path dir) {
        return dir == null ? "embedded Fashion-MNIST subset (6,000 train / 1,000 test)" : dir.toString();
    }

    /**
     * Loads train and test splits from {@code dir} (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
     * t10k-... likewise), or the embedded Fashion-MNIST subset when {@code dir} is null.
     */
    static TrainTest load(CommandLine cl, Path dir) throws CommandFailedException {
        if (dir != null && !Files.isDirectory(dir)) {
            throw new ParameterException(cl, "--dataset: " + dir.toAbsolutePath() + " is not a folder; give the folder holding "
                    + "train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]");
        }
        try {
            return dir == null ? FashionMnist.embedded() : Mnist.load(dir);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read the dataset: " + e.getMessage(), e);
        }
    }
}
