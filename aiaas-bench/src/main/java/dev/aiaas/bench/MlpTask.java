package dev.aiaas.bench;

/**
 * What an MLP workload does per step, on an {@link MlpShape} at a batch size.
 *
 * @param shape the widths
 * @param batch B, at least 1
 * @param train true: one training step (forward, softmax cross-entropy, backward, Adam with
 *              η = 1e-3); false: one inference call returning a new array of logits/probabilities
 */
public record MlpTask(MlpShape shape, int batch, boolean train) {

    /** Validates the settings. */
    public MlpTask {
        if (shape == null) {
            throw new NullPointerException("shape must not be null");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be a positive integer. Received: batch=" + batch);
        }
    }

    /** A training step of {@code shape} at batch {@code batch}. */
    public static MlpTask training(MlpShape shape, int batch) {
        return new MlpTask(shape, batch, true);
    }

    /** An inference call of {@code shape} at batch {@code batch}. */
    public static MlpTask inference(MlpShape shape, int batch) {
        return new MlpTask(shape, batch, false);
    }

    /** {@code mlp-784-256-10-b128} for training, {@code infer-784-256-10-b1} for inference. */
    public String benchmark() {
        return (train ? "mlp-" : "infer-") + shape.label() + "-b" + batch;
    }

    /** The arithmetic floor of one step (see {@link MlpShape}). */
    public double flops() {
        return train ? shape.trainingFlops(batch) : shape.inferenceFlops(batch);
    }

    /** Adam's learning rate in every engine (with β1 0.9, β2 0.999, ε 1e-8). */
    public static final double LEARNING_RATE = 1e-3;
}
