package dev.aiaas.core.train;

import dev.aiaas.core.data.Dataset;
import dev.aiaas.core.data.OneHot;
import dev.aiaas.core.internal.Buf;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.optim.Regularizer;
import dev.aiaas.core.optim.Schedule;
import dev.aiaas.core.optim.Schedules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a {@link Model} by mini-batch empirical-risk minimisation:
 * θ = argmin (1/n) Σᵢ L(yᵢ, f(xᵢ; θ)).
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(Losses.sparseSoftmaxCrossEntropy())
 *         .optimizer(Optimizers.adam(1e-3)).epochs(5).batchSize(128).seed(42)
 *         .validationSplit(0.1).callbacks(Callbacks.progress())
 *         .build();
 * History history = trainer.fit(model, x, y);    // x [n, d]; y [n] class indices
 * }</pre>
 *
 * <p>Each epoch visits the training examples in an order shuffled from (seed, epoch); the same seed,
 * model and data on the same machine give the same parameters, bit for bit. The last batch of an
 * epoch may be smaller. Classification losses also log {@code accuracy}. A Trainer is immutable
 * and may be reused; each {@link #fit} owns its buffers and frees them before returning.
 */
public final class Trainer {

    private final Loss loss;
    private final Optimizer optimizer;
    private final Schedule schedule;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final double validationSplit;
    private final double clipNorm;
    private final double clipValue;
    private final List<Callback> callbacks;
    private final Regularizer regularizer;

    private Trainer(Builder b) {
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.validationSplit = b.validationSplit;
        this.clipNorm = b.clipNorm;
        this.clipValue = b.clipValue;
        this.callbacks = List.copyOf(b.callbacks);
        this.regularizer = b.regularizer;
    }

    /** Starts a trainer for the given loss. Defaults: Adam(1e-3), 10 epochs, batch 32, seed 0. */
    public static Builder builder(Loss loss) {
        return new Builder(loss);
    }

    /** The settings of a {@link Trainer}; each setter validates its value. */
    public static final class Builder {
        private final Loss loss;
        private Optimizer optimizer = Optimizers.adam(1e-3);
        private Schedule schedule = Schedules.constant();
        private int epochs = 10;
        private int batchSize = 32;
        private long seed;
        private double validationSplit;
        private double clipNorm;
        private double clipValue;
        private final List<Callback> callbacks = new ArrayList<>();
        private Regularizer regularizer;

        private Builder(Loss loss) {
            if (loss == null) {
                throw new NullPointerException("loss must not be null; pick one from Losses");
            }
            this.loss = loss;
        }

        /** The optimiser (default Adam with η = 1e-3). */
        public Builder optimizer(Optimizer optimizer) {
            if (optimizer == null) {
                throw new NullPointerException("optimizer must not be null; pick one from Optimizers");
            }
            this.optimizer = optimizer;
            return this;
        }

        /** The learning-rate schedule (default constant). */
        public Builder schedule(Schedule schedule) {
            if (schedule == null) {
                throw new NullPointerException("schedule must not be null; use Schedules.constant()");
            }
            this.schedule = schedule;
            return this;
        }

        /** Passes over the training data, at least 1. */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be a positive integer. Received: epochs=" + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** Examples per optimiser step, at least 1. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be a positive integer. Received: batchSize=" + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** The seed of the shuffling and validation split. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The fraction of the training data held out, chosen from the seed, for validation: in [0, 1). */
        public Builder validationSplit(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("validationSplit must be in [0, 1). Received: validationSplit=" + fraction);
            }
            this.validationSplit = fraction;
            return this;
        }

        /** Rescales ∇θ to this Euclidean norm when larger; 0 (the default) turns it off. */
        public Builder clipNorm(double maxNorm) {
            if (!(maxNorm >= 0) || !Double.isFinite(maxNorm)) {
                throw new IllegalArgumentException("clipNorm must be >= 0 (0 turns it off). Received: clipNorm=" + maxNorm);
            }
            this.clipNorm = maxNorm;
            return this;
        }

        /** Clips each gradient component to [−v, v]; 0 (the default) turns it off. */
        public Builder clipValue(double maxValue) {
            if (!(maxValue >= 0) || !Double.isFinite(maxValue)) {
                throw new IllegalArgumentException("clipValue must be >= 0 (0 turns it off). Received: clipValue=" + maxValue);
            }
            this.clipValue = maxValue;
            return this;
        }

        /**
         * Penalises the dense layers' weights W (not biases) with R, for example
         * {@code Regularizer.l2(1e-4)}: ∂R/∂W is added to ∇θ before clipping, and the logged
         * {@code loss} and {@code val_loss} include R(θ) (Keras's semantics). Default: none.
         */
        public Builder regularizer(Regularizer regularizer) {
            if (regularizer == null) {
                throw new NullPointerException("regularizer must not be null; leave it unset for none");
            }
            this.regularizer = regularizer;
            return this;
        }

        /** Adds callbacks, run in the order given. */
        public Builder callbacks(Callback... callbacks) {
            for (Callback c : callbacks) {
                if (c == null) {
                    throw new NullPointerException("callbacks must not be null");
                }
                this.callbacks.add(c);
            }
            return this;
        }

        /** The trainer. */
        public Trainer build() {
            return new Trainer(this);
        }
    }

    /** Trains on a {@link Dataset}, holding out {@code validationSplit} of it for validation. */
    public History fit(Model model, Dataset train) {
        return fit(model, train, null);
    }

    /** Trains on {@code train} and validates on {@code validation} (or null) after each epoch. */
    public History fit(Model model, Dataset train, Dataset validation) {
        Targets y = targetsOf(train);
        Targets yVal = validation == null ? null : targetsOf(validation);
        try {
            return fit(model, train.features(), y.array(), validation == null ? null : validation.features(),
                    yVal == null ? null : yVal.array());
        } finally {
            y.close();
            if (yVal != null) {
                yVal.close();
            }
        }
    }

    /** {@link #evaluate(Model, INDArray, INDArray)} on a {@link Dataset}. */
    public Map<String, Double> evaluate(Model model, Dataset data) {
        try (Targets y = targetsOf(data)) {
            return evaluate(model, data.features(), y.array());
        }
    }

    /** The targets this trainer's loss takes, and whether they were made here (then closed after use). */
    private record Targets(INDArray array, boolean made) implements AutoCloseable {
        @Override
        public void close() {
            if (made) {
                array.close();
            }
        }
    }

    /** Class indices for sparse losses, one-hot rows for the others, or the dataset's float targets. */
    private Targets targetsOf(Dataset d) {
        if (!d.hasLabels()) {
            if (sparse()) {
                throw new IllegalArgumentException(loss.name() + " needs integer class labels, but this dataset holds float targets; "
                        + "use Losses.softmaxCrossEntropy() or Losses.meanSquaredError(), or build it with Dataset.ofLabels");
            }
            return new Targets(d.targets(), false);
        }
        return new Targets(sparse() ? Nd4j.createFromArray(d.labels()) : OneHot.encode(d.labels(), d.numClasses()), true);
    }

    /**
     * Trains on (x, y), holding out {@code validationSplit} of it for validation.
     *
     * @param x features {@code [n, inputShape...]}
     * @param y targets {@code [n, k]}, or class indices {@code [n]} / {@code [n, 1]} for sparse losses
     */
    public History fit(Model model, INDArray x, INDArray y) {
        return fit(model, x, y, null, null);
    }

    /**
     * Trains on (x, y) and validates on (xVal, yVal) after each epoch (both null for none; then
     * {@code validationSplit} applies).
     */
    public History fit(Model model, INDArray x, INDArray y, INDArray xVal, INDArray yVal) {
        return fit(model, x, y, xVal, yVal, null);
    }

    /**
     * Continues the run saved in {@code checkpoint} (by {@link Callbacks#checkpoint}) on the same
     * data, up to this trainer's {@code epochs} in all: trains {@code checkpoint.model()} in place
     * with the checkpoint's optimiser state, from its step and epoch. With the same settings and
     * data, training E₁ epochs, checkpointing and resuming gives the parameters of an unbroken
     * run, bit for bit: each epoch's shuffle is derived from (seed, epoch), not from a running
     * stream. Not restored: callbacks' own state (early stopping's best value, the
     * reduce-on-plateau factor) and dropout's mask stream, which restarts from the model's seed.
     * The returned history holds the resumed epochs only.
     *
     * @throws IllegalArgumentException when the checkpoint's optimiser differs from this trainer's,
     *                                  its provenance lacks {@code epoch}, or it already ran {@code epochs}
     */
    public History resume(ModelIO.Checkpoint checkpoint, INDArray x, INDArray y) {
        return resume(checkpoint, x, y, null, null);
    }

    /** {@link #resume(ModelIO.Checkpoint, INDArray, INDArray)} with validation data (both null for none). */
    public History resume(ModelIO.Checkpoint checkpoint, INDArray x, INDArray y, INDArray xVal, INDArray yVal) {
        if (!checkpoint.optimizer().equals(optimizer)) {
            throw new IllegalArgumentException("the checkpoint was trained with " + checkpoint.optimizer() + " but this trainer uses "
                    + optimizer + "; build the trainer with .optimizer(checkpoint.optimizer())");
        }
        String e = checkpoint.provenance().get(Callbacks.EPOCH_KEY);
        if (e == null) {
            throw new IllegalArgumentException("the checkpoint's provenance has no '" + Callbacks.EPOCH_KEY
                    + "' entry, so the epoch to resume from is unknown; write checkpoints with Callbacks.checkpoint");
        }
        int done = Integer.parseInt(e);
        if (done >= epochs) {
            throw new IllegalArgumentException("the checkpoint already completed " + done + " epochs and this trainer runs " + epochs
                    + " in all; set epochs(n) with n > " + done);
        }
        return fit(checkpoint.model(), x, y, xVal, yVal, new Start(checkpoint.state(), checkpoint.step(), done));
    }

    /** Where a resumed run starts: the optimiser state to continue, the step and the epochs done. */
    private record Start(Optimizer.State state, long step, int epoch) {
    }

    private History fit(Model model, INDArray x, INDArray y, INDArray xVal, INDArray yVal, Start start) {
        if ((xVal == null) != (yVal == null)) {
            throw new IllegalArgumentException("give both xVal and yVal, or neither");
        }
        DataType dt = model.dataType();
        long width = model.inputShape().length == 1 ? model.inputShape()[0] : -1;
        if (width < 0) {
            throw new IllegalArgumentException("the trainer takes models with flat inputs [features] for now; got input shape "
                    + Arrays.toString(model.inputShape()));
        }
        long[] outShape = model.outputShape();
        long k = loss.targetWidth(outShape);
        Examples all = new Examples(x, y, width, k, sparse(), dt, "x", "y");
        long n = all.rows;
        int[] order = identity(n);
        int[] trainIdx;
        int[] valIdx;
        Examples val = null;
        SplittableRandom random = new SplittableRandom(seed);
        if (xVal != null) {
            val = new Examples(xVal, yVal, width, k, sparse(), dt, "xVal", "yVal");
            trainIdx = order;
            valIdx = identity(val.rows);
        } else if (validationSplit > 0) {
            shuffle(order, random);
            int nv = (int) Math.round(n * validationSplit);
            if (nv < 1 || nv >= n) {
                throw new IllegalArgumentException("validationSplit " + validationSplit + " of " + n
                        + " examples leaves " + nv + " for validation; need at least 1 each for training and validation");
            }
            valIdx = Arrays.copyOfRange(order, 0, nv);
            trainIdx = Arrays.copyOfRange(order, nv, (int) n);
        } else {
            trainIdx = order;
            valIdx = null;
        }
        return run(model, all, trainIdx, val != null ? val : (valIdx != null ? all : null), valIdx, start);
    }

    /**
     * The loss (and accuracy, for classification) of the model on (x, y), in batches of this
     * trainer's batch size, with training behaviour off.
     */
    public Map<String, Double> evaluate(Model model, INDArray x, INDArray y) {
        long width = model.inputShape()[0];
        long k = loss.targetWidth(model.outputShape());
        Examples data = new Examples(x, y, width, k, sparse(), model.dataType(), "x", "y");
        try (Batches batches = new Batches(width, model.outputShape(), k, model.dataType())) {
            return evaluate(model, data, identity(data.rows), batches, "");
        }
    }

    private History run(Model model, Examples data, int[] trainIdx, Examples valData, int[] valIdx, Start start) {
        History history = new History();
        long steps = (trainIdx.length + batchSize - 1) / batchSize;
        List<long[]> kernels = regularizer == null ? List.of() : model.kernelSlices();
        FrozenState frozen = new FrozenState(model.stateSlices());
        long width = data.width;
        long k = data.k;
        int[] order = new int[trainIdx.length];
        try (Batches batches = new Batches(width, model.outputShape(), k, model.dataType());
             Optimizer.State own = start == null ? optimizer.newState(model.parameters().length(), model.dataType()) : null) {
            Optimizer.State state = start == null ? own : start.state();
            long t = start == null ? 0 : start.step();
            TrainingContext ctx = new TrainingContext(model, epochs, steps, optimizer, state, t);
            for (Callback c : callbacks) {
                c.onTrainBegin(ctx);
            }
            try {
                for (int epoch = start == null ? 0 : start.epoch(); epoch < epochs; epoch++) {
                    for (Callback c : callbacks) {
                        c.onEpochBegin(epoch, ctx);
                    }
                    System.arraycopy(trainIdx, 0, order, 0, order.length);
                    shuffle(order, epochStream(seed, epoch));
                    double lossSum = 0;
                    Tally tally = new Tally();
                    double lr = 0;
                    for (int from = 0; from < order.length; from += batchSize) {
                        int b = Math.min(batchSize, order.length - from);
                        Batch batch = batches.get(b);
                        data.gather(order, from, b, batch);
                        INDArray out = model.forward(batch.x, true);
                        double l = loss.compute(out, batch.y, batch.grad);
                        tally.add(out, batch.y);
                        model.backward(batch.grad);
                        l += regularize(model, kernels);
                        clip(model.gradients());
                        t++;
                        lr = optimizer.learningRate() * schedule.factor(t, epoch) * ctx.learningRateFactor();
                        frozen.save(model.parameters());
                        optimizer.step(model.parameters(), model.gradients(), state, lr, t);
                        frozen.restore(model.parameters());
                        ctx.step(t);
                        lossSum += l * b;
                        for (Callback c : callbacks) {
                            c.onBatchEnd(t, l, ctx);
                        }
                    }
                    Map<String, Double> logs = new LinkedHashMap<>();
                    logs.put("loss", lossSum / trainIdx.length);
                    if (classification()) {
                        logs.put("accuracy", tally.accuracy());
                    }
                    if (valData != null) {
                        logs.putAll(evaluate(model, valData, valIdx, batches, "val_"));
                    }
                    logs.put("lr", lr);
                    history.add(logs);
                    for (Callback c : callbacks) {
                        c.onEpochEnd(epoch, logs, ctx);
                    }
                    if (ctx.stopRequested()) {
                        break;
                    }
                }
            } finally {
                for (Callback c : callbacks) {
                    c.onTrainEnd(history, ctx);
                }
            }
        }
        return history;
    }

    private Map<String, Double> evaluate(Model model, Examples data, int[] idx, Batches batches, String prefix) {
        double lossSum = 0;
        Tally tally = new Tally();
        for (int start = 0; start < idx.length; start += batchSize) {
            int b = Math.min(batchSize, idx.length - start);
            Batch batch = batches.get(b);
            data.gather(idx, start, b, batch);
            INDArray out = model.forward(batch.x, false);
            lossSum += loss.value(out, batch.y) * b;
            tally.add(out, batch.y);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        double penalty = 0;
        if (regularizer != null) {
            for (long[] k : model.kernelSlices()) {
                penalty += regularizer.penalty(model.parameters(), k[0], k[1]);
            }
        }
        m.put(prefix + "loss", lossSum / idx.length + penalty);
        if (classification()) {
            m.put(prefix + "accuracy", tally.accuracy());
        }
        return m;
    }

    private boolean sparse() {
        return loss.name().startsWith("sparse");
    }

    private boolean classification() {
        return loss.name().contains("cross_entropy");
    }

    /**
     * Correct predictions over an epoch: argmax for softmax losses, sign for binary cross-entropy.
     * A sequence loss counts positions ([B, T, k] outputs are, in 'f' order, [B·T, k] rows) and
     * skips padding.
     */
    private final class Tally {
        private long correct;
        private long counted;

        double accuracy() {
            return counted == 0 ? 0.0 : (double) correct / counted;
        }

        void add(INDArray out, INDArray y) {
            if (!classification()) {
                return;
            }
            if (out.rank() == 3) {
                addSequence(out, y);
                return;
            }
            counted += out.rows();
            correct += correct(out, y);
        }

        /** Heap rows for {@link #addSequence}, grown to the largest batch. */
        private double[] row = new double[0];
        private float[] tmp = new float[0];
        private double[] max = new double[0];

        /**
         * Counts the labelled positions whose label is the first largest logit. Class by class
         * over the positions ('f'-order logits hold each class's positions contiguously): one
         * vectorisable max pass, then, per labelled position whose label's logit equals the
         * maximum, a check that no smaller class index ties it (argmax takes the first).
         */
        private void addSequence(INDArray out, INDArray y) {
            int k = (int) out.size(2);
            int rows = (int) (out.length() / k);
            Buf o = Buf.of(out); // 'f' order, as time-distributed layers write it
            Buf t = Buf.of(y);
            if (row.length < rows) {
                row = new double[rows];
                tmp = new float[rows];
                max = new double[rows];
            }
            Arrays.fill(max, 0, rows, Double.NEGATIVE_INFINITY);
            for (int c = 0; c < k; c++) {
                o.get(c * rows, row, tmp, rows);
                for (int r = 0; r < rows; r++) {
                    max[r] = Math.max(max[r], row[r]);
                }
            }
            for (int r = 0; r < rows; r++) {
                int label = (int) t.get(r);
                if (label < 0) {
                    continue;
                }
                counted++;
                if (o.get(label * rows + r) == max[r]) {
                    boolean first = true;
                    for (int c = 0; c < label && first; c++) {
                        first = o.get(c * rows + r) != max[r];
                    }
                    correct += first ? 1 : 0;
                }
            }
        }
    }

    /** Correct predictions in a batch: argmax for softmax losses, sign for binary cross-entropy. */
    private long correct(INDArray out, INDArray y) {
        int rows = (int) out.rows();
        int k = (int) out.columns();
        Buf o = Buf.of(out);
        Buf t = Buf.of(y);
        long correct = 0;
        if (loss.name().startsWith("binary")) {
            for (int i = 0, n = rows * k; i < n; i++) {
                if ((o.get(i) > 0) == (t.get(i) > 0.5)) {
                    correct++;
                }
            }
            return k == 1 ? correct : correct / k;
        }
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (o.get(c * rows + r) > o.get(best * rows + r)) {
                    best = c;
                }
            }
            int label;
            if (sparse()) {
                label = (int) t.get(r);
            } else {
                label = 0;
                for (int c = 1; c < k; c++) {
                    if (t.get(c * rows + r) > t.get(label * rows + r)) {
                        label = c;
                    }
                }
            }
            if (label == best) {
                correct++;
            }
        }
        return correct;
    }

    /** Adds ∂R/∂W to ∇θ over the kernels and returns R(θ); 0 without a regulariser. */
    private double regularize(Model model, List<long[]> kernels) {
        double r = 0;
        for (long[] k : kernels) {
            r += regularizer.addTo(model.parameters(), model.gradients(), k[0], k[1]);
        }
        return r;
    }

    private void clip(INDArray grads) {
        if (clipValue == 0 && clipNorm == 0) {
            return;
        }
        Buf g = Buf.of(grads);
        int n = g.length;
        if (clipValue > 0) {
            for (int i = 0; i < n; i++) {
                g.set(i, Math.max(-clipValue, Math.min(clipValue, g.get(i))));
            }
        }
        if (clipNorm > 0) {
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double v = g.get(i);
                sq += v * v;
            }
            double norm = Math.sqrt(sq);
            if (norm > clipNorm) {
                double s = clipNorm / norm;
                for (int i = 0; i < n; i++) {
                    g.set(i, g.get(i) * s);
                }
            }
        }
    }

    private static int[] identity(long n) {
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("at most " + Integer.MAX_VALUE + " examples. Received: " + n);
        }
        int[] a = new int[(int) n];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        return a;
    }

    /**
     * The stream of epoch {@code epoch}'s shuffle, a function of (seed, epoch) alone, so that a
     * resumed run shuffles as an unbroken one would. The validation split uses
     * {@code new SplittableRandom(seed)}; epoch e uses the seed plus (e + 1) golden-ratio
     * increments (SplittableRandom's own seed spacing), whose streams are independent.
     */
    static SplittableRandom epochStream(long seed, int epoch) {
        return new SplittableRandom(seed + 0x9E3779B97F4A7C15L * (epoch + 1L));
    }

    /** Fisher-Yates shuffle from the given stream. */
    static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    /**
     * One batch's buffers: x {@code [b, d]} row-major; y {@code [b, k]} (k the loss's target width)
     * and ∂L/∂ŷ {@code [b, outputShape...]} column-major.
     */
    record Batch(INDArray x, INDArray y, INDArray grad) {
    }

    /** Batch buffers by batch size (the full size and the last, smaller one), made once. */
    private final class Batches implements AutoCloseable {
        private final long width;
        private final long[] outShape;
        private final long k;
        private final DataType dt;
        private final Map<Integer, Batch> bySize = new HashMap<>();

        Batches(long width, long[] outShape, long k, DataType dt) {
            this.width = Math.toIntExact(width);
            this.outShape = outShape.clone();
            this.k = k;
            this.dt = dt;
        }

        Batch get(int b) {
            return bySize.computeIfAbsent(b, size -> {
                long[] gradShape = new long[outShape.length + 1];
                gradShape[0] = size;
                System.arraycopy(outShape, 0, gradShape, 1, outShape.length);
                return new Batch(
                        Nd4j.create(dt, new long[] {size, width}, 'c'), // rows copied whole; Gemm takes row-major x
                        Nd4j.create(dt, new long[] {size, k}, 'f'),
                        Nd4j.create(dt, gradShape, 'f'));
            });
        }

        @Override
        public void close() {
            for (Batch b : bySize.values()) {
                b.x().close();
                b.y().close();
                b.grad().close();
            }
            bySize.clear();
        }
    }

    /**
     * The examples as row-major copies on the Java heap, in the model's data type, for one fit: a
     * batch's rows are then bulk copies into the batch buffer (measured: 128x784 floats in
     * about 20 us, against about 1 ms element by element).
     */
    private static final class Examples {
        final long rows;
        final int width;
        final long k;
        final int yWidth;
        private final float[] xf;
        private final double[] xd;
        private final double[] y;

        Examples(INDArray x, INDArray y, long width, long k, boolean sparse, DataType dt, String xName, String yName) {
            if (x == null || y == null) {
                throw new NullPointerException(xName + " and " + yName + " must not be null");
            }
            if (x.rank() != 2 || x.columns() != width) {
                throw new IllegalArgumentException(xName + " must be [n, " + width + "] for this model; got " + Arrays.toString(x.shape()));
            }
            rows = x.rows();
            if (rows < 1) {
                throw new IllegalArgumentException(xName + " has no examples");
            }
            this.width = Math.toIntExact(width);
            this.k = k;
            if (sparse) {
                if (y.length() != rows || y.rank() > 2 || (y.rank() == 2 && y.columns() != 1)) {
                    throw new IllegalArgumentException(yName + " must hold one class index per example, [" + rows + "] or ["
                            + rows + ", 1]; got " + Arrays.toString(y.shape()));
                }
                yWidth = 1;
            } else {
                if (y.rank() != 2 || y.rows() != rows || y.columns() != k) {
                    throw new IllegalArgumentException(yName + " must be [" + rows + ", " + k + "] (one row of " + k
                            + " targets per example); got " + Arrays.toString(y.shape()));
                }
                yWidth = Math.toIntExact(k);
            }
            if (rows * width > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(xName + " holds " + rows * width + " values; at most " + Integer.MAX_VALUE
                        + " fit in one in-memory training set");
            }
            if (dt == DataType.FLOAT) {
                this.xf = rowMajorCopy(x, DataType.FLOAT).asFloat();
                this.xd = null;
            } else {
                this.xf = null;
                this.xd = rowMajorCopy(x, DataType.DOUBLE).asDouble();
            }
            this.y = rowMajorCopy(y, DataType.DOUBLE).asDouble();
        }

        /** A row-major array of type {@code dt} holding {@code a}'s values: {@code a} itself when it is one. */
        private static RowMajor rowMajorCopy(INDArray a, DataType dt) {
            if (a.dataType() == dt && a.ordering() == 'c' && a.length() == a.data().length()) {
                return new RowMajor(a, false);
            }
            INDArray cast = a.dataType() == dt ? a : a.castTo(dt);
            if (cast.ordering() == 'c' && cast.length() == cast.data().length()) {
                return new RowMajor(cast, cast != a);
            }
            INDArray copy = cast.dup('c');
            if (cast != a) {
                cast.close();
            }
            return new RowMajor(copy, true);
        }

        /** An array read once onto the heap; closed after when it was made for that. */
        private record RowMajor(INDArray array, boolean made) {
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

        /** Copies examples idx[start .. start+b): x rows whole into the row-major x buffer, y into the column-major one. */
        void gather(int[] idx, int start, int b, Batch batch) {
            if (xf != null) {
                java.nio.FloatBuffer bx = batch.x().data().asNioFloat().slice();
                for (int r = 0; r < b; r++) {
                    bx.put(r * width, xf, idx[start + r] * width, width);
                }
            } else {
                java.nio.DoubleBuffer bx = batch.x().data().asNioDouble().slice();
                for (int r = 0; r < b; r++) {
                    bx.put(r * width, xd, idx[start + r] * width, width);
                }
            }
            Buf by = Buf.of(batch.y());
            for (int r = 0; r < b; r++) {
                int sy = idx[start + r] * yWidth;
                for (int c = 0; c < yWidth; c++) {
                    by.set(c * b + r, y[sy + c]);
                }
            }
        }
    }

    /**
     * The model's untrained state in θ ({@link Model#stateSlices()}: batch normalisation's running
     * statistics), saved before each optimiser step and put back after it, so that an update rule
     * that moves parameters without a gradient (AdamW's decay) leaves it alone. Nothing to do, and
     * nothing allocated, for models without such state.
     */
    private static final class FrozenState {
        private final List<long[]> slices;
        private final double[] saved;

        FrozenState(List<long[]> slices) {
            this.slices = slices;
            long n = 0;
            for (long[] s : slices) {
                n += s[1] - s[0];
            }
            this.saved = new double[Math.toIntExact(n)];
        }

        void save(INDArray params) {
            copy(params, true);
        }

        void restore(INDArray params) {
            copy(params, false);
        }

        private void copy(INDArray params, boolean save) {
            if (saved.length == 0) {
                return;
            }
            Buf p = Buf.of(params);
            int j = 0;
            for (long[] s : slices) {
                for (int i = (int) s[0]; i < s[1]; i++, j++) {
                    if (save) {
                        saved[j] = p.get(i);
                    } else {
                        p.set(i, saved[j]);
                    }
                }
            }
        }
    }
}
