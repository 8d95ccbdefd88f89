package dev.aiaas.core.data;

import dev.aiaas.core.math.MathOps;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.backend.NativeMemory;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One-hot encoding of integer class labels, and its inverse. */
public final class OneHot {

    private OneHot() {
    }

    /**
     * The one-hot matrix {@code Y [n, k]} of {@code labels}: {@code Y[i, labels[i]] = 1}, every
     * other element 0. A new c-order float array the caller owns.
     *
     * @param labels the class of each example, each in {@code [0, k)}
     * @param k the number of classes
     * @return {@code Y [labels.length, k]}
     * @throws IllegalArgumentException when {@code k < 1}, a label is outside {@code [0, k)}, or
     *                                  {@code n · k} exceeds {@code Integer.MAX_VALUE}
     * @throws dev.aiaas.core.backend.NativeMemoryException when the matrix would not fit in the
     *                                  native memory available
     */
    public static INDArray encode(int[] labels, int k) {
        Dataset.checkLabels(labels, k, labels.length);
        long values = (long) labels.length * k;
        if (values > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a one-hot matrix of " + labels.length + " labels and " + k + " classes holds "
                    + values + " values; at most " + Integer.MAX_VALUE + " fit. Use class indices "
                    + "(Losses.sparseSoftmaxCrossEntropy) instead of one-hot targets");
        }
        Backends.current();
        NativeMemory.require("a one-hot matrix [" + labels.length + ", " + k + "]", NativeMemory.bytes("a one-hot matrix", values, 4));
        INDArray y = Rows.matrix(labels.length, k, 'c');
        int[] identity = new int[labels.length];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        Rows.oneHot(labels, k, identity, 0, labels.length, Rows.host(y), 'c', null);
        return y;
    }

    /**
     * The class of each row of a score or one-hot matrix {@code [n, k]}: the index of the row's
     * largest value (the first such index on ties).
     *
     * @param scores the scores {@code [n, k]}
     * @return the class of each row, {@code [n]}
     * @throws IllegalArgumentException when {@code scores} is not a matrix
     */
    public static int[] decode(INDArray scores) {
        if (scores.rank() != 2) {
            throw new IllegalArgumentException("scores has shape " + java.util.Arrays.toString(scores.shape())
                    + "; expected a matrix [n, k]. Reshape it to [n, k]");
        }
        return argmax(scores.toFloatMatrix());
    }

    /**
     * The index of each row's largest value (the first such index on ties).
     *
     * @param scores the scores, one row per example
     * @return the class of each row
     */
    public static int[] argmax(float[][] scores) {
        int[] out = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = MathOps.argmax(scores[i]);
        }
        return out;
    }
}
