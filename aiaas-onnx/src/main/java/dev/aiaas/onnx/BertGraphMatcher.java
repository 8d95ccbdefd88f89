package dev.aiaas.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import onnx.Onnx;

/**
 * Internal: recognises a BERT-family encoder in an ONNX graph by its data flow, not by node names,
 * and reads its weights into the layout of the aiaas layers that compute it.
 *
 * <p>The walk starts at the graph's first output and goes backward, one encoder layer at a time:
 * <pre>
 * h_out = LN(h₁ + Dense₂(GELU(Dense₁(h₁))))           feed-forward block (post-LN)
 * h₁    = LN(h + Dense_o(Attention(h, mask)))          attention block
 * h₀    = LN(Gather(W_word, ids) + Gather(W_pos, 0..T−1) [+ Gather(W_type, types)])
 * </pre>
 * where LN is {@code LayerNormalization} or its decomposition (ReduceMean, Sub, Pow, ReduceMean,
 * Add ε, Sqrt, Div, Mul γ, Add β), Dense is {@code MatMul} + {@code Add} of initializers or a
 * {@code Gemm}, GELU is {@code Gelu} or the erf form x·½·(1 + erf(x/√2)) in any order of its
 * products, and Attention is the multi-head pattern Reshape/Transpose of the Q, K and V
 * projections, MatMul, Div by √d_k (or Mul by 1/√d_k), Add of the additive padding mask
 * (1 − mask)·c with c ≤ −10⁴, Softmax over the keys, MatMul with V, Transpose and Reshape back.
 * Operators outside {@link #SUPPORTED} are refused before the walk; a supported one in another
 * structure is refused where the walk meets it, naming the node and what was expected.
 */
final class BertGraphMatcher {

    /** The operators that may appear in an importable graph (the patterns' and their shape plumbing's). */
    static final Set<String> SUPPORTED = Set.of("Gather", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "ReduceMean", "MatMul", "Gemm",
            "Reshape", "Transpose", "Softmax", "Erf", "Gelu", "LayerNormalization", "Shape", "Constant", "Unsqueeze", "Squeeze",
            "Concat", "Cast", "Slice", "Identity");

    private final OnnxGraph g;
    private final String src;

    BertGraphMatcher(OnnxGraph g) {
        this.g = g;
        this.src = g.source();
    }

    record Ln(String x, String gamma, String beta, double epsilon) {
    }

    record DenseMatch(String x, String weight, boolean transposed, String bias, int in, int out) {
    }

    record AttentionMatch(String x, DenseMatch q, DenseMatch k, DenseMatch v, DenseMatch o, int heads, String mask) {
    }

    record LayerMatch(AttentionMatch attention, Ln ln1, DenseMatch ff1, DenseMatch ff2, Ln ln2) {
    }

    /** Refuses the first node whose operator is not in {@link #SUPPORTED}, or of a non-default domain. */
    void checkOperators() throws UnsupportedOperatorException {
        for (Onnx.NodeProto n : g.proto().getNodeList()) {
            String domain = n.getDomain();
            boolean standard = domain.isEmpty() || domain.equals("ai.onnx");
            if (!standard || !SUPPORTED.contains(n.getOpType())) {
                String op = standard ? n.getOpType() : domain + "::" + n.getOpType();
                throw new UnsupportedOperatorException(op, OnnxGraph.name(n), src + ": operator " + op + " (node "
                        + OnnxGraph.name(n) + ") is not supported by the ONNX importer; it maps BERT-family encoders built from "
                        + String.join(", ", new TreeSet<>(SUPPORTED)) + " (export the model without fused or quantised operators, "
                        + "e.g. torch.onnx.export of the Hugging Face model without onnxruntime optimisations)");
            }
        }
    }

    /** The whole encoder: the embeddings' match and the layers, first to last. */
    EncoderWeights match() throws OnnxImportException {
        checkOperators();
        if (g.proto().getOutputCount() == 0) {
            throw new OnnxImportException(src + ": the graph has no outputs; expected the encoder's last hidden state");
        }
        String out = g.proto().getOutput(0).getName();
        List<LayerMatch> layers = new ArrayList<>();
        String v = out;
        Ln embLn;
        List<Onnx.NodeProto> gathers;
        while (true) {
            Ln ln = layerNorm(v, "the encoder's output " + out);
            List<String> leaves = new ArrayList<>();
            addLeaves(ln.x(), leaves);
            List<Onnx.NodeProto> gs = embeddingGathers(leaves);
            if (gs != null) {
                embLn = ln;
                gathers = gs;
                break;
            }
            LayerMatch layer = layer(ln);
            layers.add(0, layer);
            v = layer.attention().x();
            if (layers.size() > 10_000) {
                throw new OnnxImportException(src + ": more than 10,000 encoder layers; the graph is not an encoder the importer maps");
            }
        }
        if (layers.isEmpty()) {
            throw new OnnxImportException(src + ": the graph's output " + out + " is the embeddings' layer normalisation, "
                    + "with no encoder layer after it");
        }
        return EncoderWeights.read(g, embLn, gathers, layers);
    }

