package dev.aiaas.core.onnx;

import dev.aiaas.core.Versions;
import dev.aiaas.core.io.AtomicFiles;
import dev.aiaas.core.data.Feature;
import dev.aiaas.core.data.Preprocessor;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.tabular.TabularModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Writes a {@link Model} as an ONNX model that ONNX Runtime (and other ONNX engines) run.
 *
 * <ul>
 *   <li>Input {@value #INPUT}: float32 {@code [N, inputShape...]}, N dynamic: what
 *       {@link Model#predict} takes (token ids as numbers for a model that starts with an
 *       embedding).</li>
 *   <li>Output {@value #OUTPUT}: float32 {@code [N, outputShape...]}: what {@link Model#predict}
 *       returns (probabilities for a softmax classifier).</li>
 *   <li>Operators of the default domain at opset {@value #OPSET}, IR version {@value #IR_VERSION};
 *       parameters as float32 initialisers (a float64 model is written in float32, so its outputs
 *       agree with aiaas's to float32 rounding).</li>
 *   <li>Metadata: producer {@code aiaas} and its version, the layer summary as the doc string,
 *       and {@code aiaas.*} properties (input shape, data type, seed, parameter count) plus the
 *       provenance given.</li>
 * </ul>
 *
 * <p>Layers are written by the {@link LayerExporter} of their type ({@link OnnxExporters}); a type
 * without one fails with an {@link OnnxExportException} before anything is written. Inference
 * semantics: dropout is the identity and batch normalisation uses its running statistics.
 * The model must not be in use by another thread (its θ is read as {@link Model#parameters()}).
 */
public final class OnnxExport {

    /** The opset of the default domain the graph uses. */
    public static final int OPSET = 17;
    /** The ONNX IR version written. */
    public static final int IR_VERSION = 8;
    /** The graph input's name. */
    public static final String INPUT = "input";
    /** The graph output's name. */
    public static final String OUTPUT = "output";
    /** The most parameter bytes one file holds (protobuf messages stop at 2 GiB; external data is not written). */
    public static final long MAX_PARAMETER_BYTES = 1_800_000_000L;

    private OnnxExport() {
    }

    /**
     * The model as ONNX bytes, with the standard exporters.
     *
     * @param model the model
     * @return the serialised {@code ModelProto}
     * @throws OnnxExportException when a layer cannot be exported or the model is too large
     */
    public static byte[] toBytes(Model model) {
        return toBytes(model, OnnxExporters.standard(), Map.of());
    }

    /**
     * The model as ONNX bytes.
     *
     * @param model      the model
     * @param exporters  the exporters to write its layers with
     * @param provenance entries added to the metadata as {@code aiaas.provenance.KEY}
     * @return the serialised {@code ModelProto}
     * @throws OnnxExportException when a layer cannot be exported or the model is too large
     */
    public static byte[] toBytes(Model model, OnnxExporters exporters, Map<String, String> provenance) {
        return build(model, null, exporters, provenance);
    }

    /**
     * A CSV-trained model as ONNX bytes, its preprocessing in the graph: the input is
     * {@code [N, columns]}, one value per feature column in the preprocessor's order (metadata
     * {@code aiaas.input_columns}): a numeric column's raw value, scaled in the graph as in
     * training ({@code (x − offset) / scale}); a categorical column's index in its category list
     * (metadata {@code aiaas.categories.COLUMN}), one-hot encoded in the graph, where an index
     * outside {@code [0, k)} (an unknown value: give k) encodes as all zeros. The output is the
     * network's, one score per class in the order of {@code aiaas.labels}.
     *
     * @param model      the tabular model
     * @param exporters  the exporters
     * @param provenance entries added to the metadata
     * @return the serialised {@code ModelProto}
     * @throws OnnxExportException when a layer cannot be exported or the model is too large
     */
    public static byte[] toBytes(TabularModel model, OnnxExporters exporters, Map<String, String> provenance) {
        Objects.requireNonNull(model, "model");
        return build(model.model(), model.preprocessor(), exporters, provenance);
    }

    private static byte[] build(Model model, Preprocessor pre, OnnxExporters exporters, Map<String, String> provenance) {
        Runtime rt = Runtime.getRuntime();
        return build(model, pre, exporters, provenance, rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()));
    }

    /**
     * The export, refused before any work when the heap left ({@code heapBytes}) cannot hold it:
     * the initialisers and the serialised file each hold θ in float32, about 3 × 4 bytes per
     * parameter at the peak (the builder, the message and its bytes).
     */
    static byte[] build(Model model, Preprocessor pre, OnnxExporters exporters, Map<String, String> provenance, long heapBytes) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(exporters, "exporters");
        Objects.requireNonNull(provenance, "provenance");
        long bytes = model.parameterCount() * Float.BYTES;
        if (bytes > MAX_PARAMETER_BYTES) {
            throw new OnnxExportException("the model has " + model.parameterCount() + " parameters (" + bytes + " bytes in float32), "
                    + "more than one ONNX file holds here (" + MAX_PARAMETER_BYTES + " bytes); export a smaller model");
        }
        if (3 * bytes > heapBytes) {
            throw new OnnxExportException("exporting " + model.parameterCount() + " parameters needs about " + 3 * bytes
                    + " bytes of Java heap, and " + heapBytes + " are left; run with a larger -Xmx");
        }
        // every layer must have an exporter before any work is done
        for (var layer : model.layers()) {
            exporters.require(layer);
        }
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("aiaas");
        OnnxGraph graph = new OnnxGraph(g, exporters);
        String x = INPUT;
        if (pre == null) {
            g.addInput(valueInfo(INPUT, model.inputShape()));
        } else {
            g.addInput(valueInfo(INPUT, new long[] {pre.features().size()}));
            x = preprocess(graph, pre);
        }
        String y = graph.layers(model.layers(), x, model.inputShape(), model.parameters());
        g.addNode(Onnx.NodeProto.newBuilder().setOpType("Identity").setName("output_node").addInput(y).addOutput(OUTPUT));
        g.addOutput(valueInfo(OUTPUT, model.outputShape()));

        Onnx.ModelProto.Builder m = Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("aiaas")
                .setProducerVersion(Versions.aiaas())
                .setDocString(model.summary())
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g);
        meta(m, "aiaas.input_shape", Arrays.toString(model.inputShape()));
        meta(m, "aiaas.output_shape", Arrays.toString(model.outputShape()));
        meta(m, "aiaas.dtype", model.dataType() == DataType.FLOAT ? "float32" : "float64");
        meta(m, "aiaas.seed", Long.toString(model.seed()));
        meta(m, "aiaas.parameters", Long.toString(model.parameterCount()));
        if (pre != null) {
            List<String> names = new ArrayList<>();
            for (Feature f : pre.features()) {
                names.add(f.name());
                if (f instanceof Feature.Categorical c) {
                    meta(m, "aiaas.categories." + f.name(), jsonList(c.categories()));
                }
            }
            meta(m, "aiaas.input_columns", jsonList(names));
            meta(m, "aiaas.labels", jsonList(pre.labels().classes()));
        }
        provenance.forEach((k, v) -> meta(m, "aiaas.provenance." + k, v));
        return m.build().toByteArray();
    }

    /**
     * The preprocessor's encoding of {@code [N, columns]}: each column taken with {@code Gather},
     * scaled or one-hot encoded, and the blocks concatenated in the network's input order.
     */
    private static String preprocess(OnnxGraph g, Preprocessor pre) {
        List<Feature> features = pre.features();
        boolean allNumeric = features.stream().allMatch(f -> f instanceof Feature.Numeric);
        long[] dims = {features.size()};
        if (allNumeric) {
            double[] offset = new double[features.size()];
            double[] scale = new double[features.size()];
            for (int i = 0; i < features.size(); i++) {
                Feature.Numeric n = (Feature.Numeric) features.get(i);
                offset[i] = n.offset();
                scale[i] = n.scale();
            }
            return g.node("Div", List.of(g.node("Sub", List.of(INPUT, g.floats("offset", dims, offset, 0))),
                    g.floats("scale", dims, scale, 0)));
        }
        List<String> blocks = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            String column = g.node("Gather", List.of(INPUT, g.longs("column", i)), OnnxGraph.Attribute.of("axis", 1L)); // [N, 1]
            if (features.get(i) instanceof Feature.Numeric n) {
                blocks.add(g.node("Div", List.of(g.node("Sub", List.of(column, g.scalar(n.offset()))), g.scalar(n.scale()))));
            } else {
                int k = features.get(i).width();
                String index = g.node("Cast", List.of(column), OnnxGraph.Attribute.of("to", (long) Onnx.TensorProto.DataType.INT64.getNumber()));
                // an index outside [0, k) (or a negative one) is all zeros: map negatives to k first
                String bad = g.node("Less", List.of(index, g.longs("zero", 0)));
                String safe = g.node("Where", List.of(bad, g.longs("k", k), index));
                String hot = g.node("OneHot", List.of(safe, g.longs("depth", k), g.floats("off_on", new long[] {2}, new double[] {0, 1}, 0)),
                        OnnxGraph.Attribute.of("axis", -1L)); // [N, 1, k]
                blocks.add(g.node("Reshape", List.of(hot, g.longs("shape", -1, k))));
            }
        }
        return g.node("Concat", blocks, OnnxGraph.Attribute.of("axis", 1L));
    }

    /**
     * Writes the model to {@code file} atomically (an existing file is replaced only when the
     * whole export succeeded).
     *
     * @param model      the model
     * @param file       the {@code .onnx} file
     * @param provenance entries added to the metadata
     * @throws IOException         when the file cannot be written
     * @throws OnnxExportException when a layer cannot be exported; nothing is written
     */
    public static void write(Model model, Path file, Map<String, String> provenance) throws IOException {
        byte[] bytes = toBytes(model, OnnxExporters.standard(), provenance);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * Writes a CSV-trained model, its preprocessing in the graph (see
     * {@link #toBytes(TabularModel, OnnxExporters, Map)}), to {@code file} atomically.
     *
     * @param model      the tabular model
     * @param file       the {@code .onnx} file
     * @param provenance entries added to the metadata
     * @throws IOException         when the file cannot be written
     * @throws OnnxExportException when a layer cannot be exported; nothing is written
     */
    public static void write(TabularModel model, Path file, Map<String, String> provenance) throws IOException {
        byte[] bytes = toBytes(model, OnnxExporters.standard(), provenance);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** A JSON array of strings (names and categories may hold commas). */
    static String jsonList(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "\"" : ",\"");
            for (char ch : values.get(i).toCharArray()) {
                switch (ch) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (ch < 0x20) {
                            b.append(String.format("\\u%04x", (int) ch));
                        } else {
                            b.append(ch);
                        }
                    }
                }
            }
            b.append('"');
        }
        return b.append(']').toString();
    }

    private static void meta(Onnx.ModelProto.Builder m, String key, String value) {
        m.addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    private static Onnx.ValueInfoProto valueInfo(String name, long[] perExample) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (long d : perExample) {
            shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        Onnx.TypeProto type = Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                .setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber()).setShape(shape)).build();
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }
}
