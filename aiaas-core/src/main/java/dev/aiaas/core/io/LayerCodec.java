package dev.aiaas.core.io;

import dev.aiaas.core.nn.Layer;
import java.util.Map;

/**
 * Writes a layer as {@code prefix.key=value} header entries, whatever its kind: {@code type} is
 * its {@link Layer#type()}, the other keys its {@link Layer#config()}, and each child
 * ({@link Layer#children()}) is written the same way under {@code prefix.<child name>.} (a
 * residual block's layers under {@code prefix.layer.j.}, a time-distributed wrapper's under
 * {@code prefix.layer.}). Reading back is {@link LayerRegistry}'s: the decoder registered for
 * the type.
 */
final class LayerCodec {
    private LayerCodec() {
    }

    static void encode(Layer layer, String prefix, Map<String, String> out) {
        put(out, prefix + "type", layer.type(), layer);
        for (Map.Entry<String, Object> e : layer.config().entrySet()) {
            Object v = e.getValue();
            if (!(v instanceof Number || v instanceof String || v instanceof Boolean)) {
                throw new IllegalArgumentException("layer " + layer.type() + "'s setting " + e.getKey() + " is " + v
                        + "; settings must be numbers, strings or booleans (nested layers are children(), not config())");
            }
            put(out, prefix + e.getKey(), String.valueOf(v), layer);
        }
        for (Map.Entry<String, Layer> child : layer.children().entrySet()) {
            encode(child.getValue(), prefix + child.getKey() + ".", out);
        }
    }

    private static void put(Map<String, String> out, String key, String value, Layer layer) {
        if (out.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("layer " + layer.type() + " writes the key " + key + " twice: a setting's name in config()"
                    + " may not be 'type' or begin with a child's name from children()");
        }
    }
}
