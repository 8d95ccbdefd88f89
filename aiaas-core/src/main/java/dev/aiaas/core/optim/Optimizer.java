package dev.aiaas.core.optim;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Updates θ in place from ∇θ. Immutable: its running state (moments, accumulators) lives in a
 * {@link State} it creates, which the trainer owns and closes.
 *
 * <p>Call order: {@link #newState} once per model; then {@link #step} once per mini-batch, with
 * t = 1, 2, ... and the learning rate the schedule gives for that step.
 */
public interface Optimizer {

    /** {@return a short name, for example {@code adam}} */
    String name();

    /** {@return the base learning rate η (a schedule scales it)} */
    double learningRate();

    /** {@return the settings, by name, for saved models} */
    Map<String, Object> config();

    /**
     * Creates zeroed state for a parameter vector of {@code size} elements.
     *
     * @param size     the length of θ
     * @param dataType θ's data type (the state holds the same type)
     * @return the state; the caller closes it
     */
    State newState(long size, DataType dataType);

    /**
     * One update θ ← θ − Δ(∇θ).
     *
     * @param params       θ, 1-D
     * @param grads        ∇θ, 1-D, same length
     * @param state        the state from {@link #newState}
     * @param learningRate η for this step
     * @param t            the step number, from 1
     */
    void step(INDArray params, INDArray grads, State state, double learningRate, long t);

    /**
     * An optimiser's running state: zero or more arrays of θ's length (moments, accumulators),
     * kept on the Java heap in float64, where the update loop runs fastest (see
     * {@link Optimizers}). Checkpoints read and write them with {@link #copyOut} and {@link #copyIn}.
     */
    interface State extends AutoCloseable {
        /** {@return the number of state arrays, in a fixed order (0 for plain SGD)} */
        int arrayCount();

        /**
         * A new float64 INDArray holding state array {@code i} (the caller owns and closes it).
         *
         * @param i the state array, from 0 to {@code count() - 1}
         * @return a copy of it
         */
        INDArray copyOut(int i);

        /**
         * Sets state array {@code i} from {@code values} (FLOAT or DOUBLE, θ's length).
         *
         * @param i      the state array, from 0 to {@code count() - 1}
         * @param values its new values
         * @throws IllegalArgumentException when the length differs from θ's
         */
        void copyIn(int i, INDArray values);

        /** Frees the state (heap arrays: nothing native). */
        @Override
        void close();
    }
}
