package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import dev.aiaas.core.math.Gemm;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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
public record Dense(int units, Activation activation, Initializer kernelInitializer, Initializer biasInitializer) implements PackedLayer {

    /**
     * Values per heap chunk of the bias, ReLU and ReLU-gradient loops (16 KB of float32: the
     * chunk, its copy-in and copy-out stay in the L1 cache); a column longer than this is one
     * chunk of its own.
     */
    static final int CHUNK = 4096;
    /** The scratch slot that holds a copy of b. */
    private static final int BIAS = 2;

    /**
     * Validates the settings.
     *
     * @param units             the output width, at least 1
     * @param activation        f
     * @param kernelInitializer how W is initialised
     * @param biasInitializer   how b is initialised
     */
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
        return Math.addExact(Math.multiplyExact(inputWidth(inputShape), units), units);
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

    /** W {@code [0, in·units)} is the kernel, b {@code [in·units, in·units + units)} the bias. */
    @Override
    public List<ParameterSlice> parameterSlices(long[] inputShape) {
        long nw = inputWidth(inputShape) * units;
        return List.of(ParameterSlice.kernel(0, nw), ParameterSlice.bias(nw, nw + units));
    }

    /** True: x reaches only BLAS, which takes either order without a copy. */
    @Override
    public boolean acceptsRowMajorInput() {
        return true;
    }

    /** {@code dense}, with the activation when there is one: {@code dense (relu)}. */
    @Override
    public String summaryName() {
        return activation.equals(Activation.IDENTITY) ? type() : type() + " (" + activation + ")";
    }

    /** One dense step, W and b as they lie in θ. */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
        int nw = Math.toIntExact(inputWidth(inputShape) * units);
        steps.dense(units, Arrays.copyOf(params, nw), Arrays.copyOfRange(params, nw, nw + units), activation);
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
        /** Heap chunks for the element-wise loops and the bias, made on first use (one type is ever used). */
        private final float[][] fScratch = new float[3][];
        private final double[][] dScratch = new double[3][];

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
            boolean relu = activation.equals(Activation.RELU);
            biasAndRelu(Buf.of(z), Buf.of(b), rows, relu);
            if (relu || activation.equals(Activation.IDENTITY)) {
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
            if (activation.equals(Activation.RELU)) {
                delta = ws.matrix("delta", rows, units);
                reluBackward(Buf.of(y), Buf.of(dy), Buf.of(delta), rows * units);
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

        /**
         * z[r, c] += b[c], then z = max(z, 0) when {@code relu}, for an 'f'-order [rows, units] z:
         * whole columns at a time are copied into a heap chunk of about {@link #CHUNK} values,
         * where the JIT vectorises both loops, and copied back: as fast as ND4J's BiasAdd and ReLU
         * ops (the forward phase of the MLP 784-256-10 step at batch 128 stayed at 0.25 ms minimum
         * in {@code StepPhases}), with no native call and none of their per-call heap garbage.
         * NaN stays NaN under ReLU, as in PyTorch.
         */
        private void biasAndRelu(Buf zb, Buf bb, int rows, boolean relu) {
            if (rows == 0) {
                return;
            }
            int perChunk = Math.max(1, CHUNK / rows);
            if (zb.isFloat()) {
                float[] bias = floats(BIAS, units);
                bb.read(0, bias, units);
                float[] zs = floats(0, perChunk * rows);
                for (int c0 = 0; c0 < units; c0 += perChunk) {
                    int cols = Math.min(perChunk, units - c0);
                    int len = cols * rows;
                    zb.read(c0 * rows, zs, len);
                    for (int c = 0; c < cols; c++) {
                        float bc = bias[c0 + c];
                        int base = c * rows;
                        for (int r = 0; r < rows; r++) {
                            zs[base + r] += bc;
                        }
                    }
                    if (relu) {
                        for (int i = 0; i < len; i++) {
                            zs[i] = Math.max(zs[i], 0f);
                        }
                    }
                    zb.write(c0 * rows, zs, len);
                }
            } else {
                double[] bias = doubles(BIAS, units);
                bb.read(0, bias, units);
                double[] zs = doubles(0, perChunk * rows);
                for (int c0 = 0; c0 < units; c0 += perChunk) {
                    int cols = Math.min(perChunk, units - c0);
                    int len = cols * rows;
                    zb.read(c0 * rows, zs, len);
                    for (int c = 0; c < cols; c++) {
                        double bc = bias[c0 + c];
                        int base = c * rows;
                        for (int r = 0; r < rows; r++) {
                            zs[base + r] += bc;
                        }
                    }
                    if (relu) {
                        for (int i = 0; i < len; i++) {
                            zs[i] = Math.max(zs[i], 0.0);
                        }
                    }
                    zb.write(c0 * rows, zs, len);
                }
            }
        }

        /**
         * δ = ∂L/∂y where y > 0 and 0 where y = 0 (y = max(z, 0) is positive exactly where z is),
         * over n values in heap chunks: δ = ∂L/∂y · min(y·M·M, 1) with M the largest finite
         * value, a mask of exactly 1 for every positive y (the smallest subnormal included) and 0
         * for y = 0, which the JIT vectorises where a conditional would not (replacing ND4J's
         * relu_bp op took the backward phase of the MLP 784-256-10 step at batch 128 from
         * 0.34-0.36 to 0.28-0.29 ms minimum in {@code StepPhases}). Where ∂L/∂y is infinite or NaN at y = 0 the result
         * is NaN rather than 0: a diverged step, which terminate-on-NaN reports.
         */
        private void reluBackward(Buf yb, Buf dyb, Buf db, int n) {
            if (yb.isFloat()) {
                float[] ys = floats(0, CHUNK);
                float[] gs = floats(1, CHUNK);
                for (int from = 0; from < n; from += CHUNK) {
                    int len = Math.min(CHUNK, n - from);
                    yb.read(from, ys, len);
                    dyb.read(from, gs, len);
                    for (int i = 0; i < len; i++) {
                        gs[i] *= Math.min(ys[i] * Float.MAX_VALUE * Float.MAX_VALUE, 1f);
                    }
                    db.write(from, gs, len);
                }
            } else {
                double[] ys = doubles(0, CHUNK);
                double[] gs = doubles(1, CHUNK);
                for (int from = 0; from < n; from += CHUNK) {
                    int len = Math.min(CHUNK, n - from);
                    yb.read(from, ys, len);
                    dyb.read(from, gs, len);
                    for (int i = 0; i < len; i++) {
                        gs[i] *= Math.min(ys[i] * Double.MAX_VALUE * Double.MAX_VALUE, 1.0);
                    }
                    db.write(from, gs, len);
                }
            }
        }

        /** Heap scratch {@code slot} (0, 1: chunks; 2: the bias) of at least {@code len} floats, made or grown on first need. */
        private float[] floats(int slot, int len) {
            float[] a = fScratch[slot];
            if (a == null || a.length < len) {
                a = fScratch[slot] = new float[Math.max(len, slot == BIAS ? 0 : CHUNK)];
            }
            return a;
        }

        /** As {@link #floats}, for float64 layers. */
        private double[] doubles(int slot, int len) {
            double[] a = dScratch[slot];
            if (a == null || a.length < len) {
                a = dScratch[slot] = new double[Math.max(len, slot == BIAS ? 0 : CHUNK)];
            }
            return a;
        }

        @Override
        public void close() {
            ws.close();
        }
    }
}
