package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Causal multi-head attention and a pre-LN transformer block against PyTorch in float64: the
 * output y, ∂L/∂x and every parameter's gradient of one forward and backward pass (L = Σ w ⊙ y)
 * agree to 1e-9 with what Debian's python3-torch 1.13 computed with
 * {@code torch.nn.MultiheadAttention(6, 2, batch_first=True)} and the causal mask on the same
 * inputs and parameters ({@code tools/attention_reference.py}, whose output is the committed
 * resource {@code torch-attention-reference.txt}; inputs and parameters come from a closed formula
 * on both sides). The tests never run Python.
 */
class AttentionReferenceTest {

    private static final int B = 2;
    private static final int T = 5;
    private static final int D = 6;

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** The formula of the script: the value number i of {@code tag}. */
    private static double value(int tag, int i) {
        return Math.sin(1.3 * i + 0.7 * tag + 0.1 * i * i * (tag % 3 + 1));
    }

    private static Map<String, double[]> reference() throws IOException {
        Map<String, double[]> m = new LinkedHashMap<>();
        try (InputStream in = AttentionReferenceTest.class.getResourceAsStream("torch-attention-reference.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] parts = line.trim().split(" ");
                m.put(parts[0], Arrays.stream(parts, 1, parts.length).mapToDouble(Double::parseDouble).toArray());
            }
        }
        return m;
    }

    @Test
    void causalMultiHeadAttentionAgreesWithPyTorch() throws IOException {
        compare("mha", List.of(Layers.multiHeadAttention(2, true)), new boolean[0]);
    }

    @Test
    void preLnTransformerBlockAgreesWithPyTorch() throws IOException {
        // θ: LN1 γ [0, 6), β, the attention's 4·36 + 4·6, LN2 γ [180, 186), β, the MLP
        boolean[] gamma = new boolean[186];
        Arrays.fill(gamma, 0, 6, true);
        Arrays.fill(gamma, 180, 186, true);
        compare("block", Layers.transformerBlock(D, 2, 8, 0.0, true), gamma);
    }

    /** A different mask or scale must be seen: the non-causal layer does not match the causal reference. */
    @Test
    void theReferenceTellsTheMaskApart() throws IOException {
        double[] ref = reference().get("mha.y");
        double[][] got = run(List.of(Layers.multiHeadAttention(2, false)), new boolean[0]);
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(ref[i] - got[0][i]));
        }
        assertTrue(worst > 1e-3, "a non-causal layer differs from the causal reference, by " + worst);
    }

    private void compare(String name, List<Layer> layers, boolean[] gamma) throws IOException {
        Map<String, double[]> ref = reference();
        double[][] got = run(layers, gamma);
        check(name + ".y", ref.get(name + ".y"), got[0]);
        check(name + ".dx", ref.get(name + ".dx"), got[1]);
        check(name + ".dtheta", ref.get(name + ".dtheta"), got[2]);
    }

    /** y, ∂L/∂x (both in (b, t, c) order) and ∂L/∂θ of the chain, with θ, x and w from the script's formulas. */
    private static double[][] run(List<Layer> layers, boolean[] gamma) {
        long[] in = {T, D};
        try (Chain chain = new Chain(layers, in, DataType.DOUBLE)) {
            int p = (int) chain.parameterCount();
            INDArray params = Nd4j.create(DataType.DOUBLE, new long[] {p}, 'c');
            INDArray grads = Nd4j.create(DataType.DOUBLE, new long[] {p}, 'c');
            chain.bind(params, grads);
            chain.initialise(new SplittableRandom(1));
            for (int i = 0; i < p; i++) {
                params.putScalar(i, i < gamma.length && gamma[i] ? 1 + 0.3 * value(7, i) : 0.5 * value(7, i));
            }
            INDArray x = Nd4j.create(DataType.DOUBLE, new long[] {B, T, D}, 'f');
            INDArray w = Nd4j.create(DataType.DOUBLE, new long[] {B, T, D}, 'f');
            for (int b = 0; b < B; b++) {
                for (int t = 0; t < T; t++) {
                    for (int c = 0; c < D; c++) {
                        x.putScalar(new long[] {b, t, c}, 1.5 * value(90, (b * T + t) * D + c));
                        w.putScalar(new long[] {b, t, c}, value(91, (b * T + t) * D + c));
                    }
                }
            }
            INDArray y = chain.forward(x, true);
            double[] ys = inOrder(y);
            double[] dx = inOrder(chain.backward(w, true));
            return new double[][] {ys, dx, grads.toDoubleVector()};
        }
    }

    private static double[] inOrder(INDArray a) {
        assertEquals(List.of((long) B, (long) T, (long) D), Arrays.stream(a.shape()).boxed().toList(), "shape");
        double[] out = new double[B * T * D];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                for (int c = 0; c < D; c++) {
                    out[(b * T + t) * D + c] = a.getDouble(b, t, c);
                }
            }
        }
        return out;
    }

    private static void check(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-9 * Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol, what + "[" + i + "]: PyTorch " + expected[i] + ", aiaas " + actual[i]);
        }
    }
}
