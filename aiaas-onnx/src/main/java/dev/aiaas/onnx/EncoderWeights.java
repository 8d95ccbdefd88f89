package dev.aiaas.onnx;

import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;

/**
 * Internal: a matched encoder's settings and parameters, each array already in the θ layout of
 * the aiaas layer that takes it (see {@link TransformerEncoder} for the layers).
 *
 * @param config    the encoder's sizes
 * @param inputs    the graph's input names: ids, attention mask, token types (null when absent)
 * @param word      the word table, Embedding θ (column-major [V, D])
 * @param position  the position table, PositionEmbedding θ (row-major [P, D])
 * @param type      the token-type table, Embedding θ (column-major [types, D]), or null
 * @param embNorm   the embeddings' LayerNorm θ: γ then β
 * @param attention per layer, MultiHeadAttention θ
 * @param norm1     per layer, the attention block's LayerNorm θ
 * @param ff1       per layer, Dense(F, gelu_erf) θ
 * @param ff2       per layer, Dense(D) θ
 * @param norm2     per layer, the feed-forward block's LayerNorm θ
 */
record EncoderWeights(TransformerEncoder.Config config, String[] inputs, float[] word, float[] position, float[] type, float[] embNorm,
        List<float[]> attention, List<float[]> norm1, List<float[]> ff1, List<float[]> ff2, List<float[]> norm2) {

    static EncoderWeights read(OnnxGraph g, BertGraphMatcher.Ln embLn, List<Onnx.NodeProto> gathers,
            List<BertGraphMatcher.LayerMatch> layers) throws OnnxImportException {
        String src = g.source();
        Onnx.NodeProto word = null;
        Onnx.NodeProto type = null;
        Onnx.NodeProto position = null;
        for (Onnx.NodeProto n : gathers) {
            if (OnnxGraph.intAttribute(n, "axis", 0) != 0) {
                throw new OnnxImportException(src + ": embedding lookup " + OnnxGraph.name(n) + " gathers along axis "
                        + OnnxGraph.intAttribute(n, "axis", 0) + "; expected rows (axis 0)");
            }
            if (g.isGraphInput(n.getInput(1))) {
                long rows = g.constantTensor(n.getInput(0)).getDims(0);
                if (word == null || rows > g.constantTensor(word.getInput(0)).getDims(0)) {
                    type = word;
                    word = n;
                } else {
                    type = n;
                }
            } else {
                position = n;
            }
        }
        if (word == null || position == null) {
            throw new OnnxImportException(src + ": the embeddings sum holds " + gathers.size() + " table lookups but not both a word "
                    + "lookup (of a graph input) and a position lookup (of constant position ids)");
        }
        checkPositions(g, position);
        String mask = layers.get(0).attention().mask();
        for (BertGraphMatcher.LayerMatch l : layers) {
            if (!l.attention().mask().equals(mask)) {
                throw new OnnxImportException(src + ": the layers' attention masks come from different inputs (" + mask + ", "
                        + l.attention().mask() + "); expected one attention_mask input");
            }
        }
        long[] wd = OnnxGraph.dims(g.constantTensor(word.getInput(0)));
        long[] pd = OnnxGraph.dims(g.constantTensor(position.getInput(0)));
        int d = layers.get(0).attention().q().in();
        int f = layers.get(0).ff1().out();
        int heads = layers.get(0).attention().heads();
        double eps = embLn.epsilon();
        long typeRows = type == null ? 0 : g.constantTensor(type.getInput(0)).getDims(0);
        if (wd[1] != d || pd[1] != d || type != null && g.constantTensor(type.getInput(0)).getDims(1) != d) {
            throw new OnnxImportException(src + ": the embedding tables are " + OnnxGraph.dims(wd) + " and " + OnnxGraph.dims(pd)
                    + "; expected width D = " + d + " (the attention's)");
        }
        for (BertGraphMatcher.LayerMatch l : layers) {
            if (l.attention().heads() != heads || l.attention().q().in() != d || l.ff1().in() != d || l.ff1().out() != f
                    || l.ff2().in() != f || l.ff2().out() != d) {
                throw new OnnxImportException(src + ": layer at " + l.ff2().weight() + " differs in size from the first layer (D=" + d
                        + ", H=" + heads + ", F=" + f + "); the importer maps encoders of identical layers");
            }
            for (BertGraphMatcher.Ln ln : new BertGraphMatcher.Ln[] {l.ln1(), l.ln2()}) {
                if (Math.abs(ln.epsilon() - eps) > 1e-9 * eps) {
                    throw new OnnxImportException(src + ": the layer normalisations use different ε (" + eps + ", " + ln.epsilon()
                            + "); the importer maps one ε for the whole encoder");
                }
            }
        }
        TransformerEncoder.Config config = new TransformerEncoder.Config(Math.toIntExact(wd[0]), Math.toIntExact(pd[0]),
                (int) typeRows, d, heads, layers.size(), f, eps);
        String[] inputs = {word.getInput(1), mask, type == null ? null : type.getInput(1)};
        List<float[]> att = new ArrayList<>();
        List<float[]> n1 = new ArrayList<>();
        List<float[]> f1 = new ArrayList<>();
        List<float[]> f2 = new ArrayList<>();
        List<float[]> n2 = new ArrayList<>();
        for (BertGraphMatcher.LayerMatch l : layers) {
            BertGraphMatcher.AttentionMatch a = l.attention();
            // each read checks its tensor's data against its dims, so θ is allocated only for data the file holds
            BertGraphMatcher.DenseMatch[] qkvo = {a.q(), a.k(), a.v(), a.o()};
            float[][] w = new float[4][];
            float[][] b = new float[4][];
            for (int i = 0; i < 4; i++) {
                w[i] = kernel(g, qkvo[i]);
                b[i] = bias(g, qkvo[i]);
            }
            float[] p = new float[Math.toIntExact(4L * d * d + 4L * d)];
            int at = 0;
            for (int i = 0; i < 3; i++) {
                System.arraycopy(w[i], 0, p, at, d * d);
                at += d * d;
            }
            for (int i = 0; i < 3; i++) {
                System.arraycopy(b[i], 0, p, at, d);
                at += d;
            }
            System.arraycopy(w[3], 0, p, at, d * d);
            at += d * d;
            System.arraycopy(b[3], 0, p, at, d);
            att.add(p);
            n1.add(norm(g, l.ln1(), d));
            f1.add(dense(g, l.ff1()));
            f2.add(dense(g, l.ff2()));
            n2.add(norm(g, l.ln2(), d));
        }
        return new EncoderWeights(config, inputs, columnMajor(g, word), g.floats(g.constantTensor(position.getInput(0))),
                type == null ? null : columnMajor(g, type), norm(g, embLn, d), att, n1, f1, f2, n2);
    }

    /** The position lookup's ids must be 0, 1, …, T − 1: a constant arange, or a Slice of one from 0. */
    private static void checkPositions(OnnxGraph g, Onnx.NodeProto gather) throws OnnxImportException {
        String ids = gather.getInput(1);
        Onnx.NodeProto p = g.producer(ids);
        String table = ids;
        if (p != null && p.getOpType().equals("Slice")) {
            double[] starts = p.getInputCount() > 1 ? g.constant(p.getInput(1)) : null;
            double[] axes = p.getInputCount() > 3 ? g.constant(p.getInput(3)) : null;
            double[] steps = p.getInputCount() > 4 ? g.constant(p.getInput(4)) : null;
            boolean fromZero = starts != null && starts.length == 1 && starts[0] == 0 && (axes == null || axes.length == 1 && axes[0] == 1 || axes.length == 1 && axes[0] == -1)
                    && (steps == null || steps.length == 1 && steps[0] == 1);
            if (!fromZero) {
                throw new OnnxImportException(g.source() + ": the position ids of " + OnnxGraph.name(gather) + " are a Slice that does not "
                        + "start at 0 with step 1 along the sequence; expected the positions 0 .. T − 1 (BERT's position_ids)");
            }
            table = p.getInput(0);
        }
        double[] values = g.isInitializer(table) ? g.constant(table) : null;
        if (values == null) {
            throw new OnnxImportException(g.source() + ": the position ids of " + OnnxGraph.name(gather) + " are computed by "
                    + (p == null ? "a graph input" : p.getOpType() + " " + OnnxGraph.name(p))
                    + "; the importer maps the positions 0 .. T − 1 read from a constant (BERT's position_ids)");
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] != i) {
                throw new OnnxImportException(g.source() + ": the position ids " + table + " hold " + values[i] + " at " + i
                        + "; expected 0, 1, 2, …");
            }
        }
    }

    /** A Gather's [rows, D] table, row-major in the file, as Embedding's column-major θ. */
    private static float[] columnMajor(OnnxGraph g, Onnx.NodeProto gather) throws OnnxImportException {
        Onnx.TensorProto t = g.constantTensor(gather.getInput(0));
        float[] rowMajor = g.floats(t);
        int rows = Math.toIntExact(t.getDims(0));
        int cols = Math.toIntExact(t.getDims(1));
        float[] out = new float[rowMajor.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r + rows * c] = rowMajor[r * cols + c];
            }
        }
        return out;
    }

    /** W [in, out] as column-major θ: W[i, o] at i + in·o. */
    private static float[] kernel(OnnxGraph g, BertGraphMatcher.DenseMatch m) throws OnnxImportException {
        float[] w = g.floats(g.constantTensor(m.weight()));
        if (m.transposed()) { // Gemm transB: [out, in] row-major is [in, out] column-major
            return w;
        }
        int in = m.in();
        int out = m.out();
        float[] cm = new float[w.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                cm[i + in * o] = w[i * out + o];
            }
        }
        return cm;
    }

    private static float[] bias(OnnxGraph g, BertGraphMatcher.DenseMatch m) throws OnnxImportException {
        if (m.bias() == null) {
            return new float[m.out()];
        }
        float[] b = g.floats(g.constantTensor(m.bias()));
        if (b.length != m.out()) {
            throw new OnnxImportException(g.source() + ": bias " + m.bias() + " has " + b.length + " values; expected " + m.out()
                    + " for the weight " + m.weight());
        }
        return b;
    }

    private static float[] dense(OnnxGraph g, BertGraphMatcher.DenseMatch m) throws OnnxImportException {
        float[] w = kernel(g, m);
        float[] b = bias(g, m);
        float[] p = new float[w.length + b.length];
        System.arraycopy(w, 0, p, 0, w.length);
        System.arraycopy(b, 0, p, w.length, b.length);
        return p;
    }

    private static float[] norm(OnnxGraph g, BertGraphMatcher.Ln ln, int d) throws OnnxImportException {
        float[] gamma = g.floats(g.constantTensor(ln.gamma()));
        float[] beta = ln.beta() == null ? new float[d] : g.floats(g.constantTensor(ln.beta()));
        if (gamma.length != d || beta.length != d) {
            throw new OnnxImportException(g.source() + ": layer normalisation " + ln.gamma() + " has " + gamma.length + " scales and "
                    + beta.length + " shifts; expected D = " + d);
        }
        float[] p = new float[2 * d];
        System.arraycopy(gamma, 0, p, 0, d);
        System.arraycopy(beta, 0, p, d, d);
        return p;
    }
}
