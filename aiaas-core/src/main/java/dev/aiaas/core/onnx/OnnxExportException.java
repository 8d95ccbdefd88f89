package dev.aiaas.core.onnx;

/**
 * A model that cannot be written as ONNX: a layer type with no {@link LayerExporter}, a setting
 * with no ONNX form, or a model too large for one ONNX file. The message names the layer and what
 * to do. Nothing is written when it is thrown.
 */
public final class OnnxExportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with its message.
     *
     * @param message what cannot be exported and the fix
     */
    public OnnxExportException(String message) {
        super(message);
    }
}
