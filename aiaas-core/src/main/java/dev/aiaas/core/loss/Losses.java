package dev.aiaas.core.loss;

import dev.aiaas.core.internal.Buf;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
public final class Losses {
    private Losses() {
    }

    /** The valid names, as {@link #parse(String)} takes them. */
    public static final List<String> NAMES = List.of("mse", "mae", "huber", "binary_cross_entropy",
            "softmax_cross_entropy", "sparse_softmax_cross_entropy", "sequence_sparse_softmax_cross_entropy");

    /** The label that marks a padding position in {@link #sequenceSparseSoftmaxCrossEntropy()}'s targets. */
    public static final int PADDING = -1;

    /** Mean squared error. */
    public static Loss meanSquaredError() {
        return new Elementwise("mse", 0);
    }

    /** Mean absolute error. */
    public static Loss meanAbsoluteError() {
        return new Elementwise("mae", 0);
    }

    /** Huber loss with threshold δ &gt; 0 (1.0 in PyTorch and Keras). */
    public static Loss huber(double delta) {
        if (!(delta > 0) || !Double.isFinite(delta)) {
            throw new IllegalArgumentException("huber's delta must be positive and finite. Received: delta=" + delta);
        }
        return new Elementwise("huber", delta);
    }

    /** Binary cross-entropy on logits z (no sigmoid layer before it), targets in [0, 1]. */
    public static Loss binaryCrossEntropyFromLogits() {
        return new Elementwise("binary_cross_entropy", 0);
    }

    /** Softmax fused with categorical cross-entropy, on logits, with one-hot or probability targets {@code [B, k]}. */
    public static Loss softmaxCrossEntropy() {
        return new SoftmaxCrossEntropy(false);
    }

    /** Softmax fused with cross-entropy, on logits, with integer class targets {@code [B]} or {@code [B, 1]}. */
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
     */
    public static Loss sequenceSparseSoftmaxCrossEntropy() {
        return new SequenceSoftmaxCrossEntropy();
    }

    /** A loss by name (huber takes δ = 1). */
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
                        d = sigmoid(z) - y;
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

    static double sigmoid(double v) {
        if (v >= 0) {
            return 1 / (1 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1 + e);
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
        public long targetWidth(long[] outputShape) {
            return sparse ? 1 : Loss.super.targetWidth(outputShape);
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
            // element (r, c): r + c*rows in 'f' order, r*k + c in 'c' order
            char order = predictions.ordering();
            int rs = order == 'f' ? 1 : k;
            int cs = order == 'f' ? rows : 1;
            Buf z = Buf.of(contiguous(predictions, order));
            Buf t = Buf.of(sparse ? contiguous(targets, 'c') : contiguous(targets, order));
            Buf g = grad == null ? null : Buf.of(grad);
            double inv = 1.0 / rows;
            double total = 0;
            for (int r = 0; r < rows; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    max = Math.max(max, z.get(r * rs + c * cs));
                }
                double sumExp = 0;
                for (int c = 0; c < k; c++) {
                    sumExp += Math.exp(z.get(r * rs + c * cs) - max);
                }
                double lse = max + Math.log(sumExp);
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
                    dot = z.get(r * rs + label * cs);
                } else {
                    tSum = 0;
                    dot = 0;
                    for (int c = 0; c < k; c++) {
                        double y = t.get(r * rs + c * cs);
                        tSum += y;
                        dot += y * z.get(r * rs + c * cs);
                    }
                }
                total += lse * tSum - dot;
                if (g != null) {
                    for (int c = 0; c < k; c++) {
                        int i = r * rs + c * cs;
                        double s = Math.exp(z.get(i) - lse) * tSum;
                        double y = sparse ? (c == label ? 1 : 0) : t.get(i);
                        g.set(i, (s - y) * inv);
                    }
                }
            }
            return total * inv;
        }
    }
    /**
     * Softmax cross-entropy per position of {@code [B, T, k]} logits, with {@code [B, T]} labels
     * and padding. Works class by class over all positions at once (for 'f'-order logits, each
     * class's B·T logits are contiguous) and computes each exponential once.
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
        public long targetWidth(long[] outputShape) {
            if (outputShape.length != 2) {
                throw new IllegalArgumentException(name() + " needs a model whose examples come out as [T, classes], got "
                        + Arrays.toString(outputShape) + "; end the model with Layers.timeDistributed(Layers.dense(classes))");
            }
            return outputShape[0];
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
            int n = batch * steps;
            char order = predictions.ordering();
            // position p of (b, t): b + B·t in 'f' order, b·T + t in 'c' order; its class c at base(p) + c·cs
            boolean f = order == 'f';
            int ps = f ? 1 : k;
            int cs = f ? n : 1;
            Buf z = Buf.of(contiguous(predictions, order));
            INDArray tc = contiguous(targets, targets.ordering());
            Buf t = Buf.of(tc);
            boolean tf = tc.ordering() == 'f';
            int[] label = new int[n];
            int labelled = 0;
            for (int p = 0; p < n; p++) {
                int b = f ? p % batch : p / steps;
                int s = f ? p / batch : p % steps;
                double v = t.get(tf ? b + batch * s : b * steps + s);
                int l = (int) v;
                if (l != v || l < PADDING || l >= k) {
                    throw new IllegalArgumentException("label " + v + " at example " + b + ", position " + s + " is not an integer in [0, "
                            + (k - 1) + "] or " + PADDING + " (padding): the model has " + k + " outputs per position");
                }
                label[p] = l;
                if (l != PADDING) {
                    labelled++;
                }
            }
            Buf g = grad == null ? null : Buf.of(grad);
            if (labelled == 0) {
                if (g != null) {
                    for (int i = 0, len = n * k; i < len; i++) {
                        g.set(i, 0);
                    }
                }
                return 0;
            }
            double inv = 1.0 / labelled;
            double[] max = new double[n];
            double[] sum = new double[n];
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (int c = 0; c < k; c++) {
                int base = c * cs;
                for (int p = 0; p < n; p++) {
                    double v = z.get(base + p * ps);
                    if (v > max[p]) { // not Math.max: its NaN and −0 handling costs a third of this pass
                        max[p] = v;
                    }
                }
            }
            for (int c = 0; c < k; c++) {
                int base = c * cs;
                for (int p = 0; p < n; p++) {
                    double e = Math.exp(z.get(base + p * ps) - max[p]);
                    sum[p] += e;
                    if (g != null) {
                        g.set(base + p * ps, e);
                    }
                }
            }
            double total = 0;
            for (int p = 0; p < n; p++) {
                if (label[p] != PADDING) {
                    total += max[p] + Math.log(sum[p]) - z.get(label[p] * cs + p * ps);
                }
            }
            if (g != null) {
                for (int p = 0; p < n; p++) {
                    sum[p] = label[p] == PADDING ? 0.0 : inv / sum[p]; // now the scale of e
                }
                for (int c = 0; c < k; c++) {
                    int base = c * cs;
                    for (int p = 0; p < n; p++) {
                        int i = base + p * ps;
                        g.set(i, g.get(i) * sum[p]);
                    }
                }
                for (int p = 0; p < n; p++) {
                    if (label[p] != PADDING) {
                        g.add(label[p] * cs + p * ps, -inv);
                    }
                }
            }
            return total * inv;
        }
    }
}
