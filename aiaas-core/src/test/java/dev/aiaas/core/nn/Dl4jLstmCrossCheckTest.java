package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Lstm} against DL4J's {@code LSTM} layer (the reference implementation, no peepholes,
 * tanh and sigmoid, {@code RNNFormat.NWC} so that its input is {@code [B, T, F]} as ours) on
 * identical weights and inputs in float64: the outputs hᵗ, ∂L/∂W, ∂L/∂U and ∂L/∂x for
 * L = Σ w ⊙ y with a fixed random w (DL4J's {@code backpropGradient} is given ∂L/∂y = w) agree
 * element by element to 1e-10 relative (measured: about 1e-13).
 *
 * <p>∂L/∂b is compared with central differences of DL4J's forward pass instead, to 1e-7 (the
 * accuracy of the differences): DL4J 1.0.0-M2.1's {@code backpropGradient} returns the bias
 * gradient as 4H copies of one number (its first entry; in {@code LSTMHelpers} the bias
 * gradient is accumulated by a level-1 {@code axpy} of a column sum into a {@code [1, 4H]}
 * view), which its own forward pass contradicts, while ours agrees with it and with our float64
 * finite differences ({@code LayerConformanceTest}).
 *
 * <p>The weights are copied gate block by gate block: ours are in PyTorch's order i, f, g, o;
 * DL4J's 4H columns ({@code LSTMHelpers}) are g (the tanh "input activation"), f, o, i. DL4J
 * names W {@code [F, 4H]} "W", U {@code [H, 4H]} "RW" and b {@code [1, 4H]} "b".
 */
class Dl4jLstmCrossCheckTest {

    private static final Logger LOG = LoggerFactory.getLogger(Dl4jLstmCrossCheckTest.class);

