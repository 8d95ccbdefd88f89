package dev.aiaas.core.data;

import java.nio.FloatBuffer;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Cuts a {@link Dataset} into mini-batches, copying each one into buffers allocated once, when
 * the batcher is made: no array is allocated per batch or per epoch.
 *
 * <p>Call order:
 * <pre>{@code
 * try (Batcher batches = new Batcher(train, BatchOptions.of(128).withSeed(42).withFeatureOrder('f'))) {
 *     for (int epoch = 0; epoch < epochs; epoch++) {
 *         batches.startEpoch(epoch);
 *         while (batches.next()) {
 *             INDArray x = batches.features();   // [size(), d], the chosen order
 *             INDArray y = batches.targets();    // [size(), k], c-order: one-hot or float targets
 *             int[] labels = batches.labels();   // length size(), for labelled datasets
 *             ...
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Buffers: a full batch fills one pair of arrays {@code [batchSize, d]} and
 * {@code [batchSize, k]}; the last, smaller batch of an epoch ({@code n % batchSize} examples,
 * unless {@link BatchOptions#dropLast()}) fills a second pair of exactly its size, so a batch's
 * arrays always have {@link #size()} rows. The same instances come back every epoch; their
 * contents are overwritten by the next {@link #next()}, so copy what you keep. The batcher owns
 * the buffers and frees them in {@link #close()}; it does not own the dataset.
 */
public final class Batcher implements AutoCloseable {

    private final Dataset data;
    private final BatchOptions options;
    private final int n;
    private final int d;
    private final int k;
    private final int[] order;
    private final int batches;
    private final Buffers full;
    private final Buffers tail;
    private final FloatBuffer featureSource;
    private final FloatBuffer targetSource;
    private final int[] labelSource;
    private int cursor;
    private int batchIndex;
    private Buffers current;
    private boolean started;
    private boolean closed;

    /** One set of reusable buffers, with their host views cached. */
    private static final class Buffers {
        final INDArray features;
        final INDArray targets;
        final FloatBuffer featureHost;
        final FloatBuffer targetHost;
        final int[] labels;

        Buffers(int rows, int d, int k, char order, boolean withLabels) {
            features = Rows.matrix(rows, d, order);
            targets = Rows.matrix(rows, k, 'c');
            featureHost = Rows.host(features);
            targetHost = Rows.host(targets);
            labels = withLabels ? new int[rows] : null;
        }

        void close() {
            Dataset.closeArray(features);
            Dataset.closeArray(targets);
        }
    }

    /**
     * Makes the batcher and its buffers.
     *
     * @throws IllegalArgumentException when {@link BatchOptions#dropLast()} leaves no batch
     *                                  ({@code batchSize > n})
     * @throws IllegalStateException    when the dataset is closed
     */
    public Batcher(Dataset data, BatchOptions options) {
        this.data = Objects.requireNonNull(data, "data");
        this.options = Objects.requireNonNull(options, "options");
        this.n = data.size();
        this.d = data.featureCount();
        this.k = data.targetCount();
        int b = options.batchSize();
        int fullBatches = n / b;
        int rest = options.dropLast() ? 0 : n % b;
        if (fullBatches == 0 && rest == 0) {
            throw new IllegalArgumentException("batchSize=" + b + " with dropLast=true leaves no batch from " + n
                    + " examples; expected batchSize <= " + n + ". Use a smaller batch or withDropLast(false)");
        }
        this.batches = fullBatches + (rest > 0 ? 1 : 0);
        this.order = new int[n];
        this.featureSource = data.featureHost(); // throws on a closed dataset
        this.targetSource = data.hasLabels() ? null : Rows.host(data.targets());
        this.labelSource = data.hasLabels() ? data.labels() : null;
        this.full = fullBatches > 0 ? new Buffers(b, d, k, options.featureOrder(), data.hasLabels()) : null;
        this.tail = rest > 0 ? new Buffers(rest, d, k, options.featureOrder(), data.hasLabels()) : null;
    }

    /** The options this batcher was made with. */
    public BatchOptions options() {
        return options;
    }

    /** Batches per epoch: {@code ceil(n / batchSize)}, or {@code floor} with {@code dropLast}. */
    public int batchesPerEpoch() {
        return batches;
    }

    /**
     * Starts epoch {@code epoch}: with shuffling the examples are visited in the permutation of
     * {@link Shuffle#epochSeed(long, int)}{@code (seed, epoch)}, else in dataset order. The same
     * seed and epoch give the same order, so a run can resume at any epoch.
     *
     * @throws IllegalArgumentException when {@code epoch < 0}
     */
    public void startEpoch(int epoch) {
        requireOpen();
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch=" + epoch + "; expected an epoch index >= 0");
        }
        if (options.shuffle()) {
            Shuffle.permute(order, Shuffle.epochSeed(options.seed(), epoch));
        } else {
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
        }
        cursor = 0;
        batchIndex = 0;
        current = null;
        started = true;
    }

    /**
     * Fills the buffers with the next batch of this epoch.
     *
     * @return false, filling nothing, when the epoch is over
     * @throws IllegalStateException before {@link #startEpoch(int)} or after {@link #close()}
     */
    public boolean next() {
        requireOpen();
        if (!started) {
            throw new IllegalStateException("next() before startEpoch(epoch); call startEpoch(0) first");
        }
        if (batchIndex >= batches) {
            current = null;
            return false;
        }
        int remaining = n - cursor;
        Buffers buf = remaining >= options.batchSize() && full != null ? full : tail;
        int count = (int) buf.features.size(0);
        if (data.isClosed()) {
            throw new IllegalStateException("the dataset was closed while this batcher was in use; "
                    + "close the batcher before its dataset");
        }
        Rows.gather(featureSource, d, order, cursor, count, buf.featureHost, options.featureOrder());
        if (labelSource != null) {
            Rows.oneHot(labelSource, k, order, cursor, count, buf.targetHost, 'c', buf.labels);
        } else {
            Rows.gather(targetSource, k, order, cursor, count, buf.targetHost, 'c');
        }
        cursor += count;
        batchIndex++;
        current = buf;
        return true;
    }

    /** The number of examples in the current batch (the row count of its arrays). */
    public int size() {
        return (int) requireBatch().features.size(0);
    }

    /** The current batch's features {@code [size(), d]} in the configured order (a reused buffer). */
    public INDArray features() {
        return requireBatch().features;
    }

    /** The current batch's targets {@code [size(), k]}, c-order: one-hot rows for a labelled dataset (a reused buffer). */
    public INDArray targets() {
        return requireBatch().targets;
    }

    /**
     * The current batch's class labels, length {@link #size()} (a reused array).
     *
     * @throws IllegalStateException for a dataset with float targets
     */
    public int[] labels() {
        Buffers b = requireBatch();
        if (b.labels == null) {
            throw new IllegalStateException("the dataset has float targets, not class labels; use targets()");
        }
        return b.labels;
    }

    /** The dataset indices of the current batch's examples, in batch order (a new array). */
    public int[] indices() {
        Buffers b = requireBatch();
        int count = (int) b.features.size(0);
        return java.util.Arrays.copyOfRange(order, cursor - count, cursor);
    }

    /** Frees the buffers; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (full != null) {
                full.close();
            }
            if (tail != null) {
                tail.close();
            }
        }
    }

    private Buffers requireBatch() {
        requireOpen();
        if (current == null) {
            throw new IllegalStateException("no current batch; call startEpoch(e) and then next() until it returns false");
        }
        return current;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this batcher was closed; make a new one");
        }
    }
}
