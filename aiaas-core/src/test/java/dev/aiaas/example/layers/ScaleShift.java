package dev.aiaas.example.layers;

import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.PackedLayer;
import dev.aiaas.core.nn.PackedSteps;
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

/**
 * A user's layer with a packed form: a learned per-feature scale and shift, y_c = x_c · s_c + t_c,
 * {@code [d] -> [d]}. θ's slice: s {@code [d]} (trained, not penalised:
 * {@link ParameterSlice.Role#OTHER}; initialised to {@code initialScale}), then t {@code [d]}
 * (the {@link ParameterSlice.Role#BIAS}, 0). Gradients: ∂L/∂s_c = Σ_r ∂L/∂y_rc x_rc,
 * ∂L/∂t_c = Σ_r ∂L/∂y_rc, ∂L/∂x_rc = ∂L/∂y_rc s_c.
 *
 * <p>It packs as one scale-and-shift step (which the predictor's plan folds into a dense layer
 * without activation right before it). Its decoder ({@link ScaleShiftDecoder}) is found as a
 * service: {@code META-INF/services/dev.aiaas.core.io.LayerDecoder} in the test resources.
 *
 * @param initialScale the initial s, finite
 */
public record ScaleShift(double initialScale) implements PackedLayer {

    /** Validates the scale. */
    public ScaleShift {
        if (!Double.isFinite(initialScale)) {
            throw new IllegalArgumentException("initialScale must be finite. Received: initialScale=" + initialScale);
        }
    }

    @Override
    public String type() {
        return "scale_shift";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return width(inputShape);
    }

    @Override
    public long parameterCount(long[] inputShape) {
        return 2 * width(inputShape)[0];
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("initial_scale", initialScale);
        return m;
    }

    @Override
    public List<ParameterSlice> parameterSlices(long[] inputShape) {
        long d = width(inputShape)[0];
        return List.of(ParameterSlice.other(0, d), ParameterSlice.bias(d, 2 * d));
    }

    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
        int d = (int) width(inputShape)[0];
        double[] s = new double[d];
        double[] t = new double[d];
        for (int c = 0; c < d; c++) {
            s[c] = params[c];
            t[c] = params[d + c];
        }
        steps.scaleShift(s, t);
    }

    private static long[] width(long[] inputShape) {
        if (inputShape.length != 1 || inputShape[0] < 1) {
            throw new IllegalArgumentException("scale_shift expects flat examples [features], got " + Arrays.toString(inputShape));
        }
        return inputShape.clone();
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        long d = width(inputShape)[0];
        return new Layer.Instance() {
            private INDArray s;
            private INDArray t;
            private INDArray ds;
            private INDArray dt;

            @Override
            public void bind(INDArray params, INDArray grads) {
                s = params.get(NDArrayIndex.interval(0, d)).reshape(1, d);
                t = params.get(NDArrayIndex.interval(d, 2 * d)).reshape(1, d);
                ds = grads.get(NDArrayIndex.interval(0, d)).reshape(1, d);
                dt = grads.get(NDArrayIndex.interval(d, 2 * d)).reshape(1, d);
            }

            @Override
            public void initialise(SplittableRandom random) {
                s.assign(initialScale);
                t.assign(0.0);
            }

            @Override
            public INDArray forward(INDArray x, boolean training) {
                INDArray y = Nd4j.create(x.dataType(), x.shape(), 'f');
                return y.assign(x).muliRowVector(s).addiRowVector(t);
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                ds.assign(dy.mul(x).sum(0).reshape(1, d));
                dt.assign(dy.sum(0).reshape(1, d));
                if (!needInput) {
                    return null;
                }
                INDArray dx = Nd4j.create(x.dataType(), x.shape(), 'f');
                return dx.assign(dy).muliRowVector(s);
            }

            @Override
            public void close() {
            }
        };
    }
}
