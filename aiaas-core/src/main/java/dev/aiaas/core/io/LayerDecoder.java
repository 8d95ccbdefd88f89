package dev.aiaas.core.io;

import dev.aiaas.core.nn.Layer;

/**
 * Makes a layer of one type back from what the model file holds for it: the inverse of
 * {@link Layer#config()} and {@link Layer#children()} for the layers whose {@link Layer#type()}
 * is {@link #type()}. The built-in layers' decoders are part of {@link LayerRegistry#builtIn()};
 * a layer written outside this library needs one, registered either explicitly
 * ({@code LayerRegistry.standard().with(new GatedDecoder())}, passed to
 * {@link ModelIO#load(java.nio.file.Path, LayerRegistry)}) or, so that every load finds it, as a
 * service: its jar lists the decoder's class (public, with a public no-argument constructor) in
 * {@code META-INF/services/dev.aiaas.core.io.LayerDecoder}.
 *
 * <pre>{@code
 * public final class GatedDecoder implements LayerDecoder {
 *     public String type() { return "gated"; }
 *     public Layer decode(LayerConfig config) throws ModelFormatException {
 *         return new Gated(config.number("gate_bias"));
 *     }
 * }
 * }</pre>
 */
public interface LayerDecoder {

    /**
     * The layer type this decoder reads.
     *
     * @return the {@link Layer#type()} of the layers it makes
     */
    String type();

    /**
     * Makes the layer that {@code config} describes. An {@link IllegalArgumentException} from the
     * layer's own validation is reported as a {@link ModelFormatException} by the caller.
     *
     * @param config the layer's settings and children as the model file holds them
     * @return a layer equal to the one that was saved
     * @throws ModelFormatException when a setting is missing or malformed (the getters of
     *                              {@link LayerConfig} throw it, naming the key)
     */
    Layer decode(LayerConfig config) throws ModelFormatException;
}
