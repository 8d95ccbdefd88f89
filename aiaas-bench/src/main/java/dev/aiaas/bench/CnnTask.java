package dev.aiaas.bench;

/**
 * What a CNN workload does per step: a training step (forward, softmax cross-entropy, backward,
 * Adam with η = 1e-3, β1 0.9, β2 0.999, ε 1e-8) or an inference call returning a new array, of a
 * {@link CnnNet} at a batch size.
 *
 * @param net   the network
 * @param batch B, at least 1
 * @param train true for a training step, false for an inference call
 */
public record CnnTask(CnnNet net, int batch, boolean train) implements BenchTask {

    /**
     * Validates the settings.
     *
     * @param net   the network, not null
     * @param batch B, at least 1
     * @param train true for a training step, false for an inference call
     */
    public CnnTask {
        if (net == null) {
            throw new NullPointerException("net must not be null");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be a positive integer. Received: batch=" + batch);
        }
    }

    /**
     * A training step.
     *
     * @param net   the network
     * @param batch B
     * @return the task
     */
    public static CnnTask training(CnnNet net, int batch) {
        return new CnnTask(net, batch, true);
    }

    /**
     * An inference call.
     *
     * @param net   the network
     * @param batch B
     * @return the task
     */
    public static CnnTask inference(CnnNet net, int batch) {
        return new CnnTask(net, batch, false);
    }

    /** {@return {@code cnn-b128} for training, {@code infer-cnn-b1} for inference} */
    @Override
    public String benchmark() {
        return (train ? "" : "infer-") + net.label() + "-b" + batch;
    }

    /** {@return the arithmetic floor of one step (see {@link CnnNet})} */
    @Override
    public double flops() {
        return train ? net.trainingFlops(batch) : net.inferenceFlops(batch);
    }
}
