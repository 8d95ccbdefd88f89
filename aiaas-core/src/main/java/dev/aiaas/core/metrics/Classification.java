package dev.aiaas.core.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * Classification metrics on plain arrays, computed exactly in double precision. Arguments are
 * predictions first, then targets; class labels are integers in {@code [0, k)}.
 */
public final class Classification {

    private Classification() {
    }

    /**
     * Accuracy: the fraction of {@code i} with {@code predictions[i] == targets[i]}.
     *
     * @param predictions the predictions
     * @param targets the true values
     * @return the accuracy, in [0, 1]
     * @throws IllegalArgumentException on a length mismatch or no examples
     */
    public static double accuracy(int[] predictions, int[] targets) {
        checkPair(predictions, targets);
        int hit = 0;
        for (int i = 0; i < targets.length; i++) {
            if (predictions[i] == targets[i]) {
                hit++;
            }
        }
        return (double) hit / targets.length;
    }

    /**
     * Top-k accuracy: the fraction of examples whose target class is among the {@code k}
     * highest scores of its row. Ties are broken as a stable descending sort would: the target's
     * rank is the number of classes with a higher score plus those with an equal score and a
     * lower index; a hit is rank {@code < k}.
     *
     * @param scores  {@code [n, classes]}, any monotone scores (logits or probabilities)
     * @param targets {@code n} labels in {@code [0, classes)}
     * @param k       {@code >= 1}; {@code k >= classes} gives 1
     * @return the top-k accuracy, in [0, 1]
     * @throws IllegalArgumentException on a shape mismatch, {@code k < 1} or a label out of range
     */
    public static double topKAccuracy(float[][] scores, int[] targets, int k) {
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(targets, "targets");
        if (k < 1) {
            throw new IllegalArgumentException("k=" + k + "; expected k >= 1 (k = 1 is plain accuracy)");
        }
        if (scores.length != targets.length || targets.length == 0) {
            throw new IllegalArgumentException("scores has " + scores.length + " rows and targets " + targets.length
                    + " labels; expected the same number, at least 1");
        }
        int hit = 0;
        for (int i = 0; i < targets.length; i++) {
            float[] row = scores[i];
            int t = targets[i];
            checkLabel("targets", i, t, row.length);
            float s = row[t];
            int rank = 0;
            for (int c = 0; c < row.length; c++) {
                if (row[c] > s || (row[c] == s && c < t)) {
                    rank++;
                }
            }
            if (rank < k) {
                hit++;
            }
        }
        return (double) hit / targets.length;
    }

    /**
     * Binary ROC-AUC by the Mann-Whitney U statistic: with the scores ranked 1..n ascending, tied
     * scores sharing their average rank,
     * {@code AUC = (sum of positive ranks - P (P + 1) / 2) / (P N)} for {@code P} positives and
     * {@code N} negatives: the probability that a random positive scores above a random negative,
     * ties counting one half. (Hanley and McNeil, Radiology 143, 1982.)
     *
     * @param scores  higher means more likely positive; finite
     * @param targets 1 for positive, 0 for negative
     * @return the AUC, in [0, 1]
     * @throws IllegalArgumentException on a length mismatch, a target other than 0/1, a
     *                                  non-finite score, or only one class present
     */
    public static double rocAuc(double[] scores, int[] targets) {
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(targets, "targets");
        int n = targets.length;
        if (scores.length != n) {
            throw new IllegalArgumentException("scores has length " + scores.length + " and targets " + n
                    + "; expected equal lengths");
        }
        long pos = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] != 0 && targets[i] != 1) {
                throw new IllegalArgumentException("targets[" + i + "] = " + targets[i]
                        + "; ROC-AUC is binary, expected 0 (negative) or 1 (positive)");
            }
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException("scores[" + i + "] = " + scores[i] + "; expected a finite score");
            }
            pos += targets[i];
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            throw new IllegalArgumentException("ROC-AUC needs both classes; got " + pos + " positives and " + neg
                    + " negatives. Evaluate on data with both classes");
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(scores[a], scores[b]));
        double positiveRankSum = 0;
        for (int i = 0; i < n;) {
            int j = i;
            while (j + 1 < n && scores[idx[j + 1]] == scores[idx[i]]) {
                j++;
            }
            double avgRank = (i + 1 + j + 1) / 2.0; // ranks i+1 .. j+1 share their mean
            for (int m = i; m <= j; m++) {
                if (targets[idx[m]] == 1) {
                    positiveRankSum += avgRank;
                }
            }
            i = j + 1;
        }
        return (positiveRankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * {@link #rocAuc(double[], int[])} for float scores.
     *
     * @param scores the scores
     * @param targets the true values
     * @return the AUC, in [0, 1]
     */
    public static double rocAuc(float[] scores, int[] targets) {
        double[] d = new double[scores.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = scores[i];
        }
        return rocAuc(d, targets);
    }

    static void checkPair(int[] predictions, int[] targets) {
        Objects.requireNonNull(predictions, "predictions");
        Objects.requireNonNull(targets, "targets");
        if (predictions.length != targets.length || targets.length == 0) {
            throw new IllegalArgumentException("predictions has length " + predictions.length + " and targets "
                    + targets.length + "; expected equal lengths of at least 1");
        }
    }

    static void checkLabel(String what, int i, int label, int k) {
        if (label < 0 || label >= k) {
            throw new IllegalArgumentException(what + "[" + i + "] = " + label + " is outside [0, " + k
                    + "); expected class labels of the " + k + " classes");
        }
    }
}
