package dev.aiaas.example.layers;

import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.LayerDecoder;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.nn.Layer;

/**
 * Reads {@link ScaleShift} back from a model file. Listed in the test resources'
 * {@code META-INF/services/dev.aiaas.core.io.LayerDecoder}, so that every load finds it, as a
 * user's jar of layers would.
 */
public final class ScaleShiftDecoder implements LayerDecoder {

    /** The constructor ServiceLoader calls. */
    public ScaleShiftDecoder() {
    }

    @Override
    public String type() {
        return "scale_shift";
    }

    @Override
    public Layer decode(LayerConfig config) throws ModelFormatException {
        return new ScaleShift(config.number("initial_scale"));
    }
}
