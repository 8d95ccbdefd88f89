package dev.aiaas.core.onnx;

import dev.aiaas.core.Versions;
import dev.aiaas.core.io.AtomicFiles;
import dev.aiaas.core.nn.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
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
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(exporters, "exporters");
        Objects.requireNonNull(provenance, "provenance");
        long bytes = model.parameterCount() * Float.BYTES;
        if (bytes > MAX_PARAMETER_BYTES) {
            throw new OnnxExportException("the model has " + model.parameterCount() + " parameters (" + bytes + " bytes in float32), "
                    + "more than one ONNX file holds here (" + MAX_PARAMETER_BYTES + " bytes); export a smaller model");
        }
        // every layer must have an exporter before any work is done
        for (var layer : model.layers()) {
            exporters.require(layer);
        }
        double[] theta = model.parameters().toDoubleVector();
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("aiaas");
        g.addInput(valueInfo(INPUT, model.inputShape()));
        OnnxGraph graph = new OnnxGraph(g, exporters);
        String y = graph.layers(model.layers(), INPUT, model.inputShape(), theta, 0);
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
        provenance.forEach((k, v) -> meta(m, "aiaas.provenance." + k, v));
        return m.build().toByteArray();
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
