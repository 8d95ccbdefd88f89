package dev.aiaas.core.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Layers applied one after another, over consecutive slices of one parameter vector θ: the engine
 * behind {@link Model} and {@link Residual}, public so that a composite layer written outside this
 * package (a residual block, a transformer block) can run its sub-layers the same way. Keeps every
 * layer's last input and output for the backward pass.
 *
 * <p>Shapes: layer {@code i} takes {@code shapes[i]} (per example, batch dimension excluded) and
 * owns θ{@code [offsets[i], offsets[i+1])}. Not thread-safe: one chain per model instance.
 */
public final class Chain implements AutoCloseable {
    final List<Layer> layers;
    final long[][] shapes; // shapes[i] is the input shape of layer i; shapes[n] the output
    final long[] offsets;  // offsets[i] is where layer i's parameters start; offsets[n] the total
    private final List<Layer.Instance> instances = new ArrayList<>();
    private final INDArray[] activations;
    /** fused[i]: instance i runs layers i and i + 1 ({@link Layer#instantiateFused}); instance i + 1 is not run. */
    private final boolean[] fused;
    /** The property that turns the fusing of layer pairs off ({@code -Daiaas.fuse=false}), to compare. */
    static final String FUSE_PROPERTY = "aiaas.fuse";

    /**
     * Instantiates {@code layers} for per-example input shape {@code inputShape}.
     *
     * @param layers     the layers, first to last (may be empty: the identity)
     * @param inputShape the per-example input shape
     * @param dataType   FLOAT or DOUBLE
     * @throws IllegalArgumentException naming the layer that cannot take its input shape
     */
    public Chain(List<Layer> layers, long[] inputShape, DataType dataType) {
        this("", layers, inputShape, dataType);
    }

