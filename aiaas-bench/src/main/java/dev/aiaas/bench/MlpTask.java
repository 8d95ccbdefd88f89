package dev.aiaas.bench;

/**
 * What an MLP workload does per step, on an {@link MlpShape} at a batch size.
 *
 * @param shape the widths
 * @param batch B, at least 1
 * @param train true: one training step (forward, softmax cross-entropy, backward, Adam with
 *              η = 1e-3); false: one inference call returning a new array of logits/probabilities
 * @param intoBuffer for inference: the call writes into an output buffer made once (aiaas's
 *              {@code predict(x, out)}, ONNX Runtime's pinned outputs) instead of returning a new
 *              array; only engines with such an API run it
 * @param norm for training: each hidden layer is dense without activation, batch norm, GELU and
 *              dropout 0.2 instead of dense with ReLU ({@link #trainingWithNorm}); aiaas, DL4J and
 *              pytorch-py run it
 */
public record MlpTask(MlpShape shape, int batch, boolean train, boolean intoBuffer, boolean norm) implements BenchTask {

    /**
     * A task whose inference returns a new array.
     *
     * @param shape the widths
     * @param batch B, at least 1
     * @param train true for a training step, false for an inference call
     */
    public MlpTask(MlpShape shape, int batch, boolean train) {
        this(shape, batch, train, false, false);
    }

    /**
     * A task of the plain MLP (ReLU hidden layers).
     *
     * @param shape      the widths
     * @param batch      B, at least 1
     * @param train      true for a training step, false for an inference call
     * @param intoBuffer for inference: whether the call writes into an output buffer made once
     */
    public MlpTask(MlpShape shape, int batch, boolean train, boolean intoBuffer) {
        this(shape, batch, train, intoBuffer, false);
    }

    /**
     * Validates the settings.
     *
     * @param shape      the widths
     * @param batch      B, at least 1
     * @param train      true: one training step (forward, softmax cross-entropy, backward, Adam with
     *                   η = 1e-3); false: one inference call returning a new array of logits/probabilities
     * @param intoBuffer for inference: the call writes into an output buffer made once (aiaas's
     *                   {@code predict(x, out)}, ONNX Runtime's pinned outputs) instead of returning a new
     *                   array; only engines with such an API run it
     * @param norm       for training: each hidden layer is dense without activation, batch norm, GELU and
     *                   dropout 0.2 instead of dense with ReLU ({@link #trainingWithNorm}); aiaas, DL4J and
     *                   pytorch-py run it
     */
    public MlpTask {
        if (shape == null) {
            throw new NullPointerException("shape must not be null");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be a positive integer. Received: batch=" + batch);
        }
        if (train && intoBuffer) {
            throw new IllegalArgumentException("intoBuffer is for inference tasks; a training task has no output buffer");
        }
        if (norm && !train) {
            throw new IllegalArgumentException("norm is for training tasks (the predictor serves that model as the plain one)");
        }
    }

    /**
     * A training step of {@code shape} at batch {@code batch}.
     *
     * @param shape the widths
     * @param batch B, at least 1
     * @return the task
     */
    public static MlpTask training(MlpShape shape, int batch) {
        return new MlpTask(shape, batch, true);
    }

    /**
     * An inference call of {@code shape} at batch {@code batch}.
     *
     * @param shape the widths
     * @param batch B, at least 1
     * @return the task
     */
    public static MlpTask inference(MlpShape shape, int batch) {
        return new MlpTask(shape, batch, false);
    }

    /**
     * A training step of {@code shape} at batch {@code batch} with every hidden layer a dense layer
     * without activation, a batch normalisation, GELU and dropout 0.2 (the usual modern MLP), the
     * logits layer as before: the work of the layers around the products.
     *
     * @param shape the widths
     * @param batch B, at least 1
     * @return the task
     */
    public static MlpTask trainingWithNorm(MlpShape shape, int batch) {
        return new MlpTask(shape, batch, true, false, true);
    }

    /**
     * An inference call of {@code shape} at batch {@code batch} into an output buffer made once
     * (serving without an allocation per call).
     *
     * @param shape the widths
     * @param batch B, at least 1
     * @return the task
     */
    public static MlpTask serving(MlpShape shape, int batch) {
        return new MlpTask(shape, batch, false, true);
    }

    /**
     * {@code mlp-784-256-10-b128} for training, {@code mlp-bn-gelu-784-256-10-b128} with
     * normalisation, {@code infer-784-256-10-b1} for inference, {@code serve-784-256-10-b1} for
     * inference into a buffer.
     *
     * @return the benchmark's name
     */
    @Override
    public String benchmark() {
        return (train ? (norm ? "mlp-bn-gelu-" : "mlp-") : intoBuffer ? "serve-" : "infer-") + shape.label() + "-b" + batch;
    }

    /** {@return the arithmetic floor of one step (see {@link MlpShape})} */
    @Override
    public double flops() {
        return train ? shape.trainingFlops(batch) : shape.inferenceFlops(batch);
    }

    /** Adam's learning rate in every engine (with β1 0.9, β2 0.999, ε 1e-8). */
    public static final double LEARNING_RATE = 1e-3;
}
