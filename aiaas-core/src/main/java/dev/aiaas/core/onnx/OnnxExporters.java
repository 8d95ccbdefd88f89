package dev.aiaas.core.onnx;

import dev.aiaas.core.nn.Layer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The layer exporters a model is written to ONNX with, one per {@link Layer#type()}: an immutable
 * set, built as {@link dev.aiaas.core.io.LayerRegistry} is.
 *
 * <ul>
 *   <li>{@link #builtIn()}: core's layers ({@code dense}, {@code dropout}, {@code layer_norm},
 *       {@code batch_norm}, {@code residual}, {@code time_distributed}, {@code embedding} and the
 *       activation layers);</li>
 *   <li>{@link #standard()}: those and every {@link LayerExporter} that {@link ServiceLoader} finds
 *       ({@code META-INF/services/dev.aiaas.core.onnx.LayerExporter}; aiaas-vision lists its
 *       convolutional layers there); what {@link OnnxExport#toBytes(dev.aiaas.core.nn.Model)} uses;</li>
 *   <li>{@link #with}: one of these plus exporters registered explicitly.</li>
 * </ul>
 */
public final class OnnxExporters {

    static final String SERVICE_FILE = "META-INF/services/" + LayerExporter.class.getName();

    private static final OnnxExporters BUILT_IN = new OnnxExporters(CoreExporters.all());

    private final Map<String, LayerExporter> exporters;

    private OnnxExporters(Map<String, LayerExporter> exporters) {
        this.exporters = Collections.unmodifiableMap(new LinkedHashMap<>(exporters));
    }

    /**
     * The exporters of core's layers.
     *
     * @return the built-in set
     */
    public static OnnxExporters builtIn() {
        return BUILT_IN;
    }

    /**
     * The built-in exporters and every {@link LayerExporter} service the class loader of this
     * library finds, looked up on each call.
     *
     * @return the set {@link OnnxExport} uses by default
     * @throws IllegalStateException when a service cannot be loaded or claims a type another
     *                               exporter has
     */
    public static OnnxExporters standard() {
        Map<String, LayerExporter> m = new LinkedHashMap<>(BUILT_IN.exporters);
        try {
            for (LayerExporter e : ServiceLoader.load(LayerExporter.class, OnnxExporters.class.getClassLoader())) {
                LayerExporter before = m.putIfAbsent(e.type(), e);
                if (before != null && before.getClass() != e.getClass()) {
                    throw new IllegalStateException("two ONNX exporters write the layer type '" + e.type() + "': "
                            + before.getClass().getName() + " and " + e.getClass().getName() + " (found in " + SERVICE_FILE
                            + "); remove one of them from the class path");
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("an ONNX exporter listed in " + SERVICE_FILE + " could not be loaded: " + e.getMessage()
                    + "; the class must be public with a public no-argument constructor", e);
        }
        return new OnnxExporters(m);
    }

    /**
     * This set and {@code more}: for a layer of an application's own, without a service file.
     *
     * @param more exporters of types not yet registered
     * @return a new set
     * @throws IllegalArgumentException when a type already has an exporter
     */
    public OnnxExporters with(LayerExporter... more) {
        Map<String, LayerExporter> m = new LinkedHashMap<>(exporters);
        for (LayerExporter e : more) {
            if (e == null) {
                throw new NullPointerException("exporter must not be null");
            }
            LayerExporter before = m.putIfAbsent(e.type(), e);
            if (before != null) {
                throw new IllegalArgumentException("the layer type '" + e.type() + "' already has an ONNX exporter, "
                        + before.getClass().getName() + "; register " + e.getClass().getName() + " under another type");
            }
        }
        return new OnnxExporters(m);
    }

    /**
     * The types this set writes, sorted.
     *
     * @return the type names
     */
    public Set<String> types() {
        return Collections.unmodifiableSet(new TreeSet<>(exporters.keySet()));
    }

    /**
     * The exporter of a type.
     *
     * @param type a layer type
     * @return its exporter, or empty
     */
    public Optional<LayerExporter> exporter(String type) {
        return Optional.ofNullable(exporters.get(type));
    }

    /**
     * The exporter of {@code layer}'s type.
     *
     * @param layer a layer
     * @return its exporter
     * @throws OnnxExportException naming the type, the types known and how to add one
     */
    LayerExporter require(Layer layer) {
        LayerExporter e = exporters.get(layer.type());
        if (e == null) {
            throw new OnnxExportException("the layer type '" + layer.type() + "' has no ONNX exporter; types that export: "
                    + types() + ". Register a LayerExporter for it (OnnxExporters.standard().with(...), or list it in "
                    + SERVICE_FILE + ")");
        }
        return e;
    }
}
