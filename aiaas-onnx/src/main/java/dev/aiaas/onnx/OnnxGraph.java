package dev.aiaas.onnx;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;

/**
 * Internal: an ONNX graph read for matching: who produces each value, the initializers and
 * {@code Constant} nodes by name, and checked reads of their tensors (sizes validated against
 * the data before anything is allocated).
 */
final class OnnxGraph {

    /** The most elements one tensor may declare (2³¹ − 1: a Java array's limit). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final String source;
    private final Onnx.GraphProto graph;
    private final Map<String, Onnx.NodeProto> producers = new HashMap<>();
    private final Map<String, Onnx.TensorProto> initializers = new HashMap<>();
    private final Map<String, Integer> uses = new HashMap<>();

    OnnxGraph(String source, Onnx.GraphProto graph) throws OnnxImportException {
        this.source = source;
        this.graph = graph;
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (Onnx.NodeProto n : graph.getNodeList()) {
            for (String out : n.getOutputList()) {
                if (!out.isEmpty() && producers.put(out, n) != null) {
                    throw new OnnxImportException(source + ": the value '" + out + "' is produced by two nodes (the second: "
                            + name(n) + "); a valid ONNX graph assigns each value once");
                }
            }
            for (String in : n.getInputList()) {
                uses.merge(in, 1, Integer::sum);
            }
        }
    }

    String source() {
        return source;
    }

    Onnx.GraphProto proto() {
        return graph;
    }

    /** The node that produces the value, or null for a graph input, an initializer or an unknown name. */
    Onnx.NodeProto producer(String value) {
        return initializers.containsKey(value) ? null : producers.get(value);
    }

    /** How many node inputs read the value. */
    int uses(String value) {
        return uses.getOrDefault(value, 0);
    }

    boolean isInitializer(String value) {
        return initializers.containsKey(value);
    }

