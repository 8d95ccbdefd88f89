package dev.aiaas.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.aiaas.core.backend.Backends;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import onnx.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The importer on graphs that compute a BERT encoder in other forms than the MiniLM export: a tiny
 * random encoder (V=50, D=8, H=2, F=16, L=2) written here with opset 20's fused
 * {@code LayerNormalization} and {@code Gelu}, or the erf GELU as x·(½·(1 + erf(x·(1/√2)))),
 * scores scaled by Mul instead of Div, opset 13's Unsqueeze with axes as an input, Reshape targets
 * with 0 (copy a dimension), and the operands of the sums in the other order. Each is imported
 * and compared with ONNX Runtime running the same bytes.
 */
class GraphVariantsTest {

    private static final int V = 50;
    private static final int P = 16;
    private static final int D = 8;
    private static final int H = 2;
    private static final int F = 16;
    private static final int L = 2;

    private static OrtEnvironment env;

    @BeforeAll
    static void backend() {
        Backends.current();
        env = OrtEnvironment.getEnvironment();
    }

    /** Builds the graph: nodes, initializers, and a counter for unique value names. */
    private static final class G {
        final Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("tiny-bert");
        final SplittableRandom r = new SplittableRandom(5);
        int next;

        String fresh(String op) {
            return op.toLowerCase() + "_" + next++;
        }

        String node(String op, List<Onnx.AttributeProto> attrs, String... inputs) {
            String out = fresh(op);
            Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName("n/" + out).addAllInput(Arrays.asList(inputs))
                    .addOutput(out);
            attrs.forEach(n::addAttribute);
            g.addNode(n);
            return out;
        }

        String node(String op, String... inputs) {
            return node(op, List.of(), inputs);
        }

        String floats(String name, float[] values, long... dims) {
            Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(1);
            for (long d : dims) {
                t.addDims(d);
            }
            for (float v : values) {
                t.addFloatData(v);
            }
            g.addInitializer(t);
            return name;
        }

        String longs(String name, long[] values, long... dims) {
            Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(7);
            for (long d : dims) {
                t.addDims(d);
            }
            for (long v : values) {
                t.addInt64Data(v);
            }
            g.addInitializer(t);
            return name;
        }

        String random(String name, double scale, long... dims) {
            int n = 1;
            for (long d : dims) {
                n *= (int) d;
            }
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (r.nextGaussian() * scale);
            }
            return floats(name, v, dims);
        }