    private static final int B = 4;
    private static final int T = 6;
    private static final int F = 5;
    private static final int H = 7;
    private static final double RTOL = 1e-10;
    private static final double ATOL = 1e-12;
    /** Central differences in float64 with step 1e-6 are good to about 1e-9 relative here. */
    private static final double FD_EPS = 1e-6;
    private static final double FD_RTOL = 1e-7;
    /** Our gate block k (i, f, g, o) is DL4J's block DL4J_BLOCK[k]. */
    private static final int[] DL4J_BLOCK = {3, 1, 0, 2};

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    @Test
    void outputsAndGradientsAgreeWithDl4jInFloat64() {
        SplittableRandom r = new SplittableRandom(3);
        INDArray x = Nd4j.create(DataType.DOUBLE, new long[] {B, T, F}, 'f');
        fill(x, r, 1.0);
        INDArray w = Nd4j.create(DataType.DOUBLE, new long[] {B, T, H}, 'f');
        fill(w, r, 1.0);
        try (Model model = Model.builder(T, F).add(Layers.lstm(H)).dataType(DataType.DOUBLE).seed(9).build()) {
            // a bias that is not the initial one, so that every block's bias is checked
            INDArray theta = model.parameters();
            long nw = 4L * F * H;
            long nu = 4L * H * H;
            for (long i = nw + nu; i < theta.length(); i++) {
                theta.putScalar(i, r.nextDouble(-0.5, 0.5));
            }
            INDArray ours = model.forward(x, true).dup();
            model.backward(w);
            INDArray grads = model.gradients().dup();

            NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder()
                    .dataType(DataType.DOUBLE)
                    .layer(new LSTM.Builder().nIn(F).nOut(H)
                            .activation(org.nd4j.linalg.activations.Activation.TANH)
                            .gateActivationFunction(org.nd4j.linalg.activations.Activation.SIGMOID)
                            .dataFormat(RNNFormat.NWC).build())
                    .build();
            long n = conf.getLayer().initializer().numParams(conf);
            assertEquals(model.parameterCount(), n, "parameter count");
            INDArray view = Nd4j.create(DataType.DOUBLE, 1, n);
            org.deeplearning4j.nn.api.Layer lstm = conf.getLayer().instantiate(conf, List.of(), 0, view, true, DataType.DOUBLE);
            lstm.setBackpropGradientsViewArray(Nd4j.create(DataType.DOUBLE, new long[] {1, n}, 'f'));
            lstm.setParam("W", toDl4j(theta, 0, F));
            lstm.setParam("RW", toDl4j(theta, nw, H));
            lstm.setParam("b", toDl4j(theta, nw + nu, 1));

            LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
            INDArray theirs = lstm.activate(x.dup('c'), true, mgr);
            Pair<Gradient, INDArray> back = lstm.backpropGradient(w.dup('c'), mgr);
            INDArray theirGrads = Nd4j.create(DataType.DOUBLE, nw + nu);
            fromDl4j(back.getFirst().getGradientFor("W"), F, theirGrads, 0);
            fromDl4j(back.getFirst().getGradientFor("RW"), H, theirGrads, nw);

            double out = maxRelDiff(ours, theirs);
            double dx = maxRelDiff(inputGradient(model, x, w), back.getSecond());
            double dW = maxRelDiff(grads.get(NDArrayIndex.interval(0, nw + nu)), theirGrads.get(NDArrayIndex.interval(0, nw + nu)));
            // b: against central differences of DL4J's own forward pass (see the class comment)
            double dB = 0;
            for (int k = 0; k < 4 * H; k++) {
                INDArray bp = toDl4j(theta, nw + nu, 1);
                int col = DL4J_BLOCK[k / H] * H + k % H;
                double old = bp.getDouble(0, col);
                bp.putScalar(new long[] {0, col}, old + FD_EPS);
                lstm.setParam("b", bp);
                double up = lstm.activate(x.dup('c'), false, mgr).mul(w.dup('c')).sumNumber().doubleValue();
                bp.putScalar(new long[] {0, col}, old - FD_EPS);
                lstm.setParam("b", bp);
                double down = lstm.activate(x.dup('c'), false, mgr).mul(w.dup('c')).sumNumber().doubleValue();
                double fd = (up - down) / (2 * FD_EPS);
                dB = Math.max(dB, Math.abs(grads.getDouble(nw + nu + k) - fd) / (Math.abs(fd) + 1e-6));
            }
            LOG.info(String.format(Locale.ROOT, "LSTM vs DL4J, float64: outputs %.2e, ∂L/∂W and ∂L/∂U %.2e, ∂L/∂x %.2e; "
                    + "∂L/∂b vs DL4J's forward by central differences %.2e", out, dW, dx, dB));
            assertTrue(out <= RTOL, "outputs differ by " + out);
            assertTrue(dW <= RTOL, "∂L/∂W, ∂L/∂U differ by " + dW);
            assertTrue(dx <= RTOL, "∂L/∂x differ by " + dx);
            assertTrue(dB <= FD_RTOL, "∂L/∂b differs from DL4J's central differences by " + dB);
        }
    }
    /** ∂L/∂x from a chain of the model's one layer (the model skips it for its first layer). */
    private static INDArray inputGradient(Model model, INDArray x, INDArray w) {
        try (Chain chain = new Chain(model.layers(), model.inputShape(), DataType.DOUBLE)) {
            INDArray grads = Nd4j.create(DataType.DOUBLE, model.parameterCount());
            chain.bind(model.parameters(), grads);
            chain.forward(x, true);
            return chain.backward(w, true).dup();
        }
    }