    /** The operands of the sum at the value, through nested Adds: the leaves of the Add tree. */
    private void addLeaves(String value, List<String> leaves) {
        Onnx.NodeProto n = node(value);
        if (n != null && n.getOpType().equals("Add") && n.getInputCount() == 2) {
            addLeaves(n.getInput(0), leaves);
            addLeaves(n.getInput(1), leaves);
        } else {
            leaves.add(value);
        }
    }

    /** The Gathers of an embeddings sum (each from a rank-2 initializer table), or null when the leaves are not that. */
    private List<Onnx.NodeProto> embeddingGathers(List<String> leaves) {
        if (leaves.size() < 2 || leaves.size() > 3) {
            return null;
        }
        List<Onnx.NodeProto> out = new ArrayList<>();
        for (String leaf : leaves) {
            Onnx.NodeProto n = node(leaf);
            if (n == null || !n.getOpType().equals("Gather") || n.getInputCount() != 2 || !g.isInitializer(n.getInput(0))
                    || g.constantTensor(n.getInput(0)).getDimsCount() != 2) {
                return null;
            }
            out.add(n);
        }
        return out;
    }

    /** One encoder layer ending at the feed-forward block's normalisation {@code ln2}. */
    private LayerMatch layer(Ln ln2) throws OnnxImportException {
        Onnx.NodeProto sum2 = expect(ln2.x(), "Add", "the feed-forward block's residual sum h₁ + Dense₂(GELU(Dense₁(h₁)))");
        for (int side = 0; side < 2; side++) {
            DenseMatch ff2 = dense(sum2.getInput(side));
            if (ff2 == null) {
                continue;
            }
            String u = gelu(ff2.x());
            DenseMatch ff1 = u == null ? null : dense(u);
            if (ff1 == null || !ff1.x().equals(sum2.getInput(1 - side))) {
                continue;
            }
            Ln ln1 = layerNorm(ff1.x(), "the attention block's output");
            Onnx.NodeProto sum1 = expect(ln1.x(), "Add", "the attention block's residual sum h + Dense_o(Attention(h))");
            for (int s = 0; s < 2; s++) {
                AttentionMatch a = attention(sum1.getInput(s));
                if (a != null && a.x().equals(sum1.getInput(1 - s))) {
                    return new LayerMatch(a, ln1, ff1, ff2, ln2);
                }
            }
            throw mismatch(sum1, "one operand to be the attention block Dense_o(merge_heads(softmax(Q Kᵀ/√d_k + mask) V)) "
                    + "over the other operand h (Q, K, V dense projections of h)");
        }
        throw mismatch(sum2, "one operand to be Dense₂(GELU(Dense₁(h₁))) of the other operand h₁ (Dense = MatMul + Add or Gemm, "
                + "GELU = Gelu or x·½·(1 + erf(x/√2)))");
    }

    private OnnxImportException mismatch(Onnx.NodeProto n, String expected) {
        StringBuilder found = new StringBuilder();
        for (String in : n.getInputList()) {
            Onnx.NodeProto p = node(in);
            found.append(found.length() == 0 ? "" : ", ").append(in).append(" from ")
                    .append(p == null ? (g.isInitializer(in) ? "an initializer" : "a graph input") : p.getOpType() + " " + OnnxGraph.name(p));
        }
        return new OnnxImportException(src + ": cannot map node " + OnnxGraph.name(n) + " (" + n.getOpType() + "): expected "
                + expected + "; its inputs are " + found + ". The importer maps BERT-family encoders (post-LN layers)");
    }

    /** The producer of a value, through Identity nodes. */
    private Onnx.NodeProto node(String value) {
        Onnx.NodeProto n = g.producer(value);
        while (n != null && n.getOpType().equals("Identity")) {
            n = g.producer(n.getInput(0));
        }
        return n;
    }

