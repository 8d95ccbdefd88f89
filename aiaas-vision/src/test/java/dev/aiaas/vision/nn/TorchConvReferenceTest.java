package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The vision layers against PyTorch on identical inputs and parameters: convolutions with stride,
 * padding (explicit and {@code same}), dilation, groups (depthwise included) and no bias; max and
 * average pooling with padding; global average pooling; batch normalisation in training mode
 * (its running mean too); and a small network (convolution, batch norm, ReLU, max pooling,
 * flatten, dense, cross-entropy), which pins flatten's order against a dense layer's weights;
 * and ResNet's basic block with a projection shortcut.
 * Outputs, ∂L/∂x and every parameter's gradient agree to 1e-9 in float64 and 1e-5 in float32 with
 * what Debian's python3-torch 1.13 computed ({@code tools/conv_reference.py}, whose output is the
 * committed resource {@code torch-conv-reference.txt}, inputs and parameters included). The tests
 * never run Python.
 */
class TorchConvReferenceTest {

    private static Map<String, double[]> ref;

    @BeforeAll
    static void load() throws IOException {
        Backends.current();
        ref = new LinkedHashMap<>();
        try (InputStream in = TorchConvReferenceTest.class.getResourceAsStream("torch-conv-reference.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] parts = line.trim().split(" ");
                ref.put(parts[0], Arrays.stream(parts, 1, parts.length).mapToDouble(Double::parseDouble).toArray());
            }
        }
    }

    private static double[] get(String key) {
        double[] v = ref.get(key);
        assertTrue(v != null, "the reference has no '" + key + "'; regenerate it with tools/conv_reference.py");
        return v;
    }

    private static int[] ints(String key) {
        return Arrays.stream(get(key)).mapToInt(d -> (int) d).toArray();
    }

    /** The layer a case ran in PyTorch, from its settings. */
    private static Layer layer(String name) {
        int[] s = name.equals("global_avg_pool") || name.equals("batch_norm") ? null : ints(name + ".settings");
        if (name.startsWith("conv")) {
            Padding p = s[5] < 0 ? Padding.same() : Padding.of(s[5], s[6]);
            return ConvLayers.conv2d(s[0], s[1], s[2]).withStride(s[3], s[4]).withPadding(p).withDilation(s[7], s[8])
                    .withGroups(s[9]).withBias(s[10] == 1);
        }
        if (name.startsWith("max_pool")) {
            return new MaxPool2d(s[0], s[1], s[2], s[3], s[4], s[5]);
        }
        if (name.startsWith("avg_pool")) {
            return new AvgPool2d(s[0], s[1], s[2], s[3], s[4], s[5]);
        }
        if (name.equals("global_avg_pool")) {
            return ConvLayers.globalAvgPool();
        }
        double[] bn = get(name + ".settings");
        return ConvLayers.batchNorm2d(bn[0], bn[1]);
    }

    /** θ of a case in this library's order: a convolution's W (PyTorch's layout) then b; batch norm's γ, β, mean 0, variance 1. */
    private static double[] theta(String name, long count) {
        double[] t = new double[(int) count];
        if (name.startsWith("conv")) {
            double[] w = get(name + ".weight");
            System.arraycopy(w, 0, t, 0, w.length);
            if (ref.containsKey(name + ".bias")) {
                double[] b = get(name + ".bias");
                System.arraycopy(b, 0, t, w.length, b.length);
            }
        } else if (name.equals("batch_norm")) {
            double[] g = get(name + ".weight");
            double[] b = get(name + ".bias");
            int c = g.length;
            System.arraycopy(g, 0, t, 0, c);
            System.arraycopy(b, 0, t, c, c);
            Arrays.fill(t, 3 * c, 4 * c, 1.0);
        }
        return t;
    }

    static Stream<Arguments> cases() {
        List<String> names = List.of("conv_groups_stride_pad_dilation", "conv_same_dilated_even_kernel",
                "conv_depthwise_stride2_nobias", "conv_1x1", "max_pool", "max_pool_2x2", "avg_pool", "global_avg_pool", "batch_norm");
        return names.stream().flatMap(n -> Stream.of(Arguments.of(n, DataType.DOUBLE), Arguments.of(n, DataType.FLOAT)));
    }

