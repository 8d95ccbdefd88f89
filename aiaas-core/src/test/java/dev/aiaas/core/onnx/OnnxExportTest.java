package dev.aiaas.core.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.example.layers.ScaleShift;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every export runs in ONNX Runtime and gives what {@link Model#predict} gives, within float32 rounding. */
class OnnxExportTest {

    /** θ drawn uniformly from [0.5, 1.5) · ±1 for weights, so that batch norm's running variances stay positive. */
    private static void randomise(Model model, long seed) {
        INDArray p = model.parameters();
        Random r = new Random(seed);
        for (long i = 0; i < p.length(); i++) {
            p.putScalar(i, 0.3 * (0.5 + r.nextDouble()));
        }
    }

    private static void assertSame(Model model, int batch, double tolerance, boolean ids) throws OrtException {
        long[] in = model.inputShape();
        long n = batch;
        for (long d : in) {
            n *= d;
        }
        float[] x = new float[(int) n];
        Random r = new Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = ids ? r.nextInt(10) : (float) r.nextGaussian();
        }
        long[] shape = new long[in.length + 1];
        shape[0] = batch;
        System.arraycopy(in, 0, shape, 1, in.length);
        INDArray xs = Nd4j.create(x, shape, 'c').castTo(model.dataType());
        float[] want = model.predict(xs).castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] got = OnnxRuntimeRunner.run(OnnxExport.toBytes(model), x, shape);
        assertEquals(want.length, got.length, "output size");
        for (int i = 0; i < want.length; i++) {
            double scale = Math.max(1, Math.abs(want[i]));
            assertEquals(want[i], got[i], tolerance * scale, "output " + i + " of " + want.length);
        }
    }

    @Test
    void anMlpOfEveryCoreLayerRunsInOnnxRuntimeAsInAiaas() throws OrtException {
        try (Model model = Model.builder(12).dataType(DataType.FLOAT).seed(3)
                .add(Layers.dense(16, Activation.RELU))
                .add(Layers.layerNorm())
                .add(Layers.dense(16, Activation.GELU))
                .add(Layers.batchNorm())
                .add(Layers.dropout(0.5))
                .add(Layers.residual(Layers.dense(16, Activation.TANH), Layers.leakyRelu(0.1)))
                .add(Layers.dense(8))
                .add(Layers.sigmoid())
                .add(Layers.gelu())
                .add(Layers.dense(5))
                .add(Layers.softmax())
                .build()) {
            randomise(model, 11);
            assertSame(model, 7, 1e-5, false);
            assertSame(model, 1, 1e-5, false);
        }
    }

    @Test
    void aFloat64ModelExportsInFloat32() throws OrtException {
        try (Model model = Model.builder(6).dataType(DataType.DOUBLE).seed(5)
                .add(Layers.dense(9, Activation.TANH)).add(Layers.dense(3, Activation.SOFTMAX)).build()) {
            assertSame(model, 4, 1e-5, false);
        }
    }

    @Test
    void anEmbeddingWithTimeDistributedLayersRunsInOnnxRuntime() throws OrtException {
        try (Model model = Model.builder(5).dataType(DataType.FLOAT).seed(9)
                .add(Layers.embedding(10, 6))
                .add(Layers.timeDistributed(Layers.dense(4, Activation.RELU)))
                .add(Layers.timeDistributed(Layers.layerNorm()))
                .add(Layers.timeDistributed(Layers.dense(10, Activation.SOFTMAX)))
                .build()) {
            assertSame(model, 3, 1e-5, true);
        }
    }

    @Test
    void aGptStyleDecoderRunsInOnnxRuntime() throws OrtException {
        for (boolean causal : new boolean[] {true, false}) {
            Model.Builder b = Model.builder(6).dataType(DataType.FLOAT).seed(13)
                    .add(Layers.embedding(12, 8))
                    .add(Layers.sinusoidalPositions(16))
                    .add(Layers.positionEmbedding(16));
            Layers.transformerBlock(8, 2, 16, 0.1, causal).forEach(b::add);
            Layers.transformerBlock(8, 4, 16, 0.1, causal).forEach(b::add);
            try (Model model = b.add(Layers.timeDistributed(Layers.layerNorm()))
                    .add(Layers.timeDistributed(Layers.dense(12, Activation.SOFTMAX))).build()) {
                assertSame(model, 3, 1e-5, true);
            }
        }
    }

    @Test
    void anLstmLanguageModelRunsInOnnxRuntime() throws OrtException {
        try (Model model = Model.builder(7).dataType(DataType.FLOAT).seed(17)
                .add(Layers.embedding(10, 5))
                .add(Layers.lstm(6))
                .add(Layers.lstm(4))
                .add(Layers.timeDistributed(Layers.dense(10, Activation.SOFTMAX))).build()) {
            assertSame(model, 3, 1e-5, true);
            assertSame(model, 1, 1e-5, true);
        }
    }

    @Test
    void theFileNamesItsProducerShapesAndProvenance(@TempDir Path dir) throws Exception {
        try (Model model = Model.builder(4).dataType(DataType.FLOAT).add(Layers.dense(2)).build()) {
            Path file = dir.resolve("m.onnx");
            OnnxExport.write(model, file, Map.of("dataset", "iris"));
            Onnx.ModelProto m = Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
            assertEquals("aiaas", m.getProducerName());
            assertEquals(OnnxExport.OPSET, m.getOpsetImport(0).getVersion());
            assertEquals("N", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
            assertEquals(4, m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
            Map<String, String> props = new java.util.HashMap<>();
            m.getMetadataPropsList().forEach(e -> props.put(e.getKey(), e.getValue()));
            assertEquals("iris", props.get("aiaas.provenance.dataset"));
            assertEquals("10", props.get("aiaas.parameters"));
            assertTrue(m.getDocString().contains("dense"), m.getDocString());
        }
    }

    @Test
    void aLayerWithoutAnExporterIsRefusedByNameAndNothingIsWritten(@TempDir Path dir) throws Exception {
        try (Model model = Model.builder(4).dataType(DataType.FLOAT).add(Layers.dense(3)).add(new ScaleShift(2.0)).build()) {
            Path file = dir.resolve("m.onnx");
            Files.writeString(file, "an older export");
            OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.write(model, file, Map.of()));
            assertTrue(e.getMessage().contains("'scale_shift' has no ONNX exporter"), e.getMessage());
            assertTrue(e.getMessage().contains("dense"), "lists the types that export: " + e.getMessage());
            assertEquals("an older export", Files.readString(file));
        }
    }

    @Test
    void anExportTheHeapCannotHoldIsRefusedBeforeAnyWork() {
        try (Model model = Model.builder(100).dataType(DataType.FLOAT).add(Layers.dense(50)).build()) {
            long need = 3L * model.parameterCount() * Float.BYTES;
            OnnxExportException e = assertThrows(OnnxExportException.class,
                    () -> OnnxExport.build(model, null, OnnxExporters.builtIn(), Map.of(), need - 1));
            assertTrue(e.getMessage().contains("needs about " + need + " bytes of Java heap") && e.getMessage().contains("-Xmx"),
                    e.getMessage());
            assertTrue(OnnxExport.build(model, null, OnnxExporters.builtIn(), Map.of(), need).length > need / 3);
        }
    }

    @Test
    void aUserLayerExportsThroughAnExporterOfItsOwn() throws OrtException {
        LayerExporter scaleShift = new LayerExporter() {
            @Override
            public String type() {
                return "scale_shift";
            }

            @Override
            public String export(Layer layer, OnnxGraph g, String input, long[] inputShape, double[] params) {
                long d = inputShape[0];
                String s = g.floats("s", new long[] {d}, params, 0);
                String t = g.floats("t", new long[] {d}, params, (int) d);
                return g.node("Add", List.of(g.node("Mul", List.of(input, s)), t));
            }
        };
        OnnxExporters exporters = OnnxExporters.standard().with(scaleShift);
        assertTrue(exporters.types().contains("scale_shift"));
        assertFalse(OnnxExporters.builtIn().types().contains("scale_shift"));
        assertThrows(IllegalArgumentException.class, () -> exporters.with(scaleShift), "a type registered twice");
        try (Model model = Model.builder(4).dataType(DataType.FLOAT).seed(1).add(Layers.dense(3)).add(new ScaleShift(2.0)).build()) {
            randomise(model, 4);
            float[] x = {1, -2, 3, 0.5f, 0, 1, -1, 2};
            float[] want = model.predict(Nd4j.create(x, new long[] {2, 4}, 'c')).dup('c').data().asFloat();
            float[] got = OnnxRuntimeRunner.run(OnnxExport.toBytes(model, exporters, Map.of()), x, new long[] {2, 4});
            assertArrayEquals(want, got, 1e-5f);
        }
    }

    @Test
    void theBuiltInSetCoversCoreLayersAndActivations() {
        for (String t : List.of("dense", "dropout", "layer_norm", "batch_norm", "residual", "time_distributed", "embedding")) {
            assertTrue(OnnxExporters.builtIn().exporter(t).isPresent(), t);
        }
        assertTrue(OnnxExporters.builtIn().types().containsAll(Activation.NAMES));
        assertTrue(OnnxExporters.builtIn().exporter("lstm").isPresent());
    }
}
