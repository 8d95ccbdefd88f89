package dev.aiaas.core.metrics;

import dev.aiaas.core.math.Buf;
import dev.aiaas.core.loss.Loss;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The streaming forms of the catalogue's metrics ({@link Metric.Accumulator}): counts and sums
 * kept over the batches of an epoch, with heap scratch that grows to the largest batch and is
 * then reused, so that {@code update} allocates nothing on the trainer's buffers.
 */
final class Accumulators {

    private Accumulators() {
    }

    /**
     * How a batch is read: the layout of the targets ({@code null}: inferred from the shapes, for
     * {@link Metric#compute}) and how a prediction reads as a class.
     */
    record Reading(Loss.TargetKind kind, Loss.Decision decision) {
        static Reading of(Loss loss) {
            return new Reading(loss.targetKind(), loss.decision());
        }

        /** The layout of targets, inferred for {@link Metric#compute}: per position, class indices, or dense rows. */
        Loss.TargetKind kindFor(INDArray predictions, INDArray targets) {
            if (kind != null) {
                return kind;
            }
            if (predictions.rank() == 3) {
                return Loss.TargetKind.CLASS_INDEX_PER_POSITION;
            }
            return indices(targets) ? Loss.TargetKind.CLASS_INDEX : Loss.TargetKind.DENSE;
        }
    }

    /** One value per example: {@code [n]} or {@code [n, 1]} (class indices, not rows of scores). */
    static boolean indices(INDArray a) {
        return a.rank() == 1 || (a.rank() == 2 && a.size(1) == 1);
    }

    /** Requires a classification loss. */
    static Reading classification(String metric, Loss loss) {
        if (!loss.isClassification()) {
            throw new IllegalArgumentException(metric + " needs a classification loss (one whose decision() reads a class); "
                    + loss.name() + " is not one. Use Metrics.mse(), mae() or r2() for regression");
        }
        return Reading.of(loss);
    }

    /**
     * Accuracy: the share of counted rows whose predicted class is the true one. With
     * {@link Loss.Decision#ARGMAX}: a row's class is its first largest score (padding positions
     * of a sequence are not counted). With {@link Loss.Decision#POSITIVE_LOGIT}: every output is
     * counted, a hit when (ŷ &gt; 0) equals (y &gt; ½) (Keras's binary accuracy). For
     * {@link Metric#compute}, predictions that are a vector {@code [n]}/{@code [n, 1]} are
     * class indices.
     */
    static final class Accuracy implements Metric.Accumulator {
        private final Reading reading;
        private final ScoreRows batch = new ScoreRows();
        private final Pair pair = new Pair();
        private long hits;
        private long counted;

        Accuracy(Reading reading) {
            this.reading = reading;
        }

        @Override
        public void reset() {
            hits = 0;
            counted = 0;
        }

        @Override
        public void update(INDArray predictions, INDArray targets) {
            if (reading.decision() == Loss.Decision.POSITIVE_LOGIT) {
                binary(predictions, targets);
                return;
            }
            if (reading.kind() == null && Accumulators.indices(predictions)) {
                indices(predictions, targets);
                return;
            }
            try {
                batch.scores(predictions);
                batch.labels(targets, reading.kindFor(predictions, targets));
                batch.maxPass();
                int[] label = batch.label;
                for (int r = 0, n = batch.rows; r < n; r++) {
                    int l = label[r];
                    if (l == ScoreRows.SKIP) {
                        continue;
                    }
                    counted++;
                    if (batch.predicted(r) == l) {
                        hits++;
                    }
                }
            } finally {
                batch.release();
            }
        }

        /** Class-index predictions against class-index or one-hot targets. */
        private void indices(INDArray predictions, INDArray targets) {
            int[] p = Metrics.classes(predictions, "predictions");
            int[] t = Metrics.classes(targets, "targets");
            Classification.checkPair(p, t);
            for (int i = 0; i < t.length; i++) {
                hits += p[i] == t[i] ? 1 : 0;
            }
            counted += t.length;
        }

        private void binary(INDArray predictions, INDArray targets) {
            pair.load(predictions, targets, "accuracy");
            try {
                Buf z = pair.p;
                Buf y = pair.t;
                int n = z.length;
                long h = 0;
                for (int i = 0; i < n; i++) {
                    if ((z.get(i) > 0) == (y.get(i) > 0.5)) {
                        h++;
                    }
                }
                hits += h;
                counted += n;
            } finally {
                pair.close();
            }
        }

