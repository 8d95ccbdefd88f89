package dev.aiaas.core.metrics;

import dev.aiaas.core.math.Buf;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch of class scores read as rows of k classes, with the true class of each row: the one
 * reading of predictions and targets behind accuracy, top-k and the confusion counts, in the
 * trainer and in {@link Metric#compute}.
 *
 * <p>Rows: the B examples of scores {@code [B, k]}, or the B·T positions of sequence scores
 * {@code [B, T, k]} (position {@code p = b + B·t}). The scores are read column-major, as the
 * layers write them ('f' order: each class's rows are contiguous); other layouts are copied
 * to that order first (an allocation, so the trainer's buffers never take that path). Heap
 * scratch grows to the largest batch and is then reused: reading a batch allocates nothing.
 *
 * <p>The predicted class of a row is the first index of its largest score (NumPy's and
 * PyTorch's argmax): a tie goes to the smaller class index; a row with a NaN score predicts
 * no class (it is never a hit).
 */
final class ScoreRows {
    /** The scores, column-major: class c of row r at {@code c * rows + r}. */
    private Buf z;
    /** Rows in the current batch. */
    int rows;
    /** Classes per row. */
    int k;
    /** For sequence scores {@code [B, T, k]}: B and T; else B = rows and T = 0. */
    private int batch;
    private int steps;
    /** The true class of each row; {@link #SKIP} for a padding position. */
    int[] label = new int[0];
    /** The largest score of each row, after {@link #maxPass()}. */
    double[] max = new double[0];
    private double[] row = new double[0];
    private float[] tmp = new float[0];
    private INDArray scoresCopy;
    private INDArray targetsCopy;

    /** The label of a row that is not counted (a padding position of a sequence). */
    static final int SKIP = -1;

    /**
     * Takes a batch of scores: {@code [B, k]} or {@code [B, T, k]}.
     *
     * @throws IllegalArgumentException for another rank
     */
    void scores(INDArray predictions) {
        release();
        INDArray p = predictions;
        if (p.rank() == 3) {
            k = Math.toIntExact(p.size(2));
            rows = Math.toIntExact(p.size(0) * p.size(1));
            batch = (int) p.size(0);
            steps = (int) p.size(1);
        } else if (p.rank() == 2) {
            k = Math.toIntExact(p.size(1));
            rows = Math.toIntExact(p.size(0));
            batch = rows;
            steps = 0;
        } else {
            throw new IllegalArgumentException("predictions have shape " + Arrays.toString(p.shape())
                    + "; expected class scores [n, classes] or [B, T, classes]");
        }
        if (!columnMajor(p) || !floating(p)) {
            scoresCopy = copy(p, 'f');
            p = scoresCopy;
        }
        z = Buf.of(p);
        if (label.length < rows) {
            label = new int[rows];
            max = new double[rows];
            row = new double[rows];
            tmp = new float[rows];
        }
    }

    /**
     * Reads the true class of each row from {@code targets}, laid out as {@code kind} says: class
     * indices {@code [B]}/{@code [B, 1]}; one index per position {@code [B, T]} (padding
     * {@value Losses#PADDING} is skipped); or dense rows {@code [B, k]} (one-hot or
     * probabilities), whose class is the first index of the row's largest value.
     *
     * @throws IllegalArgumentException when the shape does not fit, or a label is not an
     *                                  integer in {@code [0, k)}
     */
    void labels(INDArray targets, Loss.TargetKind kind) {
        INDArray t = targets;
        if (!floating(t)) {
            targetsCopy = copy(t, t.ordering());
            t = targetsCopy;
        }
        switch (kind) {
            case CLASS_INDEX -> {
                if (!vector(t) || t.length() != rows) {
                    throw new IllegalArgumentException("targets have shape " + Arrays.toString(t.shape()) + "; expected " + rows
                            + " class indices [" + rows + "] or [" + rows + ", 1], or one-hot rows [" + rows + ", " + k + "]");
                }
                Buf b = Buf.of(t);
                for (int r = 0; r < rows; r++) {
                    label[r] = check(b.get(r), r, false);
                }
            }
            case CLASS_INDEX_PER_POSITION -> {
                if (steps == 0 || t.rank() != 2 || t.size(0) != batch || t.size(1) != steps) {
                    throw new IllegalArgumentException("targets have shape " + Arrays.toString(t.shape()) + "; expected one class "
                            + "index per position [B, T] = [" + batch + ", " + steps + "] for scores [B, T, classes]");
                }
                if (!Buf.contiguous(t)) {
                    t = replaceTargets(t);
                }
                Buf b = Buf.of(t);
                if (t.ordering() == 'f' || batch == 1 || steps == 1) {
                    for (int p = 0; p < rows; p++) {
                        label[p] = check(b.get(p), p, true);
                    }
                } else {
                    for (int p = 0; p < rows; p++) {
                        label[p] = check(b.get((p % batch) * steps + p / batch), p, true);
                    }
                }
            }
            case DENSE -> {
                if (t.rank() != 2 || t.size(0) != rows || t.size(1) != k) {
                    throw new IllegalArgumentException("targets have shape " + Arrays.toString(t.shape()) + "; expected rows ["
                            + rows + ", " + k + "] (one-hot or probabilities) like the scores, or class indices [" + rows + "]");
                }
                if (!Buf.contiguous(t)) {
                    t = replaceTargets(t);
                }
                Buf b = Buf.of(t);
                boolean f = t.ordering() == 'f' || rows == 1 || k == 1;
                int rs = f ? 1 : k;
                int cs = f ? rows : 1;
                for (int r = 0; r < rows; r++) {
                    int best = 0;
                    for (int c = 1; c < k; c++) {
                        if (b.get(r * rs + c * cs) > b.get(r * rs + best * cs)) {
                            best = c;
                        }
                    }
                    label[r] = best;
                }
            }
            default -> throw new IllegalStateException("unknown target kind " + kind);
        }
    }

    private int check(double v, int r, boolean padding) {
        int l = (int) v;
        if (padding && l == Losses.PADDING && v == l) {
            return SKIP;
        }
        if (l != v || l < 0 || l >= k) {
            throw new IllegalArgumentException("targets[" + r + "] = " + v + " is not a class index in [0, " + k + ")"
                    + (padding ? " or " + Losses.PADDING + " (padding)" : "") + ": the scores have " + k + " classes");
        }
        return l;
    }

    /** Fills {@link #max} with each row's largest score: one vectorisable pass per class. */
    void maxPass() {
        Arrays.fill(max, 0, rows, Double.NEGATIVE_INFINITY);
        for (int c = 0; c < k; c++) {
            z.get(c * rows, row, tmp, rows);
            for (int r = 0; r < rows; r++) {
                max[r] = Math.max(max[r], row[r]); // NaN propagates: such a row has no largest score
            }
        }
    }

    /** Row r's predicted class, or {@link #SKIP} when a score is NaN; after {@link #maxPass()}. */
    int predicted(int r) {
        double m = max[r];
        for (int c = 0; c < k; c++) {
            if (z.get(c * rows + r) == m) {
                return c;
            }
        }
        return SKIP;
    }

    /** Class c's score in row r. */
    double score(int r, int c) {
        return z.get(c * rows + r);
    }

    /** Copies class c's scores of every row into {@code dst} (at least {@link #rows} long). */
    void classScores(int c, double[] dst) {
        z.get(c * rows, dst, tmp, rows);
    }

    /** Frees the copies made for this batch, if any. */
    void release() {
        if (scoresCopy != null) {
            scoresCopy.close();
            scoresCopy = null;
        }
        if (targetsCopy != null) {
            targetsCopy.close();
            targetsCopy = null;
        }
        z = null;
    }

    /** Whether a is laid out column-major and dense (a row or column vector is, in either order). */
    static boolean columnMajor(INDArray a) {
        return (a.ordering() == 'f' || vector(a)) && Buf.contiguous(a);
    }

    /** A rank-1 array, or a matrix with one row or one column. */
    static boolean vector(INDArray a) {
        return a.rank() == 1 || (a.rank() == 2 && (a.size(0) == 1 || a.size(1) == 1));
    }

    /** A dense copy of a in {@code order}, float64 unless a is float32 or float64 already. */
    static INDArray copy(INDArray a, char order) {
        if (floating(a)) {
            return a.dup(order);
        }
        INDArray cast = a.castTo(DataType.DOUBLE);
        if (cast.ordering() == order && Buf.contiguous(cast)) {
            return cast;
        }
        INDArray d = cast.dup(order);
        cast.close();
        return d;
    }

    private INDArray replaceTargets(INDArray t) {
        INDArray c = copy(t, 'f');
        if (targetsCopy != null) {
            targetsCopy.close();
        }
        targetsCopy = c;
        return c;
    }

    static boolean floating(INDArray a) {
        return a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE;
    }
}
