package dev.aiaas.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.example.layers.Gated;
import dev.aiaas.example.layers.GatedDecoder;
import dev.aiaas.example.layers.ScaleShift;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** {@link LayerRegistry}: the built-in decoders, discovery, explicit registration, and every error a decoder can meet. */
class LayerRegistryTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** A decoder made of a type name and a function, for the error cases. */
    private record Decoder(String type, Reader reader) implements LayerDecoder {
        @Override
        public Layer decode(LayerConfig config) throws ModelFormatException {
            return reader.read(config);
        }
    }

    private interface Reader {
        Layer read(LayerConfig c) throws ModelFormatException;
    }

    /** A second decoder of {@code gated}, for the duplicate found by discovery. */
    public static final class AlsoGated implements LayerDecoder {
        /** For ServiceLoader. */
        public AlsoGated() {
        }

        @Override
        public String type() {
            return "gated";
        }

        @Override
        public Layer decode(LayerConfig config) {
            return new Gated(0);
        }
    }

    @Test
    void theBuiltInRegistryReadsEveryLayerOfTheLibrary() {
        Set<String> expected = new TreeSet<>(Set.of("dense", "dropout", "layer_norm", "batch_norm", "residual", "embedding", "lstm",
                "time_distributed", "multi_head_attention", "position_embedding", "sinusoidal_positions"));
        expected.addAll(Activation.NAMES);
        assertEquals(expected, LayerRegistry.builtIn().types());
        assertTrue(LayerRegistry.builtIn().decoder("scale_shift").isEmpty());
    }

    @Test
    void standardAddsTheDecodersListedAsServicesAndWithAddsExplicitOnes() {
        LayerRegistry standard = LayerRegistry.standard();
        assertTrue(standard.types().containsAll(LayerRegistry.builtIn().types()));
        assertTrue(standard.types().contains("scale_shift"), "found through META-INF/services: " + standard.types());
        assertFalse(standard.types().contains("gated"), "registered explicitly only");
        LayerRegistry more = standard.with(new GatedDecoder());
        assertTrue(more.decoder("gated").orElseThrow() instanceof GatedDecoder);
        assertFalse(standard.types().contains("gated"), "with() makes a new registry and leaves this one as it was");
    }

    @Test
    void registrationErrorsNameTheTypeAndTheDecoder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerRegistry.builtIn().with(new Decoder("dense", c -> Layers.dense(1))));
        assertTrue(e.getMessage().contains("'dense' already has a decoder") && e.getMessage().contains("LayerRegistry$BuiltIn"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LayerRegistry.builtIn().with(new Decoder(" gated", c -> null)));
        assertTrue(e.getMessage().contains("' gated'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LayerRegistry.builtIn().with(new Decoder("a=b", c -> null)));
        assertTrue(e.getMessage().contains("'a=b'"), e.getMessage());
        assertThrows(NullPointerException.class, () -> LayerRegistry.builtIn().with((LayerDecoder) null));
    }

    @Test
    void discoveryReportsAServiceItCannotLoadAndTwoDecodersOfOneType(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Path file = services.resolve(LayerDecoder.class.getName());
        Files.writeString(file, "no.such.Decoder\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LayerRegistry.discover(loader));
            assertTrue(e.getMessage().contains("no.such.Decoder") && e.getMessage().contains("public no-argument constructor"),
                    e.getMessage());
        }
        Files.writeString(file, GatedDecoder.class.getName() + "\n" + AlsoGated.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LayerRegistry.discover(loader));
            assertTrue(e.getMessage().contains("'gated'") && e.getMessage().contains(GatedDecoder.class.getName())
                    && e.getMessage().contains(AlsoGated.class.getName()), e.getMessage());
        }
        Files.writeString(file, GatedDecoder.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            assertTrue(LayerRegistry.discover(loader).types().containsAll(Set.of("gated", "scale_shift", "dense")));
        }
    }

    /** Saves a model of one {@link Gated} layer and loads it with {@code decoder} as gated's. */
    private static Model load(Path dir, LayerDecoder decoder) throws Exception {
        Path file = dir.resolve("gated.aiaas");
        try (Model m = Model.builder(3).add(new Gated(0.25)).dataType(DataType.DOUBLE).build()) {
            ModelIO.save(m, file);
        }
        return ModelIO.load(file, LayerRegistry.builtIn().with(decoder));
    }

    @Test
    void decodingErrorsAreFormatErrorsNamingTheKey(@TempDir Path dir) throws Exception {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> load(dir, new Decoder("gated", c -> new Gated(c.number("no_such_key")))));
        assertTrue(e.getMessage().contains("'layer.0.no_such_key'"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> load(dir, new Decoder("gated", c -> new Gated(c.integer("gate_bias")))));
        assertTrue(e.getMessage().contains("'layer.0.gate_bias' should be an integer, found '0.25'"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> load(dir, new Decoder("gated", c -> new Gated(c.flag("gate_bias") ? 1 : 0))));
        assertTrue(e.getMessage().contains("'layer.0.gate_bias' should be true or false, found '0.25'"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> load(dir, new Decoder("gated", c -> new Gated(Double.NaN))));
        assertTrue(e.getMessage().contains("inconsistent settings at layer.0.: gateBias must be finite"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> load(dir, new Decoder("gated", c -> new ScaleShift(1))));
        assertTrue(e.getMessage().contains("made a layer of type 'scale_shift'"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> load(dir, new Decoder("gated", c -> null)));
        assertTrue(e.getMessage().contains("made null"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> load(dir, new Decoder("gated", c -> {
            throw c.error("gate_bias " + c.string("gate_bias") + " is too small");
        })));
        assertTrue(e.getMessage().contains("the layer at layer.0. (gated): gate_bias 0.25 is too small") && e.getMessage().contains("gated.aiaas"),
                e.getMessage());
        try (Model m = load(dir, new Decoder("gated", c -> {
            assertEquals("gated", c.type());
            assertEquals("layer.0.", c.prefix());
            assertTrue(c.has("gate_bias") && !c.has("gate_scale"));
            return new Gated(c.has("gate_scale") ? c.number("gate_scale") : c.number("gate_bias"));
        }))) {
            assertEquals(new Gated(0.25), m.layers().get(0));
        }
    }

    /** A layer whose config() breaks the rules of the model file. */
    private record Misconfigured(Map<String, Object> config) implements Layer {
        @Override
        public String type() {
            return "misconfigured";
        }

        @Override
        public long[] outputShape(long[] inputShape) {
            return inputShape.clone();
        }

        @Override
        public long parameterCount(long[] inputShape) {
            return 0;
        }

        @Override
        public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
            return Layers.identity().instantiate(inputShape, dataType);
        }
    }

    @Test
    void aConfigThatTheFileCannotHoldIsRejectedWhenSaving(@TempDir Path dir) {
        Path file = dir.resolve("m.aiaas");
        for (Map<String, Object> config : java.util.List.<Map<String, Object>>of(Map.of("inner", Layers.relu()), Map.of("type", "x"))) {
            try (Model m = Model.builder(2).add(new Misconfigured(config)).build()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelIO.save(m, file));
                assertTrue(e.getMessage().contains("misconfigured"), e.getMessage());
            }
        }
        assertFalse(Files.exists(file));
    }
}
