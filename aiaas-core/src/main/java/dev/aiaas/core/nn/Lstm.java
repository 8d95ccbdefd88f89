package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import dev.aiaas.core.math.Gemm;
import dev.aiaas.core.math.MathOps;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A long short-term memory layer over a sequence (Hochreiter and Schmidhuber 1997, with the
 * forget gate of Gers et al. 2000; no peepholes), as PyTorch's {@code nn.LSTM} and DL4J's
 * {@code LSTM} compute it. Each sequence starts from h₋₁ = c₋₁ = 0; the output is every hᵗ.
 *
 * <p>Shapes: per example x {@code [T, F]}, y {@code [T, H]} with H = {@code units}. A batch is
 * {@code [B, T, F]} in 'f' order, which is the matrix {@code [B·T, F]} whose row b + B·t is
 * example b at step t. Parameters, in θ's order: W {@code [F, 4H]}, U {@code [H, 4H]} (both
 * column-major), b {@code [4H]}: 4H(F + H + 1) in all. The 4H columns are the gates in PyTorch's
 * order i, f, g, o (H each).
 *
 * <pre>
 *   zᵗ = xᵗ W + hᵗ⁻¹ U + b                       (the x W of all steps is one product)
 *   iᵗ = σ(zᵗ_i)   fᵗ = σ(zᵗ_f)   gᵗ = tanh(zᵗ_g)   oᵗ = σ(zᵗ_o)
 *   cᵗ = fᵗ ⊙ cᵗ⁻¹ + iᵗ ⊙ gᵗ
 *   hᵗ = oᵗ ⊙ tanh(cᵗ)
 * </pre>
 *
 * <p>Back-propagation through time over the whole sequence, from t = T−1 down to 0, with
 * δhᵗ = ∂L/∂hᵗ + δzᵗ⁺¹ Uᵀ and δcᵗ = δhᵗ ⊙ oᵗ ⊙ (1 − tanh²cᵗ) + δcᵗ⁺¹ ⊙ fᵗ⁺¹:
 * δz_i = δc ⊙ g ⊙ i(1−i), δz_f = δc ⊙ cᵗ⁻¹ ⊙ f(1−f), δz_g = δc ⊙ i ⊙ (1−g²),
 * δz_o = δh ⊙ tanh(cᵗ) ⊙ o(1−o); then ∂L/∂W = Xᵀ δZ, ∂L/∂U = Σₜ (hᵗ⁻¹)ᵀ δzᵗ, ∂L/∂b = δZᵀ 1 and
 * ∂L/∂X = δZ Wᵀ, each one product over all steps. Only the recurrent products (one
 * {@code [B, H] × [H, 4H]} per step each way) run step by step.
 *
 * @param units                the hidden width H, at least 1
 * @param kernelInitializer    how W is initialised (fan-in F, fan-out 4H)
 * @param recurrentInitializer how U is initialised (fan-in H, fan-out 4H)
 * @param forgetGateBias       the initial forget-gate bias (1 in Jozefowicz et al. 2015, Keras's
 *                             {@code unit_forget_bias} and DL4J); the other biases start at 0
 */
public record Lstm(int units, Initializer kernelInitializer, Initializer recurrentInitializer, double forgetGateBias) implements Layer {

    /** The forget-gate bias of {@link Layers#lstm(int)}. */
    public static final double DEFAULT_FORGET_GATE_BIAS = 1.0;

    /**
     * Validates the settings.
     *
     * @param units                the hidden width H, at least 1
     * @param kernelInitializer    how W is initialised
     * @param recurrentInitializer how U is initialised
     * @param forgetGateBias       the initial forget-gate bias, finite
     */
    public Lstm {
        if (units < 1) {
            throw new IllegalArgumentException("units must be a positive integer. Received: units=" + units);
        }
        if (kernelInitializer == null || recurrentInitializer == null) {
            throw new NullPointerException("initializers must not be null; use Initializer.glorotUniform()");
        }
        if (!Double.isFinite(forgetGateBias)) {
            throw new IllegalArgumentException("forgetGateBias must be finite. Received: forgetGateBias=" + forgetGateBias);
        }
    }

