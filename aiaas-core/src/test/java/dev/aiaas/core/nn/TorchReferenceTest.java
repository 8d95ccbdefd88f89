package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Losses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch norm (training mode and its running mean), GELU (tanh form), layer norm, tanh, leaky ReLU
 * and σ against PyTorch in float64: logits, the cross-entropy loss and every parameter's gradient
 * of one forward and backward pass agree to 1e-10 relative with what Debian's python3-torch 1.13
 * computed on the same inputs and parameters ({@code tools/torch_reference_norm.py}, whose output
 * is the committed resource {@code torch-norm-reference.txt}; inputs and parameters come from a
 * closed formula on both sides). The tests never run Python.
 */
class TorchReferenceTest {

    private static final int BATCH = 7;

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** The formula of the script: the value number i of parameter or input {@code tag}. */
    private static double value(int tag, int i) {
        return Math.sin(1.3 * i + 0.7 * tag + 0.1 * i * i * (tag % 3 + 1));
    }

    private static Map<String, double[]> reference() throws IOException {
        Map<String, double[]> m = new LinkedHashMap<>();
        try (InputStream in = TorchReferenceTest.class.getResourceAsStream("torch-norm-reference.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] parts = line.trim().split(" ");
                m.put(parts[0], Arrays.stream(parts, 1, parts.length).mapToDouble(Double::parseDouble).toArray());
            }
        }
        return m;
    }

    @Test
    void oneTrainingStepAgreesWithPyTorch() throws IOException {
        Map<String, double[]> ref = reference();
        try (Model m = Model.builder(6).add(Layers.dense(5)).add(Layers.batchNorm(0.9, 1e-3)).add(Layers.gelu())
                .add(Layers.layerNorm(1e-5)).add(Layers.tanh()).add(Layers.dense(4, Activation.leakyRelu(0.1)))
                .add(Layers.dense(3, Activation.SIGMOID)).add(Layers.dense(3)).dataType(DataType.DOUBLE).seed(1).build()) {
            double[] theta = new double[(int) m.parameterCount()];
            int at = 0;
            // θ, layer by layer: our W [in, units] column-major is PyTorch's weight [out, in] row by row
            at = dense(theta, at, 6, 5, 10);
            for (int c = 0; c < 5; c++) { // batch norm: γ, β, running mean 0, running variance 1
                theta[at + c] = 1 + 0.3 * value(50, c);
                theta[at + 5 + c] = 0.3 * value(51, c);
                theta[at + 15 + c] = 1;
            }
            int bnMean = at + 10;
            at += 20;
            for (int c = 0; c < 5; c++) { // layer norm: γ, β
                theta[at + c] = 1 + 0.3 * value(60, c);
                theta[at + 5 + c] = 0.3 * value(61, c);
            }
            at += 10;
            at = dense(theta, at, 5, 4, 20);
            at = dense(theta, at, 4, 3, 30);
            at = dense(theta, at, 3, 3, 40);
            assertEquals(theta.length, at);
            m.parameters().assign(Nd4j.createFromArray(theta));

            double[][] x = new double[BATCH][6];
            for (int r = 0; r < BATCH; r++) {
                for (int k = 0; k < 6; k++) {
                    x[r][k] = 2 * value(90, r * 6 + k);
                }
            }
            INDArray labels = Nd4j.create(DataType.DOUBLE, new long[] {BATCH, 1}, 'f');
            for (int r = 0; r < BATCH; r++) {
                labels.putScalar(r, r % 3);
            }
            INDArray logits = m.forward(Nd4j.createFromArray(x), true);
            INDArray grad = Nd4j.create(DataType.DOUBLE, logits.shape(), logits.ordering());
            double loss = Losses.sparseSoftmaxCrossEntropy().compute(logits, labels, grad);
            m.backward(grad);

            close("logits", ref.get("logits"), logits.dup('c').data().asDouble());
            close("loss", ref.get("loss"), new double[] {loss});
            double[] g = m.gradients().data().asDouble();
            int o = 0;
            String[] order = {"lin1.weight", "lin1.bias", "bn.weight", "bn.bias", null, "ln.weight", "ln.bias", "lin2.weight", "lin2.bias",
                "lin3.weight", "lin3.bias", "lin4.weight", "lin4.bias"};
            for (String name : order) {
                if (name == null) { // the running statistics: not trained, gradient 0
                    for (int i = 0; i < 10; i++) {
                        assertEquals(0.0, g[o + i], "the running statistics' gradient");
                    }
                    o += 10;
                    continue;
                }
                double[] want = ref.get("grad." + name);
                close("∂L/∂" + name, want, Arrays.copyOfRange(g, o, o + want.length));
                o += want.length;
            }
            assertEquals(g.length, o);
            close("the running mean after one step (momentum 0.9 here, 0.1 in PyTorch's convention)", ref.get("bn.running_mean"),
                    Arrays.copyOfRange(m.parameters().data().asDouble(), bnMean, bnMean + 5));
        }
    }

    /** A dense layer's θ: W from value(tag, ·) in PyTorch's [out, in] row order, b from 0.5·value(tag + 1, ·). */
    private static int dense(double[] theta, int at, int in, int out, int tag) {
        for (int i = 0; i < in * out; i++) {
            theta[at + i] = value(tag, i);
        }
        for (int j = 0; j < out; j++) {
            theta[at + in * out + j] = 0.5 * value(tag + 1, j);
        }
        return at + in * out + out;
    }

    /**
     * Equal to 1e-10 of the largest reference value of the tensor (gradients near 0 compare at
     * that scale), or 1e-15 absolute: the first bias's gradient is 0 in exact arithmetic (a batch
     * norm follows it) and both engines give rounding noise of 1e-17 there.
     */
    private static void close(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what);
        double scale = Arrays.stream(expected).map(Math::abs).max().orElse(0);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-10 * scale + 1e-15,
                    what + "[" + i + "]: PyTorch " + expected[i] + ", aiaas " + actual[i]);
        }
    }
}
