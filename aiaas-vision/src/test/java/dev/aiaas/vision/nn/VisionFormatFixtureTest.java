package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The golden files of the vision layers ({@link MakeVisionFixture}): committed model files that
 * hold, between them, every vision layer kind with non-default settings (convolutions with
 * explicit and {@code same} padding, stride per axis, dilation, depthwise groups, no bias; max
 * pooling with padding; average pooling with and without padding; global average pooling; batch
 * normalisation inside and outside a residual block; unflatten and flatten), with θ drawn at
 * random, the batch norms' running statistics included. Each file must keep loading into the same
 * layers and keep predicting, through the model and through its predictor, the outputs committed
 * beside it (float32, to 1e-5 relative: summation order may change, the meaning of the file may
 * not). A change to a layer's configuration keys, its parameter layout or its maths fails here;
 * such a change needs a new format version that still reads these files.
 */
class VisionFormatFixtureTest {

    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vision-format-1-pooling", "vision-format-1-flatten"})
    void goldenFileLoadsIntoItsLayersAndPredictsItsCommittedOutputs(String name, @TempDir Path dir) throws Exception {
        Path file = dir.resolve(name + ".aiaas");
        try (InputStream in = VisionFormatFixtureTest.class.getResourceAsStream(name + ".aiaas")) {
            assertNotNull(in, name + ".aiaas is missing from the test resources; it is committed, never regenerated");
            Files.copy(in, file);
        }
        List<float[]> xs = new ArrayList<>();
        List<float[]> ys = new ArrayList<>();
        for (String line : lines(name + ".txt")) {
            String[] parts = line.split(" ");
            float[] v = new float[parts.length - 1];
            for (int i = 1; i < parts.length; i++) {
                v[i - 1] = Float.parseFloat(parts[i]);
            }
            (parts[0].startsWith("x") ? xs : ys).add(v);
        }
        assertEquals(MakeVisionFixture.ROWS, xs.size(), "input rows in " + name + ".txt");
        assertEquals(xs.size(), ys.size(), "output rows in " + name + ".txt");
        INDArray x = Nd4j.createFromArray(xs.toArray(new float[0][]));

        try (Model m = ModelIO.load(file); Model written = MakeVisionFixture.fixture(name).model()) {
            assertEquals(written.layers(), m.layers(), "the layers, settings included");
            assertEquals(DataType.FLOAT, m.dataType());
            assertEquals(written.parameters(), m.parameters(), "θ, in θ's order");
            INDArray y = m.predict(x);
            try (Predictor p = m.predictor()) {
                INDArray batch = p.predict(x);
                for (int r = 0; r < ys.size(); r++) {
                    assertClose(ys.get(r), y.getRow(r).toFloatVector(), name + " row " + r + ", model.predict");
                    assertClose(ys.get(r), batch.getRow(r).toFloatVector(), name + " row " + r + ", predictor, batch");
                    assertClose(ys.get(r), p.predict(xs.get(r)), name + " row " + r + ", predictor, one row");
                }
            }
            // what it writes today reads back to the same model
            Path again = dir.resolve("again.aiaas");
            ModelIO.save(m, again);
            try (Model back = ModelIO.load(again)) {
                assertEquals(m.layers(), back.layers());
                assertEquals(m.parameters(), back.parameters());
            }
        }
    }

    private static List<String> lines(String resource) throws IOException {
        try (InputStream in = VisionFormatFixtureTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource + " is missing from the test resources");
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")).filter(l -> !l.isBlank()).toList();
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": output width");
        for (int k = 0; k < expected.length; k++) {
            double tol = RTOL * Math.abs(expected[k]) + ATOL;
            assertTrue(Math.abs(expected[k] - actual[k]) <= tol,
                    what + ", output " + k + ": committed " + expected[k] + ", now " + actual[k]);
        }
    }
}
