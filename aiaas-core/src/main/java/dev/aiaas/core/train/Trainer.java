package dev.aiaas.core.train;

import dev.aiaas.core.data.BatchOptions;
import dev.aiaas.core.data.Batcher;
import dev.aiaas.core.data.Dataset;
import dev.aiaas.core.data.NonFiniteDataException;
import dev.aiaas.core.data.OneHot;
import dev.aiaas.core.data.Shuffle;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.metrics.Metric;
import dev.aiaas.core.metrics.Metrics;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.optim.Regularizer;
import dev.aiaas.core.optim.Schedule;
import dev.aiaas.core.optim.Schedules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *         .validationSplit(0.1).metrics(Metrics.accuracy(), Metrics.topK(3))
 *         .callbacks(Callbacks.progress())
 *         .build();
 * History history = trainer.fit(model, x, y);    // x [n, d]; y [n] class indices
 * }</pre>
 *
 * <p>The trainer runs the loop and the callbacks; the rest is delegated. Batches come from a
 * {@link Batcher} (the data package's one pipeline and seed rule: epoch e visits the training
 * examples in the order drawn from {@link Shuffle#epochSeed(long, int)}{@code (seed, e)}, and
 * {@code validationSplit} holds out the first examples of {@link Shuffle#permutation(int, long)}
 * {@code (n, seed)} by {@link Shuffle#holdOut(int, double, long)}, as {@link Dataset#split} does).
 * The loss says how its targets are laid out ({@link Loss#targetKind()}). {@link Metric}s
 * accumulate over each epoch ({@link Builder#metrics(Metric...)}). {@link GradientTransform}s change ∇θ between the
 * backward pass and the optimiser step ({@link Builder#gradientTransforms}; the regulariser and
 * clipping conveniences add them).
 *
 * <p>The same seed, model and data on the same machine give the same parameters, bit for bit.
 * The last batch of an epoch may be smaller. Logs per epoch: {@code loss}, each metric by its
 * name, the same with {@code val_} for validation data, and {@code lr}. A Trainer is immutable
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
    private final boolean allowNonFiniteData;
    private final boolean stopOnDivergence;
    private final List<Callback> callbacks;
    private final List<Metric> metrics;
    /** Applied in this order before the step (after it, in reverse): conveniences, the user's, then the frozen state. */
    private final List<GradientTransform> transforms;
    private final Augmentation augmentation;

    private Trainer(Builder b) {
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.validationSplit = b.validationSplit;
        this.allowNonFiniteData = b.allowNonFiniteData;
        this.stopOnDivergence = b.stopOnDivergence;
        this.callbacks = List.copyOf(b.callbacks);
        this.metrics = b.metrics != null ? List.copyOf(b.metrics)
                : loss.isClassification() ? List.of(Metrics.accuracy()) : List.of();
        List<GradientTransform> t = new ArrayList<>();
        if (b.regularizer != null) {
            t.add(GradientTransforms.regularize(b.regularizer));
        }
        if (b.clipValue > 0) {
            t.add(GradientTransforms.clipByValue(b.clipValue));
        }
        if (b.clipNorm > 0) {
            t.add(GradientTransforms.clipByGlobalNorm(b.clipNorm));
        }
        t.addAll(b.transforms);
        t.add(GradientTransforms.frozenState());
        this.transforms = List.copyOf(t);
        this.augmentation = b.augmentation;
    }

    /**
     * Starts a trainer for the given loss. Defaults: Adam(1e-3), 10 epochs, batch 32, seed 0,
     * accuracy logged for a classification loss, non-finite data refused, training stopped with a
     * {@link DivergenceException} when it diverges.
     *
     * @param loss the loss to minimise
     * @return the builder
     */
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
        private boolean allowNonFiniteData;
        private boolean stopOnDivergence = true;
        private double clipNorm;
        private double clipValue;
        private final List<Callback> callbacks = new ArrayList<>();
        private Regularizer regularizer;
        private List<Metric> metrics;
        private final List<GradientTransform> transforms = new ArrayList<>();
        private Augmentation augmentation;

        private Builder(Loss loss) {
            if (loss == null) {
                throw new NullPointerException("loss must not be null; pick one from Losses");
            }
            this.loss = loss;
        }

        /**
         * The optimiser (default Adam with η = 1e-3).
         *
         * @param optimizer the update rule
         * @return this builder
         */
        public Builder optimizer(Optimizer optimizer) {
            if (optimizer == null) {
                throw new NullPointerException("optimizer must not be null; pick one from Optimizers");
            }
            this.optimizer = optimizer;
            return this;
        }

        /**
         * The learning-rate schedule (default constant).
         *
         * @param schedule the factor on η by step and epoch
         * @return this builder
         */
        public Builder schedule(Schedule schedule) {
            if (schedule == null) {
                throw new NullPointerException("schedule must not be null; use Schedules.constant()");
            }
            this.schedule = schedule;
            return this;
        }

        /**
         * Passes over the training data.
         *
         * @param epochs at least 1
         * @return this builder
         */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be a positive integer. Received: epochs=" + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /**
         * Examples per optimiser step.
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be a positive integer. Received: batchSize=" + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * The seed of the shuffling and validation split (default 0).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The fraction of the training data held out for validation: the first
         * {@code round(n · fraction)} examples of {@link Shuffle#permutation(int, long)}{@code
         * (n, seed)}, as {@link Dataset#split} holds out ({@link Shuffle#holdOut(int, double, long)};
         * {@link #fit} fails when that leaves either part empty).
         *
         * @param fraction in [0, 1); 0 (the default) holds out nothing
         * @return this builder
         */
        public Builder validationSplit(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("validationSplit must be in [0, 1). Received: validationSplit=" + fraction);
            }
            this.validationSplit = fraction;
            return this;
        }

        /**
         * Whether {@link #fit} and {@link #evaluate} accept features and targets that are not
         * finite (NaN or infinite). By default (false) they check every value once, before the
         * first step (one pass over the data, no cost per step), and throw
         * {@link NonFiniteDataException} naming the array, row and column of the first such value:
         * one NaN input makes every parameter it reaches NaN at the first step.
         *
         * @param allow true to skip the check (for data whose NaNs a layer or loss handles)
         * @return this builder
         */
        public Builder allowNonFiniteData(boolean allow) {
            this.allowNonFiniteData = allow;
            return this;
        }

        /**
         * Whether training stops when it diverges. By default (true) {@link #fit} throws
         * {@link DivergenceException}, naming the epoch and the step, as soon as a batch's loss is
         * NaN or infinite (before that step updates the parameters), or when the parameters are
         * not all finite at the end of an epoch (before the epoch's callbacks run, so that a
         * checkpoint of a diverged model is not saved). The check costs one comparison per step
         * and one pass over θ per epoch. With false, training runs on and logs the NaN loss.
         *
         * @param stop false to train on through a non-finite loss
         * @return this builder
         */
        public Builder stopOnDivergence(boolean stop) {
            this.stopOnDivergence = stop;
            return this;
        }

        /**
         * Rescales ∇θ to this Euclidean norm when larger ({@link GradientTransforms#clipByGlobalNorm}).
         *
         * @param maxNorm the norm; 0 (the default) turns it off
         * @return this builder
         */
        public Builder clipNorm(double maxNorm) {
            if (!(maxNorm >= 0) || !Double.isFinite(maxNorm)) {
                throw new IllegalArgumentException("clipNorm must be >= 0 (0 turns it off). Received: clipNorm=" + maxNorm);
            }
            this.clipNorm = maxNorm;
            return this;
        }

        /**
         * Clips each gradient component to [−v, v] ({@link GradientTransforms#clipByValue}).
         *
         * @param maxValue v; 0 (the default) turns it off
         * @return this builder
         */
        public Builder clipValue(double maxValue) {
            if (!(maxValue >= 0) || !Double.isFinite(maxValue)) {
                throw new IllegalArgumentException("clipValue must be >= 0 (0 turns it off). Received: clipValue=" + maxValue);
            }
            this.clipValue = maxValue;
            return this;
        }

        /**
         * Penalises the dense layers' weights W (not biases) with R, for example
         * {@code Regularizer.l2(1e-4)} ({@link GradientTransforms#regularize}): ∂R/∂W is added to
         * ∇θ before clipping, and the logged {@code loss} and {@code val_loss} include R(θ)
         * (Keras's semantics). Default: none.
         *
         * @param regularizer R
         * @return this builder
         */
        public Builder regularizer(Regularizer regularizer) {
            if (regularizer == null) {
                throw new NullPointerException("regularizer must not be null; leave it unset for none");
            }
            this.regularizer = regularizer;
            return this;
        }

        /**
         * Adds gradient transforms, run in the order given after the conveniences'
         * ({@link #regularizer}, then {@link #clipValue}, then {@link #clipNorm}, whatever order
         * those were set in) and before the frozen state ({@link GradientTransforms#frozenState()},
         * always applied innermost).
         *
         * @param transforms the transforms
         * @return this builder
         */
        public Builder gradientTransforms(GradientTransform... transforms) {
            for (GradientTransform t : transforms) {
                if (t == null) {
                    throw new NullPointerException("gradient transforms must not be null; pick them from GradientTransforms");
                }
                this.transforms.add(t);
            }
            return this;
        }

        /**
         * Changes every training batch before its forward pass (data augmentation, such as images
         * shifted at random); validation and {@link Trainer#evaluate} batches are left as they are.
         * The seed of step t's changes is derived from this trainer's seed and t
         * ({@link Trainer#augmentationSeed(long, long)}). Default: none.
         *
         * @param augmentation the augmentation
         * @return this builder
         */
        public Builder augmentation(Augmentation augmentation) {
            if (augmentation == null) {
                throw new NullPointerException("augmentation must not be null; leave it unset for none");
            }
            this.augmentation = augmentation;
            return this;
        }

        /**
         * The metrics logged per epoch, replacing the default, which is {@code accuracy} for a
         * classification loss ({@link Loss#isClassification()}) and none otherwise. Each is
         * accumulated over the epoch's batches ({@link Metric#accumulator(Loss)}) and logged
         * under its name, and under {@code val_} + its name for validation data.
         * {@code metrics()} with no argument logs none.
         *
         * @param metrics the metrics, for example {@code Metrics.accuracy(), Metrics.topK(5)}
         * @return this builder
         * @throws IllegalArgumentException when a metric does not apply to this loss's targets or
         *                                  cannot stream, or two share a name, or one is named
         *                                  {@code loss} or {@code lr}
         */
        public Builder metrics(Metric... metrics) {
            List<Metric> list = new ArrayList<>();
            Set<String> names = new HashSet<>(Set.of("loss", "lr"));
            for (Metric m : metrics) {
                if (m == null) {
                    throw new NullPointerException("metrics must not be null; pick them from Metrics");
                }
                if (!names.add(m.name()) || m.name().startsWith("val_")) {
                    throw new IllegalArgumentException("metric name '" + m.name() + "' is taken (loss, lr, val_*, or another "
                            + "metric); give each metric a distinct name");
                }
                m.accumulator(loss); // fails now if it cannot accumulate this loss's batches
                list.add(m);
            }
            this.metrics = list;
            return this;
        }

        /**
         * Adds callbacks, run in the order given.
         *
         * @param callbacks the callbacks
         * @return this builder
         */
        public Builder callbacks(Callback... callbacks) {
            for (Callback c : callbacks) {
                if (c == null) {
                    throw new NullPointerException("callbacks must not be null");
                }
                this.callbacks.add(c);
            }
            return this;
        }

        /**
         * The trainer.
         *
         * @return an immutable trainer with these settings
         */
        public Trainer build() {
            return new Trainer(this);
        }
    }

    /**
     * Trains on a {@link Dataset}, holding out {@code validationSplit} of it for validation.
     *
     * @param model the model, trained in place
     * @param train the examples: class labels (for a classification loss) or float targets
     * @return the per-epoch logs
     */
    public History fit(Model model, Dataset train) {
        return fit(model, train, null);
    }

    /**
     * Trains on {@code train} and validates on {@code validation} after each epoch.
     *
     * @param model      the model, trained in place
     * @param train      the training examples
     * @param validation the validation examples, or null for none
     * @return the per-epoch logs
     */
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

    /**
     * {@link #evaluate(Model, INDArray, INDArray)} on a {@link Dataset}.
     *
     * @param model the model
     * @param data  the examples
     * @return {@code loss} and the metrics by name
     */
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

    /** Class indices, one-hot rows or the dataset's float targets, as the loss's target kind says. */
    private Targets targetsOf(Dataset d) {
        Loss.TargetKind kind = loss.targetKind();
        if (!d.hasLabels()) {
            if (kind == Loss.TargetKind.CLASS_INDEX) {
                throw new IllegalArgumentException(loss.name() + " needs integer class labels, but this dataset holds float targets; "
                        + "use Losses.softmaxCrossEntropy() or Losses.meanSquaredError(), or build it with Dataset.ofLabels");
            }
            return new Targets(d.targets(), false);
        }
        return switch (kind) {
            case CLASS_INDEX -> new Targets(Nd4j.createFromArray(d.labels()), true);
            case DENSE -> new Targets(OneHot.encode(d.labels(), d.numClasses()), true);
            case CLASS_INDEX_PER_POSITION -> throw new IllegalArgumentException(loss.name() + " needs one class index per "
                    + "position [n, T], but this dataset holds one label per example; build it with Dataset.ofTargets(x, y)");
        };
    }

    /**
     * Trains on (x, y), holding out {@code validationSplit} of it for validation.
     *
     * @param model the model, trained in place
     * @param x     features {@code [n, inputShape...]}
     * @param y     targets as the loss's {@link Loss#targetKind()} says: {@code [n, k]}, class
     *              indices {@code [n]} / {@code [n, 1]}, or {@code [n, T]} per position
     * @return the per-epoch logs
     */
    public History fit(Model model, INDArray x, INDArray y) {
        return fit(model, x, y, null, null);
    }

    /**
     * Trains on (x, y) and validates on (xVal, yVal) after each epoch (both null for none; then
     * {@code validationSplit} applies).
     *
     * @param model the model, trained in place
     * @param x     features {@code [n, d]}
     * @param y     targets (see {@link #fit(Model, INDArray, INDArray)})
     * @param xVal  validation features, or null
     * @param yVal  validation targets, or null
     * @return the per-epoch logs
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
     * @param checkpoint the saved run
     * @param x          the features it was trained on
     * @param y          the targets it was trained on
     * @return the logs of the resumed epochs
     * @throws IllegalArgumentException when the checkpoint's optimiser differs from this trainer's,
     *                                  its provenance lacks {@code epoch}, or it already ran {@code epochs}
     */
    public History resume(ModelIO.Checkpoint checkpoint, INDArray x, INDArray y) {
        return resume(checkpoint, x, y, null, null);
    }

    /**
     * {@link #resume(ModelIO.Checkpoint, INDArray, INDArray)} with validation data.
     *
     * @param checkpoint the saved run
     * @param x          the features it was trained on
     * @param y          the targets it was trained on
     * @param xVal       validation features, or null
     * @param yVal       validation targets, or null
     * @return the logs of the resumed epochs
     */
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

    /** Batches of the model's type: x row-major (one bulk copy per example; Gemm takes either order), y column-major. */
    private BatchOptions batchOptions(DataType dt) {
        return BatchOptions.of(batchSize).withSeed(seed).withTargetOrder('f').withDataType(dt);
    }

    private History fit(Model model, INDArray x, INDArray y, INDArray xVal, INDArray yVal, Start start) {
        if ((xVal == null) != (yVal == null)) {
            throw new IllegalArgumentException("give both xVal and yVal, or neither");
        }
        long width = flatWidth(model);
        long k = loss.targetWidth(model.outputShape());
        checkExamples(x, y, width, k, "x", "y");
        BatchOptions options = batchOptions(model.dataType());
        try (Batcher all = Batcher.of(x, y, options)) {
            requireFinite(all, "x", "y");
            if (xVal != null) {
                checkExamples(xVal, yVal, width, k, "xVal", "yVal");
                try (Batcher val = Batcher.of(xVal, yVal, options.withShuffle(false))) {
                    requireFinite(val, "xVal", "yVal");
                    return run(model, all, val, start);
                }
            }
            if (validationSplit > 0) {
                Shuffle.HoldOut parts = Shuffle.holdOut(all.exampleCount(), validationSplit, seed);
                try (Batcher train = all.subset(parts.train(), options);
                     Batcher val = all.subset(parts.heldOut(), options.withShuffle(false))) {
                    return run(model, train, val, start);
                }
            }
            return run(model, all, null, start);
        }
    }

    /** Unless non-finite data is allowed: one pass over the batcher's source (its heap copy), before any step. */
    private void requireFinite(Batcher data, String xName, String yName) {
        if (!allowNonFiniteData) {
            data.requireFinite(xName, yName, "clean or impute that value (or drop the example), or accept such "
                    + "values with Trainer.Builder.allowNonFiniteData(true)");
        }
    }

    /** The width d of a model with flat inputs {@code [d]}: the one input shape the trainer takes for now. */
    private static long flatWidth(Model model) {
        long[] shape = model.inputShape();
        if (shape.length != 1) {
            throw new IllegalArgumentException("the trainer takes models with flat inputs [features] for now; got input shape "
                    + Arrays.toString(shape));
        }
        return shape[0];
    }

    /**
     * The shapes the loss takes, with errors that name the model's expectation: x {@code [n, width]};
     * y one class index per example, or k values per example. (The {@link Batcher} made from them
     * checks that they fit in memory.)
     */
    private void checkExamples(INDArray x, INDArray y, long width, long k, String xName, String yName) {
        if (x == null || y == null) {
            throw new NullPointerException(xName + " and " + yName + " must not be null");
        }
        if (x.rank() != 2 || x.columns() != width) {
            throw new IllegalArgumentException(xName + " must be [n, " + width + "] for this model; got " + Arrays.toString(x.shape()));
        }
        long rows = x.rows();
        if (rows < 1) {
            throw new IllegalArgumentException(xName + " has no examples");
        }
        if (loss.targetKind() == Loss.TargetKind.CLASS_INDEX) {
            if (y.length() != rows || y.rank() > 2 || (y.rank() == 2 && y.columns() != 1)) {
                throw new IllegalArgumentException(yName + " must hold one class index per example, [" + rows + "] or ["
                        + rows + ", 1]; got " + Arrays.toString(y.shape()));
            }
        } else if (y.rank() != 2 || y.rows() != rows || y.columns() != k) {
            throw new IllegalArgumentException(yName + " must be [" + rows + ", " + k + "] (one row of " + k
                    + " targets per example); got " + Arrays.toString(y.shape()));
        }
    }

    /**
     * The loss and the metrics of the model on (x, y), in batches of this trainer's batch size,
     * with training behaviour off. The loss includes the gradient transforms' penalty (R(θ) of
     * a regulariser).
     *
     * @param model the model
     * @param x     features {@code [n, d]}
     * @param y     targets (see {@link #fit(Model, INDArray, INDArray)})
     * @return {@code loss} and each metric by its name
     * @throws IllegalArgumentException when the model's inputs are not flat ({@code [d]}), as
     *                                  {@link #fit(Model, INDArray, INDArray)} takes them, or x or y
     *                                  does not fit the model and the loss
     */
    public Map<String, Double> evaluate(Model model, INDArray x, INDArray y) {
        long width = flatWidth(model);
        long k = loss.targetWidth(model.outputShape());
        checkExamples(x, y, width, k, "x", "y");
        try (Model.Hold hold = model.hold("evaluation (Trainer.evaluate)");
             Batcher data = Batcher.of(x, y, batchOptions(model.dataType()).withShuffle(false))) {
            requireFinite(data, "x", "y");
            return evaluate(model, data, "", accumulators(), bind(model));
        }
    }

    private Metric.Accumulator[] accumulators() {
        Metric.Accumulator[] a = new Metric.Accumulator[metrics.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = metrics.get(i).accumulator(loss);
        }
        return a;
    }

    private GradientTransform.Bound[] bind(Model model) {
        GradientTransform.Bound[] b = new GradientTransform.Bound[transforms.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = transforms.get(i).bind(model);
        }
        return b;
    }

    /**
     * The training loop, with the model held by this thread throughout ({@link Model#hold}): a
     * predict from another thread meanwhile is refused instead of reading θ while the optimiser
     * writes it.
     */
    private History run(Model model, Batcher train, Batcher val, Start start) {
        try (Model.Hold hold = model.hold("training (Trainer.fit)")) {
            return runHeld(model, train, val, start);
        }
    }

    private History runHeld(Model model, Batcher train, Batcher val, Start start) {
        History history = new History();
        Metric.Accumulator[] acc = accumulators();
        GradientTransform.Bound[] bound = bind(model);
        Augmentation.Bound augment = augmentation == null ? null : augmentation.bind(model);
        Callback[] cbs = callbacks.toArray(new Callback[0]);
        INDArray params = model.parameters();
        INDArray grads = model.gradients();
        int trained = train.exampleCount();
        try (Gradients gradBuffers = new Gradients(model.outputShape(), model.dataType());
             Optimizer.State own = start == null ? optimizer.newState(model.parameters().length(), model.dataType()) : null) {
            Optimizer.State state = start == null ? own : start.state();
            long t = start == null ? 0 : start.step();
            TrainingContext ctx = new TrainingContext(model, epochs, train.batchesPerEpoch(), optimizer, state, t);
            for (Callback c : cbs) {
                c.onTrainBegin(ctx);
            }
            try {
                for (int epoch = start == null ? 0 : start.epoch(); epoch < epochs; epoch++) {
                    for (Callback c : cbs) {
                        c.onEpochBegin(epoch, ctx);
                    }
                    train.startEpoch(epoch);
                    for (Metric.Accumulator a : acc) {
                        a.reset();
                    }
                    double lossSum = 0;
                    double lr = 0;
                    while (train.next()) {
                        int b = train.size();
                        INDArray y = train.targets();
                        INDArray grad = gradBuffers.get(b);
                        if (augment != null) {
                            augment.apply(train.features(), augmentationSeed(seed, t + 1));
                        }
                        INDArray out = model.forward(train.features(), true);
                        double l = loss.compute(out, y, grad);
                        for (Metric.Accumulator a : acc) {
                            a.update(out, y);
                        }
                        model.backward(grad);
                        for (GradientTransform.Bound g : bound) {
                            l += g.beforeStep(params, grads);
                        }
                        if (stopOnDivergence && !Double.isFinite(l)) {
                            throw new DivergenceException(epoch + 1, t + 1, l);
                        }
                        t++;
                        lr = optimizer.learningRate() * schedule.factor(t, epoch) * ctx.learningRateFactor();
                        optimizer.step(params, grads, state, lr, t);
                        for (int i = bound.length - 1; i >= 0; i--) {
                            bound[i].afterStep(params);
                        }
                        ctx.step(t);
                        lossSum += l * b;
                        for (Callback c : cbs) {
                            c.onBatchEnd(t, l, ctx);
                        }
                    }
                    if (stopOnDivergence) {
                        long bad = firstNonFinite(params);
                        if (bad >= 0) {
                            throw DivergenceException.ofParameters(epoch + 1, t, bad);
                        }
                    }
                    Map<String, Double> logs = new LinkedHashMap<>();
                    logs.put("loss", lossSum / trained);
                    for (int i = 0; i < acc.length; i++) {
                        logs.put(metrics.get(i).name(), acc[i].result());
                    }
                    if (val != null) {
                        logs.putAll(evaluate(model, val, "val_", acc, bound));
                    }
                    logs.put("lr", lr);
                    history.add(logs);
                    for (Callback c : cbs) {
                        c.onEpochEnd(epoch, logs, ctx);
                    }
                    if (ctx.stopRequested()) {
                        break;
                    }
                }
            } finally {
                for (Callback c : cbs) {
                    c.onTrainEnd(history, ctx);
                }
            }
        }
        return history;
    }

    /** The loss (with the transforms' penalty) and the metrics over one pass of {@code data}, in order. */
    private Map<String, Double> evaluate(Model model, Batcher data, String prefix, Metric.Accumulator[] acc,
            GradientTransform.Bound[] bound) {
        double lossSum = 0;
        for (Metric.Accumulator a : acc) {
            a.reset();
        }
        data.startEpoch(0);
        while (data.next()) {
            INDArray out = model.forward(data.features(), false);
            lossSum += loss.value(out, data.targets()) * data.size();
            for (Metric.Accumulator a : acc) {
                a.update(out, data.targets());
            }
        }
        double penalty = 0;
        for (GradientTransform.Bound g : bound) {
            penalty += g.penalty(model.parameters());
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "loss", lossSum / data.exampleCount() + penalty);
        for (int i = 0; i < acc.length; i++) {
            m.put(prefix + metrics.get(i).name(), acc[i].result());
        }
        return m;
    }

    /**
     * The seed of step {@code step}'s augmentation in a run seeded with {@code seed}: SplitMix64's
     * finaliser of {@code seed ⊕ salt + γ·step} (as {@link Shuffle#epochSeed}, with a salt so that
     * the draws are unrelated to the epochs' shuffles).
     *
     * @param seed the trainer's seed
     * @param step the step, from 1
     * @return the seed passed to {@link Augmentation.Bound#apply}
     */
    public static long augmentationSeed(long seed, long step) {
        long z = (seed ^ 0x5DEECE66DA3B9F1CL) + 0x9E3779B97F4A7C15L * step;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The index of θ's first value that is not finite, or -1: one pass over its host memory. */
    private static long firstNonFinite(INDArray params) {
        long n = params.length();
        if (params.dataType() == DataType.DOUBLE) {
            java.nio.DoubleBuffer b = params.data().asNioDouble();
            int base = b.position() + (int) params.offset();
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(b.get(base + i))) {
                    return i;
                }
            }
            return -1;
        }
        java.nio.FloatBuffer b = params.data().asNioFloat();
        int base = b.position() + (int) params.offset();
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(b.get(base + i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * ∂L/∂ŷ buffers {@code [b, outputShape...]}, column-major, for the (at most two) batch sizes
     * of a run: made at the first batch of each size, looked up without boxing after. Keyed on the
     * batch's own row count, not on the {@link Batcher}'s batch and tail sizes: the look-up is two
     * comparisons either way, and this needs nothing from the Batcher beyond {@link Batcher#size()}.
     */
    private static final class Gradients implements AutoCloseable {
        private final long[] outShape;
        private final DataType dt;
        private INDArray first;
        private INDArray second;

        Gradients(long[] outShape, DataType dt) {
            this.outShape = outShape.clone();
            this.dt = dt;
        }

        INDArray get(int b) {
            if (first != null && first.size(0) == b) {
                return first;
            }
            if (second != null && second.size(0) == b) {
                return second;
            }
            long[] shape = new long[outShape.length + 1];
            shape[0] = b;
            System.arraycopy(outShape, 0, shape, 1, outShape.length);
            INDArray g = Nd4j.create(dt, shape, 'f');
            if (first == null) {
                first = g;
            } else {
                if (second != null) {
                    second.close();
                }
                second = g;
            }
            return g;
        }

        @Override
        public void close() {
            if (first != null) {
                first.close();
            }
            if (second != null) {
                second.close();
            }
        }
    }
}
