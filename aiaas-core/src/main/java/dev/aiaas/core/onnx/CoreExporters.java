package dev.aiaas.core.onnx;

import dev.aiaas.core.math.MathOps;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.ActivationLayer;
import dev.aiaas.core.nn.BatchNorm;
import dev.aiaas.core.nn.Dense;
import dev.aiaas.core.nn.Embedding;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.LayerNorm;
import dev.aiaas.core.nn.Lstm;
import dev.aiaas.core.nn.MultiHeadAttention;
import dev.aiaas.core.nn.Residual;
import dev.aiaas.core.nn.SinusoidalPositions;
import dev.aiaas.core.nn.TimeDistributed;
import dev.aiaas.core.onnx.OnnxGraph.Attribute;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ONNX form of core's layers (inference: dropout is the identity, batch norm uses its running statistics). */
final class CoreExporters {
    private CoreExporters() {
    }

    /** The body of an exporter. */
    private interface Body {
        String export(Layer layer, OnnxGraph g, String x, long[] shape, double[] p);
    }

    /** An exporter from its type and body. */
    private record Simple(String type, Body body) implements LayerExporter {
        @Override
        public String export(Layer layer, OnnxGraph graph, String input, long[] inputShape, double[] params) {
            return body.export(layer, graph, input, inputShape, params);
        }
    }

    static Map<String, LayerExporter> all() {
        Map<String, LayerExporter> m = new LinkedHashMap<>();
        List<LayerExporter> list = List.of(
                new Simple("dense", CoreExporters::dense),
                new Simple("dropout", (l, g, x, s, p) -> x),
                new Simple("layer_norm", (l, g, x, s, p) -> {
                    int d = Math.toIntExact(s[s.length - 1]);
                    return g.node("LayerNormalization", List.of(x, g.floats("gamma", new long[] {d}, p, 0),
                            g.floats("beta", new long[] {d}, p, d)), Attribute.of("axis", -1L),
                            Attribute.of("epsilon", ((LayerNorm) l).epsilon()));
                }),
                new Simple("batch_norm", (l, g, x, s, p) -> {
                    int d = Math.toIntExact(s[0]);
                    if (s.length != 1) {
                        throw new OnnxExportException("batch_norm over a per-example shape " + Arrays.toString(s)
                                + " has no ONNX form here; expected [features]");
                    }
                    long[] dims = {d};
                    return g.node("BatchNormalization", List.of(x, g.floats("gamma", dims, p, 0), g.floats("beta", dims, p, d),
                            g.floats("mean", dims, p, 2 * d), g.floats("var", dims, p, 3 * d)),
                            Attribute.of("epsilon", ((BatchNorm) l).epsilon()));
                }),
                new Simple("residual", (l, g, x, s, p) -> g.node("Add", List.of(x, g.layers(((Residual) l).layers(), x, s, p, 0)))),
                new Simple("time_distributed", CoreExporters::timeDistributed),
                new Simple("embedding", CoreExporters::embedding),
                new Simple("multi_head_attention", CoreExporters::attention),
                new Simple("lstm", CoreExporters::lstm),
                new Simple("sinusoidal_positions", (l, g, x, s, p) -> {
                    int t = Math.toIntExact(s[0]);
                    int d = Math.toIntExact(s[1]);
                    return g.node("Add", List.of(x, g.floatsFromColumnMajor("positions", t, d, SinusoidalPositions.encoding(t, d), 0)));
                }),
                // P [maxLength, D] row by row; the first T rows
                new Simple("position_embedding", (l, g, x, s, p) -> g.node("Add", List.of(x, g.floats("positions", s, p, 0)))));
        for (LayerExporter e : list) {
            m.put(e.type(), e);
        }
        for (String name : Activation.NAMES) {
            m.put(name, new Simple(name, (l, g, x, s, p) -> activation(g, ((ActivationLayer) l).activation(), x)));
        }
        return m;
    }

    /** y = x·W + b as {@code Gemm} (W as {@code [units, in]}, transB), then the activation. */
    private static String dense(Layer layer, OnnxGraph g, String x, long[] shape, double[] p) {
        Dense d = (Dense) layer;
        if (shape.length != 1) {
            throw new OnnxExportException("a dense layer over a per-example shape " + Arrays.toString(shape)
                    + " has no ONNX form here; expected [features] (wrap it in time_distributed for sequences)");
        }
        long in = shape[0];
        long units = d.units();
        // θ holds W [in, units] column-major: the same values as [units, in] row-major
        String w = g.floats("W", new long[] {units, in}, p, 0);
        String b = g.floats("b", new long[] {units}, p, Math.toIntExact(in * units));
        String y = g.node("Gemm", List.of(x, w, b), Attribute.of("transB", 1L));
        return activation(g, d.activation(), y);
    }