    /**
     * As {@link #Chain(List, long[], DataType)}, with {@code what} (for example "the residual
     * block's main branch: ") before every error message.
     *
     * @param what       the prefix of error messages, "" for none
     * @param layers     the layers, first to last
     * @param inputShape the per-example input shape
     * @param dataType   FLOAT or DOUBLE
     */
    public Chain(String what, List<Layer> layers, long[] inputShape, DataType dataType) {
        this.layers = List.copyOf(layers);
        int n = layers.size();
        offsets = new long[n + 1];
        shapes = shapes(what, this.layers, inputShape, offsets);
        activations = new INDArray[n + 1];
        fused = new boolean[n];
        boolean fuse = fuses();
        try {
            for (int i = 0; i < n; i++) {
                Layer.Instance pair = null;
                if (fuse && i + 1 < n && (i == 0 || !fused[i - 1]) && offsets[i + 2] == offsets[i + 1]) {
                    pair = layers.get(i).instantiateFused(layers.get(i + 1), shapes[i], dataType);
                }
                fused[i] = pair != null;
                instances.add(pair != null ? pair : layers.get(i).instantiate(shapes[i], dataType));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The {@link #FUSE_PROPERTY} setting, checked.
     *
     * @return whether chains fuse layer pairs ({@link Layer#instantiateFused}): {@code true} (the default) or {@code false}
     * @throws IllegalArgumentException for another value
     */
    static boolean fuses() {
        String s = System.getProperty(FUSE_PROPERTY, "true");
        if (!s.equals("true") && !s.equals("false")) {
            throw new IllegalArgumentException("-D" + FUSE_PROPERTY + " must be true or false; got " + FUSE_PROPERTY + "=" + s
                    + ". Leave it unset to fuse layer pairs (the default)");
        }
        return s.equals("true");
    }

    /**
     * The shapes of {@code layers} from {@code inputShape} ({@code [n + 1][]}: the input shape of
     * each layer, then the output shape), checked without instantiating anything.
     *
     * @param what       the prefix of error messages, "" for none
     * @param layers     the layers
     * @param inputShape the per-example input shape
     * @param offsetsOut if not null, length {@code n + 1}: receives where each layer's parameters
     *                   start, and the total last
     * @return the shapes
     * @throws IllegalArgumentException naming the layer that cannot take its input shape, or whose
     *                                  parameter count is negative, overflows, or is not tiled by its
     *                                  parameter slices
     */
    public static long[][] shapes(String what, List<Layer> layers, long[] inputShape, long[] offsetsOut) {
        int n = layers.size();
        long[][] shapes = new long[n + 1][];
        long[] offsets = offsetsOut != null ? offsetsOut : new long[n + 1];
        shapes[0] = inputShape.clone();
        for (int i = 0; i < n; i++) {
            Layer l = layers.get(i);
            long count;
            try {
                shapes[i + 1] = l.outputShape(shapes[i]);
                count = l.parameterCount(shapes[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + "layer " + i + " (" + l.type() + ") cannot take input shape "
                        + Arrays.toString(shapes[i]) + ": " + e.getMessage(), e);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(what + "layer " + i + " (" + l.type() + "): its parameter count for the input "
                        + "shape " + Arrays.toString(shapes[i]) + " overflows a long; make the layer or its input smaller", e);
            }
            if (count < 0) {
                throw new IllegalArgumentException(what + "layer " + i + " (" + l.type() + ") says it has " + count
                        + " parameters for the input shape " + Arrays.toString(shapes[i]) + "; a count must be >= 0");
            }
            try {
                offsets[i + 1] = Math.addExact(offsets[i], count);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(what + "the layers' parameter count overflows a long at layer " + i + " ("
                        + l.type() + "); make the layers smaller", e);
            }
            ParameterSlice.checkTiling(l, l.parameterSlices(shapes[i]), offsets[i + 1] - offsets[i]);
        }
        return shapes;
    }

    /**
     * The layers.
     *
     * @return an unmodifiable list
     */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * The output shape per example.
     *
     * @return a copy
     */
    public long[] outputShape() {
        return shapes[layers.size()].clone();
    }

    /**
     * |θ| of the whole chain.
     *
     * @return the parameter count
     */
    public long parameterCount() {
        return offsets[layers.size()];
    }

    /** The output shape, not copied (this package only). */
    long[] out() {
        return shapes[layers.size()];
    }

    /**
     * The ranges {@code [from, to)} of θ (the chain's own slice) whose parameters play
     * {@code role}, over every layer's {@link Layer#parameterSlices}, in order.
     */
    List<long[]> slices(ParameterSlice.Role role) {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            for (ParameterSlice s : layers.get(i).parameterSlices(shapes[i])) {
                if (s.role() == role) {
                    out.add(new long[] {offsets[i] + s.from(), offsets[i] + s.to()});
                }
            }
        }
        return out;
    }

    /**
     * Binds each layer to its slice of {@code params}/{@code grads} (1-D, length parameterCount()).
     *
     * @param params θ
     * @param grads  ∇θ, the same length
     */
    public void bind(INDArray params, INDArray grads) {
        bind(params, grads, 0);
    }

    /**
     * Binds each layer to its slice of {@code params}/{@code grads}, the chain's θ starting at
     * {@code start} (a composite layer binding several chains in its own slice).
     *
     * @param params θ of the enclosing layer, 1-D
     * @param grads  ∇θ, the same length
     * @param start  where this chain's parameters start in {@code params}
     */
    public void bind(INDArray params, INDArray grads, long start) {
        for (int i = 0; i < instances.size(); i++) {
            long from = start + offsets[i];
            long to = start + offsets[i + 1];
            if (to > from) {
                instances.get(i).bind(params.get(NDArrayIndex.interval(from, to)), grads.get(NDArrayIndex.interval(from, to)));
            } else {
                instances.get(i).bind(null, null);
            }
        }
    }

    /**
     * Initialises every layer's parameters, in order, from {@code random}.
     *
     * @param random the generator
     */
    public void initialise(SplittableRandom random) {
        for (Layer.Instance inst : instances) {
            inst.initialise(random);
        }
    }

    /**
     * Runs the layers on a batch.
     *
     * @param x        {@code [B, inputShape...]}
     * @param training training mode (dropout on, batch statistics)
     * @return {@code [B, outputShape...]}, owned by the last layer until the next call
     */
    public INDArray forward(INDArray x, boolean training) {
        activations[0] = x;
        for (int i = 0; i < instances.size(); i++) {
            if (fused[i]) { // layers i and i + 1 in one: i's own output is not made
                activations[i + 2] = instances.get(i).forward(activations[i], training);
                activations[i + 1] = null;
                i++;
            } else {
                activations[i + 1] = instances.get(i).forward(activations[i], training);
            }
        }
        return activations[instances.size()];
    }

    /**
     * Back-propagates ∂L/∂output through the last {@link #forward}, accumulating ∇θ. Without
     * {@code needInput}, a layer is asked for ∂L/∂(its input) only when a layer before it has
     * parameters, and the layers before the first one with parameters (an unflatten, say) are not
     * run backward at all: nothing before them needs a gradient.
     *
     * @param dOut      ∂L/∂output, the shape forward returned
     * @param needInput whether ∂L/∂input is wanted
     * @return ∂L/∂input, or null when {@code needInput} is false
     */
    public INDArray backward(INDArray dOut, boolean needInput) {
        INDArray d = dOut;
        for (int i = instances.size() - 1; i >= 0; i--) {
            if (!needInput && offsets[i + 1] == 0) {
                return null; // layers 0..i hold no parameters
            }
            if (i > 0 && fused[i - 1]) { // the pair (i − 1, i): x of i − 1, y of i
                i--;
                boolean need = needInput || offsets[i] > 0;
                d = instances.get(i).backward(activations[i], activations[i + 2], d, need);
                continue;
            }
            boolean need = needInput || offsets[i] > 0;
            d = instances.get(i).backward(activations[i], activations[i + 1], d, need);
        }
        return needInput ? d : null;
    }

    @Override
    public void close() {
        for (Layer.Instance inst : instances) {
            inst.close();
        }
        instances.clear();
    }
}
