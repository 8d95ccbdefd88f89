package dev.aiaas.vision.nn;

import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.ParameterSlice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Layers applied one after another over consecutive slices of one parameter vector, through the
 * public {@code Layer} contract only (core's {@code Chain} is package-private there): one branch of
 * a {@link ResidualBlock}. Keeps every layer's last input and output for the backward pass. An
 * empty branch is the identity (and is never run: the block reads x itself).
 */
final class Branch implements AutoCloseable {
    final List<Layer> layers;
    final long[][] shapes; // shapes[i] is the input shape of layer i; shapes[n] the output
    final long[] offsets;  // offsets[i] is where layer i's parameters start; offsets[n] the total
    private final List<Layer.Instance> instances = new ArrayList<>();
    private final INDArray[] activations;

    /**
     * The shapes and parameter offsets of {@code layers} from {@code inputShape}, checked.
     *
     * @throws IllegalArgumentException naming the layer (by {@code what} and its index) that cannot
     *                                  take its input shape
     */
    static long[][] shapes(String what, List<Layer> layers, long[] inputShape, long[] offsetsOut) {
        long[][] shapes = new long[layers.size() + 1][];
        shapes[0] = inputShape.clone();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            long count;
            try {
                shapes[i + 1] = l.outputShape(shapes[i]);
                count = l.parameterCount(shapes[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " layer " + i + " (" + l.type() + ") cannot take input shape "
                        + Arrays.toString(shapes[i]) + ": " + e.getMessage(), e);
            }
            if (offsetsOut != null) {
                offsetsOut[i + 1] = Math.addExact(offsetsOut[i], count);
            }
        }
        return shapes;
    }

    Branch(String what, List<Layer> layers, long[] inputShape, DataType dataType) {
        this.layers = layers;
        offsets = new long[layers.size() + 1];
        shapes = shapes(what, layers, inputShape, offsets);
        activations = new INDArray[layers.size() + 1];
        try {
            for (int i = 0; i < layers.size(); i++) {
                instances.add(layers.get(i).instantiate(shapes[i], dataType));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The branch's parameter count. */
    long parameterCount() {
        return offsets[layers.size()];
    }

    /** Every layer's slices, shifted to where they lie in the branch's slice, then by {@code offset}. */
    static List<ParameterSlice> slices(List<Layer> layers, long[] inputShape, long offset) {
        List<ParameterSlice> out = new ArrayList<>();
        for (ParameterSlice s : ParameterSlice.chain(layers, inputShape)) {
            out.add(s.shift(offset));
        }
        return out;
    }

    /** Binds each layer to its slice of {@code params}/{@code grads}, starting at {@code from}. */
    void bind(INDArray params, INDArray grads, long from) {
        for (int i = 0; i < instances.size(); i++) {
            long a = from + offsets[i];
            long b = from + offsets[i + 1];
            if (b > a) {
                instances.get(i).bind(params.get(NDArrayIndex.interval(a, b)), grads.get(NDArrayIndex.interval(a, b)));
            } else {
                instances.get(i).bind(null, null);
            }
        }
    }

    void initialise(SplittableRandom random) {
        for (Layer.Instance inst : instances) {
            inst.initialise(random);
        }
    }

    INDArray forward(INDArray x, boolean training) {
        activations[0] = x;
        for (int i = 0; i < instances.size(); i++) {
            activations[i + 1] = instances.get(i).forward(activations[i], training);
        }
        return activations[instances.size()];
    }

    /** Back-propagates ∂L/∂output; returns ∂L/∂input, or null when {@code needInput} is false. */
    INDArray backward(INDArray dOut, boolean needInput) {
        INDArray d = dOut;
        for (int i = instances.size() - 1; i >= 0; i--) {
            d = instances.get(i).backward(activations[i], activations[i + 1], d, i > 0 || needInput);
        }
        return d;
    }

    @Override
    public void close() {
        for (Layer.Instance inst : instances) {
            inst.close();
        }
        instances.clear();
    }
}
