package dev.aiaas.core.data;

import dev.aiaas.core.backend.Backends;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One-hot encoding of integer class labels, and its inverse. */
public final class OneHot {

    private OneHot() {
    }

    /**
     * The one-hot matrix {@code Y [n, k]} of {@code labels}: {@code Y[i, labels[i]] = 1}, every
     * other element 0. A new c-order float array the caller owns.
     *
     * @param k the number of classes
     * @throws IllegalArgumentException when {@code k < 1} or a label is outside {@code [0, k)}
     */
    public static INDArray encode(int[] labels, int k) {
        Dataset.checkLabels(labels, k, labels.length);
        Backends.current();
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
     * @throws IllegalArgumentException when {@code scores} is not a matrix
     */
    public static int[] decode(INDArray scores) {
        if (scores.rank() != 2) {
            throw new IllegalArgumentException("scores has shape " + java.util.Arrays.toString(scores.shape())
                    + "; expected a matrix [n, k]. Reshape it to [n, k]");
        }
        return argmax(scores.toFloatMatrix());
    }

    /** The index of each row's largest value (the first such index on ties). */
    public static int[] argmax(float[][] scores) {
        int[] out = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            float[] row = scores[i];
            int best = 0;
            for (int j = 1; j < row.length; j++) {
                if (row[j] > row[best]) {
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