    boolean isGraphInput(String value) {
        if (initializers.containsKey(value)) {
            return false;
        }
        for (Onnx.ValueInfoProto v : graph.getInputList()) {
            if (v.getName().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** A node's name for messages: its name, or its first output's when it has none. */
    static String name(Onnx.NodeProto n) {
        if (!n.getName().isEmpty()) {
            return n.getName();
        }
        return n.getOutputCount() > 0 ? "(unnamed, output " + n.getOutput(0) + ")" : "(unnamed)";
    }

    /** The node's attribute, or null. */
    static Onnx.AttributeProto attribute(Onnx.NodeProto n, String name) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** The tensor of a constant value (an initializer or a {@code Constant} node's {@code value}), or null. */
    Onnx.TensorProto constantTensor(String value) {
        Onnx.TensorProto t = initializers.get(value);
        if (t != null) {
            return t;
        }
        Onnx.NodeProto n = producers.get(value);
        if (n != null && n.getOpType().equals("Constant")) {
            Onnx.AttributeProto a = attribute(n, "value");
            if (a != null && a.hasT()) {
                return a.getT();
            }
        }
        return null;
    }

    /** The element count of a tensor's dims, checked: non-negative dims, at most {@link #MAX_ELEMENTS}. */
    long elements(Onnx.TensorProto t) throws OnnxImportException {
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                throw new OnnxImportException(source + ": tensor '" + t.getName() + "' declares a negative dimension in "
                        + t.getDimsList() + "; the file is corrupt");
            }
            n = d == 0 ? 0 : (n > MAX_ELEMENTS / d ? MAX_ELEMENTS + 1 : n * d);
        }
        if (n > MAX_ELEMENTS) {
            throw new OnnxImportException(source + ": tensor '" + t.getName() + "' declares dims " + t.getDimsList()
                    + ", more than " + MAX_ELEMENTS + " elements; such a tensor cannot be imported");
        }
        return n;
    }

    /**
     * The values of a float32 tensor, its declared element count checked against the data it holds
     * before the array is made.
     */
    float[] floats(Onnx.TensorProto t) throws OnnxImportException {
        if (t.getDataType() != Onnx.TensorProto.DataType.FLOAT.getNumber()) {
            throw new OnnxImportException(source + ": tensor '" + t.getName() + "' has data type " + dataTypeName(t.getDataType())
                    + "; the importer reads float32 weights (FLOAT); export the model in fp32");
        }
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
            throw new OnnxImportException(source + ": tensor '" + t.getName() + "' keeps its data in an external file; "
                    + "save the model with its weights inside the .onnx file (onnx.save(model, path, save_as_external_data=False))");
        }
        long n = elements(t);
        if (!t.getRawData().isEmpty()) {
            long bytes = t.getRawData().size();
            if (bytes != n * 4) {
                throw new OnnxImportException(source + ": tensor '" + t.getName() + "' declares dims " + t.getDimsList() + " (" + n
                        + " float32 values, " + n * 4 + " bytes) but holds " + bytes + " bytes; the file is truncated or corrupt");
            }
            float[] out = new float[(int) n];
            FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            fb.get(out);
            return out;
        }
        if (t.getFloatDataCount() != n) {
            throw new OnnxImportException(source + ": tensor '" + t.getName() + "' declares dims " + t.getDimsList() + " (" + n
                    + " values) but holds " + t.getFloatDataCount() + "; the file is truncated or corrupt");
        }
        float[] out = new float[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    /** The values of an integer or float tensor as doubles (constants: small). */
    double[] numbers(Onnx.TensorProto t) throws OnnxImportException {
        long n = elements(t);
        if (n > 1 << 20) {
            throw new OnnxImportException(source + ": constant '" + t.getName() + "' has " + n + " elements, more than a shape or "
                    + "scalar constant of this importer may have (1,048,576)");
        }
        int k = (int) n;
        double[] out = new double[k];
        int type = t.getDataType();
        boolean raw = !t.getRawData().isEmpty();
        java.nio.ByteBuffer b = raw ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        int width = switch (type) {
            case 1, 6 -> 4; // FLOAT, INT32
            case 7, 11 -> 8; // INT64, DOUBLE
            case 9 -> 1; // BOOL
            default -> throw new OnnxImportException(source + ": constant '" + t.getName() + "' has data type " + dataTypeName(type)
                    + "; expected FLOAT, DOUBLE, INT32, INT64 or BOOL");
        };
        if (raw && b.remaining() != (long) k * width) {
            throw new OnnxImportException(source + ": constant '" + t.getName() + "' declares " + k + " elements of " + width
                    + " bytes but holds " + b.remaining() + " bytes; the file is truncated or corrupt");
        }
        int held = raw ? k : switch (type) {
            case 1 -> t.getFloatDataCount();
            case 6, 9 -> t.getInt32DataCount();
            case 7 -> t.getInt64DataCount();
            default -> t.getDoubleDataCount();
        };
        if (held != k) {
            throw new OnnxImportException(source + ": constant '" + t.getName() + "' declares " + k + " elements but holds " + held
                    + "; the file is truncated or corrupt");
        }
        for (int i = 0; i < k; i++) {
            out[i] = switch (type) {
                case 1 -> raw ? b.getFloat() : t.getFloatData(i);
                case 6 -> raw ? b.getInt() : t.getInt32Data(i);
                case 9 -> raw ? b.get() : t.getInt32Data(i);
                case 7 -> raw ? b.getLong() : t.getInt64Data(i);
                default -> raw ? b.getDouble() : t.getDoubleData(i);
            };
        }
        return out;
    }

    /** A constant's values, or null when the value is not a constant. */
    double[] constant(String value) throws OnnxImportException {
        Onnx.TensorProto t = constantTensor(value);
        return t == null ? null : numbers(t);
    }

    /**
     * A shape value's entries as far as they are constant: a constant's values; a {@code Concat}
     * of parts, each a constant or an {@code Unsqueeze} of a constant, else one unknown entry
     * (−1, a size read from a tensor at run time). Null when nothing of it can be read.
     */
    long[] shapeEntries(String value) throws OnnxImportException {
        double[] c = constant(value);
        if (c != null) {
            long[] out = new long[c.length];
            for (int i = 0; i < c.length; i++) {
                out[i] = (long) c[i];
            }
            return out;
        }
        Onnx.NodeProto n = producer(value);
        if (n == null || !n.getOpType().equals("Concat")) {
            return null;
        }
        List<Long> out = new ArrayList<>();
        for (String in : n.getInputList()) {
            double[] part = constant(in);
            Onnx.NodeProto p = producer(in);
            if (part == null && p != null && p.getOpType().equals("Unsqueeze")) {
                part = constant(p.getInput(0));
            }
            if (part == null) {
                out.add(-1L);
            } else {
                for (double v : part) {
                    out.add((long) v);
                }
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** The ints of an INTS attribute, or null. */
    static long[] ints(Onnx.NodeProto n, String name) {
        Onnx.AttributeProto a = attribute(n, name);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** An INT attribute, or the default. */
    static long intAttribute(Onnx.NodeProto n, String name, long dflt) {
        Onnx.AttributeProto a = attribute(n, name);
        return a == null ? dflt : a.getI();
    }

    /** A FLOAT attribute, or the default. */
    static double floatAttribute(Onnx.NodeProto n, String name, double dflt) {
        Onnx.AttributeProto a = attribute(n, name);
        return a == null ? dflt : a.getF();
    }

    /** The dims of a tensor. */
    static long[] dims(Onnx.TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    static String dims(long[] d) {
        return Arrays.toString(d);
    }

    static String dataTypeName(int type) {
        Onnx.TensorProto.DataType d = Onnx.TensorProto.DataType.forNumber(type);
        return d == null ? "code " + type : d.name();
    }
}
