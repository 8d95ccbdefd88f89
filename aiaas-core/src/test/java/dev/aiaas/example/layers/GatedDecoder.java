package dev.aiaas.example.layers;

import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.LayerDecoder;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.nn.Layer;

/** Reads {@link Gated} back from a model file: registered explicitly, {@code LayerRegistry.standard().with(new GatedDecoder())}. */
public final class GatedDecoder implements LayerDecoder {

    @Override
    public String type() {
        return "gated";
    }

    @Override
    public Layer decode(LayerConfig config) throws ModelFormatException {
        return new Gated(config.number("gate_bias"));
    }
}