    /** A 'f'-order array of {@code type} holding the row-major values {@code v} of shape {@code shape}. */
    private static INDArray fOrder(double[] v, long[] shape, DataType type) {
        try (INDArray c = Nd4j.create(v, shape, 'c')) {
            return c.castTo(type).dup('f');
        }
    }

    /** The row-major values of an 'f'-order batch {@code [B, shape...]}. */
    private static double[] rowMajor(INDArray a, long[] shape) {
        return a.reshape('f', shape).dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    private static long[] shape(String key) {
        return Arrays.stream(get(key)).mapToLong(d -> (long) d).toArray();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void aLayerAgreesWithPyTorch(String name, DataType type) {
        long[] xs = shape(name + ".x_shape");
        long[] ys = shape(name + ".y_shape");
        if (name.equals("global_avg_pool")) {
            ys = new long[] {ys[0], ys[1]};
        }
        Layer l = layer(name);
        long[] example = Arrays.copyOfRange(xs, 1, xs.length);
        try (LayerStack st = new LayerStack(List.of(l), example, type, (int) xs[0], 0)) {
            double[] t = theta(name, st.parameterCount());
            Buf.of(st.params).put(0, t, new float[t.length], t.length);
            INDArray x = fOrder(get(name + ".x"), xs, type);
            INDArray y = st.forward(x);
            assertClose(get(name + ".y"), rowMajor(y, ys), type, name + " y");
            INDArray dx = st.backward(fOrder(get(name + ".w"), ys, type));
            assertClose(get(name + ".dx"), rowMajor(dx, xs), type, name + " ∂L/∂x");
            double[] g = st.grads.castTo(DataType.DOUBLE).toDoubleVector();
            if (name.startsWith("conv")) {
                double[] dw = get(name + ".dweight");
                assertClose(dw, Arrays.copyOf(g, dw.length), type, name + " ∂L/∂W");
                if (ref.containsKey(name + ".dbias")) {
                    double[] db = get(name + ".dbias");
                    assertClose(db, Arrays.copyOfRange(g, dw.length, dw.length + db.length), type, name + " ∂L/∂b");
                }
            } else if (name.equals("batch_norm")) {
                int c = (int) example[0];
                assertClose(get(name + ".dweight"), Arrays.copyOf(g, c), type, name + " ∂L/∂γ");
                assertClose(get(name + ".dbias"), Arrays.copyOfRange(g, c, 2 * c), type, name + " ∂L/∂β");
                double[] p = st.params.castTo(DataType.DOUBLE).toDoubleVector();
                assertClose(get(name + ".running_mean"), Arrays.copyOfRange(p, 2 * c, 3 * c), type, name + " running mean");
                double[] var = get(name + ".batch_var").clone(); // PyTorch keeps the unbiased variance; this library the biased one
                for (int i = 0; i < c; i++) {
                    var[i] = 0.9 * 1.0 + 0.1 * var[i];
                }
                assertClose(var, Arrays.copyOfRange(p, 3 * c, 4 * c), type, name + " running variance");
            }
        }
    }

    /**
     * The network case through {@link Model} (4-D input given row-major, as a user would) and
     * core's cross-entropy: logits, loss and every parameter's gradient.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void aSmallNetworkAgreesWithPyTorch(DataType type) {
        try (Model m = Model.builder(2, 6, 4).add(ConvLayers.conv2d(3, 3).withPadding(Padding.of(1)))
                .add(ConvLayers.batchNorm2d(0.9, 1e-5)).add(Layers.relu()).add(ConvLayers.maxPool2d(2)).add(ConvLayers.flatten())
                .add(Layers.dense(5)).dataType(type).build()) {
            String[] parts = {"net.conv.weight", "net.conv.bias", "net.bn.weight", "net.bn.bias", null, "net.linear.weight",
                    "net.linear.bias"};
            double[] theta = new double[(int) m.parameterCount()];
            int at = 0;
            for (String p : parts) {
                if (p == null) { // running mean 0, running variance 1
                    Arrays.fill(theta, at + 3, at + 6, 1.0);
                    at += 6;
                    continue;
                }
                double[] v = get(p);
                System.arraycopy(v, 0, theta, at, v.length);
                at += v.length;
            }
            assertEquals(theta.length, at);
            Buf.of(m.parameters()).put(0, theta, new float[theta.length], theta.length);
            INDArray x = Nd4j.create(get("net.x"), new long[] {4, 2, 6, 4}, 'c').castTo(type);
            INDArray labels = Nd4j.create(get("net.labels"), new long[] {4, 1}, 'f').castTo(type);
            INDArray logits = m.forward(x, true);
            assertClose(get("net.logits"), logits.dup('c').castTo(DataType.DOUBLE).data().asDouble(), type, "logits");
            INDArray grad = Nd4j.create(type, new long[] {4, 5}, 'f');
            double loss = Losses.sparseSoftmaxCrossEntropy().compute(logits, labels, grad);
            assertClose(get("net.loss"), new double[] {loss}, type, "loss");
            m.backward(grad);
            double[] g = m.gradients().castTo(DataType.DOUBLE).toDoubleVector();
            at = 0;
            for (String p : parts) {
                if (p == null) {
                    for (int i = 0; i < 6; i++) {
                        assertEquals(0.0, g[at + i], 0.0, "running statistics: no gradient");
                    }
                    at += 6;
                    continue;
                }
                double[] want = get(p.replace("weight", "dweight").replace("bias", "dbias"));
                assertClose(want, Arrays.copyOfRange(g, at, at + want.length), type, "∂L/∂" + p);
                at += want.length;
            }
        }
    }

    /**
     * PyTorch's ResNet BasicBlock with a projection shortcut against {@code ConvLayers.basicBlock(4, 2)}
     * (batch norms in training mode, epsilon 1e-3): y, ∂L/∂x and the gradient of every kernel, γ and
     * β, in θ's order conv1, bn1, conv2, bn2, shortcut conv, shortcut bn (each batch norm's γ, β,
     * running mean, running variance).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void aBasicBlockWithAProjectionAgreesWithPyTorch(DataType type) {
        long[] xs = shape("block.x_shape");
        long[] ys = shape("block.y_shape");
        String[] parts = {"conv1", "bn1", "conv2", "bn2", "conv_sc", "bn_sc"};
        try (LayerStack st = new LayerStack(List.of(ConvLayers.basicBlock(4, 2)), Arrays.copyOfRange(xs, 1, xs.length), type,
                (int) xs[0], 0)) {
            double[] theta = new double[(int) st.parameterCount()];
            int at = 0;
            for (String part : parts) {
                double[] w = get("block." + part + ".weight");
                System.arraycopy(w, 0, theta, at, w.length);
                at += w.length;
                if (part.startsWith("bn")) {
                    double[] b = get("block." + part + ".bias");
                    System.arraycopy(b, 0, theta, at, b.length);
                    Arrays.fill(theta, at + 2 * b.length, at + 3 * b.length, 1.0); // running mean 0, variance 1
                    at += 3 * b.length;
                }
            }
            assertEquals(theta.length, at, "θ's length: the block's parameters in the order above");
            Buf.of(st.params).put(0, theta, new float[theta.length], theta.length);
            INDArray y = st.forward(fOrder(get("block.x"), xs, type));
            assertClose(get("block.y"), rowMajor(y, ys), type, "block y");
            INDArray dx = st.backward(fOrder(get("block.w"), ys, type));
            assertClose(get("block.dx"), rowMajor(dx, xs), type, "block ∂L/∂x");
            double[] g = st.grads.castTo(DataType.DOUBLE).toDoubleVector();
            at = 0;
            for (String part : parts) {
                double[] dw = get("block." + part + ".dweight");
                assertClose(dw, Arrays.copyOfRange(g, at, at + dw.length), type, "block ∂L/∂" + part + ".weight");
                at += dw.length;
                if (part.startsWith("bn")) {
                    double[] db = get("block." + part + ".dbias");
                    assertClose(db, Arrays.copyOfRange(g, at, at + db.length), type, "block ∂L/∂" + part + ".bias");
                    at += 3 * db.length;
                }
            }
        }
    }

    static Stream<DataType> types() {
        return Stream.of(DataType.DOUBLE, DataType.FLOAT);
    }

    /** |expected − actual| ≤ tol·max(1, |expected|), tol 1e-9 in float64 and 1e-5 in float32. */
    private static void assertClose(double[] expected, double[] actual, DataType type, String what) {
        assertEquals(expected.length, actual.length, what + ": values");
        double tol = type == DataType.DOUBLE ? 1e-9 : 1e-5;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            assertTrue(Math.abs(e - actual[i]) <= tol * Math.max(1, Math.abs(e)), what + "[" + i + "]: PyTorch " + e + ", aiaas " + actual[i]);
        }
    }
}
