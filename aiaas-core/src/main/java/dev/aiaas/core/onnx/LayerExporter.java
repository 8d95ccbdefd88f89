package dev.aiaas.core.onnx;

import dev.aiaas.core.nn.Layer;

/**
 * Writes one layer type as ONNX nodes: the export half of a layer, as a
 * {@link dev.aiaas.core.io.LayerDecoder} is the model-file half. Registered in
 * {@link OnnxExporters} under {@link #type()}, explicitly or through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.aiaas.core.onnx.LayerExporter}; the class then needs a public
 * no-argument constructor).
 */
public interface LayerExporter {

    /**
     * The layer type this exporter writes: the {@link Layer#type()} of its layers.
     *
     * @return the type name
     */
    String type();

    /**
     * Adds the nodes that compute {@code layer}'s inference output from the tensor named
     * {@code input}, and the initialisers that hold its parameters.
     *
     * @param layer      the layer, of {@link #type()}
     * @param graph      the graph being built
     * @param input      the name of the input tensor, {@code [N, inputShape...]}
     * @param inputShape the layer's input shape per example (the batch dimension N excluded)
     * @param params     the layer's slice of θ, in the order its {@link Layer#parameterSlices} give
     * @return the name of the output tensor, {@code [N, layer.outputShape(inputShape)...]} (may be
     *     {@code input} itself for a layer that is the identity at inference)
     * @throws OnnxExportException when this layer's settings have no ONNX form
     */
    String export(Layer layer, OnnxGraph graph, String input, long[] inputShape, double[] params);
}
