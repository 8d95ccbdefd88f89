package dev.aiaas.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Initializer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelIOTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    static Model everyLayer(DataType dt) {
        return Model.builder(6)
                .add(Layers.dense(8, Activation.leakyRelu(0.1), Initializer.heNormal(), Initializer.constant(0.01)))
                .add(Layers.residual(Layers.dense(8, Activation.GELU), Layers.tanh(), Layers.dense(8)))
                .add(Layers.sigmoid())
                .add(Layers.dense(3, Activation.SOFTMAX))
                .dataType(dt).seed(9).build();
    }

    @Test
    void aLoadedModelPredictsExactlyWhatTheSavedOneDid(@TempDir Path dir) throws Exception {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            Path file = dir.resolve("m-" + dt + ".aiaas");
            INDArray x = Nd4j.rand(DataType.FLOAT, 5, 6);
            try (Model m = everyLayer(dt)) {
                ModelIO.save(m, file, Map.of("note", "test"));
                try (Model back = ModelIO.load(file)) {
                    assertEquals(m.parameters(), back.parameters());
                    assertEquals(m.predict(x), back.predict(x));
                    assertEquals(m.summary(), back.summary());
                    assertEquals(m.layers(), back.layers());
                    assertEquals(dt, back.dataType());
                    assertEquals(9, back.seed());
                }
            }
            Map<String, String> p = ModelIO.provenance(file);
            assertEquals("test", p.get("note"));
            assertEquals("1.0.0-M2.1", p.get("nd4j_version"));
            assertTrue(p.containsKey("aiaas_version") && p.containsKey("saved_at"), p.toString());
        }
    }

    @Test
    void sequenceLayersRoundTrip(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lm.aiaas");
        INDArray ids = Nd4j.createFromArray(new float[][] {{1, 2, 3, 0, 4}, {4, 4, 0, 1, 2}});
        try (Model m = Model.builder(5)
                .add(Layers.embedding(5, 3))
                .add(Layers.lstm(4, Initializer.heNormal(), Initializer.glorotNormal(), 0.5))
                .add(Layers.timeDistributed(Layers.dense(5, Activation.TANH)))
                .seed(2).build()) {
            ModelIO.save(m, file);
            try (Model back = ModelIO.load(file)) {
                assertEquals(m.layers(), back.layers());
                assertEquals(m.parameters(), back.parameters());
                assertEquals(m.predict(ids), back.predict(ids));
                assertArrayEquals(new long[] {2, 5, 5}, back.predict(ids).shape());
                assertEquals(m.summary(), back.summary());
            }
        }
    }

    @Test
    void dropoutAndNormalisationLayersRoundTripWithTheirRunningStatistics(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("norm.aiaas");
        INDArray x = Nd4j.rand(DataType.FLOAT, 'f', 5, 6);
        try (Model m = Model.builder(6)
                .add(Layers.dense(8, Activation.RELU)).add(Layers.batchNorm(0.9, 1e-5)).add(Layers.dropout(0.3))
                .add(Layers.residual(Layers.layerNorm(1e-4), Layers.dense(8))).add(Layers.dense(2))
                .seed(5).build()) {
            m.forward(x, true); // moves the running statistics away from their initial values
            ModelIO.save(m, file);
            try (Model back = ModelIO.load(file)) {
                assertEquals(m.layers(), back.layers());
                assertEquals(m.parameters(), back.parameters());
                assertEquals(m.predict(x), back.predict(x));
            }
        }
    }

    @Test
    void checkpointKeepsTheOptimiserStateSoResumingMatchesAnUnbrokenRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ckpt.aiaas");
        INDArray x = Nd4j.rand(DataType.FLOAT, 'f', 4, 6);
        INDArray y = Nd4j.createFromArray(new float[][] {{0}, {1}, {2}, {1}});
        Optimizer adam = Optimizers.adam(0.01);
        try (Model a = everyLayer(DataType.FLOAT); Optimizer.State sa = adam.newState(a.parameterCount(), DataType.FLOAT)) {
            for (int t = 1; t <= 3; t++) {
                step(a, adam, sa, x, y, t);
            }
            ModelIO.saveCheckpoint(a, adam, sa, 3, Map.of(), file);
            for (int t = 4; t <= 6; t++) {
                step(a, adam, sa, x, y, t);
            }
            try (ModelIO.Checkpoint c = ModelIO.loadCheckpoint(file)) {
                assertEquals(3, c.step());
                assertEquals(adam, c.optimizer());
                for (long t = c.step() + 1; t <= 6; t++) {
                    step(c.model(), c.optimizer(), c.state(), x, y, t);
                }
                assertEquals(a.parameters(), c.model().parameters());
            }
        }
    }

    private static void step(Model m, Optimizer o, Optimizer.State s, INDArray x, INDArray y, long t) {
        INDArray out = m.forward(x, true);
        INDArray g = Nd4j.create(DataType.FLOAT, out.shape(), 'f');
        Losses.sparseSoftmaxCrossEntropy().compute(out, y, g);
        m.backward(g);
        o.step(m.parameters(), m.gradients(), s, o.learningRate(), t);
    }

    /** A file written by format version 1 is kept as a fixture and must keep loading (and predicting the same). */
    @Test
    void version1FixtureStillLoads(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("v1.aiaas");
        try (InputStream in = ModelIOTest.class.getResourceAsStream("/dev/aiaas/core/io/model-format-v1.aiaas")) {
            Files.copy(in, file);
        }
        try (Model m = ModelIO.load(file); Model fresh = everyLayer(DataType.FLOAT)) {
            // the fixture is everyLayer(FLOAT) as initialised from seed 9, saved by format version 1
            assertEquals(fresh.parameters(), m.parameters());
            assertArrayEquals(new long[] {6}, m.inputShape());
        }
    }

    /**
     * Every built-in layer type as the library wrote it before layers were decoded through
     * {@link LayerRegistry} (the three golden files, see {@link LayerFixtures}): each loads into
     * the model it was written from, and saving that model again writes the same header, key for
     * key and value for value (the time and provenance aside).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"model-format-v1.aiaas", "model-format-v1-norm.aiaas", "model-format-v1-sequence.aiaas",
        "model-format-v1-attention.aiaas"})
    void goldenFilesLoadAndTheirLayersAreWrittenAsBefore(String name, @TempDir Path dir) throws Exception {
        Path file = dir.resolve(name);
        try (InputStream in = ModelIOTest.class.getResourceAsStream("/dev/aiaas/core/io/" + name)) {
            Files.copy(in, file);
        }
        Path again = dir.resolve("again.aiaas");
        try (Model m = ModelIO.load(file);
             Model fresh = switch (name) {
                 case "model-format-v1.aiaas" -> everyLayer(DataType.FLOAT);
                 case "model-format-v1-norm.aiaas" -> LayerFixtures.norm();
                 case "model-format-v1-attention.aiaas" -> LayerFixtures.attention();
                 default -> LayerFixtures.sequence();
             }) {
            assertEquals(fresh.layers(), m.layers());
            assertEquals(fresh.dataType(), m.dataType());
            assertEquals(fresh.parameters(), m.parameters());
            ModelIO.save(m, again);
        }
        Map<String, String> before = architecture(file);
        Map<String, String> after = architecture(again);
        assertTrue(before.keySet().stream().anyMatch(k -> k.startsWith("layer.")), before.toString());
        assertEquals(List.copyOf(before.entrySet()), List.copyOf(after.entrySet()), "the header, in order");
    }

    /** A model file's header entries but the provenance ones, in the file's order. */
    private static Map<String, String> architecture(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        b.position(12);
        byte[] text = new byte[b.getInt()];
        b.get(text);
        Map<String, String> m = new LinkedHashMap<>(Header.parse(new String(text, StandardCharsets.UTF_8), file).entries);
        m.keySet().removeIf(k -> k.startsWith("provenance."));
        return m;
    }

    @Test
    void errorsSayWhatIsWrongAndLeaveEarlierFilesIntact(@TempDir Path dir) throws Exception {
        assertThrows(NoSuchFileException.class, () -> ModelIO.load(dir.resolve("missing.aiaas")));

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello, this is not a model");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelIO.load(text));
        assertTrue(e.getMessage().contains("is not an aiaas model"), e.getMessage());

        Path good = dir.resolve("good.aiaas");
        try (Model m = everyLayer(DataType.FLOAT)) {
            ModelIO.save(m, good);
        }
        byte[] bytes = Files.readAllBytes(good);

        byte[] newer = bytes.clone();
        ByteBuffer.wrap(newer).putInt(8, ModelIO.FORMAT_VERSION + 1);
        Path newerFile = dir.resolve("newer.aiaas");
        Files.write(newerFile, newer);
        e = assertThrows(ModelFormatException.class, () -> ModelIO.load(newerFile));
        assertTrue(e.getMessage().contains("format version 2, this library reads up to 1"), e.getMessage());

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x40;
        Path corrupt = dir.resolve("corrupt.aiaas");
        Files.write(corrupt, flipped);
        e = assertThrows(ModelFormatException.class, () -> ModelIO.load(corrupt));
        assertTrue(e.getMessage().contains("CRC-32"), e.getMessage());

        Path truncated = dir.resolve("truncated.aiaas");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertThrows(ModelFormatException.class, () -> ModelIO.load(truncated));

        e = assertThrows(ModelFormatException.class, () -> ModelIO.loadCheckpoint(good));
        assertTrue(e.getMessage().contains("no optimiser state"), e.getMessage());

        // a failed save (folder missing) throws and leaves nothing; an earlier file survives a failed overwrite
        assertThrows(NoSuchFileException.class, () -> {
            try (Model m = everyLayer(DataType.FLOAT)) {
                ModelIO.save(m, dir.resolve("no/such/folder/m.aiaas"));
            }
        });
        try (Model m = everyLayer(DataType.FLOAT)) {
            assertThrows(IllegalArgumentException.class, () -> ModelIO.save(m, good, Map.of("bad", "two\nlines")));
        }
        assertArrayEquals(bytes, Files.readAllBytes(good));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".tmp")), "no temporary file left behind");
        }
    }
}