    @Override
    public String type() {
        return "lstm";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        check(inputShape);
        return new long[] {inputShape[0], units};
    }

    @Override
    public long parameterCount(long[] inputShape) {
        check(inputShape);
        return Math.multiplyExact(4L * units, Math.addExact(inputShape[1], units + 1L));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("units", units);
        m.put("kernel_initializer", kernelInitializer.name());
        m.put("kernel_initializer_value", kernelInitializer.value());
        m.put("recurrent_initializer", recurrentInitializer.name());
        m.put("recurrent_initializer_value", recurrentInitializer.value());
        m.put("forget_gate_bias", forgetGateBias);
        return m;
    }

    /**
     * W and U {@code [0, 4H(F + H))} are {@link ParameterSlice.Role#OTHER}: trained, and not
     * penalised by a model's regulariser, which reaches the dense kernels only; b, the last 4H
     * values, is the bias.
     */
    @Override
    public List<ParameterSlice> parameterSlices(long[] inputShape) {
        check(inputShape);
        long weights = 4L * units * (inputShape[1] + units);
        return List.of(ParameterSlice.other(0, weights), ParameterSlice.bias(weights, weights + 4L * units));
    }

    private static void check(long[] inputShape) {
        if (inputShape.length != 2 || inputShape[0] < 1 || inputShape[1] < 1) {
            throw new IllegalArgumentException("lstm expects a sequence, input shape [T, features], got "
                    + Arrays.toString(inputShape) + "; put Layers.embedding(...) before it for token ids");
        }
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        check(inputShape);
        return new Instance(Math.toIntExact(inputShape[0]), Math.toIntExact(inputShape[1]), dataType);
    }

    private final class Instance implements Layer.Instance {
        private final int steps;
        private final int in;
        private final int h = units;
        private final Workspace ws;
        private final Heap heap = new Heap();
        private INDArray w;
        private INDArray u;
        private INDArray b;
        private INDArray dw;
        private INDArray du;
        private INDArray db;

        Instance(int steps, int in, DataType dataType) {
            this.steps = steps;
            this.in = in;
            this.ws = new Workspace(dataType);
        }

        @Override
        public void bind(INDArray params, INDArray grads) {
            long nw = 4L * in * h;
            long nu = 4L * h * h;
            w = params.get(NDArrayIndex.interval(0, nw));
            u = params.get(NDArrayIndex.interval(nw, nw + nu));
            b = params.get(NDArrayIndex.interval(nw + nu, nw + nu + 4L * h));
            dw = grads.get(NDArrayIndex.interval(0, nw));
            du = grads.get(NDArrayIndex.interval(nw, nw + nu));
            db = grads.get(NDArrayIndex.interval(nw + nu, nw + nu + 4L * h));
        }

        @Override
        public void initialise(SplittableRandom random) {
            kernelInitializer.fill(Buf.of(w), 0, 4 * in * h, in, 4L * h, random);
            recurrentInitializer.fill(Buf.of(u), 0, 4 * h * h, h, 4L * h, random);
            Buf bb = Buf.of(b);
            for (int j = 0; j < 4 * h; j++) {
                bb.set(j, j >= h && j < 2 * h ? forgetGateBias : 0.0);
            }
        }