    /** The activation's nodes; GELU (tanh and erf forms) as its formula, which opset 17 has no operator for. */
    static String activation(OnnxGraph g, Activation a, String x) {
        return switch (a.name()) {
            case "identity" -> x;
            case "relu" -> g.node("Relu", List.of(x));
            case "leaky_relu" -> g.node("LeakyRelu", List.of(x), Attribute.of("alpha", a.alpha()));
            case "tanh" -> g.node("Tanh", List.of(x));
            case "sigmoid" -> g.node("Sigmoid", List.of(x));
            case "softmax" -> g.node("Softmax", List.of(x), Attribute.of("axis", -1L));
            case "gelu" -> {
                // z/2 · (1 + tanh(c (z + 0.044715 z³)))
                String cube = g.node("Mul", List.of(g.node("Mul", List.of(x, x)), x));
                String inner = g.node("Add", List.of(x, g.node("Mul", List.of(cube, g.scalar(0.044715)))));
                String t = g.node("Tanh", List.of(g.node("Mul", List.of(inner, g.scalar(MathOps.GELU_C)))));
                yield g.node("Mul", List.of(g.node("Mul", List.of(x, g.scalar(0.5))), g.node("Add", List.of(t, g.scalar(1.0)))));
            }
            case "gelu_erf" -> { // z/2 · (1 + erf(z / √2))
                String erf = g.node("Erf", List.of(g.node("Mul", List.of(x, g.scalar(1 / Math.sqrt(2))))));
                yield g.node("Mul", List.of(g.node("Mul", List.of(x, g.scalar(0.5))), g.node("Add", List.of(erf, g.scalar(1.0)))));
            }
            default -> throw new OnnxExportException("the activation '" + a.name() + "' has no ONNX form here; activations that "
                    + "export: " + Activation.NAMES);
        };
    }

    /** [N, T, step...] → [N·T, step...] → the inner layer → [N, T, out...]. */
    private static String timeDistributed(Layer layer, OnnxGraph g, String x, long[] shape, double[] p) {
        Layer inner = ((TimeDistributed) layer).layer();
        long t = shape[0];
        long[] step = Arrays.copyOfRange(shape, 1, shape.length);
        long[] flat = new long[step.length + 1];
        flat[0] = -1;
        System.arraycopy(step, 0, flat, 1, step.length);
        String rows = g.node("Reshape", List.of(x, g.longs("shape", flat)));
        String y = g.layers(List.of(inner), rows, step, p, 0);
        long[] out = inner.outputShape(step);
        long[] back = new long[out.length + 2];
        back[0] = -1;
        back[1] = t;
        System.arraycopy(out, 0, back, 2, out.length);
        return g.node("Reshape", List.of(y, g.longs("shape", back)));
    }

