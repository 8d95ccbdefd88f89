package dev.aiaas.core.io;

import dev.aiaas.core.backend.NativeMemoryException;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.ActivationLayer;
import dev.aiaas.core.nn.BatchNorm;
import dev.aiaas.core.nn.Dense;
import dev.aiaas.core.nn.Dropout;
import dev.aiaas.core.nn.Embedding;
import dev.aiaas.core.nn.Initializer;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.LayerNorm;
import dev.aiaas.core.nn.MultiHeadAttention;
import dev.aiaas.core.nn.PositionEmbedding;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Lstm;
import dev.aiaas.core.nn.Residual;
import dev.aiaas.core.nn.SinusoidalPositions;
import dev.aiaas.core.nn.TimeDistributed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The layer decoders a model file is read with, one per {@link Layer#type()}: an immutable set.
 *
 * <ul>
 *   <li>{@link #builtIn()}: the layers of this library;</li>
 *   <li>{@link #standard()}: those and every {@link LayerDecoder} that {@link ServiceLoader}
 *       finds on the class path (a jar of user layers lists its decoders in
 *       {@code META-INF/services/dev.aiaas.core.io.LayerDecoder}); what
 *       {@link ModelIO#load(java.nio.file.Path)} uses;</li>
 *   <li>{@link #with}: one of these plus decoders registered explicitly, for
 *       {@link ModelIO#load(java.nio.file.Path, LayerRegistry)}.</li>
 * </ul>
 *
 * <p>A file that names a type with no decoder fails to load with a {@link ModelFormatException}
 * that names the type, the types known, and the two ways to register a decoder.
 */
public final class LayerRegistry {

    /** The service file a jar of user layers lists its decoders in. */
    static final String SERVICE_FILE = "META-INF/services/" + LayerDecoder.class.getName();

    private static final LayerRegistry BUILT_IN = new LayerRegistry(builtInDecoders());

    private final Map<String, LayerDecoder> decoders;

    private LayerRegistry(Map<String, LayerDecoder> decoders) {
        this.decoders = Collections.unmodifiableMap(new LinkedHashMap<>(decoders));
    }

    /**
     * The decoders of the library's own layers: {@code dense}, {@code dropout}, {@code layer_norm},
     * {@code batch_norm}, {@code residual}, {@code embedding}, {@code lstm},
     * {@code time_distributed}, {@code multi_head_attention}, {@code sinusoidal_positions},
     * {@code position_embedding} and the activation layers (one type per {@link Activation#NAMES}).
     *
     * @return the built-in registry
     */
    public static LayerRegistry builtIn() {
        return BUILT_IN;
    }

    /**
     * The built-in decoders and every {@link LayerDecoder} service that the class loader which
     * loaded this library finds, looked up on each call.
     *
     * @return the registry that {@link ModelIO#load(java.nio.file.Path)} reads with
     * @throws IllegalStateException when a service cannot be loaded or claims a type that
     *                               another decoder has (the message names both)
     */
    public static LayerRegistry standard() {
        return discover(LayerRegistry.class.getClassLoader());
    }

    /**
     * The built-in decoders and every {@link LayerDecoder} service that {@code loader} finds
     * (for applications that load user layers through a class loader of their own).
     *
     * @param loader where to look for {@code META-INF/services/dev.aiaas.core.io.LayerDecoder}
     * @return a new registry
     * @throws IllegalStateException when a service cannot be loaded or claims a type that
     *                               another decoder has
     */
    public static LayerRegistry discover(ClassLoader loader) {
        Map<String, LayerDecoder> m = new LinkedHashMap<>(BUILT_IN.decoders);
        try {
            for (LayerDecoder d : ServiceLoader.load(LayerDecoder.class, loader)) {
                LayerDecoder before = m.putIfAbsent(checkedType(d), d);
                if (before != null) {
                    throw new IllegalStateException("two layer decoders read the type '" + d.type() + "': "
                            + before.getClass().getName() + " and " + d.getClass().getName() + " (found in " + SERVICE_FILE
                            + "); remove one of them from the class path");
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a layer decoder listed in " + SERVICE_FILE + " could not be loaded: " + e.getMessage()
                    + "; the class must be public with a public no-argument constructor", e);
        }
        return new LayerRegistry(m);
    }

    /**
     * This registry and {@code more}: for layers of an application's own, without a service file.
     *
     * @param more decoders of types not yet registered
     * @return a new registry
     * @throws IllegalArgumentException when a type is already registered (the message names the
     *                                  decoder that has it)
     */
    public LayerRegistry with(LayerDecoder... more) {
        Map<String, LayerDecoder> m = new LinkedHashMap<>(decoders);
        for (LayerDecoder d : more) {
            if (d == null) {
                throw new NullPointerException("decoder must not be null");
            }
            LayerDecoder before = m.putIfAbsent(checkedType(d), d);
            if (before != null) {
                throw new IllegalArgumentException("the layer type '" + d.type() + "' already has a decoder, "
                        + before.getClass().getName() + "; register " + d.getClass().getName()
                        + " under another type name (its layer's type())");
            }
        }
        return new LayerRegistry(m);
    }

    private static String checkedType(LayerDecoder d) {
        String t = d.type();
        if (t == null || t.isEmpty() || !t.equals(t.strip()) || t.contains("=") || t.contains("\n")) {
            throw new IllegalArgumentException("a layer decoder's type must be a non-empty name without spaces at its ends, '=' or line"
                    + " breaks; " + d.getClass().getName() + " says '" + t + "'");
        }
        return t;
    }

    /**
     * The types this registry reads, sorted.
     *
     * @return the type names
     */
    public Set<String> types() {
        return Collections.unmodifiableSet(new TreeSet<>(decoders.keySet()));
    }

    /**
     * The decoder of a type.
     *
     * @param type a {@link Layer#type()}
     * @return its decoder, or empty when none is registered
     */
    public Optional<LayerDecoder> decoder(String type) {
        return Optional.ofNullable(decoders.get(type));
    }

    /**
     * The layer written under {@code prefix} (which ends in a dot), by its type's decoder;
     * {@code depth} is 1 for a model's own layers, one more for each level of nesting. The depth
     * and the running count of layers are checked against the load's limits before decoding.
     */
    Layer decode(Header h, String prefix, int depth) throws ModelFormatException {
        ModelIO.LoadOptions limits = h.options;
        if (depth > limits.maxDepth()) {
            throw h.error("the layer at " + prefix + " is nested " + depth + " deep, more than the limit of " + limits.maxDepth()
                    + " (ModelIO.LoadOptions.maxDepth); the file is corrupt or hostile, or, if it is trusted, load it with"
                    + " ModelIO.load(file, ModelIO.LoadOptions.defaults().withMaxDepth(" + Math.min(depth, Model.MAX_NESTING) + "))");
        }
        if (++h.layersDecoded > limits.maxLayers()) {
            throw h.error("the layer at " + prefix + " is layer number " + h.layersDecoded + " (nested ones counted), more than"
                    + " the limit of " + limits.maxLayers() + " (ModelIO.LoadOptions.maxLayers); if the file is trusted, load it"
                    + " with a higher ModelIO.LoadOptions.withMaxLayers(...)");
        }
        String type = h.get(prefix + "type");
        LayerDecoder d = decoders.get(type);
        if (d == null) {
            throw h.error("unknown layer type " + Inputs.excerpt(type) + " at " + prefix + "type; this library reads "
                    + String.join(", ", types())
                    + ". If it is a layer of your own, register its decoder: ModelIO.load(file, LayerRegistry.standard().with(new "
                    + "YourLayerDecoder())), or put the jar that lists the decoder in " + SERVICE_FILE
                    + " on the class path; else the file was written by a newer aiaas");
        }
        Layer layer;
        try {
            layer = d.decode(new LayerConfig(h, prefix, this, depth));
        } catch (NativeMemoryException e) {
            throw e;
        } catch (RuntimeException e) { // the layer's own validation (IllegalArgumentException), or a decoder's bug
            throw new ModelFormatException(h.file(), "inconsistent settings at " + prefix + ": " + e.getMessage(), e);
        }
        if (layer == null || !type.equals(layer.type())) {
            throw h.error("the decoder " + d.getClass().getName() + " for the type '" + type + "' at " + prefix + "type made "
                    + (layer == null ? "null" : "a layer of type '" + layer.type() + "'") + "; a decoder must make a layer of its own type");
        }
        return layer;
    }

    /** A built-in type's decoder: a name and how to read it. */
    private record BuiltIn(String type, Reader reader) implements LayerDecoder {
        @Override
        public Layer decode(LayerConfig c) throws ModelFormatException {
            return reader.read(c);
        }
    }

    @FunctionalInterface
    private interface Reader {
        Layer read(LayerConfig c) throws ModelFormatException;
    }

    private static Map<String, LayerDecoder> builtInDecoders() {
        List<LayerDecoder> all = new ArrayList<>(List.of(
                new BuiltIn("dense", c -> new Dense(c.integer("units"), new Activation(c.string("activation"), c.number("alpha")),
                        initializer(c, "kernel_initializer"), initializer(c, "bias_initializer"))),
                new BuiltIn("dropout", c -> new Dropout(c.number("rate"))),
                new BuiltIn("layer_norm", c -> new LayerNorm(c.number("epsilon"))),
                new BuiltIn("batch_norm", c -> new BatchNorm(c.number("momentum"), c.number("epsilon"))),
                new BuiltIn("embedding", c -> new Embedding(c.integer("input_dim"), c.integer("output_dim"), initializer(c, "initializer"))),
                new BuiltIn("lstm", c -> new Lstm(c.integer("units"), initializer(c, "kernel_initializer"),
                        initializer(c, "recurrent_initializer"), c.number("forget_gate_bias"))),
                new BuiltIn("time_distributed", c -> new TimeDistributed(c.layer("layer"))),
                new BuiltIn("multi_head_attention", c -> new MultiHeadAttention(c.integer("heads"), c.flag("causal"))),
                new BuiltIn("sinusoidal_positions", c -> new SinusoidalPositions(c.integer("max_length"))),
                new BuiltIn("position_embedding", c -> new PositionEmbedding(c.integer("max_length"))),
                new BuiltIn("residual", c -> {
                    int n = c.count("layers");
                    List<Layer> inner = new ArrayList<>();
                    for (int j = 0; j < n; j++) {
                        inner.add(c.layer("layer." + j));
                    }
                    return new Residual(inner);
                })));
        for (String name : Activation.NAMES) { // an activation layer's type is its activation's name
            all.add(new BuiltIn(name, c -> new ActivationLayer(new Activation(name, c.number("alpha")))));
        }
        Map<String, LayerDecoder> m = new LinkedHashMap<>();
        for (LayerDecoder d : all) {
            m.put(d.type(), d);
        }
        return m;
    }

    /** An {@link Initializer} written as {@code key} (its name) and {@code key_value}. */
    private static Initializer initializer(LayerConfig c, String key) throws ModelFormatException {
        return new Initializer(c.string(key), c.number(key + "_value"));
    }
}
