package dev.aiaas.core.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aiaas.core.data.Feature;
import dev.aiaas.core.data.LabelEncoder;
import dev.aiaas.core.data.Preprocessor;
import dev.aiaas.core.data.Table;
import dev.aiaas.core.data.UnknownCategory;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.onnx.OnnxExport;
import dev.aiaas.core.onnx.OnnxExporters;
import dev.aiaas.core.onnx.OnnxRuntimeRunner;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A CSV-trained model exports with its preprocessing in the graph: raw values and category indices in, the network's outputs out. */
class TabularOnnxExportTest {

    @Test
    void theGoldenFruitModelScoresRawColumnsInOnnxRuntimeAsTabularModelDoes() throws Exception {
        try (TabularModel m = new TabularModel(MakeTabularFixture.model(), MakeTabularFixture.preprocessor())) {
            Table rows = Table.of(List.of("weight_g", "colour"), List.of(
                    List.of("150", "green"), List.of("80", "red"), List.of("120", "yellow, ripe"), List.of("100", "blue")));
            float[][] want = m.outputs(rows, UnknownCategory.ZEROS);
            // raw weight, colour as its index in [green, red, yellow, ripe]; 3 = unknown ("blue")
            float[] x = {150, 0, 80, 1, 120, 2, 100, 3};
            float[] got = OnnxRuntimeRunner.run(OnnxExport.toBytes(m, OnnxExporters.standard(), Map.of()), x, new long[] {4, 2});
            for (int r = 0; r < 4; r++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(want[r][k], got[r * 3 + k], 1e-5, "row " + r + " class " + k);
                }
            }
            Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(OnnxExport.toBytes(m, OnnxExporters.standard(), Map.of()));
            Map<String, String> props = new HashMap<>();
            proto.getMetadataPropsList().forEach(e -> props.put(e.getKey(), e.getValue()));
            assertEquals("[\"weight_g\",\"colour\"]", props.get("aiaas.input_columns"));
            assertEquals("[\"green\",\"red\",\"yellow, ripe\"]", props.get("aiaas.categories.colour"));
            assertEquals("[\"apple\",\"banana\",\"cherry\"]", props.get("aiaas.labels"));
        }
    }

    @Test
    void anAllNumericTableIsScaledInTheGraph() throws Exception {
        Preprocessor pre = new Preprocessor("y", new LabelEncoder(List.of("a", "b")), List.of(
                new Feature.Numeric("u", 3.5, 2.0), new Feature.Numeric("v", -1.0, 0.25), new Feature.Numeric("w", 0, 1)));
        Model net = Model.builder(3).seed(2).add(Layers.dense(5, Activation.TANH)).add(Layers.dense(2, Activation.SOFTMAX)).build();
        INDArray p = net.parameters();
        Random r = new Random(1);
        for (long i = 0; i < p.length(); i++) {
            p.putScalar(i, r.nextGaussian());
        }
        try (TabularModel m = new TabularModel(net, pre)) {
            float[] x = {1, 2, 3, -4, 0.5f, 7};
            Table rows = Table.of(List.of("u", "v", "w"), List.of(List.of("1", "2", "3"), List.of("-4", "0.5", "7")));
            float[][] want = m.outputs(rows, UnknownCategory.ERROR);
            float[] got = OnnxRuntimeRunner.run(OnnxExport.toBytes(m, OnnxExporters.standard(), Map.of()), x, new long[] {2, 3});
            for (int i = 0; i < 2; i++) {
                for (int k = 0; k < 2; k++) {
                    assertEquals(want[i][k], got[i * 2 + k], 1e-5);
                }
            }
        }
    }
}
