package dev.aiaas.core.nn;

import java.util.List;
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
 *
 * <p>Beyond the computation, the contract gives the rest of the library what it needs without
 * asking which kind of layer this is: {@link #parameterSlices} (which parameters a regulariser
 * penalises, which are untrained state), {@link #config()} and {@link #children()} (the model
 * file; a decoder registered per {@link #type()} reads them back), {@link #acceptsRowMajorInput()}
 * and {@link #summaryName()}. A layer that can also run on the predictor's packed path implements
 * {@link PackedLayer}. A layer written outside this library gets every part of it: it trains,
 * is regularised, saved, loaded (once its decoder is registered) and served.
 */
public interface Layer {

    /**
     * A short type name, as used in summaries and saved models, for example {@code dense}: the
     * name a decoder is registered under.
     *
     * @return the type name, lower case with underscores
     */
    String type();

    /**
     * The shape of one output example for the given input example shape.
     *
     * @param inputShape one input example's shape, without the batch dimension
     * @return one output example's shape
     * @throws IllegalArgumentException when the layer cannot take that input shape
     */
    long[] outputShape(long[] inputShape);

    /**
     * The number of parameters in the layer's slice of θ for the given input example shape
     * (untrained state such as running statistics included; see {@link #parameterSlices}).
     *
     * @param inputShape one input example's shape
     * @return P_layer, at least 0
     */
    long parameterCount(long[] inputShape);

    /**
     * The layer's settings, by name, for summaries and saved models: values are numbers, strings
     * or booleans, written as {@code String.valueOf(value)} under {@code <prefix><name>} in the
     * model file; nested layers are not settings but {@link #children()}. Together with the
     * children, what a decoder registered for {@link #type()} needs to make an equal layer
     * ({@code dev.aiaas.core.io.LayerDecoder}).
     *
     * @return the settings, by name, in a fixed order
     */
    Map<String, Object> config();

    /**
     * Creates the mutable part of the layer for the given input example shape and data type.
     *
     * @param inputShape one input example's shape
     * @param dataType   FLOAT or DOUBLE, the model's
     * @return a new instance, not yet bound
     */
    Instance instantiate(long[] inputShape, DataType dataType);

    /**
     * Optionally, one instance that runs this layer and then {@code next} (a layer without
     * parameters) in one go, for {@link Chain} to run in place of the two: an internal
     * optimisation, such as a batch normalisation that applies the ReLU after it in the same sweep
     * over the batch. The pair's results must be those of the two layers run one after the other
     * (the same values, float32 sums possibly in another order): forward returns what
     * {@code next}'s forward would return, backward takes ∂L/∂(next's output), is given x (this
     * layer's input) and y (next's output), and returns ∂L/∂x. The instance is bound to this
     * layer's parameters; {@code next}'s own instance is still made and bound but not run. The
     * model, its parameters and its saved form do not change. {@code -Daiaas.fuse=false} turns
     * fusing off in every chain.
     *
     * @param next       the layer right after this one in a chain, with no parameters
     * @param inputShape this layer's input example shape
     * @param dataType   FLOAT or DOUBLE, the model's
     * @return a new instance for the pair, or null (the default) when this layer does not fuse with
     *         {@code next}
     */
    default Instance instantiateFused(Layer next, long[] inputShape, DataType dataType) {
        return null;
    }

    /**
     * Where this layer's parameters lie by role, counted from the start of its own slice of θ:
     * ranges that tile {@code [0, parameterCount(inputShape))} in order, each parameter in exactly
     * one ({@link Model} checks this when it is built). {@link Model#kernelSlices()} and
     * {@link Model#stateSlices()} are these, shifted by the layer's offset, over every layer.
     *
     * <p>The default puts every parameter in one {@link ParameterSlice.Role#OTHER} range (trained,
     * not penalised), or none when there are none. A layer whose weights a regulariser should
     * penalise reports them as {@link ParameterSlice.Role#KERNEL}; state that it updates itself,
     * as {@link ParameterSlice.Role#STATE}. A container reports its children's slices shifted to
     * where their parameters lie ({@link ParameterSlice#chain} for a chain of children).
     *
     * @param inputShape one input example's shape, as for {@link #parameterCount}
     * @return the slices, in θ's order
     */
    default List<ParameterSlice> parameterSlices(long[] inputShape) {
        long n = parameterCount(inputShape);
        return n == 0 ? List.of() : List.of(ParameterSlice.other(0, n));
    }

    /**
     * The layers inside this one, by name, in order: empty (the default) for a plain layer; a
     * container's children otherwise (a residual block's {@code layer.0}, {@code layer.1}, ...; a
     * time-distributed wrapper's {@code layer}). The model file writes each child, like a
     * top-level layer, under its name ({@code <prefix><name>.type=...}); the container's decoder
     * reads it back by that name. Walking a model's layers and their children visits every layer.
     *
     * @return the children by name, in order (an unmodifiable map)
     */
    default Map<String, Layer> children() {
        return Map.of();
    }

    /**
     * Whether {@link Instance#forward} takes its input in row-major ('c') order as well as
     * column-major ('f'). When it does and it is the first layer, {@link Model} passes a
     * contiguous 'c'-order batch of its data type as it is, instead of copying it into 'f' order
     * first (a dense layer reads x only through BLAS, which takes either order; an embedding reads
     * its ids in either order). Default false.
     *
     * @return true when a contiguous 'c'-order {@code [B, inputShape...]} x is read correctly
     */
    default boolean acceptsRowMajorInput() {
        return false;
    }

    /**
     * The layer's name in {@link Model#summary()}: {@link #type()} by default; a layer may add
     * what tells it apart ({@code dense (relu)}, {@code time_distributed (dense)}).
     *
     * @return a short one-line name
     */
    default String summaryName() {
        return type();
    }

    /** The mutable part of a layer: its views of θ and ∇θ and its working buffers. */
    interface Instance extends AutoCloseable {

        /**
         * Gives the layer its slices of the model's parameters θ and gradients ∇θ: two
         * contiguous 1-D views of length {@link Layer#parameterCount}, or null when the count is 0.
         * The layer keeps views of them; it does not own them.
         *
         * @param params the layer's slice of θ, or null
         * @param grads  the layer's slice of ∇θ, or null
         */
        void bind(INDArray params, INDArray grads);

        /**
         * Initialises the bound parameters from the given random stream.
         *
         * @param random the model's initialisation stream, shared by its layers in order
         */
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
