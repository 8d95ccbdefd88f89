package dev.aiaas.example.layers;

import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.ParameterSlice;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A layer written as a user of the library would, with its public API only (the test sources
 * play the user): a gate over the input features, y = x ⊙ σ(x W + b), {@code [d] -> [d]}.
 *
 * <p>θ's slice: W {@code [d, d]} column-major (the {@link ParameterSlice.Role#KERNEL}, which a
 * regulariser penalises; Glorot-uniform), then b {@code [d]} (the {@link ParameterSlice.Role#BIAS},
 * initialised to {@code gateBias}). Gradients, with g = σ(z), z = x W + b:
 * δz = ∂L/∂y ⊙ x ⊙ g(1 − g), ∂L/∂W = xᵀ δz, ∂L/∂b = Σ_batch δz, ∂L/∂x = ∂L/∂y ⊙ g + δz Wᵀ.
 *
 * <p>It has no packed form, so a predictor serves it on the copy path. Its decoder
 * ({@link GatedDecoder}) is registered explicitly, not as a service.
 *
 * @param gateBias the initial b: positive opens the gate
 */
public record Gated(double gateBias) implements Layer {

    /** Validates the bias. */
    public Gated {
        if (!Double.isFinite(gateBias)) {
            throw new IllegalArgumentException("gateBias must be finite. Received: gateBias=" + gateBias);
        }
    }

    @Override
    public String type() {
        return "gated";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return width(inputShape);
    }

    @Override
    public long parameterCount(long[] inputShape) {
        long d = width(inputShape)[0];
        return d * d + d;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gate_bias", gateBias);
        return m;
    }

    @Override
    public List<ParameterSlice> parameterSlices(long[] inputShape) {
        long d = width(inputShape)[0];
        return List.of(ParameterSlice.kernel(0, d * d), ParameterSlice.bias(d * d, d * d + d));
    }

    private static long[] width(long[] inputShape) {
        if (inputShape.length != 1 || inputShape[0] < 1) {
            throw new IllegalArgumentException("gated expects flat examples [features], got " + Arrays.toString(inputShape));
        }
        return inputShape.clone();
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        long d = width(inputShape)[0];
        return new Layer.Instance() {
            private INDArray w;
            private INDArray b;
            private INDArray dw;
            private INDArray db;
            private INDArray gate; // σ(z) of the last forward

            @Override
            public void bind(INDArray params, INDArray grads) {
                w = params.get(NDArrayIndex.interval(0, d * d)).reshape('f', d, d);
                b = params.get(NDArrayIndex.interval(d * d, d * d + d)).reshape(1, d);
                dw = grads.get(NDArrayIndex.interval(0, d * d)).reshape('f', d, d);
                db = grads.get(NDArrayIndex.interval(d * d, d * d + d)).reshape(1, d);
            }

            @Override
            public void initialise(SplittableRandom random) {
                double limit = Math.sqrt(6.0 / (d + d));
                for (long i = 0; i < d * d; i++) {
                    w.putScalar(i % d, i / d, random.nextDouble(-limit, limit));
                }
                b.assign(gateBias);
            }

            @Override
            public INDArray forward(INDArray x, boolean training) {
                gate = Transforms.sigmoid(x.mmul(w).addiRowVector(b), false);
                INDArray y = Nd4j.create(x.dataType(), x.shape(), 'f');
                return y.assign(x).muli(gate);
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                INDArray dz = dy.mul(x).muli(gate).muli(gate.rsub(1.0));
                dw.assign(x.transpose().mmul(dz));
                db.assign(dz.sum(0).reshape(1, d));
                if (!needInput) {
                    return null;
                }
                INDArray dx = Nd4j.create(x.dataType(), x.shape(), 'f');
                return dx.assign(dy.mul(gate).addi(dz.mmul(w.transpose())));
            }

            @Override
            public void close() {
            }
        };
    }
}
