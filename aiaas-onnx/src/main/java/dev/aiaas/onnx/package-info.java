/**
 * Import of pretrained ONNX models into aiaas layers: {@link dev.aiaas.onnx.OnnxImport} reads the
 * graph (protobuf classes of nd4j-api's {@code onnx.Onnx}), recognises a BERT-family encoder by its
 * data flow and builds a {@link dev.aiaas.onnx.TransformerEncoder} of core layers that computes it;
 * graphs it cannot map are refused with {@link dev.aiaas.onnx.UnsupportedOperatorException} or
 * {@link dev.aiaas.onnx.OnnxImportException}, naming the operator and node.
 */
package dev.aiaas.onnx;
