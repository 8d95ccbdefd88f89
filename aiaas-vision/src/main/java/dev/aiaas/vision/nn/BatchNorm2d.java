package dev.aiaas.vision.nn;

import dev.aiaas.core.nn.Workspace;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.LayerDecoder;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.PackedLayer;
import dev.aiaas.core.nn.PackedSteps;
import dev.aiaas.core.nn.ParameterSlice;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalisation per channel of an image batch (Ioffe and Szegedy 2015), with the
 * conventions of core's {@code BatchNorm} (Keras's): each channel c is normalised over its
 * N = B·H·W values (batch and positions) in training, with running statistics at inference.
 *
 * <pre>
 * training:  μ_c = (1/N) Σ x_·c··    σ²_c = (1/N) Σ (x_·c·· − μ_c)²    x̂ = (x − μ_c) / √(σ²_c + ε)
 *            mean_c ← m·mean_c + (1 − m)·μ_c      var_c ← m·var_c + (1 − m)·σ²_c   (the biased σ², as Keras)
 * inference: x̂ = (x − mean_c) / √(var_c + ε)
 * both:      y = γ_c x̂ + β_c
 * ∂L/∂γ_c = Σ ∂L/∂y ⊙ x̂    ∂L/∂β_c = Σ ∂L/∂y     (sums over the N values of channel c)
 * ∂L/∂x = (γ_c / √(σ²_c + ε)) (∂L/∂y − mean(∂L/∂y) − x̂ mean(∂L/∂y ⊙ x̂))
 * </pre>
 *
 * <p>Momentum m is Keras's (0.99 by default; PyTorch's {@code momentum=0.1} is m = 0.9, and
 * PyTorch's running variance is the unbiased one). ε defaults to Keras's 1e-3.
 *
 * <p>Shapes: x and y {@code [B, C, H, W]}. θ's slice, in order: γ {@code [C]} (initialised to 1),
 * β {@code [C]} (0), running mean {@code [C]} (0), running variance {@code [C]} (1): 4C values.
 * γ and β are trained ({@link ParameterSlice.Role#OTHER}); the running statistics are
 * {@link ParameterSlice.Role#STATE}: this layer writes them in each training forward pass and
 * always writes 0 into their gradient, and trainers put them back after each optimiser step.
 *
 * @param momentum m, in [0, 1)
 * @param epsilon  ε &gt; 0, added to the variance
 */
public record BatchNorm2d(double momentum, double epsilon) implements PackedLayer {

    /** The type name. */
    public static final String TYPE = "batch_norm2d";

    /**
     * Validates the settings.
     *
     * @param momentum m, in [0, 1)
     * @param epsilon  ε &gt; 0, finite
     */
    public BatchNorm2d {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1) (Keras convention: the share of the running value kept "
                    + "per step; PyTorch's momentum=0.1 is 0.9 here). Received: momentum=" + momentum);
        }
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be positive and finite. Received: epsilon=" + epsilon);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        Images.chw(TYPE, inputShape);
        return inputShape.clone();
    }

    @Override
    public long parameterCount(long[] inputShape) {
        return 4L * Images.chw(TYPE, inputShape)[0];
    }

    /** γ and β {@code [0, 2C)} are trained; the running mean and variance {@code [2C, 4C)} are state. */
    @Override
    public List<ParameterSlice> parameterSlices(long[] inputShape) {
        long c = Images.chw(TYPE, inputShape)[0];
        return List.of(ParameterSlice.other(0, 2 * c), ParameterSlice.state(2 * c, 4 * c));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("momentum", momentum);
        m.put("epsilon", epsilon);
        return m;
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        int[] chw = Images.chw(TYPE, inputShape);
        return new Instance(chw[0], chw[1] * chw[2], inputShape.clone(), dataType, false);
    }

    /**
     * This batch normalisation and a ReLU right after it ({@code Layers.relu()}), float32: the
     * ReLU applied to each block as it is normalised (forward), and its gradient mask made again
     * from x in the backward sweeps (the ReLU's input y = γ·x̂ + β recomputed in float32 as the
     * forward pass made it), so neither the batch norm's output nor the ReLU's own passes over the
     * batch exist: the same bits as the two layers one after the other. Null for any other next
     * layer and for float64.
     */
    @Override
    public Layer.Instance instantiateFused(Layer next, long[] inputShape, DataType dataType) {
        if (dataType != DataType.FLOAT || !RELU.equals(next)) {
            return null;
        }
        int[] chw = Images.chw(TYPE, inputShape);
        return new Instance(chw[0], chw[1] * chw[2], inputShape.clone(), dataType, true);
    }

    private static final Layer RELU = new dev.aiaas.core.nn.ActivationLayer(dev.aiaas.core.nn.Activation.RELU);

    /**
     * On the packed path, the running statistics' affine map per channel, each over its H·W
     * values: {@code scale_c = γ_c / √(var_c + ε)}, {@code shift_c = β_c − mean_c·scale_c}
     * (folded into a convolution before it).
     */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
        int[] chw = Images.chw(TYPE, inputShape);
        int c = chw[0];
        int area = chw[1] * chw[2];
        double[] scale = new double[c * area];
        double[] shift = new double[c * area];
        for (int ch = 0; ch < c; ch++) {
            double s = params[ch] / Math.sqrt((double) params[3 * c + ch] + epsilon);
            double t = params[c + ch] - params[2 * c + ch] * s;
            java.util.Arrays.fill(scale, ch * area, (ch + 1) * area, s);
            java.util.Arrays.fill(shift, ch * area, (ch + 1) * area, t);
        }
        steps.scaleShift(scale, shift);
    }

    /**
     * The layer's computation, block by block: in an 'f'-order batch, input position q holds C runs
     * of B values, one block of B·C values; each pass copies one block at a time from the native
     * buffer to a small heap block (which stays in the cache), works on it there and, where it
     * writes, copies it back. Training forward: one pass for the statistics (each run's mean and
     * squared deviations, merged per channel as Chan et al. do, in float64), one to normalise.
     * Backward: one pass for Σ∂L/∂y and Σ∂L/∂y·x̂, one for ∂L/∂x, x̂ made again from x each time
     * (in float32 the same bits as the forward pass's x̂). No batch-sized heap copies.
     */
    private final class Instance implements Layer.Instance {
        private final int channels;
        private final int area;
        private final long[] shape;
        private final Workspace buffers;
        private final Heap xb;
        private final Heap gb;
        /** The last training pass's batch statistics (μ and 1/√(σ² + ε)), which the backward pass uses. */
        private final double[] mean;
        private final double[] inv;
        /** The statistics the last forward pass normalised with (the batch's, or the running ones at inference). */
        private final double[] useMean;
        private final double[] useInv;
        private final double[] m2;
        private final double[] sumG;
        private final double[] sumGh;
        /** One run's two sums in the fused backward pass. */
        private final double[] sums = new double[2];
        private INDArray params;
        private INDArray grads;
        /** Whether a ReLU follows in the same passes ({@link #instantiateFused}). */
        private final boolean relu;

        Instance(int channels, int area, long[] shape, DataType dataType, boolean relu) {
            this.relu = relu;
            this.channels = channels;
            this.area = area;
            this.shape = shape;
            buffers = new Workspace(dataType);
            xb = Heap.of(dataType);
            gb = Heap.of(dataType);
            mean = new double[channels];
            inv = new double[channels];
            useMean = new double[channels];
            useInv = new double[channels];
            m2 = new double[channels];
            sumG = new double[channels];
            sumGh = new double[channels];
        }

        @Override
        public void bind(INDArray params, INDArray grads) {
            this.params = params;
            this.grads = grads;
        }

        @Override
        public void initialise(SplittableRandom random) {
            Buf p = Buf.of(params);
            for (int c = 0; c < channels; c++) {
                p.set(c, 1.0);
                p.set(channels + c, 0.0);
                p.set(2 * channels + c, 0.0);
                p.set(3 * channels + c, 1.0);
            }
        }

        @Override
        public INDArray forward(INDArray x, boolean training) {
            int batch = Math.toIntExact(x.size(0));
            Images.batchValues(batch, (long) channels * area, TYPE);
            int k = channels;
            int block = batch * k;
            Buf xs = Buf.of(x);
            xb.ensure(block);
            Buf p = Buf.of(params); // γ at c, β at C + c, mean at 2C + c, var at 3C + c
            if (training) {
                java.util.Arrays.fill(mean, 0.0);
                java.util.Arrays.fill(m2, 0.0);
                for (int q = 0; q < area; q++) { // (count, mean, M2) per channel, merged run by run
                    xb.read(xs, block * q, 0, block);
                    double before = (double) batch * q;
                    double after = before + batch;
                    for (int c = 0; c < k; c++) {
                        double runMean = xb.sum(batch * c, batch) / batch;
                        double runM2 = xb.squaredDeviations(batch * c, batch, runMean);
                        double delta = runMean - mean[c];
                        mean[c] += delta * batch / after;
                        m2[c] += runM2 + delta * delta * before * batch / after;
                    }
                }
                double count = (double) batch * area;
                for (int c = 0; c < k; c++) {
                    double var = m2[c] / count;
                    p.set(2 * k + c, momentum * p.get(2 * k + c) + (1 - momentum) * mean[c]);
                    p.set(3 * k + c, momentum * p.get(3 * k + c) + (1 - momentum) * var);
                    inv[c] = 1 / Math.sqrt(var + epsilon);
                    useMean[c] = mean[c];
                    useInv[c] = inv[c];
                }
            } else {
                for (int c = 0; c < k; c++) {
                    useMean[c] = p.get(2 * k + c);
                    useInv[c] = 1 / Math.sqrt(p.get(3 * k + c) + epsilon);
                }
            }
            INDArray y = buffers.batch("y", batch, shape);
            Buf ys = Buf.of(y);
            for (int q = 0; q < area; q++) {
                xb.read(xs, block * q, 0, block);
                for (int c = 0; c < k; c++) {
                    xb.normaliseInPlace(batch * c, batch, useMean[c], useInv[c], p.get(c), p.get(k + c));
                }
                if (relu) {
                    xb.reluInPlace(0, block);
                }
                xb.write(ys, block * q, 0, block);
            }
            return y;
        }

        @Override
        public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
            int batch = Math.toIntExact(x.size(0));
            int k = channels;
            int block = batch * k;
            Buf xs = Buf.of(x);
            Buf g = Buf.of(dy);
            xb.ensure(block);
            gb.ensure(block);
            java.util.Arrays.fill(sumG, 0.0);
            java.util.Arrays.fill(sumGh, 0.0);
            Buf p = Buf.of(params);
            for (int q = 0; q < area; q++) {
                xb.read(xs, block * q, 0, block);
                gb.read(g, block * q, 0, block);
                for (int c = 0; c < k; c++) {
                    int from = batch * c;
                    if (relu) { // ∂L/∂(the batch norm's output) is the ReLU's gradient, masked here
                        gb.reluNormalisedSums(from, xb, batch, mean[c], inv[c], p.get(c), p.get(k + c), sums);
                        sumG[c] += sums[0];
                        sumGh[c] += sums[1];
                        continue;
                    }
                    sumG[c] += gb.sum(from, batch);
                    sumGh[c] += gb.dotNormalised(from, xb, batch, mean[c], inv[c]);
                }
            }
            Buf gr = Buf.of(grads);
            for (int c = 0; c < k; c++) {
                gr.set(c, sumGh[c]);
                gr.set(k + c, sumG[c]);
                gr.set(2 * k + c, 0.0); // running statistics: not trained
                gr.set(3 * k + c, 0.0);
            }
            if (!needInput) {
                return null;
            }
            double count = (double) batch * area;
            INDArray dx = buffers.batch("dx", batch, shape);
            Buf dxs = Buf.of(dx);
            for (int q = 0; q < area; q++) {
                xb.read(xs, block * q, 0, block);
                gb.read(g, block * q, 0, block);
                for (int c = 0; c < k; c++) {
                    if (relu) {
                        gb.reluNormaliseBackwardInPlace(batch * c, xb, batch, mean[c], inv[c], p.get(c), p.get(k + c),
                                p.get(c) * inv[c], sumG[c] / count, sumGh[c] / count);
                        continue;
                    }
                    gb.normaliseBackwardInPlace(batch * c, xb, batch, mean[c], inv[c], p.get(c) * inv[c], sumG[c] / count,
                            sumGh[c] / count);
                }
                gb.write(dxs, block * q, 0, block);
            }
            return dx;
        }

        @Override
        public void close() {
            buffers.close();
        }
    }

    /** Reads a {@code batch_norm2d} back from a model file. */
    public static final class Decoder implements LayerDecoder {
        /** For {@link java.util.ServiceLoader}. */
        public Decoder() {
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Layer decode(LayerConfig c) throws ModelFormatException {
            return new BatchNorm2d(c.number("momentum"), c.number("epsilon"));
        }
    }
}