    private Onnx.NodeProto expect(String value, String op, String what) throws OnnxImportException {
        Onnx.NodeProto n = node(value);
        if (n == null || !n.getOpType().equals(op)) {
            throw new OnnxImportException(src + ": cannot map the value " + value + ": expected " + what + " (an " + op + " node), found "
                    + (n == null ? (g.isInitializer(value) ? "an initializer" : "a graph input or nothing")
                            : n.getOpType() + " node " + OnnxGraph.name(n)));
        }
        return n;
    }

    private Onnx.NodeProto is(String value, String op) {
        Onnx.NodeProto n = node(value);
        return n != null && n.getOpType().equals(op) ? n : null;
    }

    private boolean isVector(String value) {
        Onnx.TensorProto t = g.isInitializer(value) ? g.constantTensor(value) : null;
        return t != null && t.getDimsCount() == 1;
    }

    /** A scalar constant's value (a constant of one element), or NaN. */
    private double scalar(String value) throws OnnxImportException {
        double[] c = g.constant(value);
        return c != null && c.length == 1 ? c[0] : Double.NaN;
    }

    // ------------------------------------------------------------------ layer normalisation

    private Ln layerNorm(String value, String what) throws OnnxImportException {
        Onnx.NodeProto n = node(value);
        if (n != null && n.getOpType().equals("LayerNormalization")) {
            long axis = OnnxGraph.intAttribute(n, "axis", -1);
            if (axis != -1 && axis != 2) {
                throw new OnnxImportException(src + ": node " + OnnxGraph.name(n) + " normalises over axis " + axis
                        + "; expected the last axis (-1) of [B, T, D]");
            }
            if (n.getInputCount() < 2 || !isVector(n.getInput(1)) || n.getInputCount() > 2 && !isVector(n.getInput(2))) {
                throw new OnnxImportException(src + ": node " + OnnxGraph.name(n) + " (LayerNormalization) needs its scale and bias "
                        + "as rank-1 initializers");
            }
            return new Ln(n.getInput(0), n.getInput(1), n.getInputCount() > 2 ? n.getInput(2) : null,
                    OnnxGraph.floatAttribute(n, "epsilon", 1e-5));
        }
        String fail = "a layer normalisation (LayerNormalization, or Add(Mul(Div(x − mean(x), √(mean((x − mean(x))²) + ε)), γ), β)) producing "
                + what;
        Onnx.NodeProto addBeta = expect(value, "Add", fail);
        int bSide = isVector(addBeta.getInput(1)) ? 1 : isVector(addBeta.getInput(0)) ? 0 : -1;
        Onnx.NodeProto mulGamma = bSide < 0 ? null : is(addBeta.getInput(1 - bSide), "Mul");
        int gSide = mulGamma == null ? -1 : isVector(mulGamma.getInput(1)) ? 1 : isVector(mulGamma.getInput(0)) ? 0 : -1;
        Onnx.NodeProto div = gSide < 0 ? null : is(mulGamma.getInput(1 - gSide), "Div");
        Onnx.NodeProto sub = div == null ? null : is(div.getInput(0), "Sub");
        Onnx.NodeProto sqrt = div == null ? null : is(div.getInput(1), "Sqrt");
        Onnx.NodeProto addEps = sqrt == null ? null : is(sqrt.getInput(0), "Add");
        if (sub == null || addEps == null) {
            throw mismatch(addBeta, fail);
        }
        Onnx.NodeProto mean = is(sub.getInput(1), "ReduceMean");
        String x = sub.getInput(0);
        if (mean == null || !mean.getInput(0).equals(x) || !lastAxisMean(mean)) {
            throw mismatch(sub, "x − ReduceMean(x, axes=[-1]) in " + fail);
        }
        int eSide = !Double.isNaN(scalar(addEps.getInput(1))) ? 1 : 0;
        double eps = scalar(addEps.getInput(eSide));
        Onnx.NodeProto var = is(addEps.getInput(1 - eSide), "ReduceMean");
        Onnx.NodeProto pow = var == null ? null : is(var.getInput(0), "Pow");
        boolean square = pow != null && pow.getInput(0).equals(sub.getOutput(0)) && scalar(pow.getInput(1)) == 2.0;
        if (!(eps > 0) || !square || !lastAxisMean(var)) {
            throw mismatch(addEps, "ReduceMean((x − mean)², axes=[-1]) + ε with a positive scalar ε in " + fail);
        }
        return new Ln(x, mulGamma.getInput(gSide), addBeta.getInput(bSide), eps);
    }

