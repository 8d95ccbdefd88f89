package dev.aiaas.core.nn;

import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One layer y = f(x; θ) of a network: an immutable description (this interface) that creates a
 * mutable {@link Instance} holding the working buffers.
 *
 * <p>Shapes are per example and exclude the batch dimension: a dense layer with 784 inputs has
 * input shape {@code [784]}; a batch of B examples is {@code [B, 784]}.
 *
 * <p>Call order, as {@link Model} drives it: {@link #outputShape} and {@link #parameterCount}
 * while the model is assembled; {@link #instantiate} once; then {@link Instance#bind} with views of
 * the model's flat parameter and gradient vectors; {@link Instance#initialise} once (or load
 * parameters instead); then any number of {@link Instance#forward} calls, each optionally followed
 * by one {@link Instance#backward} for the same batch; finally {@link Instance#close}.
 */
public interface Layer {

    /** A short type name, as used in summaries and saved models, for example {@code dense}. */
    String type();

    /**
     * The shape of one output example for the given input example shape.
     *
     * @throws IllegalArgumentException when the layer cannot take that input shape
     */
    long[] outputShape(long[] inputShape);

    /** The number of trainable parameters for the given input example shape. */
    long parameterCount(long[] inputShape);

    /** The layer's settings, by name, for summaries and saved models (values are numbers, strings or booleans). */
    Map<String, Object> config();

    /** Creates the mutable part of the layer for the given input example shape and data type. */
    Instance instantiate(long[] inputShape, DataType dataType);

    /** The mutable part of a layer: its views of θ and ∇θ and its working buffers. */
    interface Instance extends AutoCloseable {

        /**
         * Gives the layer its slices of the model's parameters θ and gradients ∇θ: two
         * contiguous 1-D views of length {@link Layer#parameterCount}, or null when the count is 0.
         * The layer keeps views of them; it does not own them.
         */
        void bind(INDArray params, INDArray grads);

        /** Initialises the bound parameters from the given random stream. */
        void initialise(SplittableRandom random);

        /**
         * Computes y = f(x; θ) for a batch.
         *
         * @param x        input {@code [B, inputShape...]}, 'f' order
         * @param training whether this is a training step (dropout and batch statistics act only then)
         * @return output {@code [B, outputShape...]}, 'f' order: a buffer the layer owns and reuses,
         *         valid until its next {@code forward} with the same batch size
         */
        INDArray forward(INDArray x, boolean training);

        /**
         * Back-propagates through the last {@link #forward} (which must have had
         * {@code training = true}): writes ∂L/∂θ into the bound gradient slice (overwriting it)
         * and returns ∂L/∂x.
         *
         * @param x         the input of the last forward call
         * @param y         the output of the last forward call
         * @param dy        ∂L/∂y, same shape as y
         * @param needInput whether ∂L/∂x is needed (false for the first layer, which saves its product)
         * @return ∂L/∂x, same shape as x, a buffer the layer owns; or null when {@code needInput} is false
         */
        INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput);

        /** Frees the layer's working buffers (not the bound parameters, which the model owns). */
        @Override
        void close();
    }
}