        @Override
        public double result() {
            return counted == 0 ? 0.0 : (double) hits / counted;
        }

        long counted() {
            return counted;
        }
    }

    /**
     * Top-k accuracy: a hit when the true class is among the k largest scores of its row. Its
     * rank is the number of classes with a larger score plus those with an equal score and a
     * smaller index (as a stable descending sort, {@link Classification#topKAccuracy}); a hit is
     * rank &lt; k. One pass per class over the rows.
     */
    static final class TopK implements Metric.Accumulator {
        private final Reading reading;
        private final int topK;
        private final ScoreRows batch = new ScoreRows();
        private double[] own = new double[0];
        private double[] row = new double[0];
        private int[] rank = new int[0];
        private long hits;
        private long counted;

        TopK(Reading reading, int topK) {
            this.reading = reading;
            this.topK = topK;
        }

        @Override
        public void reset() {
            hits = 0;
            counted = 0;
        }

        @Override
        public void update(INDArray predictions, INDArray targets) {
            if (predictions.rank() < 2 || (reading.kind() == null && predictions.rank() == 2 && predictions.size(1) == 1)) {
                throw new IllegalArgumentException("top-" + topK + " accuracy needs scores [n, classes]; got predictions "
                        + Arrays.toString(predictions.shape()) + ". Pass the model's scores, not predicted classes");
            }
            try {
                batch.scores(predictions);
                batch.labels(targets, reading.kindFor(predictions, targets));
                int n = batch.rows;
                if (own.length < n) {
                    own = new double[n];
                    row = new double[n];
                    rank = new int[n];
                }
                int[] label = batch.label;
                for (int r = 0; r < n; r++) {
                    own[r] = label[r] == ScoreRows.SKIP ? Double.NaN : batch.score(r, label[r]);
                    rank[r] = 0;
                }
                for (int c = 0; c < batch.k; c++) {
                    batch.classScores(c, row);
                    for (int r = 0; r < n; r++) {
                        double v = row[r];
                        if (v > own[r] || (v == own[r] && c < label[r])) {
                            rank[r]++;
                        }
                    }
                }
                for (int r = 0; r < n; r++) {
                    if (label[r] != ScoreRows.SKIP) {
                        counted++;
                        hits += rank[r] < topK ? 1 : 0;
                    }
                }
            } finally {
                batch.release();
            }
        }

        @Override
        public double result() {
            return counted == 0 ? 0.0 : (double) hits / counted;
        }
    }

    /**
     * Counts of (true class, predicted class) pairs over the epoch, read by a function of the
     * {@link ConfusionMatrix} (precision, recall, F1). The classes are the scores' columns; a
     * binary loss with one output has the two classes 0 and 1.
     */
    static final class Confusion implements Metric.Accumulator {
        private final Reading reading;
        private final ToDoubleFunction<ConfusionMatrix> read;
        private final ScoreRows batch = new ScoreRows();
        private final Pair pair = new Pair();
        private int[][] counts = new int[0][0];

        Confusion(Reading reading, ToDoubleFunction<ConfusionMatrix> read) {
            this.reading = reading;
            this.read = read;
        }

        @Override
        public void reset() {
            for (int[] row : counts) {
                Arrays.fill(row, 0);
            }
        }

        @Override
        public void update(INDArray predictions, INDArray targets) {
            if (reading.decision() == Loss.Decision.POSITIVE_LOGIT) {
                if (predictions.rank() != 2 || predictions.size(1) != 1) {
                    throw new IllegalArgumentException("precision, recall and F1 of a binary loss need one output per example "
                            + "[n, 1]; got " + Arrays.toString(predictions.shape()) + " (multi-label outputs are not supported)");
                }
                pair.load(predictions, targets, "the confusion counts");
                try {
                    grow(2);
                    for (int i = 0; i < pair.p.length; i++) {
                        counts[pair.t.get(i) > 0.5 ? 1 : 0][pair.p.get(i) > 0 ? 1 : 0]++;
                    }
                } finally {
                    pair.close();
                }
                return;
            }
            try {
                batch.scores(predictions);
                batch.labels(targets, reading.kindFor(predictions, targets));
                batch.maxPass();
                grow(batch.k);
                for (int r = 0; r < batch.rows; r++) {
                    int l = batch.label[r];
                    if (l == ScoreRows.SKIP) {
                        continue;
                    }
                    int p = batch.predicted(r);
                    if (p != ScoreRows.SKIP) {
                        counts[l][p]++;
                    }
                }
            } finally {
                batch.release();
            }
        }

