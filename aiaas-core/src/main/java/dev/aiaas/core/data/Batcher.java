package dev.aiaas.core.data;

import dev.aiaas.core.backend.NativeMemory;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cuts examples into mini-batches, copying each one into buffers that are reused: no array is
 * allocated per batch or per epoch. The one batching pipeline of the codebase: the trainer
 * batches through it too.
 *
 * <p>Call order:
 * <pre>{@code
 * try (Batcher batches = new Batcher(train, BatchOptions.of(128).withSeed(42).withFeatureOrder('f'))) {
 *     for (int epoch = 0; epoch < epochs; epoch++) {
 *         batches.startEpoch(epoch);
 *         while (batches.next()) {
 *             INDArray x = batches.features();   // [size(), d], the chosen order
 *             INDArray y = batches.targets();    // [size(), k], the chosen order: one-hot or float targets
 *             int[] labels = batches.labels();   // length size(), for labelled datasets
 *             ...
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Sources: a {@link Dataset} (read in place, without a copy), or arrays given to
 * {@link #of(INDArray, INDArray, BatchOptions)}, copied once onto the Java heap in the buffers'
 * element type, so that a row-major batch is one bulk copy per example (measured: 128x784 floats
 * in about 20 us, against about 1 ms element by element). {@link #subset(int[], BatchOptions)}
 * batches some of the examples (a training or validation part) from the same source, without
 * copying it again.
 *
 * <p>Order: with {@link BatchOptions#shuffle()}, epoch {@code e} visits the examples in the
 * order of {@link Shuffle#shuffle(int[], long)} with {@link Shuffle#epochSeed(long, int)}{@code
 * (seed, e)} applied to the batcher's rows; else in row order.
 *
 * <p>Buffers: a full batch fills one pair of arrays {@code [batchSize, d]} and
 * {@code [batchSize, k]}; the last, smaller batch of an epoch ({@code n % batchSize} examples,
 * unless {@link BatchOptions#dropLast()}) fills a second pair of exactly its size, so a batch's
 * arrays always have {@link #size()} rows. Each pair is made at its first batch; the same
 * instances come back every epoch; their contents are overwritten by the next {@link #next()},
 * so copy what you keep. The batcher owns the buffers and frees them in {@link #close()}; it does
 * not own the dataset.
 */
public final class Batcher implements AutoCloseable {

    private final Source source;
    private final BatchOptions options;
    private final int n;
    private final int d;
    private final int k;
    /** The source rows this batcher visits (null: all, in order). */
    private final int[] rows;
    private final int[] order;
    private final int batches;
    private final int tailSize;
    private Buffers full;
    private Buffers tail;
    private int cursor;
    private int batchIndex;
    private Buffers current;
    private boolean started;
    private boolean closed;

    /**
     * Makes a batcher over a dataset.
     *
     * @param data    the examples; read in place, so close the batcher before the dataset
     * @param options batch size, order and buffer layout
     * @throws IllegalArgumentException when {@link BatchOptions#dropLast()} leaves no batch
     *                                  ({@code batchSize > n}), or a batch's buffer would hold more
     *                                  than {@code Integer.MAX_VALUE} values
     * @throws IllegalStateException    when the dataset is closed
     * @throws dev.aiaas.core.backend.NativeMemoryException when a batch's buffers would not fit in
     *                                  the native memory available ({@link NativeMemory#require})
     */
    public Batcher(Dataset data, BatchOptions options) {
        this(new DatasetSource(Objects.requireNonNull(data, "data")), null, options);
    }

    /**
     * Makes a batcher over arrays, copied once onto the heap in {@link BatchOptions#dataType()}.
     * The batches' targets are the target rows as given (class indices, one-hot rows, float or
     * per-position targets): {@link #labels()} is for datasets.
     *
     * @param features {@code [n, d]}, any numeric type and order
     * @param targets  {@code [n]} (one value per example) or {@code [n, k]}
     * @param options  batch size, order and buffer layout
     * @return the batcher
     * @throws IllegalArgumentException on a shape mismatch, no examples, or more than
     *                                  {@code Integer.MAX_VALUE} values
     */
    public static Batcher of(INDArray features, INDArray targets, BatchOptions options) {
        Objects.requireNonNull(options, "options");
        return new Batcher(new ArraySource(features, targets, options.dataType()), null, options);
    }

    /**
     * A batcher over some of this one's source examples, sharing its source (nothing is copied)
     * but with its own buffers and options: for example the training and the validation part
     * of a set. Its rows are indices into the source (all the examples this batcher was made
     * over, not only its own rows), in the order given; shuffling permutes them.
     *
     * @param sourceRows indices in {@code [0, n)} of the source; copied
     * @param newOptions the new batcher's options
     * @return the new batcher, to close on its own
     * @throws IllegalArgumentException when an index is out of range or there is no row
     */
    public Batcher subset(int[] sourceRows, BatchOptions newOptions) {
        requireOpen();
        Objects.requireNonNull(sourceRows, "sourceRows");
        for (int i = 0; i < sourceRows.length; i++) {
            if (sourceRows[i] < 0 || sourceRows[i] >= source.size()) {
                throw new IllegalArgumentException("sourceRows[" + i + "] = " + sourceRows[i] + " is outside [0, " + source.size()
                        + "); pass indices of the " + source.size() + " source examples");
            }
        }
        return new Batcher(source, sourceRows.clone(), newOptions);
    }

    private Batcher(Source source, int[] rows, BatchOptions options) {
        this.source = source;
        this.options = Objects.requireNonNull(options, "options");
        this.rows = rows;
        this.n = rows == null ? source.size() : rows.length;
        this.d = source.featureCount();
        this.k = source.targetCount();
        if (n < 1) {
            throw new IllegalArgumentException("no examples to batch; pass at least one row");
        }
        int b = options.batchSize();
        int fullBatches = n / b;
        int rest = options.dropLast() ? 0 : n % b;
        if (fullBatches == 0 && rest == 0) {
            throw new IllegalArgumentException("batchSize=" + b + " with dropLast=true leaves no batch from " + n
                    + " examples; expected batchSize <= " + n + ". Use a smaller batch or withDropLast(false)");
        }
        this.batches = fullBatches + (rest > 0 ? 1 : 0);
        this.tailSize = rest;
        long rowsPerBatch = fullBatches > 0 ? b : rest;
        long values = rowsPerBatch * Math.max(d, k);
        if (values > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a batch of " + rowsPerBatch + " examples of " + d + " features and " + k
                    + " targets holds " + values + " values in one buffer; at most " + Integer.MAX_VALUE
                    + " fit. Use a smaller batch size");
        }
        int bytesPerValue = options.dataType() == DataType.DOUBLE ? 8 : 4;
        NativeMemory.require("the batch buffers [" + rowsPerBatch + ", " + d + "] and [" + rowsPerBatch + ", " + k + "]",
                NativeMemory.bytes("the batch buffers", rowsPerBatch * ((long) d + k), bytesPerValue));
        this.order = new int[n];
    }

    /**
     * The options this batcher was made with.
     *
     * @return the options
     */
    public BatchOptions options() {
        return options;
    }

    /**
     * Batches per epoch.
     *
     * @return {@code ceil(n / batchSize)}, or {@code floor} with {@code dropLast}
     */
    public int batchesPerEpoch() {
        return batches;
    }

    /**
     * The examples this batcher visits per epoch (with {@code dropLast}, some are skipped).
     *
     * @return its number of rows
     */
    public int exampleCount() {
        return n;
    }

    /**
     * Starts epoch {@code epoch}: with shuffling the rows are visited in the order of
     * {@link Shuffle#shuffle(int[], long)} with {@link Shuffle#epochSeed(long, int)}{@code
     * (seed, epoch)}, else in row order. The same seed and epoch give the same order, so a run
     * can resume at any epoch.
     *
     * @param epoch the epoch, from 0
     * @throws IllegalArgumentException when {@code epoch < 0}
     */
    public void startEpoch(int epoch) {
        requireOpen();
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch=" + epoch + "; expected an epoch index >= 0");
        }
        if (rows == null) {
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
        } else {
            System.arraycopy(rows, 0, order, 0, n);
        }
        if (options.shuffle()) {
            Shuffle.shuffle(order, Shuffle.epochSeed(options.seed(), epoch));
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
     * @throws IllegalStateException before {@link #startEpoch(int)}, after {@link #close()}, or
     *                               when the dataset was closed
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
        Buffers buf;
        if (remaining >= options.batchSize()) {
            if (full == null) {
                full = new Buffers(options.batchSize(), d, k, options, source.hasLabels());
            }
            buf = full;
        } else {
            if (tail == null) {
                tail = new Buffers(tailSize, d, k, options, source.hasLabels());
            }
            buf = tail;
        }
        source.copy(order, cursor, buf.rows, buf, options);
        cursor += buf.rows;
        batchIndex++;
        current = buf;
        return true;
    }

    /**
     * The number of examples in the current batch.
     *
     * @return the row count of its arrays
     */
    public int size() {
        return requireBatch().rows;
    }

    /**
     * The current batch's features.
     *
     * @return {@code [size(), d]} in the configured order and type (a reused buffer)
     */
    public INDArray features() {
        return requireBatch().features;
    }

    /**
     * The current batch's targets.
     *
     * @return {@code [size(), k]} in the configured order and type: one-hot rows for a labelled
     *         dataset, the target rows otherwise (a reused buffer)
     */
    public INDArray targets() {
        return requireBatch().targets;
    }

    /**
     * The current batch's class labels.
     *
     * @return length {@link #size()} (a reused array)
     * @throws IllegalStateException for a source without class labels (float targets, arrays)
     */
    public int[] labels() {
        Buffers b = requireBatch();
        if (b.labels == null) {
            throw new IllegalStateException("the examples have target rows, not dataset class labels; use targets()");
        }
        return b.labels;
    }

    /**
     * The source indices of the current batch's examples, in batch order.
     *
     * @return a new array
     */
    public int[] indices() {
        Buffers b = requireBatch();
        return Arrays.copyOfRange(order, cursor - b.rows, cursor);
    }

    /**
     * Checks that every feature and target value of the source (all the examples this batcher's
     * source holds, its subsets' included) is finite, in one pass over the source: O(n·(d + k)),
     * once, where a training epoch costs far more. Class labels of a dataset are integers, so
     * always finite.
     *
     * @param featuresName the features' name for the message, for example {@code x}
     * @param targetsName  the targets' name for the message, for example {@code y}
     * @param fix          what the message tells the user to do
     * @throws NonFiniteDataException naming the array, the 0-based row and column and the value of
     *                                the first non-finite value (features before targets)
     */
    public void requireFinite(String featuresName, String targetsName, String fix) {
        requireOpen();
        source.requireFinite(featuresName, targetsName, fix);
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

    /** One set of reusable buffers, with their host views cached. */
    private static final class Buffers {
        final int rows;
        final INDArray features;
        final INDArray targets;
        final FloatBuffer featureFloat;
        final DoubleBuffer featureDouble;
        final FloatBuffer targetFloat;
        final DoubleBuffer targetDouble;
        final int[] labels;

        Buffers(int rows, int d, int k, BatchOptions o, boolean withLabels) {
            this.rows = rows;
            features = Nd4j.create(o.dataType(), new long[] {rows, d}, o.featureOrder());
            targets = Nd4j.create(o.dataType(), new long[] {rows, k}, o.targetOrder());
            boolean f = o.dataType() == DataType.FLOAT;
            featureFloat = f ? Rows.host(features) : null;
            targetFloat = f ? Rows.host(targets) : null;
            featureDouble = f ? null : features.data().asNioDouble().slice();
            targetDouble = f ? null : targets.data().asNioDouble().slice();
            labels = withLabels ? new int[rows] : null;
        }

        void close() {
            Dataset.closeArray(features);
            Dataset.closeArray(targets);
        }
    }

    /** Where the examples come from. */
    private interface Source {
        int size();

        int featureCount();

        int targetCount();

        boolean hasLabels();

        /** Copies examples {@code order[from .. from + count)} into the buffers. */
        void copy(int[] order, int from, int count, Buffers buf, BatchOptions o);

        /** Throws {@link NonFiniteDataException} at the first value that is not finite. */
        void requireFinite(String featuresName, String targetsName, String fix);
    }

    /** The index of the first value of {@code b[0, length)} that is not finite, or -1. */
    static long firstNonFinite(FloatBuffer b, long length) {
        for (int i = 0; i < length; i++) {
            if (!Float.isFinite(b.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static long firstNonFinite(float[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                return i;
            }
        }
        return -1;
    }

    private static long firstNonFinite(double[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i])) {
                return i;
            }
        }
        return -1;
    }

    /** A dataset, read in place (float32, c-order features; class labels or float targets). */
    private static final class DatasetSource implements Source {
        private final Dataset data;
        private final FloatBuffer features;
        private final FloatBuffer targets;
        private final int[] labels;

        DatasetSource(Dataset data) {
            this.data = data;
            this.features = data.featureHost(); // throws on a closed dataset
            this.targets = data.hasLabels() ? null : Rows.host(data.targets());
            this.labels = data.hasLabels() ? data.labels() : null;
        }

        @Override
        public int size() {
            return data.size();
        }

        @Override
        public int featureCount() {
            return data.featureCount();
        }

        @Override
        public int targetCount() {
            return data.targetCount();
        }

        @Override
        public boolean hasLabels() {
            return labels != null;
        }

        @Override
        public void copy(int[] order, int from, int count, Buffers buf, BatchOptions o) {
            if (data.isClosed()) {
                throw new IllegalStateException("the dataset was closed while this batcher was in use; "
                        + "close the batcher before its dataset");
            }
            int d = data.featureCount();
            int k = data.targetCount();
            if (buf.featureFloat != null) {
                Rows.gather(features, d, order, from, count, buf.featureFloat, o.featureOrder());
                if (labels != null) {
                    Rows.oneHot(labels, k, order, from, count, buf.targetFloat, o.targetOrder(), buf.labels);
                } else {
                    Rows.gather(targets, k, order, from, count, buf.targetFloat, o.targetOrder());
                }
                return;
            }
            // float64 buffers: element by element (a dataset holds float32)
            gatherWidening(features, d, order, from, count, buf.featureDouble, o.featureOrder());
            if (labels != null) {
                for (int i = 0; i < count * k; i++) {
                    buf.targetDouble.put(i, 0.0);
                }
                for (int r = 0; r < count; r++) {
                    int y = labels[order[from + r]];
                    buf.targetDouble.put(o.targetOrder() == 'c' ? r * k + y : y * count + r, 1.0);
                    buf.labels[r] = y;
                }
            } else {
                gatherWidening(targets, k, order, from, count, buf.targetDouble, o.targetOrder());
            }
        }

        @Override
        public void requireFinite(String featuresName, String targetsName, String fix) {
            int d = data.featureCount();
            long i = firstNonFinite(features, (long) data.size() * d);
            if (i >= 0) {
                throw new NonFiniteDataException(featuresName, i / d, i % d, features.get((int) i), fix);
            }
            if (targets != null) {
                int k = data.targetCount();
                i = firstNonFinite(targets, (long) data.size() * k);
                if (i >= 0) {
                    throw new NonFiniteDataException(targetsName, i / k, i % k, targets.get((int) i), fix);
                }
            }
        }

        private static void gatherWidening(FloatBuffer src, int cols, int[] order, int from, int count, DoubleBuffer dst, char dstOrder) {
            for (int r = 0; r < count; r++) {
                int base = order[from + r] * cols;
                for (int c = 0; c < cols; c++) {
                    dst.put(dstOrder == 'c' ? r * cols + c : c * count + r, src.get(base + c));
                }
            }
        }
    }

    /**
     * Arrays copied once onto the heap: features row-major in the buffers' type, targets as
     * float64 rows (exact for class indices and float32 targets).
     */
    private static final class ArraySource implements Source {
        private final int n;
        private final int d;
        private final int k;
        private final float[] xf;
        private final double[] xd;
        private final double[] y;

        ArraySource(INDArray x, INDArray targets, DataType type) {
            if (x == null || targets == null) {
                throw new NullPointerException("features and targets must not be null");
            }
            if (x.rank() != 2) {
                throw new IllegalArgumentException("features have shape " + Arrays.toString(x.shape()) + "; expected [n, d]");
            }
            if (x.size(0) < 1) {
                throw new IllegalArgumentException("features have no examples: " + Arrays.toString(x.shape()));
            }
            if (x.length() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("features hold " + x.length() + " values; at most " + Integer.MAX_VALUE
                        + " fit in one in-memory training set");
            }
            if (!(targets.rank() == 1 || targets.rank() == 2) || targets.size(0) != x.size(0)) {
                throw new IllegalArgumentException("targets have shape " + Arrays.toString(targets.shape()) + "; expected ["
                        + x.size(0) + "] or [" + x.size(0) + ", k], one row per example of features " + Arrays.toString(x.shape()));
            }
            this.n = (int) x.size(0);
            this.d = (int) x.size(1);
            this.k = targets.rank() == 1 ? 1 : Math.toIntExact(targets.size(1));
            if (type == DataType.FLOAT) {
                this.xf = heap(x, DataType.FLOAT).asFloat();
                this.xd = null;
            } else {
                this.xf = null;
                this.xd = heap(x, DataType.DOUBLE).asDouble();
            }
            this.y = heap(targets, DataType.DOUBLE).asDouble();
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public int featureCount() {
            return d;
        }

        @Override
        public int targetCount() {
            return k;
        }

        @Override
        public boolean hasLabels() {
            return false;
        }

        @Override
        public void copy(int[] order, int from, int count, Buffers buf, BatchOptions o) {
            boolean rowMajor = o.featureOrder() == 'c';
            if (xf != null) {
                FloatBuffer bx = buf.featureFloat;
                for (int r = 0; r < count; r++) {
                    int src = order[from + r] * d;
                    if (rowMajor) {
                        bx.put(r * d, xf, src, d);
                    } else {
                        for (int c = 0; c < d; c++) {
                            bx.put(c * count + r, xf[src + c]);
                        }
                    }
                }
            } else {
                DoubleBuffer bx = buf.featureDouble;
                for (int r = 0; r < count; r++) {
                    int src = order[from + r] * d;
                    if (rowMajor) {
                        bx.put(r * d, xd, src, d);
                    } else {
                        for (int c = 0; c < d; c++) {
                            bx.put(c * count + r, xd[src + c]);
                        }
                    }
                }
            }
            int rs = o.targetOrder() == 'c' ? k : 1;
            int cs = o.targetOrder() == 'c' ? 1 : count;
            if (buf.targetFloat != null) {
                FloatBuffer by = buf.targetFloat;
                for (int r = 0; r < count; r++) {
                    int src = order[from + r] * k;
                    for (int c = 0; c < k; c++) {
                        by.put(r * rs + c * cs, (float) y[src + c]);
                    }
                }
            } else {
                DoubleBuffer by = buf.targetDouble;
                for (int r = 0; r < count; r++) {
                    int src = order[from + r] * k;
                    for (int c = 0; c < k; c++) {
                        by.put(r * rs + c * cs, y[src + c]);
                    }
                }
            }
        }

        @Override
        public void requireFinite(String featuresName, String targetsName, String fix) {
            long i = xf != null ? firstNonFinite(xf) : firstNonFinite(xd);
            if (i >= 0) {
                throw new NonFiniteDataException(featuresName, i / d, i % d, xf != null ? xf[(int) i] : xd[(int) i], fix);
            }
            i = firstNonFinite(y);
            if (i >= 0) {
                throw new NonFiniteDataException(targetsName, i / k, i % k, y[(int) i], fix);
            }
        }

        /** a's values, row-major, in type {@code dt}, read once onto the heap (copies made for it are freed). */
        private static Heap heap(INDArray a, DataType dt) {
            if (a.dataType() == dt && a.ordering() == 'c' && a.length() == a.data().length()) {
                return new Heap(a, false);
            }
            INDArray cast = a.dataType() == dt ? a : a.castTo(dt);
            if (cast.ordering() == 'c' && cast.length() == cast.data().length()) {
                return new Heap(cast, cast != a);
            }
            INDArray copy = cast.dup('c');
            if (cast != a) {
                cast.close();
            }
            return new Heap(copy, true);
        }

        /** An array read once onto the heap; closed after when it was made for that. */
        private record Heap(INDArray array, boolean made) {
            float[] asFloat() {
                float[] v = array.data().asFloat();
                release();
                return v;
            }

            double[] asDouble() {
                double[] v = array.data().asDouble();
                release();
                return v;
            }

            private void release() {
                if (made) {
                    array.close();
                }
            }
        }
    }
}
