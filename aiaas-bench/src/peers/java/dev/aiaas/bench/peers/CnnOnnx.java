package dev.aiaas.bench.peers;

import dev.aiaas.bench.AiaasCnn;
import dev.aiaas.bench.CnnNet;
import dev.aiaas.bench.Inputs;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.onnx.OnnxExport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import onnx.OnnxMl;
import org.nd4j.shade.protobuf.ByteString;

/**
 * The benchmarks' cnn ({@link CnnNet#CNN}) as an ONNX model (opset 13), built in memory with the
 * ONNX protobuf classes that ND4J's {@code nd4j-api} carries, with the weights {@link DjlCnn}
 * draws (parameter k from seed {@code SEED + 1 + k}, He-uniform on the fan-in; batch-norm γ 1,
 * β 0, running mean 0 and variance 1; biases 0): so the ONNX Runtime peer needs no exported file
 * and computes with PyTorch's weights (checked by {@code PeersTest}).
 *
 * <p>Graph: input "input" {@code [batch, 784]} → Reshape {@code [-1, 1, 28, 28]} → two blocks of
 * (Conv F@3×3 pad 1 → BatchNormalization (ε 1e-5) → Relu) twice → MaxPool 2×2, F = 32 then 64 →
 * Flatten → Gemm 128 (transB) → Relu → Gemm 10 → output "logits" {@code [batch, 10]}.
 */
final class CnnOnnx {

    private CnnOnnx() {
    }

    /** {@return the serialised model} */
    static byte[] cnn() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("aiaas-bench-cnn");
        int[] k = {0};
        g.addInitializer(tensor("shape", new long[] {4}, null, new long[] {-1, 1, 28, 28}));
        g.addNode(node("Reshape", List.of("input", "shape"), "x4"));
        String h = unit(g, "x4", 1, 32, k, "1a");
        h = pool(g, unit(g, h, 32, 32, k, "1b"), "1");
        h = unit(g, h, 32, 64, k, "2a");
        h = pool(g, unit(g, h, 64, 64, k, "2b"), "2");
        g.addNode(node("Flatten", List.of(h), "flat").toBuilder().addAttribute(intAttr("axis", 1)));
        g.addInitializer(weight("w3", new long[] {128, 3136}, 3136, k[0]++));
        g.addInitializer(filled("b3", 128, 0f));
        k[0]++;
        g.addNode(node("Gemm", List.of("flat", "w3", "b3"), "d3").toBuilder().addAttribute(intAttr("transB", 1)));
        g.addNode(node("Relu", List.of("d3"), "r3"));
        g.addInitializer(weight("w4", new long[] {10, 128}, 128, k[0]++));
        g.addInitializer(filled("b4", 10, 0f));
        k[0]++;
        g.addNode(node("Gemm", List.of("r3", "w4", "b4"), "logits").toBuilder().addAttribute(intAttr("transB", 1)));
        g.addInput(valueInfo("input", 784));
        g.addOutput(valueInfo("logits", 10));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(7).setProducerName("aiaas-bench")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(g).build().toByteArray();
    }

    /**
     * The small ResNet ({@link CnnNet#RESNET_SMALL}) as aiaas builds it for its row
     * ({@code AiaasCnn.builder(net).seed(Inputs.SEED)}: the same weights, batch norms at γ 1, β 0,
     * mean 0, variance 1), written by aiaas's {@link OnnxExport} (opset 17; input "input"
     * {@code [batch, 3072]}, output "output" {@code [batch, 10]}); checked against aiaas's
     * predictor by {@code PeersTest}.
     *
     * @return the serialised model
     */
    static byte[] resnetSmall() {
        try (Model m = AiaasCnn.builder(CnnNet.RESNET_SMALL).seed(Inputs.SEED).build()) {
            return OnnxExport.toBytes(m);
        }
    }

    /** MaxPool 2×2. */
    private static String pool(OnnxMl.GraphProto.Builder g, String in, String id) {
        g.addNode(node("MaxPool", List.of(in), "p" + id).toBuilder()
                .addAttribute(intsAttr("kernel_shape", 2, 2)).addAttribute(intsAttr("strides", 2, 2)));
        return "p" + id;
    }

    /** Conv (no bias) → BatchNormalization → Relu; parameters k (W), k + 1 (γ), k + 2 (β). */
    private static String unit(OnnxMl.GraphProto.Builder g, String in, int channels, int filters, int[] k, String id) {
        g.addInitializer(weight("w" + id, new long[] {filters, channels, 3, 3}, channels * 9, k[0]++));
        g.addNode(node("Conv", List.of(in, "w" + id), "c" + id).toBuilder()
                .addAttribute(intsAttr("kernel_shape", 3, 3)).addAttribute(intsAttr("pads", 1, 1, 1, 1)));
        g.addInitializer(filled("gamma" + id, filters, 1f));
        g.addInitializer(filled("beta" + id, filters, 0f));
        g.addInitializer(filled("mean" + id, filters, 0f));
        g.addInitializer(filled("var" + id, filters, 1f));
        k[0] += 2;
        g.addNode(node("BatchNormalization", List.of("c" + id, "gamma" + id, "beta" + id, "mean" + id, "var" + id), "n" + id)
                .toBuilder().addAttribute(OnnxMl.AttributeProto.newBuilder().setName("epsilon")
                        .setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(1e-5f)));
        g.addNode(node("Relu", List.of("n" + id), "r" + id));
        return "r" + id;
    }

    /**
     * Parameter k's He-uniform values, as {@link DjlCnn} draws them.
     *
     * @param fanIn the fan-in
     * @param size  the values
     * @param k     the parameter's index in network order
     * @return the values
     */
    static float[] heUniform(int fanIn, int size, int k) {
        return Inputs.heUniformValues(fanIn, size / fanIn, Inputs.SEED + 1 + k);
    }

    private static OnnxMl.TensorProto weight(String name, long[] dims, int fanIn, int k) {
        long size = 1;
        for (long d : dims) {
            size *= d;
        }
        return tensor(name, dims, heUniform(fanIn, Math.toIntExact(size), k), null);
    }

    private static OnnxMl.TensorProto filled(String name, int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return tensor(name, new long[] {n}, a, null);
    }

    private static OnnxMl.TensorProto tensor(String name, long[] dims, float[] f, long[] l) {
        List<Long> d = new ArrayList<>();
        for (long x : dims) {
            d.add(x);
        }
        ByteBuffer b = ByteBuffer.allocate(f != null ? 4 * f.length : 8 * l.length).order(ByteOrder.LITTLE_ENDIAN);
        if (f != null) {
            b.asFloatBuffer().put(f);
        } else {
            b.asLongBuffer().put(l);
        }
        return OnnxMl.TensorProto.newBuilder().setName(name).addAllDims(d)
                .setDataType(f != null ? OnnxMl.TensorProto.DataType.FLOAT_VALUE : OnnxMl.TensorProto.DataType.INT64_VALUE)
                .setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static OnnxMl.NodeProto node(String op, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output).build();
    }

    private static OnnxMl.AttributeProto intAttr(String name, long v) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static OnnxMl.AttributeProto intsAttr(String name, long... v) {
        List<Long> l = new ArrayList<>();
        for (long x : v) {
            l.add(x);
        }
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS).addAllInts(l).build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, long width) {
        OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape))).build();
    }
}