        @Override
        public INDArray forward(INDArray x, boolean training) {
            if (x.ordering() != 'f' || !Buf.contiguous(x)) {
                throw new IllegalArgumentException("lstm reads its input [B, T, F] as a contiguous 'f'-order array; got order "
                        + x.ordering() + " " + Arrays.toString(x.shape()) + ": pass x.dup('f')");
            }
            int batch = (int) x.size(0);
            int n = batch * steps;
            INDArray gates = ws.array("gates", batch, steps, 4L * h);
            INDArray y = ws.array("y", batch, steps, h);
            INDArray c = ws.array("c", batch, steps, h);
            INDArray tc = ws.array("tanh_c", batch, steps, h);
            // the input projections of all steps: Z = X W, [B·T, F] x [F, 4H]
            Gemm.gemm(false, false, n, 4 * h, in, 1.0, x, 0, n, w, 0, in, 0.0, gates, 0, n);
            Buf g = Buf.of(gates);
            Buf yb = Buf.of(y);
            Buf cb = Buf.of(c);
            Buf tb = Buf.of(tc);
            heap.ensure(batch, h);
            Buf.of(b).get(0, heap.bias, heap.tmp, 4 * h);
            Arrays.fill(heap.c, 0, h * batch, 0.0);
            for (int t = 0; t < steps; t++) {
                int row = batch * t;
                if (t > 0) { // zᵗ += hᵗ⁻¹ U
                    Gemm.gemm(false, false, batch, 4 * h, h, 1.0, y, row - batch, n, u, 0, h, 1.0, gates, row, n);
                }
                cellOnHeap(g, cb, tb, yb, row, n, batch);
            }
            return y;
        }

        /**
         * The cell of one step (rows {@code row .. row + B − 1} of the sequence buffers): the
         * step's 4H·B pre-activations are copied to heap rows with the bias added, where the cell
         * runs as {@link MathOps#lstmCellFast} in float32 networks (vectorised loops through the
         * fast exponential, 1e-12 relative for |x| ≤ 105, then rounded to float32) instead of one
         * scalar {@link Math#exp} or {@link Math#tanh} call per value, or as the exact
         * {@link MathOps#lstmCell} in float64 ones. The gates, cᵗ, tanh cᵗ and hᵗ go back to the
         * buffers; cᵗ is kept for the next step as stored (rounded to float32 in a float32 network).
         */
        private void cellOnHeap(Buf g, Buf cb, Buf tb, Buf yb, int row, int n, int batch) {
            Heap m = heap;
            int hb = h * batch;
            double[][] gate = m.gates; // i, f, g, o: each [H][B] flat and indexed from 0, so the loops vectorise
            for (int q = 0; q < 4; q++) {
                double[] z = gate[q];
                for (int j = 0; j < h; j++) {
                    int col = q * h + j;
                    g.get(row + n * col, z, j * batch, m.tmp, batch);
                    double bias = m.bias[col];
                    int at = j * batch;
                    for (int r = 0; r < batch; r++) {
                        z[at + r] += bias;
                    }
                }
            }
            double[] c = m.c;
            double[] th = m.th;
            double[] hOut = m.h;
            boolean float32 = g.isFloat();
            if (float32) {
                MathOps.lstmCellFast(m.i, m.f, m.g, m.o, c, th, hOut, hb);
            } else {
                MathOps.lstmCell(m.i, m.f, m.g, m.o, c, th, hOut, hb);
            }
            for (int q = 0; q < 4; q++) {
                for (int j = 0; j < h; j++) {
                    g.put(row + n * (q * h + j), gate[q], j * batch, m.tmp, batch);
                }
            }
            for (int j = 0; j < h; j++) {
                int at = row + n * j;
                cb.put(at, c, j * batch, m.tmp, batch);
                tb.put(at, th, j * batch, m.tmp, batch);
                yb.put(at, hOut, j * batch, m.tmp, batch);
            }
            if (float32) { // cᵗ⁻¹ of the next step as the float32 buffer holds it
                for (int k = 0; k < hb; k++) {
                    c[k] = (float) c[k];
                }
            }
        }

