package dev.aiaas.core.onnx;

import dev.aiaas.core.nn.Chain;
import dev.aiaas.core.nn.Layer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.protobuf.ByteString;

/**
 * An ONNX graph under construction, handed to each {@link LayerExporter}: it names tensors
 * uniquely, holds parameters as float32 initialisers (raw little-endian data) and adds nodes.
 * Tensor names are the hint given and a number ({@code dense_3}); exporters need not choose them.
 */
public final class OnnxGraph {

    /**
     * One attribute of a node.
     *
     * @param name  the ONNX attribute name (for example {@code alpha}, {@code kernel_shape})
     * @param proto the attribute
     */
    public record Attribute(String name, Onnx.AttributeProto proto) {

        /**
         * An integer attribute.
         *
         * @param name  its name
         * @param value its value
         * @return the attribute
         */
        public static Attribute of(String name, long value) {
            return new Attribute(name, Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT)
                    .setI(value).build());
        }

        /**
         * A float attribute (written as float32).
         *
         * @param name  its name
         * @param value its value
         * @return the attribute
         */
        public static Attribute of(String name, double value) {
            return new Attribute(name, Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT)
                    .setF((float) value).build());
        }

        /**
         * A string attribute.
         *
         * @param name  its name
         * @param value its value
         * @return the attribute
         */
        public static Attribute of(String name, String value) {
            return new Attribute(name, Onnx.AttributeProto.newBuilder().setName(name)
                    .setType(Onnx.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(value)).build());
        }

        /**
         * An attribute holding a list of integers.
         *
         * @param name   its name
         * @param values its values
         * @return the attribute
         */
        public static Attribute ints(String name, long... values) {
            Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
            for (long v : values) {
                b.addInts(v);
            }
            return new Attribute(name, b.build());
        }
    }

    private final Onnx.GraphProto.Builder graph;
    private final OnnxExporters exporters;
    private int counter;

    OnnxGraph(Onnx.GraphProto.Builder graph, OnnxExporters exporters) {
        this.graph = graph;
        this.exporters = exporters;
    }

    private String fresh(String hint) {
        return hint + "_" + counter++;
    }

    /**
     * A float32 initialiser of shape {@code dims}, its values {@code data[from ...]} in row-major
     * order.
     *
     * @param hint the start of its name
     * @param dims its shape
     * @param data the values
     * @param from where they start in {@code data}
     * @return its name
     */
    public String floats(String hint, long[] dims, double[] data, int from) {
        int n = Math.toIntExact(count(dims));
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(n, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            bytes.putFloat((float) data[from + i]);
        }
        return initializer(hint, dims, Onnx.TensorProto.DataType.FLOAT, bytes);
    }

    /**
     * A float32 initialiser {@code [rows, columns]} from a matrix that lies in {@code data} in
     * column-major order (aiaas's layout of a dense kernel or an embedding table).
     *
     * @param hint    the start of its name
     * @param rows    its rows
     * @param columns its columns
     * @param data    the values, column by column
     * @param from    where they start
     * @return its name
     */
    public String floatsFromColumnMajor(String hint, long rows, long columns, double[] data, int from) {
        int r = Math.toIntExact(rows);
        int c = Math.toIntExact(columns);
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(Math.multiplyExact(r, c), Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                bytes.putFloat((float) data[from + j * r + i]);
            }
        }
        return initializer(hint, new long[] {rows, columns}, Onnx.TensorProto.DataType.FLOAT, bytes);
    }

    /**
     * A float32 scalar initialiser (shape {@code []}), broadcast by element-wise nodes.
     *
     * @param value its value
     * @return its name
     */
    public String scalar(double value) {
        return floats("c", new long[0], new double[] {value}, 0);
    }

    /**
     * An int64 vector initialiser (a shape for {@code Reshape}, axes, indices).
     *
     * @param hint   the start of its name
     * @param values its values
     * @return its name
     */
    public String longs(String hint, long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            bytes.putLong(v);
        }
        return initializer(hint, new long[] {values.length}, Onnx.TensorProto.DataType.INT64, bytes);
    }

    private String initializer(String hint, long[] dims, Onnx.TensorProto.DataType type, ByteBuffer bytes) {
        String name = fresh(hint);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        bytes.flip();
        t.setRawData(ByteString.copyFrom(bytes));
        graph.addInitializer(t);
        return name;
    }

    /**
     * Adds a node with one output.
     *
     * @param op         the ONNX operator ({@code Gemm}, {@code Relu}, ...), default domain
     * @param inputs     its input tensors' names, in the operator's order ("" for an omitted one)
     * @param attributes its attributes
     * @return the name of its output
     */
    public String node(String op, List<String> inputs, Attribute... attributes) {
        String out = fresh(op.toLowerCase(java.util.Locale.ROOT));
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(out + "_node").addAllInput(inputs).addOutput(out);
        for (Attribute a : attributes) {
            n.addAttribute(a.proto());
        }
        graph.addNode(n);
        return out;
    }

    /**
     * Adds the nodes of {@code layers} run one after another, as {@link Chain} runs them: each
     * layer through its registered exporter, with its slice of {@code params}. For composite
     * layers (a residual block exports its branches with this).
     *
     * @param layers     the layers
     * @param input      the input tensor's name
     * @param inputShape the first layer's input shape per example
     * @param params     the parameters of the layers, consecutive
     * @param from       where the first layer's parameters start in {@code params}
     * @return the name of the last layer's output ({@code input} when {@code layers} is empty)
     * @throws OnnxExportException when a layer has no exporter
     */
    public String layers(List<Layer> layers, String input, long[] inputShape, double[] params, int from) {
        long[] offsets = new long[layers.size() + 1];
        long[][] shapes = Chain.shapes("", layers, inputShape, offsets);
        String x = input;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            LayerExporter e = exporters.require(layer);
            int a = Math.toIntExact(from + offsets[i]);
            int b = Math.toIntExact(from + offsets[i + 1]);
            x = e.export(layer, this, x, shapes[i].clone(), Arrays.copyOfRange(params, a, b));
        }
        return x;
    }

    /**
     * As {@link #layers(List, String, long[], double[], int)} over θ as the model holds it: each
     * layer's slice is read as it is exported, so no copy of the whole θ is made.
     */
    String layers(List<Layer> layers, String input, long[] inputShape, INDArray theta) {
        long[] offsets = new long[layers.size() + 1];
        long[][] shapes = Chain.shapes("", layers, inputShape, offsets);
        String x = input;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            LayerExporter e = exporters.require(layer);
            double[] slice = offsets[i + 1] > offsets[i]
                    ? theta.get(NDArrayIndex.interval(offsets[i], offsets[i + 1])).toDoubleVector() : new double[0];
            x = e.export(layer, this, x, shapes[i].clone(), slice);
        }
        return x;
    }

    private static long count(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
