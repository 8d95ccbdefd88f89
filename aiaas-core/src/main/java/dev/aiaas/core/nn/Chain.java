package dev.aiaas.core.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Layers applied one after another, over consecutive slices of one parameter vector: the engine
 * behind {@link Model} and {@link Residual}. Keeps every layer's last input and output for the
 * backward pass.
 */
final class Chain implements AutoCloseable {
    final List<Layer> layers;
    final long[][] shapes; // shapes[i] is the input shape of layer i; shapes[n] the output
    final long[] offsets;  // offsets[i] is where layer i's parameters start; offsets[n] the total
    private final List<Layer.Instance> instances = new ArrayList<>();
    private final INDArray[] activations;

    Chain(List<Layer> layers, long[] inputShape, DataType dataType) {
        this.layers = List.copyOf(layers);
        int n = layers.size();
        shapes = new long[n + 1][];
        offsets = new long[n + 1];
        shapes[0] = inputShape.clone();
        for (int i = 0; i < n; i++) {
            Layer l = layers.get(i);
            long count;
            try {
                shapes[i + 1] = l.outputShape(shapes[i]);
                count = l.parameterCount(shapes[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " (" + l.type() + ") cannot take input shape "
                        + Arrays.toString(shapes[i]) + ": " + e.getMessage(), e);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("layer " + i + " (" + l.type() + "): its parameter count for the input shape "
                        + Arrays.toString(shapes[i]) + " overflows a long; make the layer or its input smaller", e);
            }
            if (count < 0) {
                throw new IllegalArgumentException("layer " + i + " (" + l.type() + ") says it has " + count
                        + " parameters for the input shape " + Arrays.toString(shapes[i]) + "; a count must be >= 0");
            }
            try {
                offsets[i + 1] = Math.addExact(offsets[i], count);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("the layers' parameter count overflows a long at layer " + i + " ("
                        + l.type() + "); make the layers smaller", e);
            }
            ParameterSlice.checkTiling(l, l.parameterSlices(shapes[i]), offsets[i + 1] - offsets[i]);
        }
        activations = new INDArray[n + 1];
        try {
            for (int i = 0; i < n; i++) {
                instances.add(layers.get(i).instantiate(shapes[i], dataType));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    long parameterCount() {
        return offsets[layers.size()];
    }

    long[] outputShape() {
        return shapes[layers.size()];
    }

    /**
     * The ranges {@code [from, to)} of θ (the chain's own slice) whose parameters play
     * {@code role}, over every layer's {@link Layer#parameterSlices}, in order.
     */
    java.util.List<long[]> slices(ParameterSlice.Role role) {
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

    /** Binds each layer to its slice of {@code params}/{@code grads} (1-D, length parameterCount()). */
    void bind(INDArray params, INDArray grads) {
        for (int i = 0; i < instances.size(); i++) {
            long from = offsets[i];
            long to = offsets[i + 1];
            if (to > from) {
                instances.get(i).bind(params.get(NDArrayIndex.interval(from, to)), grads.get(NDArrayIndex.interval(from, to)));
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
            boolean need = i > 0 || needInput;
            d = instances.get(i).backward(activations[i], activations[i + 1], d, need);
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
