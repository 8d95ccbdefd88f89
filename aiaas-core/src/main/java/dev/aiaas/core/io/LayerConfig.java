package dev.aiaas.core.io;

import dev.aiaas.core.nn.Layer;

/**
 * One layer's entries in a model file, as a {@link LayerDecoder} reads them: the settings that
 * {@link Layer#config()} wrote under the layer's prefix, and its children
 * ({@link Layer#children()}), decoded on request through the same {@link LayerRegistry}. Every
 * getter throws a {@link ModelFormatException} that names the file, the full key and what was
 * expected when the entry is missing or malformed.
 */
public final class LayerConfig {
    private final Header header;
    private final String prefix;
    private final LayerRegistry registry;
    private final int depth;

    LayerConfig(Header header, String prefix, LayerRegistry registry, int depth) {
        this.header = header;
        this.prefix = prefix;
        this.registry = registry;
        this.depth = depth;
    }

    /**
     * The layer's type name, as {@link Layer#type()} wrote it.
     *
     * @return the type
     * @throws ModelFormatException when the entry is missing
     */
    public String type() throws ModelFormatException {
        return header.get(prefix + "type");
    }

    /**
     * Where the layer's entries start in the file's header, for messages: {@code layer.3.} for
     * the fourth layer, {@code layer.3.layer.0.} for the first child of that one.
     *
     * @return the key prefix, ending in a dot
     */
    public String prefix() {
        return prefix;
    }

    /**
     * Whether the file holds the setting {@code key}: for settings added in a later version of a
     * layer, whose decoder then takes a default for older files.
     *
     * @param key the setting's name, as in {@link Layer#config()}
     * @return true when present
     */
    public boolean has(String key) {
        return header.entries.containsKey(prefix + key);
    }

    /**
     * A setting as text.
     *
     * @param key the setting's name, as in {@link Layer#config()}
     * @return its value
     * @throws ModelFormatException when it is missing
     */
    public String string(String key) throws ModelFormatException {
        return header.get(prefix + key);
    }

    /**
     * A setting as a 32-bit integer.
     *
     * @param key the setting's name
     * @return its value
     * @throws ModelFormatException when it is missing or not an integer
     */
    public int integer(String key) throws ModelFormatException {
        return header.getInt(prefix + key);
    }

    /**
     * A setting as a 64-bit integer.
     *
     * @param key the setting's name
     * @return its value
     * @throws ModelFormatException when it is missing or not an integer
     */
    public long longInteger(String key) throws ModelFormatException {
        return header.getLong(prefix + key);
    }

    /**
     * A setting as a number.
     *
     * @param key the setting's name
     * @return its value
     * @throws ModelFormatException when it is missing or not a number
     */
    public double number(String key) throws ModelFormatException {
        return header.getDouble(prefix + key);
    }

    /**
     * A setting as a boolean, written {@code true} or {@code false}.
     *
     * @param key the setting's name
     * @return its value
     * @throws ModelFormatException when it is missing or neither {@code true} nor {@code false}
     */
    public boolean flag(String key) throws ModelFormatException {
        String v = header.get(prefix + key);
        if (!v.equals("true") && !v.equals("false")) {
            throw header.error("'" + prefix + key + "' should be true or false, found '" + v + "'");
        }
        return v.equals("true");
    }

    /**
     * A child layer ({@link Layer#children()}), decoded by the decoder registered for its type.
     * The nesting depth is checked before the child is decoded: a file whose layers nest deeper
     * than {@link ModelIO.LoadOptions#maxDepth()} fails here, not with a stack overflow.
     *
     * @param name the child's name, for example {@code layer} or {@code layer.0}
     * @return the child
     * @throws ModelFormatException when it is missing, of an unknown type, malformed, nested too
     *                              deep, or one layer more than {@link ModelIO.LoadOptions#maxLayers()}
     */
    public Layer layer(String name) throws ModelFormatException {
        return registry.decode(header, prefix + name + ".", depth + 1);
    }

    /**
     * A count of children that the file declares (a residual block's {@code layers}): an integer
     * from 0 to {@link ModelIO.LoadOptions#maxLayers()}, and no more than the header has entries.
     *
     * @param key the setting's name
     * @return its value
     * @throws ModelFormatException when it is missing, not an integer, negative or beyond those bounds
     */
    public int count(String key) throws ModelFormatException {
        return header.getCount(prefix + key, header.options.maxLayers(), "ModelIO.LoadOptions.maxLayers");
    }

    /**
     * A format error about this layer, for a decoder's own checks.
     *
     * @param message what is wrong, what was expected and the fix
     * @return the exception, naming the file, this layer's prefix and its type
     */
    public ModelFormatException error(String message) {
        return header.error("the layer at " + prefix + " (" + header.entries.get(prefix + "type") + "): " + message);
    }
}
