package dev.aiaas.core.loss;

import dev.aiaas.core.math.Buf;
import dev.aiaas.core.math.MathOps;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The catalogue of losses. Each is numerically stable at extreme inputs: the cross-entropies work
 * on logits through log-sum-exp and never take the logarithm of a probability that rounds to 0.
 *
 * <table>
 *   <caption>Losses (n = number of elements B·k; B = batch size)</caption>
 *   <tr><th>factory</th><th>L</th><th>∂L/∂ŷ</th></tr>
 *   <tr><td>{@link #meanSquaredError()}</td><td>(1/n) Σ (ŷ − y)²</td><td>2(ŷ − y)/n</td></tr>
 *   <tr><td>{@link #meanAbsoluteError()}</td><td>(1/n) Σ |ŷ − y|</td><td>sign(ŷ − y)/n</td></tr>
 *   <tr><td>{@link #huber(double)}</td><td>(1/n) Σ ½e² if |e| ≤ δ else δ(|e| − ½δ)</td><td>e/n or δ·sign(e)/n</td></tr>
 *   <tr><td>{@link #binaryCrossEntropyFromLogits()}</td><td>(1/n) Σ max(z, 0) − z·y + log(1 + e^−|z|)</td><td>(σ(z) − y)/n</td></tr>
 *   <tr><td>{@link #softmaxCrossEntropy()}</td><td>(1/B) Σ_rows [log Σⱼ e^zⱼ · Σⱼ yⱼ − Σⱼ yⱼ zⱼ]</td><td>(softmax(z)·Σⱼyⱼ − y)/B</td></tr>
 *   <tr><td>{@link #sparseSoftmaxCrossEntropy()}</td><td>(1/B) Σ_rows [log Σⱼ e^zⱼ − z_label]</td><td>(softmax(z) − onehot(label))/B</td></tr>
 *   <tr><td>{@link #sequenceSparseSoftmaxCrossEntropy()}</td><td>(1/N) Σ_(b,t) labelled [log Σⱼ e^z_btj − z_bt,label]</td><td>(softmax(z_bt) − onehot(label))/N; 0 at padding</td></tr>
 * </table>
 * For the sequence loss, N is the number of labelled positions in the batch (labels of
 * {@value #PADDING} mark padding), so L is the mean cross-entropy per token, in nats.
 *
 * <p>{@link Loss#targetKind()} and {@link Loss#decision()}: the sparse loss takes
 * {@link Loss.TargetKind#CLASS_INDEX}, the sequence loss
 * {@link Loss.TargetKind#CLASS_INDEX_PER_POSITION}, the others {@link Loss.TargetKind#DENSE};
 * the two softmax losses and the sequence loss read classes by {@link Loss.Decision#ARGMAX},
 * binary cross-entropy by {@link Loss.Decision#POSITIVE_LOGIT}, and MSE, MAE and Huber are not
 * classification losses ({@link Loss.Decision#NONE}).
 */
public final class Losses {
    private Losses() {
    }

    /** The valid names, as {@link #parse(String)} takes them. */
    public static final List<String> NAMES = List.of("mse", "mae", "huber", "binary_cross_entropy",
            "softmax_cross_entropy", "sparse_softmax_cross_entropy", "sequence_sparse_softmax_cross_entropy");

    /** The label that marks a padding position in {@link #sequenceSparseSoftmaxCrossEntropy()}'s targets. */
    public static final int PADDING = -1;

    /**
     * Mean squared error, (1/n) Σ (ŷ − y)² over all n elements.
     *
     * @return the loss, named {@code mse}; predictions and targets of one shape
     */
    public static Loss meanSquaredError() {
        return new Elementwise("mse", 0);
    }

    /**
     * Mean absolute error, (1/n) Σ |ŷ − y| over all n elements.
     *
     * @return the loss, named {@code mae}; predictions and targets of one shape
     */
    public static Loss meanAbsoluteError() {
        return new Elementwise("mae", 0);
    }

    /**
     * Huber loss with threshold δ &gt; 0 (1.0 in PyTorch and Keras): quadratic for errors up to δ,
     * linear beyond (see the table above).
     *
     * @param delta δ, where the loss turns from quadratic to linear, in the targets' units; positive
     *              and finite
     * @return the loss, named {@code huber}
     * @throws IllegalArgumentException when delta is not positive and finite
     */
    public static Loss huber(double delta) {
        if (!(delta > 0) || !Double.isFinite(delta)) {
            throw new IllegalArgumentException("huber's delta must be positive and finite. Received: delta=" + delta);
        }
        return new Elementwise("huber", delta);
    }

    /**
     * Binary cross-entropy on logits z (no sigmoid layer before it), targets in [0, 1].
     *
     * @return the loss, named {@code binary_cross_entropy}; logits and targets of one shape
     */
    public static Loss binaryCrossEntropyFromLogits() {
        return new Elementwise("binary_cross_entropy", 0);
    }

    /**
     * Softmax fused with categorical cross-entropy, on logits, with one-hot or probability targets {@code [B, k]}.
     *
     * @return the loss, named {@code softmax_cross_entropy}; logits {@code [B, k]}
     */
    public static Loss softmaxCrossEntropy() {
        return new SoftmaxCrossEntropy(false);
    }

    /**
     * Softmax fused with cross-entropy, on logits, with integer class targets {@code [B]} or {@code [B, 1]}.
     *
     * @return the loss, named {@code sparse_softmax_cross_entropy}; logits {@code [B, k]}, targets
     *         class indices in {@code [0, k)}
     */
    public static Loss sparseSoftmaxCrossEntropy() {
        return new SoftmaxCrossEntropy(true);
    }

    /**
     * Softmax fused with cross-entropy at every position of a sequence, on logits {@code [B, T, k]}
     * (a model whose examples come out as {@code [T, k]}, e.g. ending in
     * {@code Layers.timeDistributed(Layers.dense(k))}), with targets {@code [B, T]}: a class index
     * per position, or {@value #PADDING} for a padding position, which adds nothing to L and gets a
     * zero gradient. L is the mean over the labelled positions of the batch (per token, in nats;
     * e^L is the batch's perplexity); 0 when no position is labelled.
     *
     * @return the loss, named {@code sequence_sparse_softmax_cross_entropy}
     */
    public static Loss sequenceSparseSoftmaxCrossEntropy() {
        return new SequenceSoftmaxCrossEntropy();
    }

    /**
     * A loss by name (huber takes δ = 1), for command lines and saved settings.
     *
     * @param name one of {@link #NAMES}; surrounding white space is ignored
     * @return a new loss of that kind
     * @throws IllegalArgumentException when the name is null or not one of {@link #NAMES}
     */
    public static Loss parse(String name) {
        return switch (name == null ? "" : name.trim()) {
            case "mse" -> meanSquaredError();
            case "mae" -> meanAbsoluteError();
            case "huber" -> huber(1.0);
            case "binary_cross_entropy" -> binaryCrossEntropyFromLogits();
            case "softmax_cross_entropy" -> softmaxCrossEntropy();
            case "sparse_softmax_cross_entropy" -> sparseSoftmaxCrossEntropy();
            case "sequence_sparse_softmax_cross_entropy" -> sequenceSparseSoftmaxCrossEntropy();
            default -> throw new IllegalArgumentException("Unknown loss '" + name + "'; expected one of " + String.join(", ", NAMES));
        };
    }

    /**
     * {@code a} itself when its elements lie in memory in {@code order} (a contiguous vector does
     * in either order), else a copy (the caller then pays an allocation: pass matching orders).
     */
    static INDArray contiguous(INDArray a, char order) {
        boolean dense = a.length() == a.data().length();
        boolean vector = a.rank() == 1 || (a.rank() == 2 && (a.rows() == 1 || a.columns() == 1));
        return dense && (a.ordering() == order || vector) ? a : a.dup(order);
    }

    private static void checkSameShape(INDArray p, INDArray t, String name) {
        if (p.rank() != 2 || !Arrays.equals(p.shape(), t.shape())) {
            throw new IllegalArgumentException(name + " expects predictions and targets of the same shape [B, k]; got "
                    + Arrays.toString(p.shape()) + " and " + Arrays.toString(t.shape()));
        }
    }

    private static void checkGrad(INDArray p, INDArray g) {
        if (g != null && (!Arrays.equals(p.shape(), g.shape()) || g.ordering() != p.ordering() || g.length() != g.data().length())) {
            throw new IllegalArgumentException("grad must be a contiguous array of the predictions' shape "
                    + Arrays.toString(p.shape()) + " and order " + p.ordering() + "; got " + Arrays.toString(g.shape()) + " " + g.ordering());
        }
    }

    /** Losses that are a mean over elements of a function of (ŷ, y). */
    private record Elementwise(String name, double delta) implements Loss {
        @Override
        public Decision decision() {
            return name.equals("binary_cross_entropy") ? Decision.POSITIVE_LOGIT : Decision.NONE;
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            if (name.equals("huber")) {
                m.put("delta", delta);
            }
            return m;
        }

        @Override
        public double compute(INDArray predictions, INDArray targets, INDArray grad) {
            checkSameShape(predictions, targets, name);
            checkGrad(predictions, grad);
            char order = predictions.ordering();
            Buf p = Buf.of(contiguous(predictions, order));
            Buf t = Buf.of(contiguous(targets, order));
            Buf g = grad == null ? null : Buf.of(grad);
            int n = (int) predictions.length();
            double inv = 1.0 / n;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double z = p.get(i);
                double y = t.get(i);
                double e = z - y;
                double l;
                double d;
                switch (name) {
                    case "mse" -> {
                        l = e * e;
                        d = 2 * e;
                    }
                    case "mae" -> {
                        l = Math.abs(e);
                        d = Math.signum(e);
                    }
                    case "huber" -> {
                        double a = Math.abs(e);
                        if (a <= delta) {
                            l = 0.5 * e * e;
                            d = e;
                        } else {
                            l = delta * (a - 0.5 * delta);
                            d = delta * Math.signum(e);
                        }
                    }
                    default -> { // binary cross-entropy on logits
                        l = Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
                        d = MathOps.sigmoid(z) - y;
                    }
                }
                sum += l;
                if (g != null) {
                    g.set(i, d * inv);
                }
            }
            return sum * inv;
        }
    }

    /** Softmax with cross-entropy, on logits; rows are examples. */
    private record SoftmaxCrossEntropy(boolean sparse) implements Loss {

        @Override
        public String name() {
            return sparse ? "sparse_softmax_cross_entropy" : "softmax_cross_entropy";
        }

        @Override
        public Map<String, Object> config() {
            return Map.of("name", name());
        }

        @Override
        public TargetKind targetKind() {
            return sparse ? TargetKind.CLASS_INDEX : TargetKind.DENSE;
        }

        @Override
        public Decision decision() {
            return Decision.ARGMAX;
        }

        @Override
        public double compute(INDArray predictions, INDArray targets, INDArray grad) {
            if (predictions.rank() != 2) {
                throw new IllegalArgumentException(name() + " expects logits [B, k]; got " + Arrays.toString(predictions.shape()));
            }
            int rows = (int) predictions.rows();
            int k = (int) predictions.columns();
            if (sparse) {
                if (targets.length() != rows || (targets.rank() == 2 && targets.columns() != 1) || targets.rank() > 2) {
                    throw new IllegalArgumentException(name() + " expects class indices [B] or [B, 1] with B=" + rows
                            + "; got " + Arrays.toString(targets.shape()) + " (for one-hot targets use Losses.softmaxCrossEntropy())");
                }
            } else {
                checkSameShape(predictions, targets, name());
            }
            checkGrad(predictions, grad);
            if (sparse && contiguous(predictions, 'f') == predictions) {
                return sparseColumnMajor(predictions, targets, grad, rows, k);
            }
            // element (r, c): r + c*rows in 'f' order, r*k + c in 'c' order
            char order = predictions.ordering();
            int rs = order == 'f' ? 1 : k;
            int cs = order == 'f' ? rows : 1;
            Buf z = Buf.of(contiguous(predictions, order));
            Buf t = Buf.of(sparse ? contiguous(targets, 'c') : contiguous(targets, order));
            Buf g = grad == null ? null : Buf.of(grad);
            double inv = 1.0 / rows;
            double total = 0;
            double[] zr = SCRATCH.get().ensure(k).row; // one example's logits
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < k; c++) {
                    zr[c] = z.get(r * rs + c * cs);
                }
                double lse = MathOps.logSumExp(zr, k);
                double tSum;
                double dot;
                int label = -1;
                if (sparse) {
                    double v = t.get(r);
                    label = (int) v;
                    if (label != v || label < 0 || label >= k) {
                        throw new IllegalArgumentException("class index " + v + " at row " + r + " is not an integer in [0, "
                                + (k - 1) + "]: the model has " + k + " outputs");
                    }
                    tSum = 1;
                    dot = zr[label];
                } else {
                    tSum = 0;
                    dot = 0;
                    for (int c = 0; c < k; c++) {
                        double y = t.get(r * rs + c * cs);
                        tSum += y;
                        dot += y * zr[c];
                    }
                }
                total += lse * tSum - dot;
                if (g != null) {
                    for (int c = 0; c < k; c++) {
                        zr[c] -= lse;
                    }
                    MathOps.exp(zr, k); // the softmax, e^(z − lse)
                    for (int c = 0; c < k; c++) {
                        int i = r * rs + c * cs;
                        double s = zr[c] * tSum;
                        double y = sparse ? (c == label ? 1 : 0) : t.get(i);
                        g.set(i, (s - y) * inv);
                    }
                }
            }
            return total * inv;
        }

        /**
         * The sparse loss on 'f'-order logits (what a dense layer writes): each class's B logits
         * are contiguous, so this is the sequence loss's vectorised pass with one position per
         * example and no padding (float32 logits take the fast exponential of {@link MathOps}).
         */
        private static double sparseColumnMajor(INDArray z, INDArray targets, INDArray grad, int rows, int k) {
            Scratch s = SCRATCH.get().ensure(rows);
            Buf t = Buf.of(contiguous(targets, 'c'));
            int[] label = s.label;
            for (int r = 0; r < rows; r++) {
                double v = t.get(r);
                int l = (int) v;
                if (l != v || l < 0 || l >= k) {
                    throw new IllegalArgumentException("class index " + v + " at row " + r + " is not an integer in [0, "
                            + (k - 1) + "]: the model has " + k + " outputs");
                }
                label[r] = l;
            }
            return SequenceSoftmaxCrossEntropy.softmax(z, grad, label, rows, k, rows, s);
        }
    }
    /**
     * Softmax cross-entropy per position of {@code [B, T, k]} logits, with {@code [B, T]} labels
     * and padding. For 'f'-order logits (as a time-distributed dense layer writes them) each
     * class's B·T logits are contiguous: the loss copies them class by class into a heap row and
     * runs three vectorisable passes over the rows (max per position; Σ e^(z − max); the gradient
     * e^(z − lse)/N, written back), with no heap arrays allocated after the first call on a thread
     * ('c'-order logits are first copied to 'f' order). Float32 logits take
     * the fast exponential of {@link MathOps} (1e-12 relative, below float32's rounding), float64 ones
     * {@link Math#exp}, so the float64 gradient is exact to rounding. From {@link #PARALLEL_MIN}
     * logits on, the second half of the positions runs on the common fork-join pool's worker;
     * every position's result is the same either way, and L is summed in position order.
     */
    private record SequenceSoftmaxCrossEntropy() implements Loss {
        @Override
        public String name() {
            return "sequence_sparse_softmax_cross_entropy";
        }

        @Override
        public Map<String, Object> config() {
            return Map.of("name", name());
        }

        @Override
        public TargetKind targetKind() {
            return TargetKind.CLASS_INDEX_PER_POSITION;
        }

        @Override
        public Decision decision() {
            return Decision.ARGMAX;
        }

        @Override
        public double compute(INDArray predictions, INDArray targets, INDArray grad) {
            if (predictions.rank() != 3) {
                throw new IllegalArgumentException(name() + " expects logits [B, T, k]; got " + Arrays.toString(predictions.shape()));
            }
            int batch = (int) predictions.size(0);
            int steps = (int) predictions.size(1);
            int k = (int) predictions.size(2);
            if (targets.rank() != 2 || targets.size(0) != batch || targets.size(1) != steps) {
                throw new IllegalArgumentException(name() + " expects labels [B, T] = [" + batch + ", " + steps + "]; got "
                        + Arrays.toString(targets.shape()) + " (one class index per position, " + PADDING + " for padding)");
            }
            checkGrad(predictions, grad);
            // the logits as 'f' order: position p = b + B·t, class c at c·n + p (a 'c'-order input is copied)
            INDArray zf = contiguous(predictions, 'f');
            boolean copied = zf != predictions;
            try {
                return computeF(zf, targets, grad, batch, steps, k);
            } finally {
                if (copied) {
                    zf.close();
                }
            }
        }

        private double computeF(INDArray zf, INDArray targets, INDArray grad, int batch, int steps, int k) {
            int n = batch * steps;
            Scratch s = SCRATCH.get().ensure(n);
            INDArray tc = contiguous(targets, targets.ordering());
            Buf t = Buf.of(tc);
            boolean tf = tc.ordering() == 'f';
            int[] label = s.label;
            int labelled = 0;
            for (int p = 0; p < n; p++) {
                int b = p % batch;
                int st = p / batch;
                double v = t.get(tf ? b + batch * st : b * steps + st);
                int l = (int) v;
                if (l != v || l < PADDING || l >= k) {
                    throw new IllegalArgumentException("label " + v + " at example " + b + ", position " + st + " is not an integer in [0, "
                            + (k - 1) + "] or " + PADDING + " (padding): the model has " + k + " outputs per position");
                }
                label[p] = l;
                if (l != PADDING) {
                    labelled++;
                }
            }
            // a 'c'-order gradient is written through an 'f'-order copy
            INDArray gf = grad == null ? null : (grad.ordering() == 'f' ? grad : zf.ulike());
            try {
                Buf g = gf == null ? null : Buf.of(gf);
                double value = labelled == 0 ? zeroGrad(g, n, k, s) : softmax(zf, gf, label, n, k, labelled, s);
                if (gf != null && gf != grad) {
                    grad.assign(gf);
                }
                return value;
            } finally {
                if (gf != null && gf != grad) {
                    gf.close();
                }
            }
        }

        private static double zeroGrad(Buf g, int n, int k, Scratch s) {
            if (g != null) {
                Arrays.fill(s.row, 0, n, 0.0);
                for (int c = 0; c < k; c++) {
                    g.put(c * n, s.row, s.tmp, n);
                }
            }
            return 0;
        }

        private static double softmax(INDArray zf, INDArray gf, int[] label, int n, int k, int labelled, Scratch s) {
            double inv = 1.0 / labelled;
            double[] lossAt = s.lossAt;
            if ((long) n * k >= PARALLEL_MIN && n >= 64 && ForkJoinPool.getCommonPoolParallelism() > 0) {
                // positions are independent: the common pool's worker takes the second half
                int half = (n / 2) & ~7;
                ForkJoinTask<?> other = ForkJoinPool.commonPool().submit(
                        () -> positions(Buf.of(zf), gf == null ? null : Buf.of(gf), label, n, k, inv, lossAt, half, n));
                positions(Buf.of(zf), gf == null ? null : Buf.of(gf), label, n, k, inv, lossAt, 0, half);
                other.join();
            } else {
                positions(Buf.of(zf), gf == null ? null : Buf.of(gf), label, n, k, inv, lossAt, 0, n);
            }
            double total = 0;
            for (int p = 0; p < n; p++) { // in position order whatever the split, so the sum is reproducible
                total += lossAt[p];
            }
            return total * inv;
        }

        /**
         * The loss at positions [p0, p1) into {@code lossAt} (0 at padding) and, when g is not
         * null, their gradient: three passes over the classes, each copying a class's logits of
         * these positions into a heap row of this thread's scratch.
         */
        private static void positions(Buf z, Buf g, int[] label, int n, int k, double inv, double[] lossAt, int p0, int p1) {
            int m = p1 - p0;
            Scratch s = SCRATCH.get().ensure(m);
            boolean fast = z.isFloat();
            double[] row = s.row;
            float[] tmp = s.tmp;
            double[] max = s.max;
            double[] lse = s.lse;
            Arrays.fill(max, 0, m, Double.NEGATIVE_INFINITY);
            for (int c = 0; c < k; c++) {
                z.get(c * n + p0, row, tmp, m);
                MathOps.maxInto(max, row, m); // NaN propagates, so a NaN logit gives a NaN loss
            }
            Arrays.fill(lse, 0, m, 0.0);
            for (int c = 0; c < k; c++) {
                z.get(c * n + p0, row, tmp, m);
                MathOps.expShiftedSum(row, max, lse, m, fast);
            }
            double[] scale = s.scale;
            for (int i = 0; i < m; i++) {
                int p = p0 + i;
                lse[i] = max[i] + Math.log(lse[i]);
                if (label[p] != PADDING) {
                    lossAt[p] = lse[i] - z.get(label[p] * n + p);
                    scale[i] = inv;
                } else {
                    lossAt[p] = 0.0;
                    scale[i] = 0.0;
                }
            }
            if (g == null) {
                return;
            }
            // ∂L/∂z = (e^(z − lse) − onehot(label))/N at labelled positions, 0 at padding
            for (int c = 0; c < k; c++) {
                z.get(c * n + p0, row, tmp, m);
                MathOps.expShifted(row, lse, m, fast);
                for (int i = 0; i < m; i++) {
                    row[i] *= scale[i];
                }
                g.put(c * n + p0, row, tmp, m);
            }
            for (int p = p0; p < p1; p++) {
                if (label[p] != PADDING) {
                    g.add(label[p] * n + p, -inv);
                }
            }
        }
    }

    /**
     * Logits (positions × classes) from which the sequence loss splits its positions between the
     * calling thread and the common pool's worker (when the pool has one): at 1,536 positions and
     * 9,073 classes one thread would spend 10^7 exponentials a step.
     */
    static final long PARALLEL_MIN = 1L << 20;

    /** Per-thread heap rows of the losses (a row per position of the sequence loss, one example's logits in the general path), grown to the largest seen. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        int[] label = new int[0];
        double[] lossAt = new double[0];
        double[] row = new double[0];
        float[] tmp = new float[0];
        double[] max = new double[0];
        double[] lse = new double[0];
        double[] scale = new double[0];

        Scratch ensure(int n) {
            if (label.length < n) {
                label = new int[n];
                lossAt = new double[n];
                row = new double[n];
                tmp = new float[n];
                max = new double[n];
                lse = new double[n];
                scale = new double[n];
            }
            return this;
        }
    }
}