        private void grow(int k) {
            if (counts.length < k) {
                int[][] c = new int[k][k];
                for (int i = 0; i < counts.length; i++) {
                    System.arraycopy(counts[i], 0, c[i], 0, counts.length);
                }
                counts = c;
            }
        }

        @Override
        public double result() {
            return read.applyAsDouble(ConfusionMatrix.ofCounts(counts));
        }
    }

    /** Which regression metric a {@link RegressionSums} reads. */
    enum RegressionKind { MSE, MAE, R2 }

    /**
     * Sums over every output of the epoch, in double precision: Σ(ŷ − y)², Σ|ŷ − y|, and the
     * targets' mean and sum of squared deviations (Welford's update: B. P. Welford,
     * Technometrics 4, 1962), from which MSE, MAE and R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² follow
     * ({@link Regression}'s definitions).
     */
    static final class RegressionSums implements Metric.Accumulator {
        private final RegressionKind kind;
        private final String name;
        private final Pair pair = new Pair();
        private long n;
        private double squared;
        private double absolute;
        private double mean;
        private double deviations;

        RegressionSums(RegressionKind kind) {
            this.kind = kind;
            this.name = kind.name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public void reset() {
            n = 0;
            squared = 0;
            absolute = 0;
            mean = 0;
            deviations = 0;
        }

        @Override
        public void update(INDArray predictions, INDArray targets) {
            pair.load(predictions, targets, name);
            try {
                Buf p = pair.p;
                Buf t = pair.t;
                int len = p.length;
                double sq = 0;
                double ab = 0;
                for (int i = 0; i < len; i++) {
                    double e = p.get(i) - t.get(i);
                    sq += e * e;
                    ab += Math.abs(e);
                }
                squared += sq;
                absolute += ab;
                if (kind == RegressionKind.R2) {
                    for (int i = 0; i < len; i++) {
                        double y = t.get(i);
                        n++;
                        double d = y - mean;
                        mean += d / n;
                        deviations += d * (y - mean);
                    }
                } else {
                    n += len;
                }
            } finally {
                pair.close();
            }
        }

        @Override
        public double result() {
            if (n == 0) {
                return Double.NaN;
            }
            return switch (kind) {
                case MSE -> squared / n;
                case MAE -> absolute / n;
                case R2 -> deviations == 0 ? Double.NaN : 1 - squared / deviations;
            };
        }
    }

    /**
     * Predictions and targets of one shape (or two vectors of one length) as element views in
     * one memory order; an argument in another order, type or layout is copied (never the
     * trainer's buffers, which share one order). Reused from batch to batch.
     */
    static final class Pair {
        Buf p;
        Buf t;
        private INDArray pCopy;
        private INDArray tCopy;

        void load(INDArray predictions, INDArray targets, String what) {
            boolean vectors = ScoreRows.vector(predictions) && ScoreRows.vector(targets);
            if (predictions.length() != targets.length() || (!vectors && !Arrays.equals(predictions.shape(), targets.shape()))) {
                throw new IllegalArgumentException(what + " needs predictions and targets of equal shape; got "
                        + Arrays.toString(predictions.shape()) + " and " + Arrays.toString(targets.shape()));
            }
            INDArray a = predictions;
            if (!ScoreRows.floating(a) || !Buf.contiguous(a)) {
                pCopy = ScoreRows.copy(a, a.ordering());
                a = pCopy;
            }
            INDArray b = targets;
            if (!ScoreRows.floating(b) || !Buf.contiguous(b) || (!vectors && b.ordering() != a.ordering())) {
                tCopy = ScoreRows.copy(b, a.ordering());
                b = tCopy;
            }
            p = Buf.of(a);
            t = Buf.of(b);
        }

        void close() {
            if (pCopy != null) {
                pCopy.close();
                pCopy = null;
            }
            if (tCopy != null) {
                tCopy.close();
                tCopy = null;
            }
            p = null;
            t = null;
        }
    }
}