    /** Our column-major {@code [rows, 4H]} block of θ at {@code offset} as DL4J's {@code [rows, 4H]} matrix, gate blocks reordered. */
    private static INDArray toDl4j(INDArray flat, long offset, int rows) {
        INDArray matrix = Nd4j.create(DataType.DOUBLE, rows, 4L * H);
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < H; j++) {
                for (int row = 0; row < rows; row++) {
                    matrix.putScalar(new long[] {row, (long) DL4J_BLOCK[k] * H + j}, flat.getDouble(offset + (long) (k * H + j) * rows + row));
                }
            }
        }
        return matrix;
    }

    /** The inverse of {@link #toDl4j}: DL4J's {@code [rows, 4H]} matrix into our layout at {@code offset}. */
    private static void fromDl4j(INDArray matrix, int rows, INDArray flat, long offset) {
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < H; j++) {
                for (int row = 0; row < rows; row++) {
                    flat.putScalar(offset + (long) (k * H + j) * rows + row, matrix.getDouble(row, (long) DL4J_BLOCK[k] * H + j));
                }
            }
        }
    }

    /**
     * Float32 gates run through heap loops with the vectorised exponential, float64 ones through
     * Math.exp and Math.tanh: on the same weights and inputs (gate pre-activations up to about
     * ±12, so both saturated and linear regions) outputs agree to 1e-5 and gradients to 1e-4 of the
     * largest, the float32 products' rounding (a wrong gate or index would differ by 1e-1).
     */
    @Test
    void float32GatesEqualFloat64Gates() {
        int b = 3;
        int t = 9;
        int f = 5;
        int h = 33; // not a multiple of any vector width
        SplittableRandom r = new SplittableRandom(8);
        try (Model d = Model.builder(t, f).add(Layers.lstm(h)).dataType(DataType.DOUBLE).seed(4).build();
             Model s = Model.builder(t, f).add(Layers.lstm(h)).dataType(DataType.FLOAT).seed(4).build()) {
            INDArray theta = d.parameters();
            for (long i = 0; i < theta.length(); i++) {
                theta.putScalar(i, (float) r.nextDouble(-1.5, 1.5));
            }
            s.parameters().assign(theta.castTo(DataType.FLOAT));
            INDArray x = Nd4j.create(DataType.DOUBLE, new long[] {b, t, f}, 'f');
            fill(x, r, 2.0);
            x.assign(x.castTo(DataType.FLOAT).castTo(DataType.DOUBLE));
            INDArray dy = Nd4j.create(DataType.DOUBLE, new long[] {b, t, h}, 'f');
            fill(dy, r, 1.0);
            dy.assign(dy.castTo(DataType.FLOAT).castTo(DataType.DOUBLE));
            INDArray yd = d.forward(x, true).dup();
            d.backward(dy);
            INDArray ys = s.forward(x.castTo(DataType.FLOAT).dup('f'), true).dup();
            s.backward(dy.castTo(DataType.FLOAT).dup('f'));
            double out = 0;
            for (long i = 0; i < yd.length(); i++) {
                long[] at = org.nd4j.linalg.api.shape.Shape.ind2subC(yd.shape(), i);
                out = Math.max(out, Math.abs(yd.getDouble(at) - ys.getDouble(at)));
            }
            assertTrue(out < 1e-5, "outputs differ by up to " + out);
            INDArray gd = d.gradients();
            INDArray gs = s.gradients();
            double grad = 0;
            double scale = 0;
            for (long i = 0; i < gd.length(); i++) {
                grad = Math.max(grad, Math.abs(gd.getDouble(i) - gs.getDouble(i)));
                scale = Math.max(scale, Math.abs(gd.getDouble(i)));
            }
            assertTrue(grad < 1e-4 * scale, "gradients differ by up to " + grad + " (largest " + scale + ")");
        }
    }

    private static void fill(INDArray a, SplittableRandom r, double scale) {
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(org.nd4j.linalg.api.shape.Shape.ind2subC(a.shape(), i), r.nextDouble(-scale, scale));
        }
    }

    private static double maxRelDiff(INDArray ours, INDArray reference) {
        assertEquals(reference.length(), ours.length(), "element count");
        double max = 0;
        for (long i = 0; i < reference.length(); i++) {
            long[] at = org.nd4j.linalg.api.shape.Shape.ind2subC(reference.shape(), i);
            double a = ours.rank() == reference.rank() ? ours.getDouble(at) : ours.getDouble(i);
            double b = reference.getDouble(at);
            max = Math.max(max, Math.abs(a - b) / (Math.abs(b) + ATOL));
        }
        return max;
    }
}
