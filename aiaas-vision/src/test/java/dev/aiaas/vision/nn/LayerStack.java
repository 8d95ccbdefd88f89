package dev.aiaas.vision.nn;

import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.ParameterSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Test helper: layers driven through the public {@code Layer} contract as core's {@code Chain}
 * drives them (instances bound to consecutive slices of one θ and one ∇θ, forward in order,
 * backward in reverse), with ∂L/∂x of the first layer as well.
 */
final class LayerStack implements AutoCloseable {
    final List<Layer> layers;
    final List<Layer.Instance> instances = new ArrayList<>();
    final long[][] shapes;
    final long[] offsets;
    final INDArray params;
    final INDArray grads;
    private final INDArray[] acts;

    /**
     * @param positionsPerChunk for each convolution, the output positions per im2col chunk at
     *                          batch size {@code batch} (0: the layer's default chunks)
     */
    LayerStack(List<Layer> layers, long[] inputShape, DataType dataType, int batch, int positionsPerChunk) {
        this.layers = List.copyOf(layers);
        int n = layers.size();
        shapes = new long[n + 1][];
        offsets = new long[n + 1];
        shapes[0] = inputShape;
        for (int i = 0; i < n; i++) {
            Layer l = layers.get(i);
            shapes[i + 1] = l.outputShape(shapes[i]);
            offsets[i + 1] = offsets[i] + l.parameterCount(shapes[i]);
            if (l instanceof Conv2d conv && positionsPerChunk > 0) { // test code: the chunked path
                long[] s = shapes[i];
                int perPosition = batch * (int) Math.max(s[0] * conv.kernelHeight() * conv.kernelWidth(), conv.filters());
                instances.add(conv.instantiate(s, dataType, positionsPerChunk * perPosition));
            } else {
                instances.add(l.instantiate(shapes[i], dataType));
            }
        }
        long p = Math.max(1, offsets[n]);
        params = Nd4j.create(dataType, new long[] {p}, 'c');
        grads = Nd4j.create(dataType, new long[] {p}, 'c');
        for (int i = 0; i < n; i++) {
            if (offsets[i + 1] > offsets[i]) {
                instances.get(i).bind(params.get(NDArrayIndex.interval(offsets[i], offsets[i + 1])),
                        grads.get(NDArrayIndex.interval(offsets[i], offsets[i + 1])));
            } else {
                instances.get(i).bind(null, null);
            }
        }
        acts = new INDArray[n + 1];
    }

    /** Initialises every layer from one stream seeded with {@code seed}, in order. */
    void initialise(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        instances.forEach(inst -> inst.initialise(r));
    }

    /** The total parameter count P. */
    long parameterCount() {
        return offsets[layers.size()];
    }

    INDArray forward(INDArray x) {
        acts[0] = x;
        for (int i = 0; i < instances.size(); i++) {
            acts[i + 1] = instances.get(i).forward(acts[i], true);
        }
        return acts[instances.size()];
    }

    /** Back-propagates ∂L/∂y through the last forward pass; returns ∂L/∂x. */
    INDArray backward(INDArray dy) {
        INDArray d = dy;
        for (int i = instances.size() - 1; i >= 0; i--) {
            d = instances.get(i).backward(acts[i], acts[i + 1], d, true);
        }
        return d;
    }

    /** Every layer's parameter slices, shifted to where they lie in θ. */
    List<ParameterSlice> slices() {
        List<ParameterSlice> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            for (ParameterSlice s : layers.get(i).parameterSlices(shapes[i])) {
                out.add(new ParameterSlice(s.role(), offsets[i] + s.from(), offsets[i] + s.to()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        instances.forEach(Layer.Instance::close);
        params.close();
        grads.close();
    }
}
