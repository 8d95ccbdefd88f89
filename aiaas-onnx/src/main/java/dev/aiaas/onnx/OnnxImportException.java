package dev.aiaas.onnx;

import java.io.IOException;

/**
 * An ONNX file cannot be imported: it is not a readable ONNX model (truncated, corrupt, too large),
 * its tensors are inconsistent (a declared size that its data does not hold), or its graph has a
 * structure that the importer does not map onto aiaas layers. The message names the file (when
 * there is one), the node or tensor, what was found and what was expected.
 * {@link UnsupportedOperatorException} is the case of an operator the importer does not know.
 */
public class OnnxImportException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, what was expected and what to do
     */
    public OnnxImportException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, what was expected and what to do
     * @param cause   the exception that revealed it (the protobuf parser's, for a corrupt file)
     */
    public OnnxImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