    private boolean lastAxisMean(Onnx.NodeProto mean) throws OnnxImportException {
        long[] axes = OnnxGraph.ints(mean, "axes");
        if ((axes == null || axes.length == 0) && mean.getInputCount() > 1) {
            double[] c = g.constant(mean.getInput(1));
            axes = c == null ? null : java.util.Arrays.stream(c).mapToLong(d -> (long) d).toArray();
        }
        return axes != null && axes.length == 1 && (axes[0] == -1 || axes[0] == 2) && OnnxGraph.intAttribute(mean, "keepdims", 1) == 1;
    }

    // ------------------------------------------------------------------ dense, GELU

    /** x W + b (MatMul then Add, either operand order, or Gemm; W and b initializers), or null. */
    private DenseMatch dense(String value) {
        Onnx.NodeProto n = node(value);
        if (n == null) {
            return null;
        }
        if (n.getOpType().equals("Gemm")) {
            if (n.getInputCount() < 2 || !g.isInitializer(n.getInput(1)) || OnnxGraph.intAttribute(n, "transA", 0) != 0
                    || OnnxGraph.floatAttribute(n, "alpha", 1) != 1 || OnnxGraph.floatAttribute(n, "beta", 1) != 1) {
                return null;
            }
            boolean tb = OnnxGraph.intAttribute(n, "transB", 0) == 1;
            long[] d = OnnxGraph.dims(g.constantTensor(n.getInput(1)));
            String bias = n.getInputCount() > 2 ? n.getInput(2) : null;
            if (d.length != 2 || bias != null && !isVector(bias)) {
                return null;
            }
            return new DenseMatch(n.getInput(0), n.getInput(1), tb, bias, (int) d[tb ? 1 : 0], (int) d[tb ? 0 : 1]);
        }
        String bias = null;
        Onnx.NodeProto mm = n;
        if (n.getOpType().equals("Add")) {
            int bSide = isVector(n.getInput(1)) ? 1 : isVector(n.getInput(0)) ? 0 : -1;
            if (bSide < 0) {
                return null;
            }
            bias = n.getInput(bSide);
            mm = node(n.getInput(1 - bSide));
        }
        if (mm == null || !mm.getOpType().equals("MatMul") || !g.isInitializer(mm.getInput(1))) {
            return null;
        }
        long[] d = OnnxGraph.dims(g.constantTensor(mm.getInput(1)));
        if (d.length != 2 || d[0] < 1 || d[1] < 1 || d[0] > Integer.MAX_VALUE || d[1] > Integer.MAX_VALUE) {
            return null;
        }
        return new DenseMatch(mm.getInput(0), mm.getInput(1), false, bias, (int) d[0], (int) d[1]);
    }

    /** The input x of GELU(x) (Gelu, or a product of x, ½ and 1 + erf(x/√2) in any grouping), or null. */
    private String gelu(String value) throws OnnxImportException {
        Onnx.NodeProto n = node(value);
        if (n == null) {
            return null;
        }
        if (n.getOpType().equals("Gelu")) {
            Onnx.AttributeProto a = OnnxGraph.attribute(n, "approximate");
            return a == null || a.getS().toStringUtf8().equals("none") ? n.getInput(0) : null;
        }
        List<String> factors = new ArrayList<>();
        mulLeaves(value, factors);
        if (factors.size() != 3) {
            return null;
        }
        String x = null;
        boolean half = false;
        String erfSum = null;
        for (String f : factors) {
            Onnx.NodeProto p = node(f);
            if (scalar(f) == 0.5) {
                half = true;
            } else if (p != null && p.getOpType().equals("Add") && (scalar(p.getInput(0)) == 1.0 || scalar(p.getInput(1)) == 1.0)) {
                erfSum = f;
            } else {
                x = f;
            }
        }
        if (!half || erfSum == null || x == null) {
            return null;
        }
        Onnx.NodeProto add = node(erfSum);
        Onnx.NodeProto erf = is(add.getInput(scalar(add.getInput(0)) == 1.0 ? 1 : 0), "Erf");
        Onnx.NodeProto scale = erf == null ? null : node(erf.getInput(0));
        if (scale == null || !scale.getInput(0).equals(x)) {
            return null;
        }
        double c = scalar(scale.getInput(1));
        boolean ok = scale.getOpType().equals("Div") && Math.abs(c - Math.sqrt(2)) < 1e-6
                || scale.getOpType().equals("Mul") && Math.abs(c - 1 / Math.sqrt(2)) < 1e-6;
        return ok ? x : null;
    }

