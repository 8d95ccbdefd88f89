/**
 * ONNX export: a {@link dev.aiaas.core.nn.Model} written as an ONNX graph (opset
 * {@value dev.aiaas.core.onnx.OnnxExport#OPSET}) that ONNX Runtime and other engines run, with a
 * dynamic batch dimension. Each layer type contributes its nodes through a {@link
 * dev.aiaas.core.onnx.LayerExporter}, found in {@link dev.aiaas.core.onnx.OnnxExporters} (the
 * library's own, and those a jar lists in {@code META-INF/services/dev.aiaas.core.onnx.LayerExporter}),
 * so a user's layer exports as it saves: without any change here.
 */
package dev.aiaas.core.onnx;
