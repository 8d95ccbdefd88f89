package dev.aiaas.core.nn;

import dev.aiaas.core.internal.Buf;
import dev.aiaas.core.internal.Gemm;
import dev.aiaas.core.internal.PreparedOp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BiasAdd;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A fully connected layer y = f(x W + b).
 *
 * <p>Shapes: x {@code [B, in]}, W {@code [in, units]}, b {@code [units]}, y {@code [B, units]}.
 * Parameters, in θ's order: W in column-major order, then b ({@code in·units + units} in all).
 * Gradients: ∂L/∂W = xᵀ δ, ∂L/∂b = Σ_batch δ, ∂L/∂x = δ Wᵀ, where δ = ∂L/∂y ⊙ f'(z).
 *
 * @param units            the output width, at least 1
 * @param activation       f, applied to z = x W + b ({@link Activation#IDENTITY} for none)
 * @param kernelInitializer how W is initialised
 * @param biasInitializer   how b is initialised
 */
public record Dense(int units, Activation activation, Initializer kernelInitializer, Initializer biasInitializer) implements Layer {

    /**
     * Outputs of at most this many values (batch × units) get their bias and ReLU from Java loops:
     * below it a native op's fixed cost (5 to 10 us) exceeds the work (batch-1 inference).
     */
    static final long SMALL = 4096;

    /** Validates the settings. */
    public Dense {
        if (units < 1) {
            throw new IllegalArgumentException("units must be a positive integer. Received: units=" + units);
        }
        if (activation == null || kernelInitializer == null || biasInitializer == null) {
            throw new NullPointerException("activation and initializers must not be null");
        }
    }

    @Override
    public String type() {
        return "dense";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        inputWidth(inputShape);
        return new long[] {units};
    }

    @Override
    public long parameterCount(long[] inputShape) {
        return inputWidth(inputShape) * units + units;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("units", units);
        m.put("activation", activation.name());
        m.put("alpha", activation.alpha());
        m.put("kernel_initializer", kernelInitializer.name());
        m.put("kernel_initializer_value", kernelInitializer.value());
        m.put("bias_initializer", biasInitializer.name());
        m.put("bias_initializer_value", biasInitializer.value());
        return m;
    }

    private static long inputWidth(long[] inputShape) {
        if (inputShape.length != 1 || inputShape[0] < 1) {
            throw new IllegalArgumentException("dense expects a flat input shape [features], got "
                    + java.util.Arrays.toString(inputShape) + "; add Layers.flatten() before it");
        }
        return inputShape[0];
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        return new Instance(inputWidth(inputShape), dataType);
    }

    private final class Instance implements Layer.Instance {
        private final long in;
        private final Workspace ws;
        private INDArray w;
        private INDArray b;
        private INDArray dw;
        private INDArray db;
        private INDArray dbColumn;

        Instance(long in, DataType dataType) {
            this.in = in;
            this.ws = new Workspace(dataType);
        }

        @Override
        public void bind(INDArray params, INDArray grads) {
            long nw = in * units;
            w = params.get(NDArrayIndex.interval(0, nw)).reshape('f', in, units);
            b = params.get(NDArrayIndex.interval(nw, nw + units));
            dw = grads.get(NDArrayIndex.interval(0, nw)).reshape('f', in, units);
            db = grads.get(NDArrayIndex.interval(nw, nw + units));
            dbColumn = db.reshape('f', units, 1);
        }

        @Override
        public void initialise(SplittableRandom random) {
            kernelInitializer.fill(Buf.of(w), 0, Math.toIntExact(in * units), in, units, random);
            biasInitializer.fill(Buf.of(b), 0, units, in, units, random);
        }

        @Override
        public INDArray forward(INDArray x, boolean training) {
            int rows = (int) x.rows();
            INDArray z = ws.matrix("z", rows, units);
            Gemm.gemm(x, false, w, false, z, 1.0, 0.0);
            boolean small = (long) rows * units <= SMALL;
            if (small) {
                addBias(Buf.of(z), Buf.of(b), rows);
            } else {
                ws.op("bias", rows, z, b, null, (zz, bb, unused) -> PreparedOp.of(new BiasAdd(zz, bb, zz, false),
                        new INDArray[] {zz, bb}, new INDArray[] {zz}, new double[0], new boolean[] {false})).exec();
            }
            if (activation.equals(Activation.IDENTITY)) {
                return z;
            }
            if (activation.equals(Activation.RELU) && !small) {
                ws.op("relu", rows, z, null, null, (zz, u1, u2) -> PreparedOp.of(new RectifiedLinear(zz, zz, 0.0), zz)).exec();
                return z;
            }
            INDArray y = activation.needsInput() ? ws.matrix("y", rows, units) : z;
            activation.forward(Buf.of(z), Buf.of(y), rows, units);
            return y;
        }

        @Override
        public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
            int rows = (int) x.rows();
            INDArray delta = dy;
            if (activation.equals(Activation.RELU) && (long) rows * units > SMALL) {
                // δ = ∂L/∂y where y > 0 (y > 0 exactly where z > 0)
                delta = ws.matrix("delta", rows, units);
                ws.op("relu_bp", rows, y, dy, delta, (yy, dyy, d) -> PreparedOp.of(new RectifiedLinearDerivative(yy, dyy, d),
                        new INDArray[] {yy, dyy}, new INDArray[] {d}, new double[] {0.0}, new boolean[0])).exec();
            } else if (!activation.equals(Activation.IDENTITY)) {
                delta = ws.matrix("delta", rows, units);
                Buf zb = activation.needsInput() ? Buf.of(ws.matrix("z", rows, units)) : null;
                activation.backward(zb, Buf.of(y), Buf.of(dy), Buf.of(delta), rows, units);
            }
            Gemm.gemm(x, true, delta, false, dw, 1.0, 0.0);
            // ∂L/∂b = δᵀ·1, one matrix-vector product
            INDArray ones = ws.matrix("ones", rows, 1, 1.0);
            Gemm.gemm(delta, true, ones, false, dbColumn, 1.0, 0.0);
            if (!needInput) {
                return null;
            }
            INDArray dx = ws.matrix("dx", rows, in);
            Gemm.gemm(delta, false, w, true, dx, 1.0, 0.0);
            return dx;
        }

        /** z[r, c] += b[c] for an 'f'-order [rows, units] z. */
        private void addBias(Buf zb, Buf bb, int rows) {
            for (int c = 0; c < units; c++) {
                double bias = bb.get(c);
                int base = c * rows;
                for (int r = 0; r < rows; r++) {
                    zb.add(base + r, bias);
                }
            }
        }

        @Override
        public void close() {
            ws.close();
        }
    }
}