    private void mulLeaves(String value, List<String> leaves) {
        Onnx.NodeProto n = node(value);
        if (n != null && n.getOpType().equals("Mul") && n.getInputCount() == 2 && leaves.size() < 8) {
            mulLeaves(n.getInput(0), leaves);
            mulLeaves(n.getInput(1), leaves);
        } else {
            leaves.add(value);
        }
    }

    // ------------------------------------------------------------------ attention

    /** Dense_o(merge_heads(softmax(Q Kᵀ/√d_k + mask) V)) with Q, K, V dense projections of one x, or null. */
    private AttentionMatch attention(String value) throws OnnxImportException {
        DenseMatch o = dense(value);
        Onnx.NodeProto merge = o == null ? null : is(o.x(), "Reshape");
        Onnx.NodeProto back = merge == null ? null : is(merge.getInput(0), "Transpose");
        Onnx.NodeProto ctx = back == null || !perm(back, 0, 2, 1, 3) ? null : is(back.getInput(0), "MatMul");
        Onnx.NodeProto softmax = ctx == null ? null : is(ctx.getInput(0), "Softmax");
        if (softmax == null) {
            return null;
        }
        long axis = OnnxGraph.intAttribute(softmax, "axis", -1);
        if (axis != -1 && axis != 3) {
            throw new OnnxImportException(src + ": node " + OnnxGraph.name(softmax) + " takes the softmax over axis " + axis
                    + "; expected the keys' axis (-1 or 3 of [B, H, T, T])");
        }
        Onnx.NodeProto masked = is(softmax.getInput(0), "Add");
        if (masked == null) {
            throw mismatch(softmax, "the scores plus the additive padding mask (Add) as the softmax's input");
        }
        String mask = null;
        String scoresValue = null;
        for (int s = 0; s < 2 && mask == null; s++) {
            mask = maskInput(masked.getInput(s));
            scoresValue = masked.getInput(1 - s);
        }
        if (mask == null) {
            throw mismatch(masked, "one operand to be the additive padding mask (1 − attention_mask)·c, c ≤ −10⁴, from a graph input");
        }
        Onnx.NodeProto scaled = node(scoresValue);
        double scale;
        Onnx.NodeProto qk;
        if (scaled != null && scaled.getOpType().equals("Div") && !Double.isNaN(scalar(scaled.getInput(1)))) {
            scale = 1 / scalar(scaled.getInput(1));
            qk = is(scaled.getInput(0), "MatMul");
        } else if (scaled != null && scaled.getOpType().equals("Mul")) {
            int c = !Double.isNaN(scalar(scaled.getInput(1))) ? 1 : 0;
            scale = scalar(scaled.getInput(c));
            qk = is(scaled.getInput(1 - c), "MatMul");
        } else {
            throw mismatch(masked, "the scores Q Kᵀ divided by √d_k (Div or Mul by a scalar constant)");
        }
        if (qk == null) {
            throw mismatch(scaled, "the product Q Kᵀ (MatMul of the heads' queries and transposed keys)");
        }
        int[] qHeads = new int[2];
        int[] kHeads = new int[2];
        int[] vHeads = new int[2];
        DenseMatch q = heads(qk.getInput(0), new int[] {0, 2, 1, 3}, qHeads);
        DenseMatch k = heads(qk.getInput(1), new int[] {0, 2, 3, 1}, kHeads);
        DenseMatch v = heads(ctx.getInput(1), new int[] {0, 2, 1, 3}, vHeads);
        if (q == null || k == null || v == null) {
            throw mismatch(qk, "Q = Transpose(Reshape(Dense_q(h), [B, T, H, d_k]), [0,2,1,3]) and Kᵀ = Transpose(Reshape(Dense_k(h)), "
                    + "[0,2,3,1]), and V likewise for the MatMul with the softmax");
        }
        if (!q.x().equals(k.x()) || !q.x().equals(v.x())) {
            throw mismatch(qk, "Q, K and V projections of the same hidden state (self-attention)");
        }
        int d = q.in();
        int heads = qHeads[0];
        int dk = qHeads[1];
        for (DenseMatch m : new DenseMatch[] {q, k, v, o}) {
            if (m.in() != d || m.out() != d) {
                throw new OnnxImportException(src + ": the attention projection " + m.weight() + " is [" + m.in() + ", " + m.out()
                        + "]; expected [D, D] with D = " + d + " for every projection");
            }
        }
        if (heads < 1 || dk < 1 || (long) heads * dk != d || kHeads[0] != heads || vHeads[0] != heads || kHeads[1] != dk
                || vHeads[1] != dk) {
            throw mismatch(qk, "the queries, keys and values split into the same H heads of d_k with H·d_k = D = " + d
                    + " (found H=" + heads + ", d_k=" + dk + " for Q, H=" + kHeads[0] + " for K, H=" + vHeads[0] + " for V)");
        }
        if (Math.abs(scale * Math.sqrt(dk) - 1) > 1e-5) {
            throw new OnnxImportException(src + ": node " + OnnxGraph.name(scaled) + " scales the scores by " + scale
                    + "; the attention layer uses 1/√d_k = " + 1 / Math.sqrt(dk) + " for d_k = " + dk);
        }
        long[] merged = g.shapeEntries(merge.getInput(1));
        if (merged == null || merged.length != 3 || merged[2] != d && merged[2] != -1) {
            throw mismatch(merge, "the heads merged back to [B, T, D = " + d + "]");
        }
        return new AttentionMatch(q.x(), q, k, v, o, heads, mask);
    }