    /**
     * Multi-head self-attention on x {@code [N, T, D]}: the projections as {@code MatMul} + {@code Add}
     * (W column-major {@code [D, D]} in θ is {@code [in, out]} for x·W), heads by {@code Reshape} to
     * {@code [N, T, H, d_k]} and {@code Transpose}, scores {@code Q Kᵀ / √d_k} (plus −∞ above the
     * diagonal when causal), {@code Softmax}, the context, heads joined again, the output projection.
     */
    private static String attention(Layer layer, OnnxGraph g, String x, long[] shape, double[] p) {
        MultiHeadAttention a = (MultiHeadAttention) layer;
        int t = Math.toIntExact(shape[0]);
        int d = Math.toIntExact(shape[1]);
        int h = a.heads();
        int dk = d / h;
        int dd = d * d;
        String q = g.node("Add", List.of(g.node("MatMul", List.of(x, g.floatsFromColumnMajor("Wq", d, d, p, 0))),
                g.floats("bq", new long[] {d}, p, 3 * dd)));
        String k = g.node("Add", List.of(g.node("MatMul", List.of(x, g.floatsFromColumnMajor("Wk", d, d, p, dd))),
                g.floats("bk", new long[] {d}, p, 3 * dd + d)));
        String v = g.node("Add", List.of(g.node("MatMul", List.of(x, g.floatsFromColumnMajor("Wv", d, d, p, 2 * dd))),
                g.floats("bv", new long[] {d}, p, 3 * dd + 2 * d)));
        String split = g.longs("heads", 0, 0, h, dk);
        String qh = g.node("Transpose", List.of(g.node("Reshape", List.of(q, split))), Attribute.ints("perm", 0, 2, 1, 3));
        String kt = g.node("Transpose", List.of(g.node("Reshape", List.of(k, split))), Attribute.ints("perm", 0, 2, 3, 1));
        String vh = g.node("Transpose", List.of(g.node("Reshape", List.of(v, split))), Attribute.ints("perm", 0, 2, 1, 3));
        String scores = g.node("Mul", List.of(g.node("MatMul", List.of(qh, kt)), g.scalar(1 / Math.sqrt(dk)))); // [N, H, T, T]
        if (a.causal()) {
            double[] mask = new double[t * t];
            for (int i = 0; i < t; i++) {
                for (int j = i + 1; j < t; j++) {
                    mask[i * t + j] = Double.NEGATIVE_INFINITY;
                }
            }
            scores = g.node("Add", List.of(scores, g.floats("causal_mask", new long[] {t, t}, mask, 0)));
        }
        String weights = g.node("Softmax", List.of(scores), Attribute.of("axis", -1L));
        String context = g.node("Transpose", List.of(g.node("MatMul", List.of(weights, vh))), Attribute.ints("perm", 0, 2, 1, 3));
        String joined = g.node("Reshape", List.of(context, g.longs("shape", 0, 0, d)));
        return g.node("Add", List.of(g.node("MatMul", List.of(joined, g.floatsFromColumnMajor("Wo", d, d, p, 3 * dd + 3 * d))),
                g.floats("bo", new long[] {d}, p, 4 * dd + 3 * d)));
    }

    /** aiaas's gate blocks (PyTorch's i, f, g, o) in ONNX's order i, o, f, c. */
    private static final int[] ONNX_GATES = {0, 3, 1, 2};

    /**
     * LSTM on x {@code [N, T, F]} as ONNX's {@code LSTM} (sequence first, so x is transposed to
     * {@code [T, N, F]} and Y back from {@code [T, 1, N, H]}); W, R and the bias regrouped from
     * aiaas's column-major {@code [F, 4H]}, {@code [H, 4H]} and {@code [4H]} in gate order i, f, g, o
     * to ONNX's {@code [1, 4H, F]}, {@code [1, 4H, H]} and {@code [1, 8H]} (the recurrent bias 0)
     * in gate order i, o, f, c.
     */
    private static String lstm(Layer layer, OnnxGraph g, String x, long[] shape, double[] p) {
        int h = ((Lstm) layer).units();
        int f = Math.toIntExact(shape[1]);
        double[] w = new double[4 * h * f];
        double[] r = new double[4 * h * h];
        double[] b = new double[8 * h];
        int offU = 4 * h * f;
        int offB = offU + 4 * h * h;
        for (int gate = 0; gate < 4; gate++) {
            for (int u = 0; u < h; u++) {
                int row = gate * h + u;                  // ONNX row
                int col = ONNX_GATES[gate] * h + u;      // aiaas column
                for (int i = 0; i < f; i++) {
                    w[row * f + i] = p[col * f + i];
                }
                for (int i = 0; i < h; i++) {
                    r[row * h + i] = p[offU + col * h + i];
                }
                b[row] = p[offB + col];
            }
        }
        String seqFirst = g.node("Transpose", List.of(x), Attribute.ints("perm", 1, 0, 2));
        String y = g.node("LSTM", List.of(seqFirst, g.floats("W", new long[] {1, 4 * h, f}, w, 0),
                g.floats("R", new long[] {1, 4 * h, h}, r, 0), g.floats("B", new long[] {1, 8 * h}, b, 0)),
                Attribute.of("hidden_size", (long) h));
        String squeezed = g.node("Squeeze", List.of(y, g.longs("axes", 1)));
        return g.node("Transpose", List.of(squeezed), Attribute.ints("perm", 1, 0, 2));
    }

    /** Token ids (numbers of the model's type) cast to int64, then {@code Gather} from the table. */
    private static String embedding(Layer layer, OnnxGraph g, String x, long[] shape, double[] p) {
        Embedding e = (Embedding) layer;
        String ids = g.node("Cast", List.of(x), Attribute.of("to", (long) onnx.Onnx.TensorProto.DataType.INT64.getNumber()));
        String table = g.floatsFromColumnMajor("table", e.inputDim(), e.outputDim(), p, 0);
        return g.node("Gather", List.of(table, ids), Attribute.of("axis", 0L));
    }
}
