package dev.aiaas.core.data;

import dev.aiaas.core.backend.Backends;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An immutable in-memory dataset of {@code n} examples: features {@code X [n, d]} (float32,
 * c-order) and either integer class labels {@code y[i]} in {@code [0, numClasses)} or float
 * targets {@code Y [n, k]} (regression, or one-hot / soft labels).
 *
 * <p>The factories copy what they are given, so later changes to the caller's arrays do not
 * reach the dataset. {@link #features()} and {@link #targets()} return the dataset's own arrays:
 * read them, do not modify them. The dataset owns its arrays; {@link #close()} frees them.
 *
 * <p>Mini-batches come from a {@link Batcher}; {@link #copyRows} is the copy it is built on, for
 * callers with their own buffers.
 */
public final class Dataset implements AutoCloseable {

    private final INDArray features;
    private final int n;
    private final int d;
    private final int[] labels;
    private final int numClasses;
    private final INDArray targets;

    private Dataset(INDArray features, int[] labels, int numClasses, INDArray targets) {
        this.features = features;
        this.n = (int) features.size(0);
        this.d = (int) features.size(1);
        this.labels = labels;
        this.numClasses = numClasses;
        this.targets = targets;
    }

    /**
     * A classification dataset.
     *
     * @param features   {@code [n, d]}, any numeric type (copied to float32, c-order)
     * @param labels     {@code n} class labels, each in {@code [0, numClasses)} (copied)
     * @param numClasses the number of classes {@code k >= 1}
     * @return the dataset, which the caller owns
     * @throws IllegalArgumentException on a shape mismatch or a label out of range
     */
    public static Dataset ofLabels(INDArray features, int[] labels, int numClasses) {
        Backends.current();
        int rows = checkFeatures(features);
        checkLabels(labels, numClasses, rows);
        return new Dataset(copy(features), labels.clone(), numClasses, null);
    }

    /**
     * A classification dataset whose labels are an integer-valued vector {@code [n]} or
     * {@code [n, 1]} of any numeric type.
     *
     * @param features   {@code [n, d]}, any numeric type (copied to float32, c-order)
     * @param labels     {@code [n]} or {@code [n, 1]} class indices in {@code [0, numClasses)}
     * @param numClasses the number of classes {@code k >= 1}
     * @return the dataset, which the caller owns
     * @throws IllegalArgumentException on a shape mismatch, a non-integer value or a label out of range
     */
    public static Dataset ofLabels(INDArray features, INDArray labels, int numClasses) {
        Backends.current();
        if (!(labels.rank() == 1 || (labels.rank() == 2 && labels.size(1) == 1))) {
            throw new IllegalArgumentException("labels has shape " + Arrays.toString(labels.shape())
                    + "; expected a vector [n] or [n, 1] of class indices. For a one-hot [n, k] matrix use "
                    + "ofTargets, or OneHot.decode(matrix) to get the indices");
        }
        double[] v = labels.reshape(labels.length()).toDoubleVector();
        int[] ints = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i])) {
                throw new IllegalArgumentException("labels[" + i + "] = " + v[i]
                        + " is not an integer; expected class indices 0 .. " + (numClasses - 1)
                        + ". For soft or regression targets use ofTargets");
            }
            ints[i] = (int) v[i];
        }
        return ofLabels(features, ints, numClasses);
    }

    /**
     * A dataset with float targets (regression, one-hot or soft labels).
     *
     * @param features {@code [n, d]} (copied to float32, c-order)
     * @param targets  {@code [n, k]}, or a vector {@code [n]} taken as {@code [n, 1]} (copied)
     * @return the dataset, which the caller owns
     * @throws IllegalArgumentException on a shape mismatch
     */
    public static Dataset ofTargets(INDArray features, INDArray targets) {
        Backends.current();
        int rows = checkFeatures(features);
        INDArray t = targets.rank() == 1 ? targets.reshape(targets.length(), 1) : targets;
        if (t.rank() != 2 || t.size(0) != rows || t.size(1) < 1) {
            throw new IllegalArgumentException("targets has shape " + Arrays.toString(targets.shape())
                    + "; expected [" + rows + ", k] (one row per example of features "
                    + Arrays.toString(features.shape()) + "). Pass one target row per feature row");
        }
        return new Dataset(copy(features), null, 0, copy(t));
    }

    /**
     * A classification dataset from plain Java arrays, with {@code max(y) + 1} classes.
     *
     * @param x {@code n} rows of {@code d} finite features each, {@code n, d >= 1} (copied)
     * @param y {@code n} class indices {@code >= 0} (copied)
     * @return the dataset, which the caller owns
     * @throws IllegalArgumentException naming the row: a ragged or null row, a NaN or infinite
     *                                  value, a negative label, or a length mismatch
     */
    public static Dataset of(float[][] x, int[] y) {
        Objects.requireNonNull(y, "y");
        int max = -1;
        for (int v : y) {
            max = Math.max(max, v);
        }
        return of(x, y, Math.max(1, max + 1));
    }

    /**
     * A classification dataset from plain Java arrays with {@code numClasses} classes (some may
     * have no example).
     *
     * @param x          {@code n} rows of {@code d} finite features each, {@code n, d >= 1} (copied)
     * @param y          {@code n} class indices in {@code [0, numClasses)} (copied)
     * @param numClasses the number of classes {@code k >= 1}
     * @return the dataset, which the caller owns
     * @throws IllegalArgumentException naming the row: a ragged or null row, a NaN or infinite
     *                                  value, a label out of range, or a length mismatch
     */
    public static Dataset of(float[][] x, int[] y, int numClasses) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length == 0) {
            throw new IllegalArgumentException("x has no rows; expected at least one example");
        }
        if (y.length != x.length) {
            throw new IllegalArgumentException("y has " + y.length + " labels and x " + x.length
                    + " rows; expected one label per row");
        }
        if (x[0] == null || x[0].length == 0) {
            throw new IllegalArgumentException("x[0] is " + (x[0] == null ? "null" : "empty")
                    + "; expected rows of at least one feature");
        }
        int d = x[0].length;
        float[] flat = new float[Math.multiplyExact(x.length, d)];
        for (int i = 0; i < x.length; i++) {
            float[] row = x[i];
            if (row == null || row.length != d) {
                throw new IllegalArgumentException("x[" + i + "] has " + (row == null ? "no array (null)" : row.length
                        + " features") + "; expected " + d + ", as x[0] has. Give every row the same features");
            }
            for (int j = 0; j < d; j++) {
                if (!Float.isFinite(row[j])) {
                    throw new IllegalArgumentException("x[" + i + "][" + j + "] = " + row[j]
                            + "; expected finite features. Fill in (impute) or drop row " + i);
                }
            }
            System.arraycopy(row, 0, flat, i * d, d);
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0) {
                throw new IllegalArgumentException("y[" + i + "] = " + y[i]
                        + "; expected a class index >= 0. Map the labels of row " + i + " to 0 .. k-1 (LabelEncoder)");
            }
        }
        checkLabels(y, numClasses, x.length);
        Backends.current();
        return new Dataset(Rows.matrix(flat, x.length, d), y.clone(), numClasses, null);
    }

    /** Takes arrays made in this package without copying (features a fresh c-order float [n, d]). */
    static Dataset wrapLabels(INDArray features, int[] labels, int numClasses) {
        checkLabels(labels, numClasses, (int) features.size(0));
        return new Dataset(features, labels, numClasses, null);
    }

    /** Takes arrays made in this package without copying. */
    static Dataset wrapTargets(INDArray features, INDArray targets) {
        return new Dataset(features, null, 0, targets);
    }

    /**
     * The number of examples.
     *
     * @return {@code n}
     */
    public int size() {
        return n;
    }

    /**
     * The number of features per example.
     *
     * @return {@code d}
     */
    public int featureCount() {
        return d;
    }

    /**
     * The width {@code k} of a target row: the number of classes for a labelled dataset (its
     * one-hot width), the column count of the float targets otherwise.
     *
     * @return {@code k}
     */
    public int targetCount() {
        return labels != null ? numClasses : (int) targets.size(1);
    }

    /**
     * Whether the targets are integer class labels.
     *
     * @return true for class labels, false for float targets
     */
    public boolean hasLabels() {
        return labels != null;
    }

    /**
     * The number of classes.
     *
     * @return {@code k}
     * @throws IllegalStateException for a dataset with float targets
     */
    public int numClasses() {
        requireLabels("numClasses()");
        return numClasses;
    }

    /**
     * A copy of the class labels.
     *
     * @return {@code n} class indices
     * @throws IllegalStateException for a dataset with float targets
     */
    public int[] labels() {
        requireLabels("labels()");
        return labels.clone();
    }

    /**
     * The class label of one example.
     *
     * @param i the example's index in {@code [0, n)}
     * @return its class index
     * @throws IllegalStateException for a dataset with float targets
     */
    public int label(int i) {
        requireLabels("label(i)");
        return labels[i];
    }

    /**
     * How many examples each class has.
     *
     * @return {@code counts[c]} for {@code c} in {@code [0, k)}
     * @throws IllegalStateException for a dataset with float targets
     */
    public int[] classCounts() {
        requireLabels("classCounts()");
        int[] counts = new int[numClasses];
        for (int y : labels) {
            counts[y]++;
        }
        return counts;
    }

    /**
     * The features: the dataset's own array; do not modify it.
     *
     * @return {@code [n, d]}, float32, c-order
     */
    public INDArray features() {
        requireOpen();
        return features;
    }

    /**
     * The float targets: the dataset's own array; do not modify it.
     *
     * @return {@code [n, k]}, c-order
     * @throws IllegalStateException for a labelled dataset (use {@link #labels()}, or
     *                               {@link OneHot#encode(int[], int)} for a one-hot matrix)
     */
    public INDArray targets() {
        requireOpen();
        if (labels != null) {
            throw new IllegalStateException("this dataset has integer class labels, not float targets; use labels(), "
                    + "or OneHot.encode(labels(), numClasses()) for a one-hot [n, k] matrix");
        }
        return targets;
    }

    /**
     * The examples at {@code indices}, in that order, as a new dataset (rows may repeat).
     *
     * @param indices example indices in {@code [0, n)}
     * @return the new dataset, which the caller owns
     * @throws IllegalArgumentException when an index is outside {@code [0, n)}
     */
    public Dataset subset(int[] indices) {
        requireOpen();
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= n) {
                throw new IllegalArgumentException("indices[" + i + "] = " + indices[i] + " is outside [0, " + n
                        + "); pass example indices of this " + n + "-example dataset");
            }
        }
        INDArray f = Rows.matrix(indices.length, d, 'c');
        Rows.gather(Rows.host(features), d, indices, 0, indices.length, Rows.host(f), 'c');
        if (labels != null) {
            int[] l = new int[indices.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = labels[indices[i]];
            }
            return new Dataset(f, l, numClasses, null);
        }
        int k = targetCount();
        INDArray t = Rows.matrix(indices.length, k, 'c');
        Rows.gather(Rows.host(targets), k, indices, 0, indices.length, Rows.host(t), 'c');
        return new Dataset(f, null, 0, t);
    }

    /**
     * The examples in the order of {@link Shuffle#permutation(int, long)}{@code (n, seed)}, as a new dataset.
     *
     * @param seed the permutation's seed
     * @return the new dataset, which the caller owns
     */
    public Dataset shuffled(long seed) {
        return subset(Shuffle.permutation(n, seed));
    }

    /**
     * Splits off a held-out part by {@link Shuffle#holdOut(int, double, long)}: the examples are
     * permuted with {@code seed} ({@link Shuffle#permutation(int, long)}); the first
     * {@code round(n * heldOutFraction)} go to {@link TrainTest#test()}, the rest to
     * {@link TrainTest#train()}, each in permuted order. Not stratified. The same seed gives the
     * same split.
     *
     * @param heldOutFraction in {@code (0, 1)}, for example 0.1 for a 10 % validation set
     * @param seed            the permutation's seed
     * @return the two parts, which the caller owns
     * @throws IllegalArgumentException when the fraction is outside {@code (0, 1)} or leaves
     *                                  either part empty
     */
    public TrainTest split(double heldOutFraction, long seed) {
        Shuffle.HoldOut parts = Shuffle.holdOut(n, heldOutFraction, seed);
        return new TrainTest(subset(parts.train()), subset(parts.heldOut()));
    }

    /**
     * Copies examples {@code order[from] .. order[from + count - 1]} into caller-provided buffers,
     * allocating nothing.
     *
     * @param order       example indices, e.g. a permutation of {@code [0, n)}
     * @param from        the first position in {@code order} to copy
     * @param count       how many examples to copy
     * @param featuresOut a fresh (not a view) float32 array {@code [count, d]}, c- or f-order
     * @param targetsOut  a fresh float32 array {@code [count, k]}, c- or f-order: one-hot rows
     *                    for a labelled dataset, target rows otherwise; or null to skip
     * @param labelsOut   receives the {@code count} labels of a labelled dataset; or null to skip
     * @throws IllegalArgumentException on a shape, type or range mismatch
     */
    public void copyRows(int[] order, int from, int count, INDArray featuresOut, INDArray targetsOut,
            int[] labelsOut) {
        requireOpen();
        Objects.requireNonNull(order, "order");
        if (from < 0 || count < 0 || from + count > order.length) {
            throw new IllegalArgumentException("rows [" + from + ", " + (from + count) + ") are outside order[0, "
                    + order.length + "); pass 0 <= from <= from + count <= order.length");
        }
        for (int i = from; i < from + count; i++) {
            if (order[i] < 0 || order[i] >= n) {
                throw new IllegalArgumentException("order[" + i + "] = " + order[i] + " is outside [0, " + n
                        + "); pass example indices of this " + n + "-example dataset");
            }
        }
        checkBuffer("featuresOut", featuresOut, count, d);
        Rows.gather(Rows.host(features), d, order, from, count, Rows.host(featuresOut), featuresOut.ordering());
        if (labelsOut != null) {
            requireLabels("copyRows(..., labelsOut)");
            if (labelsOut.length < count) {
                throw new IllegalArgumentException("labelsOut has length " + labelsOut.length + "; expected at least "
                        + count + ". Pass an int[" + count + "]");
            }
        }
        if (targetsOut != null || labelsOut != null) {
            int k = targetCount();
            if (targetsOut != null) {
                checkBuffer("targetsOut", targetsOut, count, k);
            }
            if (labels != null) {
                if (targetsOut != null) {
                    Rows.oneHot(labels, k, order, from, count, Rows.host(targetsOut), targetsOut.ordering(), labelsOut);
                } else {
                    for (int r = 0; r < count; r++) {
                        labelsOut[r] = labels[order[from + r]];
                    }
                }
            } else {
                Rows.gather(Rows.host(targets), k, order, from, count, Rows.host(targetsOut), targetsOut.ordering());
            }
        }
    }

    /** Frees the dataset's arrays; later use throws {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        closeArray(features);
        if (targets != null) {
            closeArray(targets);
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return features.wasClosed();
    }

    /** For example {@code Dataset[n=6000, d=784, labels, k=10]}. */
    @Override
    public String toString() {
        return "Dataset[n=" + n + ", d=" + d + (labels != null ? ", labels, k=" + numClasses
                : ", float targets, k=" + targetCount()) + "]";
    }

    static void closeArray(INDArray a) {
        if (!a.wasClosed() && a.closeable()) {
            a.close();
        }
    }

    private void requireOpen() {
        if (features.wasClosed()) {
            throw new IllegalStateException("this dataset was closed; load or build it again");
        }
    }

    private void requireLabels(String what) {
        if (labels == null) {
            throw new IllegalStateException(what + " needs integer class labels, but this dataset has float targets "
                    + Arrays.toString(targets.shape()) + "; use targets(), or build it with Dataset.ofLabels");
        }
    }

    private static int checkFeatures(INDArray features) {
        Objects.requireNonNull(features, "features");
        if (features.rank() != 2 || features.size(0) < 1 || features.size(1) < 1) {
            throw new IllegalArgumentException("features has shape " + Arrays.toString(features.shape())
                    + "; expected a matrix [n, d] with n, d >= 1. Flatten images to [n, rows * cols]");
        }
        return (int) features.size(0);
    }

    static void checkLabels(int[] labels, int numClasses, int rows) {
        Objects.requireNonNull(labels, "labels");
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses=" + numClasses + "; expected at least 1");
        }
        if (labels.length != rows) {
            throw new IllegalArgumentException("labels has length " + labels.length + "; expected " + rows
                    + ", one per feature row");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is outside [0, " + numClasses
                        + "); pass numClasses > " + labels[i] + " or fix the label");
            }
        }
    }

    private static void checkBuffer(String name, INDArray buf, int rows, int cols) {
        Objects.requireNonNull(buf, name);
        if (buf.rank() != 2 || buf.size(0) != rows || buf.size(1) != cols) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(buf.shape()) + "; expected ["
                    + rows + ", " + cols + "]. Allocate it with Nd4j.create(DataType.FLOAT, new long[] {" + rows
                    + ", " + cols + "}, 'c' or 'f')");
        }
        if (buf.ordering() != 'c' && buf.ordering() != 'f') {
            throw new IllegalArgumentException(name + " has ordering '" + buf.ordering() + "'; expected 'c' or 'f'");
        }
    }

    private static INDArray copy(INDArray a) {
        INDArray out = Rows.matrix((int) a.size(0), (int) a.size(1), 'c');
        if (a.dataType() == DataType.FLOAT) {
            out.assign(a);
        } else {
            try (INDArray f = a.castTo(DataType.FLOAT)) {
                out.assign(f);
            }
        }
        return out;
    }

    /** The host buffer of the features, for the batcher. */
    FloatBuffer featureHost() {
        requireOpen();
        return Rows.host(features);
    }
}