        String scalar(float v) {
            return floats(fresh("c"), new float[] {v});
        }
    }

    private static Onnx.AttributeProto ints(String name, long... v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static Onnx.AttributeProto intAttr(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static Onnx.AttributeProto floatAttr(String name, float v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private static Onnx.ValueInfoProto input(String name, int type, String... dims) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        for (String d : dims) {
            if (d.matches("\\d+")) {
                s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(Long.parseLong(d)));
            } else {
                s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(d));
            }
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(type).setShape(s))).build();
    }

    /** γ near 1, β near 0, then LayerNormalization (fused) over the last axis. */
    private static String layerNorm(G g, String x) {
        float[] gamma = new float[D];
        for (int i = 0; i < D; i++) {
            gamma[i] = (float) (1 + 0.1 * g.r.nextGaussian());
        }
        String ga = g.floats(g.fresh("gamma"), gamma, D);
        String be = g.random(g.fresh("beta"), 0.1, D);
        return g.node("LayerNormalization", List.of(intAttr("axis", -1), floatAttr("epsilon", 1e-12f)), x, ga, be);
    }

    private static String dense(G g, String x, int in, int out, boolean biasFirst) {
        String w = g.random(g.fresh("w"), 1 / Math.sqrt(in), in, out);
        String b = g.random(g.fresh("b"), 0.1, out);
        String mm = g.node("MatMul", x, w);
        return biasFirst ? g.node("Add", b, mm) : g.node("Add", mm, b);
    }

    private static String heads(G g, String x, long[] perm) {
        String shape = g.longs(g.fresh("shape"), new long[] {0, 0, H, D / H}, 4);
        return g.node("Transpose", List.of(ints("perm", perm)), g.node("Reshape", x, shape));
    }

    /** The model bytes: {@code fusedGelu} chooses opset 20's Gelu or the erf product form. */
    static byte[] model(boolean fusedGelu) {
        G g = new G();
        g.g.addInput(input("input_ids", 7, "B", "T"));
        g.g.addInput(input("attention_mask", 7, "B", "T"));
        g.g.addInput(input("token_type_ids", 7, "B", "T"));
        g.g.addOutput(input("last_hidden_state", 1, "B", "T", String.valueOf(D)));
        // the additive mask (1 − mask)·(−10000) as [B, 1, 1, T]; Unsqueeze's axes as inputs (opset 13)
        String m = g.node("Unsqueeze", "attention_mask", g.longs("axes1", new long[] {1}, 1));
        m = g.node("Unsqueeze", m, g.longs("axes2", new long[] {2}, 1));
        m = g.node("Cast", List.of(intAttr("to", 1)), m);
        String mask = g.node("Mul", g.node("Sub", g.scalar(1f), m), g.scalar(-10000f));
        // positions 0 .. T−1: a Slice of a constant arange up to T read from the ids' shape
        long[] arange = new long[P];
        for (int i = 0; i < P; i++) {
            arange[i] = i;
        }
        String positionIds = g.longs("position_ids", arange, 1, P);
        String t = g.node("Unsqueeze", g.node("Gather", List.of(intAttr("axis", 0)), g.node("Shape", "input_ids"),
                g.longs("one", new long[] {1})), g.longs("axes0", new long[] {0}, 1));
        String pos = g.node("Slice", positionIds, g.longs("start", new long[] {0}, 1), t, g.longs("axis1", new long[] {1}, 1));
        String word = g.node("Gather", g.random("word", 1, V, D), "input_ids");
        String type = g.node("Gather", g.random("type", 1, 2, D), "token_type_ids");
        String position = g.node("Gather", g.random("position", 1, P, D), pos);
        String h = layerNorm(g, g.node("Add", position, g.node("Add", word, type)));
        for (int l = 0; l < L; l++) {
            String q = heads(g, dense(g, h, D, D, l % 2 == 0), new long[] {0, 2, 1, 3});
            String k = heads(g, dense(g, h, D, D, false), new long[] {0, 2, 3, 1});
            String v = heads(g, dense(g, h, D, D, true), new long[] {0, 2, 1, 3});
            String scores = g.node("Mul", g.node("MatMul", q, k), g.scalar((float) (1 / Math.sqrt(D / H))));
            String probs = g.node("Softmax", List.of(intAttr("axis", -1)), g.node("Add", mask, scores));
            String ctx = g.node("Transpose", List.of(ints("perm", 0, 2, 1, 3)), g.node("MatMul", probs, v));
            String merged = g.node("Reshape", ctx, g.longs(g.fresh("merge"), new long[] {0, 0, D}, 3));
            String h1 = layerNorm(g, g.node("Add", h, dense(g, merged, D, D, false)));
            String z = dense(g, h1, D, F, true);
            String act;
            if (fusedGelu) {
                act = g.node("Gelu", z);
            } else { // x·(½·(1 + erf(x·(1/√2))))
                String erf = g.node("Erf", g.node("Mul", z, g.scalar((float) (1 / Math.sqrt(2)))));
                act = g.node("Mul", z, g.node("Mul", g.scalar(0.5f), g.node("Add", g.scalar(1f), erf)));
            }
            h = layerNorm(g, g.node("Add", dense(g, act, F, D, false), h1));
        }
        g.g.addNode(Onnx.NodeProto.newBuilder().setOpType("Identity").setName("output").addInput(h).addOutput("last_hidden_state"));
        return Onnx.ModelProto.newBuilder().setIrVersion(9).setProducerName("aiaas GraphVariantsTest")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(20)).setGraph(g.g).build().toByteArray();
    }

    private static void agree(byte[] model, String what) throws Exception {
        int[][] ids = {{1, 7, 30, 2}, {1, 5, 9, 44, 12, 3, 2}, {1, 2}};
        int[][] types = {{0, 0, 1, 1}, {0, 0, 0, 1, 1, 1, 1}, {0, 0}};
        float[][][] ours;
        try (TransformerEncoder e = OnnxImport.encoder(model, what)) {
            assertEquals(new TransformerEncoder.Config(V, P, 2, D, H, L, F, (double) 1e-12f), e.config());
            ours = e.hiddenStates(ids, null, types);
        }
        int n = ids.length;
        int t = 7;
        long[][] x = new long[n][t];
        long[][] m = new long[n][t];
        long[][] y = new long[n][t];
        for (int b = 0; b < n; b++) {
            for (int s = 0; s < ids[b].length; s++) {
                x[b][s] = ids[b][s];
                m[b][s] = 1;
                y[b][s] = types[b][s];
            }
        }
        float[][][] ref;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, o);
                 OnnxTensor a = OnnxTensor.createTensor(env, x); OnnxTensor c = OnnxTensor.createTensor(env, m);
                 OnnxTensor d = OnnxTensor.createTensor(env, y)) {
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put("input_ids", a);
                in.put("attention_mask", c);
                in.put("token_type_ids", d);
                try (OrtSession.Result r = session.run(in)) {
                    ref = (float[][][]) r.get(0).getValue();
                }
            }
        }
        double worst = 0;
        for (int b = 0; b < n; b++) {
            for (int s = 0; s < ids[b].length; s++) {
                for (int c = 0; c < D; c++) {
                    worst = Math.max(worst, Math.abs(ours[b][s][c] - ref[b][s][c]));
                }
            }
        }
        System.out.printf("%s: largest |aiaas - ONNX Runtime| %.3g%n", what, worst);
        assertTrue(worst < 1e-5, what + ": " + worst);
    }

    @Test
    void fusedLayerNormalizationAndGeluAgreeWithOnnxRuntime() throws Exception {
        agree(model(true), "LayerNormalization + Gelu (opset 20)");
    }

    @Test
    void theErfProductInAnotherOrderAgreesWithOnnxRuntime() throws Exception {
        agree(model(false), "LayerNormalization + x·(½·(1 + erf(x/√2)))");
    }
}
