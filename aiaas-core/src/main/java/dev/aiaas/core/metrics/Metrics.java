package dev.aiaas.core.metrics;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The catalogue of {@link Metric}s. Each factory returns a small immutable object; the
 * computations are those of {@link Classification}, {@link ConfusionMatrix} and {@link Regression}.
 *
 * <pre>{@code
 * for (Metric m : List.of(Metrics.accuracy(), Metrics.topK(5), Metrics.f1(Average.MACRO))) {
 *     System.out.println(m.name() + " = " + m.compute(scores, labels));
 * }
 * }</pre>
 */
public final class Metrics {

    private Metrics() {
    }

    /** A metric from a name, a direction and a function. */
    private record Simple(String name, boolean higherIsBetter, Computation f) implements Metric {
        @Override
        public double compute(INDArray predictions, INDArray targets) {
            return f.compute(predictions, targets);
        }
    }

    @FunctionalInterface
    private interface Computation {
        double compute(INDArray predictions, INDArray targets);
    }

    /** Accuracy: the fraction of examples whose predicted class is the target class. */
    public static Metric accuracy() {
        return new Simple("accuracy", true, (p, t) -> Classification.accuracy(classes(p, "predictions"),
                classes(t, "targets")));
    }

    /**
     * Top-k accuracy ({@link Classification#topKAccuracy}); predictions must be scores {@code [n, classes]}.
     *
     * @throws IllegalArgumentException when {@code k < 1}
     */
    public static Metric topK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k=" + k + "; expected k >= 1, e.g. Metrics.topK(5)");
        }
        return new Simple("top" + k + "_accuracy", true, (p, t) -> {
            if (p.rank() != 2) {
                throw new IllegalArgumentException("top-" + k + " accuracy needs scores [n, classes]; got predictions "
                        + Arrays.toString(p.shape()) + ". Pass the model's scores, not predicted classes");
            }
            return Classification.topKAccuracy(p.toFloatMatrix(), classes(t, "targets"), k);
        });
    }

    /** Precision, averaged as {@code average} says ({@link ConfusionMatrix#precision(Average)}). */
    public static Metric precision(Average average) {
        return confusion("precision", average, (cm, a) -> cm.precision(a));
    }

    /** Recall, averaged as {@code average} says ({@link ConfusionMatrix#recall(Average)}). */
    public static Metric recall(Average average) {
        return confusion("recall", average, (cm, a) -> cm.recall(a));
    }

    /** F1, averaged as {@code average} says ({@link ConfusionMatrix#f1(Average)}). */
    public static Metric f1(Average average) {
        return confusion("f1", average, (cm, a) -> cm.f1(a));
    }

    /**
     * Binary ROC-AUC ({@link Classification#rocAuc(double[], int[])}). Predictions: the positive
     * class's score {@code [n]} / {@code [n, 1]}, or two-class scores {@code [n, 2]} (column 1 is
     * used); targets: 0/1 as {@code [n]}, {@code [n, 1]} or one-hot {@code [n, 2]}.
     */
    public static Metric rocAuc() {
        return new Simple("roc_auc", true, (p, t) -> {
            double[] s;
            if (p.rank() == 1 || (p.rank() == 2 && p.size(1) == 1)) {
                s = p.reshape(p.length()).toDoubleVector();
            } else if (p.rank() == 2 && p.size(1) == 2) {
                s = p.getColumn(1).toDoubleVector();
            } else {
                throw new IllegalArgumentException("ROC-AUC needs positive-class scores [n] or two-class scores [n, 2]; "
                        + "got predictions " + Arrays.toString(p.shape()));
            }
            return Classification.rocAuc(s, classes(t, "targets"));
        });
    }

    /** Mean squared error ({@link Regression#mse}); lower is better. */
    public static Metric mse() {
        return new Simple("mse", false, (p, t) -> Regression.mse(values(p, t, "mse"), values(t, p, "mse")));
    }

    /** Mean absolute error ({@link Regression#mae}); lower is better. */
    public static Metric mae() {
        return new Simple("mae", false, (p, t) -> Regression.mae(values(p, t, "mae"), values(t, p, "mae")));
    }

    /** Coefficient of determination R² ({@link Regression#r2}); higher is better. */
    public static Metric r2() {
        return new Simple("r2", true, (p, t) -> Regression.r2(values(p, t, "r2"), values(t, p, "r2")));
    }

    @FunctionalInterface
    private interface FromConfusion {
        double apply(ConfusionMatrix cm, Average average);
    }

    private static Metric confusion(String name, Average average, FromConfusion f) {
        java.util.Objects.requireNonNull(average, "average");
        return new Simple(average.name().toLowerCase(java.util.Locale.ROOT) + "_" + name, true, (p, t) -> {
            int[] pred = classes(p, "predictions");
            int[] targ = classes(t, "targets");
            int k = Math.max(p.rank() == 2 && p.size(1) > 1 ? (int) p.size(1) : 0,
                    t.rank() == 2 && t.size(1) > 1 ? (int) t.size(1) : 0);
            for (int v : pred) {
                k = Math.max(k, v + 1);
            }
            for (int v : targ) {
                k = Math.max(k, v + 1);
            }
            return f.apply(ConfusionMatrix.of(pred, targ, k), average);
        });
    }

    /** Class indices from scores / one-hot rows {@code [n, k > 1]} (argmax) or from an integer vector. */
    static int[] classes(INDArray a, String what) {
        if (a.rank() == 2 && a.size(1) > 1) {
            return argmax(a.toFloatMatrix());
        }
        if (a.rank() == 1 || (a.rank() == 2 && a.size(1) == 1)) {
            double[] v = a.reshape(a.length()).toDoubleVector();
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                if (v[i] != Math.rint(v[i]) || v[i] < 0) {
                    throw new IllegalArgumentException(what + "[" + i + "] = " + v[i]
                            + " is not a class index; expected integers >= 0, or scores / one-hot rows [n, k]");
                }
                out[i] = (int) v[i];
            }
            return out;
        }
        throw new IllegalArgumentException(what + " has shape " + Arrays.toString(a.shape())
                + "; expected class indices [n] or [n, 1], or scores / one-hot rows [n, k]");
    }

    private static int[] argmax(float[][] m) {
        int[] out = new int[m.length];
        for (int i = 0; i < m.length; i++) {
            int best = 0;
            for (int j = 1; j < m[i].length; j++) {
                if (m[i][j] > m[i][best]) {
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static float[] values(INDArray a, INDArray other, String name) {
        if (a.length() != other.length()) {
            throw new IllegalArgumentException(name + " needs predictions and targets of equal length; got "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(other.shape()));
        }
        return org.nd4j.linalg.factory.Nd4j.toFlattened('c', a).toFloatVector();
    }
}
