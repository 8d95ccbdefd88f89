package dev.aiaas.onnx;

/**
 * The graph holds an operator that the importer does not map onto aiaas layers (for example a
 * convolution in a file given to {@link OnnxImport#encoder}): the message and
 * {@link #operator()} name it, {@link #node()} names the node that uses it.
 */
public final class UnsupportedOperatorException extends OnnxImportException {
    private static final long serialVersionUID = 1L;
    /** The operator, as the file names it. */
    private final String operator;
    /** The node that uses it. */
    private final String node;

    /**
     * @param operator the node's {@code op_type}, with its domain when not the default one
     * @param node     the node's name (or its first output's when it has none)
     * @param message  the full message: the operator, the node, what the importer supports
     */
    public UnsupportedOperatorException(String operator, String node, String message) {
        super(message);
        this.operator = operator;
        this.node = node;
    }

    /** {@return the operator that is not supported, as the file names it (op_type)} */
    public String operator() {
        return operator;
    }

    /** {@return the name of the node that uses it} */
    public String node() {
        return node;
    }
}