        @Override
        public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
            int batch = (int) x.size(0);
            int n = batch * steps;
            INDArray gates = ws.array("gates", batch, steps, 4L * h);
            INDArray c = ws.array("c", batch, steps, h);
            INDArray tc = ws.array("tanh_c", batch, steps, h);
            INDArray dz = ws.array("dz", batch, steps, 4L * h);
            INDArray dhNext = ws.array("dh_next", batch, h);
            INDArray dcNext = ws.array("dc_next", batch, h);
            Buf g = Buf.of(gates);
            Buf cb = Buf.of(c);
            Buf tb = Buf.of(tc);
            Buf d = Buf.of(dy);
            Buf dzb = Buf.of(dz);
            Buf dhn = Buf.of(dhNext);
            Buf dcn = Buf.of(dcNext);
            for (int t = steps - 1; t >= 0; t--) {
                int row = batch * t;
                boolean last = t == steps - 1;
                for (int j = 0; j < h; j++) {
                    int zi = row + n * j;
                    int zf = row + n * (h + j);
                    int zg = row + n * (2 * h + j);
                    int zo = row + n * (3 * h + j);
                    int s = row + n * j;
                    int k = batch * j; // index of (b, j) in the [B, H] carries, at b = 0
                    for (int r = 0; r < batch; r++) {
                        double i = g.get(zi + r);
                        double f = g.get(zf + r);
                        double gg = g.get(zg + r);
                        double o = g.get(zo + r);
                        double th = tb.get(s + r);
                        double dh = d.get(s + r) + (last ? 0.0 : dhn.get(k + r));
                        double dc = dh * o * (1 - th * th) + (last ? 0.0 : dcn.get(k + r));
                        double prev = t > 0 ? cb.get(s + r - batch) : 0.0;
                        dcn.set(k + r, dc * f);
                        dzb.set(zi + r, dc * gg * i * (1 - i));
                        dzb.set(zf + r, dc * prev * f * (1 - f));
                        dzb.set(zg + r, dc * i * (1 - gg * gg));
                        dzb.set(zo + r, dh * th * o * (1 - o));
                    }
                }
                if (t > 0) { // δhᵗ⁻¹ (recurrent part) = δzᵗ Uᵀ
                    Gemm.gemm(false, true, batch, h, 4 * h, 1.0, dz, row, n, u, 0, h, 0.0, dhNext, 0, batch);
                }
            }
            // ∂L/∂W = Xᵀ δZ
            Gemm.gemm(true, false, in, 4 * h, n, 1.0, x, 0, n, dz, 0, n, 0.0, dw, 0, in);
            // ∂L/∂U = Σₜ (hᵗ⁻¹)ᵀ δzᵗ: rows 0 .. B(T−1) of H against rows B .. BT of δZ
            if (steps > 1) {
                Gemm.gemm(true, false, h, 4 * h, n - batch, 1.0, y, 0, n, dz, batch, n, 0.0, du, 0, h);
            } else {
                Buf dub = Buf.of(du);
                for (int i = 0, len = 4 * h * h; i < len; i++) {
                    dub.set(i, 0);
                }
            }
            // ∂L/∂b = δZᵀ 1
            INDArray ones = ws.matrix("ones", batch, steps, 1.0);
            Gemm.gemm(true, false, 4 * h, 1, n, 1.0, dz, 0, n, ones, 0, n, 0.0, db, 0, 4 * h);
            if (!needInput) {
                return null;
            }
            INDArray dx = ws.array("dx", batch, steps, in);
            Gemm.gemm(false, true, n, in, 4 * h, 1.0, dz, 0, n, w, 0, in, 0.0, dx, 0, n);
            return dx;
        }

        @Override
        public void close() {
            ws.close();
        }
    }

    /** Heap rows of one step for the cell, grown to the largest batch; c carries cᵗ⁻¹ from step to step. */
    private static final class Heap {
        double[] i = new double[0];
        double[] f = new double[0];
        double[] g = new double[0];
        double[] o = new double[0];
        double[] c = new double[0];
        double[] th = new double[0];
        double[] h = new double[0];
        double[] bias = new double[0];
        float[] tmp = new float[0];
        double[][] gates = {i, f, g, o};

        void ensure(int batch, int units) {
            int hb = batch * units;
            if (c.length < hb || bias.length != 4 * units) {
                i = new double[hb];
                f = new double[hb];
                g = new double[hb];
                o = new double[hb];
                c = new double[hb];
                th = new double[hb];
                h = new double[hb];
                bias = new double[4 * units];
                tmp = new float[Math.max(batch, 4 * units)];
                gates = new double[][] {i, f, g, o};
            }
        }
    }
}
