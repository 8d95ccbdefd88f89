package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.data.Feature;
import dev.aiaas.core.data.LabelEncoder;
import dev.aiaas.core.data.Preprocessor;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.tabular.TabularModel;
import dev.aiaas.vision.nn.Networks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiaas export}: networks, CNNs and CSV-trained models to ONNX; every failure one line, nothing half-written. */
class ExportCliTest {

    @TempDir
    Path dir;

    private static Onnx.ModelProto read(Path file) throws Exception {
        return Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
    }

    private static Map<String, String> metadata(Onnx.ModelProto m) {
        Map<String, String> props = new HashMap<>();
        m.getMetadataPropsList().forEach(e -> props.put(e.getKey(), e.getValue()));
        return props;
    }

    @Test
    void aCnnExportsWithItsShapesAndProvenance() throws Exception {
        Path model = dir.resolve("lenet.aiaas");
        try (Model m = Networks.lenet5(10).seed(1).build()) {
            ModelIO.save(m, model, Map.of("dataset", "fashion-mnist"));
        }
        Path onnx = dir.resolve("lenet.onnx");
        CliTest.Result r = CliTest.run("export", "--model", model.toString(), "--onnx", onnx.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("input [N, 784], output [N, 10]"), r.out());
        Onnx.ModelProto p = read(onnx);
        assertTrue(p.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Conv")));
        assertEquals("fashion-mnist", metadata(p).get("aiaas.provenance.dataset"));
    }

    @Test
    void aTableModelExportsItsColumnsAndLabels() throws Exception {
        Preprocessor pre = new Preprocessor("species", new LabelEncoder(List.of("a", "b")), List.of(
                new Feature.Numeric("x", 1, 2), new Feature.Categorical("colour", List.of("red", "blue"))));
        Path model = dir.resolve("t.aiaas");
        try (TabularModel t = new TabularModel(Model.builder(3).seed(2).add(Layers.dense(2)).build(), pre)) {
            t.save(model);
        }
        Path onnx = dir.resolve("t.onnx");
        CliTest.Result r = CliTest.run("export", "--model", model.toString(), "--onnx", onnx.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("input [N, 2] (columns [x, colour])"), r.out());
        Map<String, String> meta = metadata(read(onnx));
        assertEquals("[\"red\",\"blue\"]", meta.get("aiaas.categories.colour"));
        assertTrue(meta.keySet().stream().noneMatch(k -> k.startsWith("aiaas.provenance.tabular.")), meta.toString());
    }

    @Test
    void aLayerWithoutAnOnnxFormFailsOnOneLineAndLeavesTheOldFile() throws Exception {
        Path model = dir.resolve("user.aiaas");
        try (Model m = Model.builder(4).seed(3).add(Layers.dense(3)).add(new PassThroughLayer()).build()) {
            ModelIO.save(m, model);
        }
        Path onnx = dir.resolve("old.onnx");
        Files.writeString(onnx, "kept");
        TableCliTest.failure(CliTest.run("export", "--model", model.toString(), "--onnx", onnx.toString()),
                "cannot export", "'pass_through' has no ONNX exporter");
        assertEquals("kept", Files.readString(onnx));
    }

    @Test
    void anLstmLanguageNetworkExports() throws Exception {
        Path model = dir.resolve("lstm.aiaas");
        try (Model m = Model.builder(4).seed(3).add(Layers.embedding(10, 3)).add(Layers.lstm(2)).build()) {
            ModelIO.save(m, model);
        }
        Path onnx = dir.resolve("lstm.onnx");
        CliTest.Result r = CliTest.run("export", "--model", model.toString(), "--onnx", onnx.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(read(onnx).getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("LSTM")));
    }

    @Test
    void missingFilesAndFoldersAreUsageErrors() throws Exception {
        TableCliTest.usageError(CliTest.run("export", "--model", dir.resolve("none.aiaas").toString(), "--onnx",
                dir.resolve("x.onnx").toString()), "--model");
        Path model = dir.resolve("m.aiaas");
        try (Model m = Model.builder(2).add(Layers.dense(2)).build()) {
            ModelIO.save(m, model);
        }
        TableCliTest.usageError(CliTest.run("export", "--model", model.toString(), "--onnx", dir.resolve("no/such/x.onnx").toString()),
                "--onnx");
    }
}
