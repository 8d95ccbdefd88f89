package dev.aiaas.core.metrics;

import dev.aiaas.core.loss.Loss;
import java.util.Arrays;
import java.util.function.Function;
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
 *
 * <p>Every metric here except {@link #rocAuc()} also streams ({@link Metric#accumulator}), so
 * the trainer can log it per epoch: {@code Trainer.builder(loss).metrics(Metrics.accuracy(),
 * Metrics.topK(5))}. Accuracy and top-k accuracy have one implementation, the streaming one:
 * {@code compute} runs it over the whole arrays.
 */
public final class Metrics {

    private Metrics() {
    }

    /** A metric from a name, a direction, a function and its streaming form (null: none). */
    private record Simple(String name, boolean higherIsBetter, Computation f, Function<Loss, Accumulator> streaming)
            implements Metric {
        @Override
        public double compute(INDArray predictions, INDArray targets) {
            return f.compute(predictions, targets);
        }

        @Override
        public Accumulator accumulator(Loss loss) {
            java.util.Objects.requireNonNull(loss, "loss");
            if (streaming == null) {
                return Metric.super.accumulator(loss);
            }
            return streaming.apply(loss);
        }
    }

    @FunctionalInterface
    private interface Computation {
        double compute(INDArray predictions, INDArray targets);
    }

    /**
     * Accuracy: the fraction of examples whose predicted class is the target class. A predicted
     * class is the first index of the row's largest score; for a sequence ({@code [B, T, k]}
     * scores, {@code [B, T]} labels) the positions labelled {@code -1} (padding) are not counted.
     * Streaming with a binary loss ({@link Loss.Decision#POSITIVE_LOGIT}), every output counts:
     * a hit when (ŷ &gt; 0) equals (y &gt; ½), Keras's binary accuracy.
     *
     * @return the metric, named {@code accuracy}
     */
    public static Metric accuracy() {
        return new Simple("accuracy", true, (p, t) -> {
            Accumulators.Accuracy a = new Accumulators.Accuracy(new Accumulators.Reading(null, Loss.Decision.ARGMAX));
            a.update(p, t);
            if (a.counted() == 0) {
                throw new IllegalArgumentException("no labelled example to count in predictions " + Arrays.toString(p.shape())
                        + " and targets " + Arrays.toString(t.shape()) + "; pass at least one");
            }
            return a.result();
        }, loss -> new Accumulators.Accuracy(Accumulators.classification("accuracy", loss)));
    }

    /**
     * Top-k accuracy: the fraction of examples whose label is among the k largest scores (ties as
     * in {@link Classification#topKAccuracy}, the plain-array reference, which
     * {@code StreamingMetricsTest} checks it against); predictions must be scores {@code [n, classes]}.
     *
     * @param k how many of the largest scores count, {@code >= 1}
     * @return the metric, named {@code top<k>_accuracy}
     * @throws IllegalArgumentException when {@code k < 1}
     */
    public static Metric topK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k=" + k + "; expected k >= 1, e.g. Metrics.topK(5)");
        }
        String name = "top" + k + "_accuracy";
        return new Simple(name, true, (p, t) -> {
            Metric.Accumulator a = new Accumulators.TopK(new Accumulators.Reading(null, Loss.Decision.ARGMAX), k);
            a.update(p, t);
            return a.result();
        }, loss -> {
            Accumulators.Reading r = Accumulators.classification(name, loss);
            if (r.decision() != Loss.Decision.ARGMAX) {
                throw new IllegalArgumentException(name + " needs class scores (a softmax loss); " + loss.name()
                        + " has independent binary outputs. Use Metrics.accuracy()");
            }
            return new Accumulators.TopK(r, k);
        });
    }

    /**
     * Precision, averaged as {@code average} says ({@link ConfusionMatrix#precision(Average)}).
     *
     * @param average how the per-class values are combined
     * @return the metric, named {@code macro_precision} or {@code micro_precision}
     */
    public static Metric precision(Average average) {
        return confusion("precision", average, (cm, a) -> cm.precision(a));
    }

    /**
     * Recall, averaged as {@code average} says ({@link ConfusionMatrix#recall(Average)}).
     *
     * @param average how the per-class values are combined
     * @return the metric, named {@code macro_recall} or {@code micro_recall}
     */
    public static Metric recall(Average average) {
        return confusion("recall", average, (cm, a) -> cm.recall(a));
    }

    /**
     * F1, averaged as {@code average} says ({@link ConfusionMatrix#f1(Average)}).
     *
     * @param average how the per-class values are combined
     * @return the metric, named {@code macro_f1} or {@code micro_f1}
     */
    public static Metric f1(Average average) {
        return confusion("f1", average, (cm, a) -> cm.f1(a));
    }

    /**
     * Binary ROC-AUC ({@link Classification#rocAuc(double[], int[])}). Predictions: the positive
     * class's score {@code [n]} / {@code [n, 1]}, or two-class scores {@code [n, 2]} (column 1 is
     * used); targets: 0/1 as {@code [n]}, {@code [n, 1]} or one-hot {@code [n, 2]}.
     *
     * @return the metric, named {@code roc_auc} (not streamed)
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
        }, null);
    }

    /**
     * Mean squared error ({@link Regression#mse}); lower is better.
     *
     * @return the metric, named {@code mse}
     */
    public static Metric mse() {
        return new Simple("mse", false, (p, t) -> Regression.mse(values(p, t, "mse"), values(t, p, "mse")),
                loss -> regression("mse", loss, Accumulators.RegressionKind.MSE));
    }

    /**
     * Mean absolute error ({@link Regression#mae}); lower is better.
     *
     * @return the metric, named {@code mae}
     */
    public static Metric mae() {
        return new Simple("mae", false, (p, t) -> Regression.mae(values(p, t, "mae"), values(t, p, "mae")),
                loss -> regression("mae", loss, Accumulators.RegressionKind.MAE));
    }

    /**
     * Coefficient of determination R² ({@link Regression#r2}); higher is better.
     *
     * @return the metric, named {@code r2}
     */
    public static Metric r2() {
        return new Simple("r2", true, (p, t) -> Regression.r2(values(p, t, "r2"), values(t, p, "r2")),
                loss -> regression("r2", loss, Accumulators.RegressionKind.R2));
    }

    private static Metric.Accumulator regression(String name, Loss loss, Accumulators.RegressionKind kind) {
        if (loss.targetKind() != Loss.TargetKind.DENSE) {
            throw new IllegalArgumentException(name + " compares outputs with targets element by element, but " + loss.name()
                    + " takes class indices (" + loss.targetKind() + "); use Metrics.accuracy() or a dense loss");
        }
        return new Accumulators.RegressionSums(kind);
    }

    @FunctionalInterface
    private interface FromConfusion {
        double apply(ConfusionMatrix cm, Average average);
    }

    private static Metric confusion(String name, Average average, FromConfusion f) {
        java.util.Objects.requireNonNull(average, "average");
        String full = average.name().toLowerCase(java.util.Locale.ROOT) + "_" + name;
        return new Simple(full, true, (p, t) -> {
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
        }, loss -> new Accumulators.Confusion(Accumulators.classification(full, loss), cm -> f.apply(cm, average)));
    }

    /** Class indices from scores / one-hot rows {@code [n, k > 1]} (argmax) or from an integer vector. */
    static int[] classes(INDArray a, String what) {
        if (a.rank() == 2 && a.size(1) > 1) {
            return argmax(a, what);
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

    /** The first index of each row's largest value, as the streaming metrics read it. */
    private static int[] argmax(INDArray m, String what) {
        ScoreRows rows = new ScoreRows();
        try {
            rows.scores(m);
            rows.maxPass();
            int[] out = new int[rows.rows];
            for (int r = 0; r < out.length; r++) {
                out[r] = rows.predicted(r);
                if (out[r] == ScoreRows.SKIP) {
                    throw new IllegalArgumentException(what + " row " + r + " holds NaN; expected finite scores or one-hot rows");
                }
            }
            return out;
        } finally {
            rows.release();
        }
    }

    private static float[] values(INDArray a, INDArray other, String name) {
        if (a.length() != other.length()) {
            throw new IllegalArgumentException(name + " needs predictions and targets of equal length; got "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(other.shape()));
        }
        return org.nd4j.linalg.factory.Nd4j.toFlattened('c', a).toFloatVector();
    }
}
