package dev.aiaas.core.metrics;

import java.util.List;

/**
 * Counts of (target, predicted) class pairs: {@code count(t, p)} is the number of examples of
 * class {@code t} predicted as {@code p}; rows are targets, columns predictions. Immutable.
 *
 * <p>For class {@code c}: {@code TP = count(c, c)}, {@code FP = column sum - TP},
 * {@code FN = row sum - TP}; precision {@code TP / (TP + FP)}, recall {@code TP / (TP + FN)},
 * F1 {@code 2 P R / (P + R)}. A ratio whose denominator is 0 is 0 (as scikit-learn's
 * {@code zero_division=0}).
 */
public final class ConfusionMatrix {

    private final int[][] counts;
    private final int k;

    private ConfusionMatrix(int[][] counts) {
        this.counts = counts;
        this.k = counts.length;
    }

    /**
     * Counts the pairs {@code (targets[i], predictions[i])}.
     *
     * @param predictions the predictions
     * @param targets the true values
     * @return the matrix
     * @param numClasses {@code k >= 1}; every label must lie in {@code [0, k)}
     * @throws IllegalArgumentException on a length mismatch or a label out of range
     */
    public static ConfusionMatrix of(int[] predictions, int[] targets, int numClasses) {
        Classification.checkPair(predictions, targets);
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses=" + numClasses + "; expected at least 1");
        }
        int[][] c = new int[numClasses][numClasses];
        for (int i = 0; i < targets.length; i++) {
            Classification.checkLabel("targets", i, targets[i], numClasses);
            Classification.checkLabel("predictions", i, predictions[i], numClasses);
            c[targets[i]][predictions[i]]++;
        }
        return new ConfusionMatrix(c);
    }

    /** A matrix of these counts (copied), as the streaming accumulator collects them. */
    static ConfusionMatrix ofCounts(int[][] counts) {
        int[][] c = new int[counts.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts[i].clone();
        }
        return new ConfusionMatrix(c);
    }

    /**
     * The number of classes {@code k}.
     *
     * @return the number of classes {@code k}
     */
    public int numClasses() {
        return k;
    }

    /**
     * Examples of class {@code target} predicted as {@code predicted}.
     *
     * @param target the true class
     * @param predicted the predicted class
     * @return the count
     */
    public int count(int target, int predicted) {
        return counts[target][predicted];
    }

    /**
     * All examples.
     *
     * @return all examples
     */
    public int total() {
        int s = 0;
        for (int[] row : counts) {
            for (int v : row) {
                s += v;
            }
        }
        return s;
    }

    /**
     * Correctly classified examples: the trace.
     *
     * @return correctly classified examples: the trace
     */
    public int correct() {
        int s = 0;
        for (int c = 0; c < k; c++) {
            s += counts[c][c];
        }
        return s;
    }

    /**
     * {@code correct() / total()}; 0 for no examples.
     *
     * @return {@code correct() / total()}; 0 for no examples
     */
    public double accuracy() {
        int t = total();
        return t == 0 ? 0 : (double) correct() / t;
    }

    /**
     * Examples of class {@code c}: the row sum (TP + FN).
     *
     * @param c a class index in {@code [0, k)}
     * @return the row sum
     */
    public int support(int c) {
        int s = 0;
        for (int p = 0; p < k; p++) {
            s += counts[c][p];
        }
        return s;
    }

    /**
     * Examples predicted as {@code c}: the column sum (TP + FP).
     *
     * @param c a class index in {@code [0, k)}
     * @return the column sum
     */
    public int predictedCount(int c) {
        int s = 0;
        for (int t = 0; t < k; t++) {
            s += counts[t][c];
        }
        return s;
    }

    /**
     * Precision of class {@code c}: {@code TP / (TP + FP)}, 0 when nothing was predicted as {@code c}.
     *
     * @param c a class index in {@code [0, k)}
     * @return class c's precision
     */
    public double precision(int c) {
        return ratio(counts[c][c], predictedCount(c));
    }

    /**
     * Recall of class {@code c}: {@code TP / (TP + FN)}, 0 when {@code c} has no examples.
     *
     * @param c a class index in {@code [0, k)}
     * @return class c's recall
     */
    public double recall(int c) {
        return ratio(counts[c][c], support(c));
    }

    /**
     * F1 of class {@code c}: {@code 2 TP / (2 TP + FP + FN)} (= {@code 2 P R / (P + R)}), 0 when undefined.
     *
     * @param c a class index in {@code [0, k)}
     * @return class c's F1
     */
    public double f1(int c) {
        return ratio(2L * counts[c][c], support(c) + predictedCount(c));
    }

    /**
     * Precision averaged as {@code average} says.
     *
     * @param average how the per-class values are combined
     * @return the averaged precision
     */
    public double precision(Average average) {
        return average == Average.MICRO ? accuracyOrZero() : macro(0);
    }

    /**
     * Recall averaged as {@code average} says.
     *
     * @param average how the per-class values are combined
     * @return the averaged recall
     */
    public double recall(Average average) {
        return average == Average.MICRO ? accuracyOrZero() : macro(1);
    }

    /**
     * F1 averaged as {@code average} says: macro is the mean of the per-class F1 (not the F1 of
     * macro precision and recall).
     *
     * @param average how the per-class values are combined
     * @return the averaged F1
     */
    public double f1(Average average) {
        return average == Average.MICRO ? accuracyOrZero() : macro(2);
    }

    private double accuracyOrZero() {
        // micro: sum TP / sum (TP + FP) = correct / total, as every example has one prediction
        return accuracy();
    }

    private double macro(int which) {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < k; c++) {
            if (support(c) == 0 && predictedCount(c) == 0) {
                continue;
            }
            present++;
            sum += which == 0 ? precision(c) : which == 1 ? recall(c) : f1(c);
        }
        return present == 0 ? 0 : sum / present;
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0 : (double) num / den;
    }

    /** The table with class indices as names; rows are targets, columns predictions. */
    @Override
    public String toString() {
        String[] names = new String[k];
        for (int c = 0; c < k; c++) {
            names[c] = Integer.toString(c);
        }
        return table(List.of(names));
    }

    /**
     * The table with class names, for example:
     * <pre>
     * target \ predicted  cat  dog
     *                cat    2    1
     *                dog    0    3
     * </pre>
     *
     * @param classNames one name per class
     * @return the table
     * @throws IllegalArgumentException when there is not one name per class
     */
    public String toString(List<String> classNames) {
        if (classNames.size() != k) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + k
                    + " classes; pass one name per class");
        }
        return table(classNames);
    }

    private String table(List<String> names) {
        String corner = "target \\ predicted";
        int w = corner.length();
        for (String s : names) {
            w = Math.max(w, s.length());
        }
        int cell = 1;
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                cell = Math.max(cell, Integer.toString(counts[t][p]).length());
            }
        }
        for (String s : names) {
            cell = Math.max(cell, s.length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%" + w + "s", corner));
        for (String s : names) {
            sb.append("  ").append(String.format("%" + cell + "s", s));
        }
        sb.append('\n');
        for (int t = 0; t < k; t++) {
            sb.append(String.format("%" + w + "s", names.get(t)));
            for (int p = 0; p < k; p++) {
                sb.append("  ").append(String.format("%" + cell + "d", counts[t][p]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