    private static boolean perm(Onnx.NodeProto transpose, int... expected) {
        long[] p = OnnxGraph.ints(transpose, "perm");
        if (p == null || p.length != expected.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (p[i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** Transpose(Reshape(Dense(x), [., ., H, d_k]), perm): the dense match, with H and d_k into {@code hd}; or null. */
    private DenseMatch heads(String value, int[] perm, int[] hd) throws OnnxImportException {
        Onnx.NodeProto t = is(value, "Transpose");
        Onnx.NodeProto r = t == null || !perm(t, perm) ? null : is(t.getInput(0), "Reshape");
        if (r == null) {
            return null;
        }
        long[] shape = g.shapeEntries(r.getInput(1));
        if (shape == null || shape.length != 4 || shape[2] < 1 || shape[3] < 1 || shape[2] > Integer.MAX_VALUE || shape[3] > Integer.MAX_VALUE) {
            return null;
        }
        hd[0] = (int) shape[2];
        hd[1] = (int) shape[3];
        return dense(r.getInput(0));
    }

    /** Whether the Unsqueezes (last applied first) take the mask [B, T] to [B, 1, 1, T]: varying over the keys only. */
    private static boolean keysOnly(List<long[]> steps) {
        List<String> dims = new ArrayList<>(List.of("B", "T"));
        for (int i = steps.size() - 1; i >= 0; i--) {
            long[] axes = steps.get(i).clone();
            java.util.Arrays.sort(axes);
            int rank = dims.size() + axes.length;
            for (long a : axes) {
                long at = a < 0 ? a + rank : a;
                if (at < 0 || at > dims.size()) {
                    return false;
                }
                dims.add((int) at, "1");
            }
        }
        return dims.equals(List.of("B", "1", "1", "T"));
    }

    /**
     * The graph input of an additive padding mask (1 − cast(unsqueeze(mask)))·c with c ≤ −10⁴ (or
     * its operands swapped), or null when the value is not that.
     */
    private String maskInput(String value) throws OnnxImportException {
        Onnx.NodeProto mul = is(value, "Mul");
        if (mul == null) {
            return null;
        }
        for (int s = 0; s < 2; s++) {
            double c = scalar(mul.getInput(s));
            Onnx.NodeProto sub = is(mul.getInput(1 - s), "Sub");
            if (!(c <= -1e4) || sub == null || scalar(sub.getInput(0)) != 1.0) {
                continue;
            }
            String v = sub.getInput(1);
            List<long[]> steps = new ArrayList<>(); // the Unsqueezes' axes, last applied first
            for (int depth = 0; depth < 8; depth++) {
                if (g.isGraphInput(v)) {
                    return keysOnly(steps) ? v : null;
                }
                Onnx.NodeProto p = node(v);
                if (p == null || !(p.getOpType().equals("Unsqueeze") || p.getOpType().equals("Cast"))) {
                    break;
                }
                if (p.getOpType().equals("Unsqueeze")) {
                    long[] ax = OnnxGraph.ints(p, "axes");
                    double[] given = ax == null && p.getInputCount() > 1 ? g.constant(p.getInput(1)) : null;
                    if (ax == null && given == null) {
                        return null;
                    }
                    steps.add(ax != null ? ax : java.util.Arrays.stream(given).mapToLong(x -> (long) x).toArray());
                }
                v = p.getInput(0);
            }
        }
        return null;
    }
}
