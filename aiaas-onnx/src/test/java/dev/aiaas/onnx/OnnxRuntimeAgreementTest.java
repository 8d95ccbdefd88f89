package dev.aiaas.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.aiaas.core.backend.Backends;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 imported into aiaas layers against ONNX Runtime running the same file on the
 * same token ids: last hidden states within 1e-4 (absolute) at every real position, and the
 * mean-pooled, L2-normalised embeddings with cosine ≥ 0.9999, for 20 sequences of 1 to 80 tokens
 * (run as one padded batch, as single sequences, and with token types of a second segment).
 */
class OnnxRuntimeAgreementTest {

    private static TransformerEncoder encoder;
    private static OrtEnvironment env;
    private static OrtSession session;
    private static int[][] sequences;

    @BeforeAll
    static void load() throws Exception {
        Backends.current();
        byte[] model = MiniLm.bytes();
        encoder = OnnxImport.encoder(model, MiniLm.RESOURCE);
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            session = env.createSession(model, o);
        }
        // 20 sequences [CLS] w₁ … wₙ [SEP] of word-piece ids drawn from the vocabulary's ordinary
        // tokens (1996 .. 29611: the words after the [unusedN] and single-character entries)
        SplittableRandom r = new SplittableRandom(2026);
        int[] lengths = {1, 2, 3, 5, 8, 9, 12, 14, 16, 16, 17, 20, 24, 31, 32, 40, 47, 55, 64, 80};
        sequences = new int[lengths.length][];
        for (int i = 0; i < lengths.length; i++) {
            int n = lengths[i];
            int[] s = new int[n];
            for (int j = 0; j < n; j++) {
                s[j] = r.nextInt(1996, 29612);
            }
            if (n >= 2) {
                s[0] = 101;
                s[n - 1] = 102;
            }
            sequences[i] = s;
        }
    }

    @AfterAll
    static void close() throws OrtException {
        if (encoder != null) {
            encoder.close();
        }
        if (session != null) {
            session.close();
        }
    }

    @Test
    void theImportedGraphHasMiniLmsSizes() {
        TransformerEncoder.Config c = encoder.config();
        assertEquals(new TransformerEncoder.Config(30522, 512, 2, 384, 12, 6, 1536, (double) 1e-12f), c); // ε: the file's float32 constant
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), encoder.inputNames());
    }

    /** ONNX Runtime's last hidden state of a padded batch: [B][T][D]. */
    private static float[][][] reference(int[][] ids, int[][] types) throws OrtException {
        int n = ids.length;
        int t = 0;
        for (int[] s : ids) {
            t = Math.max(t, s.length);
        }
        long[][] x = new long[n][t];
        long[][] m = new long[n][t];
        long[][] y = new long[n][t];
        for (int e = 0; e < n; e++) {
            for (int s = 0; s < ids[e].length; s++) {
                x[e][s] = ids[e][s];
                m[e][s] = 1;
                y[e][s] = types == null ? 0 : types[e][s];
            }
        }
        try (OnnxTensor a = OnnxTensor.createTensor(env, x); OnnxTensor b = OnnxTensor.createTensor(env, m);
             OnnxTensor c = OnnxTensor.createTensor(env, y)) {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("input_ids", a);
            in.put("attention_mask", b);
            in.put("token_type_ids", c);
            try (OrtSession.Result r = session.run(in)) {
                return (float[][][]) r.get(0).getValue();
            }
        }
    }

    /** Mean over the real positions, then L2-normalised (sentence-transformers' pooling). */
    private static double[] pooled(float[][] states, int length) {
        double[] v = new double[states[0].length];
        for (int s = 0; s < length; s++) {
            for (int c = 0; c < v.length; c++) {
                v[c] += states[s][c] / length;
            }
        }
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        for (int c = 0; c < v.length; c++) {
            v[c] /= Math.sqrt(norm);
        }
        return v;
    }

    private static double cosine(double[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    /** Compares aiaas's states and embeddings of the sequences with ONNX Runtime's; returns the worst absolute difference. */
    private static double compare(int[][] ids, int[][] types, String what) throws OrtException {
        float[][][] ours = encoder.hiddenStates(ids, null, types);
        float[][][] ref = reference(ids, types);
        float[][] emb = encoder.embed(ids, null, types);
        double worst = 0;
        double worstCos = 1;
        for (int e = 0; e < ids.length; e++) {
            assertEquals(ids[e].length, ours[e].length, what + ": sequence " + e + "'s positions");
            for (int s = 0; s < ids[e].length; s++) {
                for (int c = 0; c < 384; c++) {
                    worst = Math.max(worst, Math.abs(ours[e][s][c] - ref[e][s][c]));
                }
            }
            double cos = cosine(pooled(ref[e], ids[e].length), emb[e]);
            worstCos = Math.min(worstCos, cos);
            double norm = 0;
            for (float v : emb[e]) {
                norm += v * v;
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-5, what + ": embedding " + e + " is a unit vector");
        }
        System.out.printf("%s: largest |aiaas - ONNX Runtime| over the hidden states %.3g, smallest embedding cosine %.9f%n", what, worst,
                worstCos);
        assertTrue(worst <= 1e-4, what + ": hidden states differ from ONNX Runtime's by up to " + worst);
        assertTrue(worstCos >= 0.9999, what + ": an embedding's cosine with ONNX Runtime's is " + worstCos);
        return worst;
    }

    @Test
    void aPaddedBatchOfTwentySequencesAgreesWithOnnxRuntime() throws OrtException {
        compare(sequences, null, "batch of 20 (1 to 80 tokens)");
    }

    @Test
    void singleSequencesAgreeWithOnnxRuntime() throws OrtException {
        for (int i : new int[] {0, 3, 8, 19}) {
            compare(new int[][] {sequences[i]}, null, "sequence of " + sequences[i].length + " tokens alone");
        }
    }

    @Test
    void tokenTypesOfASecondSegmentAgreeWithOnnxRuntime() throws OrtException {
        int[][] ids = {sequences[12], sequences[16], sequences[5]};
        int[][] types = new int[ids.length][];
        for (int e = 0; e < ids.length; e++) {
            types[e] = new int[ids[e].length];
            for (int s = ids[e].length / 2; s < ids[e].length; s++) {
                types[e][s] = 1;
            }
        }
        compare(ids, types, "sentence pairs (token types 0 then 1)");
    }

    /** Padding is invisible: a sequence's states alone equal its states in a padded batch (to float32 rounding). */
    @Test
    void paddingDoesNotChangeASequencesStates() {
        float[][][] alone = encoder.hiddenStates(new int[][] {sequences[4]}, null, null);
        float[][][] batch = encoder.hiddenStates(new int[][] {sequences[4], sequences[19]}, null, null);
        double worst = 0;
        for (int s = 0; s < alone[0].length; s++) {
            for (int c = 0; c < 384; c++) {
                worst = Math.max(worst, Math.abs(alone[0][s][c] - batch[0][s][c]));
            }
        }
        assertTrue(worst < 1e-5, "padding changed the states by " + worst);
    }

    /** An explicit mask of 0s over a tail equals leaving the tail out (for the embedding). */
    @Test
    void anExplicitMaskActsAsPadding() {
        int[] s = sequences[13];
        int keep = 10;
        int[] mask = new int[s.length];
        java.util.Arrays.fill(mask, 0, keep, 1);
        float[] masked = encoder.embed(new int[][] {s}, new int[][] {mask}, null)[0];
        float[] cut = encoder.embed(new int[][] {java.util.Arrays.copyOf(s, keep)})[0];
        for (int c = 0; c < 384; c++) {
            assertEquals(cut[c], masked[c], 1e-5, "component " + c);
        }
    }

    /**
     * End to end: sentences tokenized by the model's own {@code tokenizer.json} (aiaas-nlp's
     * {@link dev.aiaas.nlp.text.HfTokenizers}, padded to one length with its attention mask), then
     * embedded by aiaas and by ONNX Runtime: cosine ≥ 0.9999 per sentence; and the embeddings
     * mean something: a paraphrase is nearer than an unrelated sentence.
     */
    @Test
    void tokenizedSentencesAgreeWithOnnxRuntimeAndParaphrasesAreNearer() throws Exception {
        dev.aiaas.nlp.text.HfTokenizer tok;
        try (java.io.InputStream in = OnnxRuntimeAgreementTest.class.getClassLoader()
                .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            tok = dev.aiaas.nlp.text.HfTokenizers.read(in, "all-minilm-l6-v2-tokenizer.json", dev.aiaas.nlp.text.HfTokenizers.DEFAULT_MAX_BYTES);
        }
        List<String> sentences = List.of("A man is playing a guitar.", "Someone plays the guitar.",
                "The stock market fell sharply today.", "Call me Ishmael.", "Some years ago, never mind how long precisely.",
                "Écoute: naïve café, déjà vu!");
        List<dev.aiaas.nlp.text.Encoding> enc = tok.encodeBatch(sentences);
        int n = enc.size();
        int[][] ids = new int[n][];
        int[][] mask = new int[n][];
        int[][] types = new int[n][];
        long[][] x = new long[n][];
        long[][] m = new long[n][];
        long[][] y = new long[n][];
        for (int e = 0; e < n; e++) {
            ids[e] = enc.get(e).ids();
            mask[e] = enc.get(e).attentionMask();
            types[e] = enc.get(e).typeIds();
            x[e] = java.util.Arrays.stream(ids[e]).asLongStream().toArray();
            m[e] = java.util.Arrays.stream(mask[e]).asLongStream().toArray();
            y[e] = java.util.Arrays.stream(types[e]).asLongStream().toArray();
        }
        float[][] ours = encoder.embed(ids, mask, types);
        float[][][] ref;
        try (OnnxTensor a = OnnxTensor.createTensor(env, x); OnnxTensor b = OnnxTensor.createTensor(env, m);
             OnnxTensor c = OnnxTensor.createTensor(env, y)) {
            try (OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
                ref = (float[][][]) r.get(0).getValue();
            }
        }
        for (int e = 0; e < n; e++) {
            double[] v = new double[384]; // ONNX Runtime's states mean-pooled over the mask, normalised
            int count = 0;
            for (int s = 0; s < ids[e].length; s++) {
                if (mask[e][s] == 1) {
                    count++;
                    for (int k = 0; k < 384; k++) {
                        v[k] += ref[e][s][k];
                    }
                }
            }
            double norm = 0;
            for (int k = 0; k < 384; k++) {
                v[k] /= count;
                norm += v[k] * v[k];
            }
            for (int k = 0; k < 384; k++) {
                v[k] /= Math.sqrt(norm);
            }
            double cos = cosine(v, ours[e]);
            assertTrue(cos >= 0.9999, "'" + sentences.get(e) + "': cosine with ONNX Runtime " + cos);
        }
        double paraphrase = dot(ours[0], ours[1]);
        double unrelated = dot(ours[0], ours[2]);
        System.out.printf("tokenized sentences: paraphrase cosine %.4f, unrelated %.4f%n", paraphrase, unrelated);
        assertTrue(paraphrase > unrelated + 0.2, "paraphrase " + paraphrase + ", unrelated " + unrelated);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** Inputs of the wrong shape or range are refused, naming the sequence, the position and the value. */
    @Test
    void wrongInputsAreRefusedByName() {
        int[] ok = {101, 2000, 102};
        assertMessage(() -> encoder.hiddenStates(new int[][] {{101, 30522, 102}}, null, null), "token id 30522 at sequence 0, position 1");
        assertMessage(() -> encoder.embed(new int[][] {ok, {-1}}), "token id -1 at sequence 1, position 0");
        assertMessage(() -> encoder.embed(new int[][] {ok}, new int[][] {{1, 1}}, null), "has 3 ids but 2 attention-mask values");
        assertMessage(() -> encoder.embed(new int[][] {ok}, new int[][] {{1, 2, 1}}, null), "attention-mask value 2 at sequence 0, position 1");
        assertMessage(() -> encoder.embed(new int[][] {ok}, new int[][] {{0, 0, 0}}, null), "sequence 0 has no position with attention-mask 1");
        assertMessage(() -> encoder.embed(new int[][] {ok}, null, new int[][] {{0, 2, 0}}), "token type 2 at sequence 0, position 1");
        assertMessage(() -> encoder.embed(new int[][] {ok}, null, new int[][] {ok, ok}), "tokenTypeIds holds 2 sequences but ids holds 1");
        assertMessage(() -> encoder.embed(new int[][] {new int[513]}), "sequence 0 has 513 tokens; each sequence must have 1 to 512");
        assertMessage(() -> encoder.embed(new int[][] {ok, {}}), "sequence 1 has 0 tokens");
        assertMessage(() -> encoder.embed(new int[0][]), "at least one sequence");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
