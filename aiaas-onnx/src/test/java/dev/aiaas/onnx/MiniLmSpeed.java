package dev.aiaas.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.aiaas.core.backend.Backends;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Not a test: the speed of the imported all-MiniLM-L6-v2 against ONNX Runtime on the same fp32
 * file, one thread each, median milliseconds per call of the last hidden states (aiaas:
 * {@link TransformerEncoder#hiddenStates}; ONNX Runtime: {@code session.run}, intra- and
 * inter-op threads 1, default graph optimisations), for batch 1 of 16 tokens and batch 32 of 64
 * tokens (random word-piece ids, [CLS] … [SEP], every token attended). Run from the module with
 * its test class path (see docs/benchmarks.md, "MiniLM encoder"):
 * <pre>
 * java -Daiaas.threads=1 -Daiaas.blas.threads=1 --add-modules jdk.incubator.vector -cp CP dev.aiaas.onnx.MiniLmSpeed [reps [BxT,...]]
 * </pre>
 */
public final class MiniLmSpeed {

    private MiniLmSpeed() {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Backends.current();
        byte[] model = MiniLm.bytes();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (TransformerEncoder encoder = OnnxImport.encoder(model, MiniLm.RESOURCE);
             OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(model, o)) {
                int[][] shapes = {{1, 16}, {32, 64}};
                if (args.length > 1) { // e.g. 1x16,32x64
                    shapes = Arrays.stream(args[1].split(",")).map(v -> v.split("x"))
                            .map(v -> new int[] {Integer.parseInt(v[0]), Integer.parseInt(v[1])}).toArray(int[][]::new);
                }
                for (int[] shape : shapes) {
                    int b = shape[0];
                    int t = shape[1];
                    int[][] ids = ids(b, t);
                    long[][] x = new long[b][t];
                    long[][] m = new long[b][t];
                    long[][] y = new long[b][t];
                    for (int e = 0; e < b; e++) {
                        for (int s = 0; s < t; s++) {
                            x[e][s] = ids[e][s];
                            m[e][s] = 1;
                        }
                    }
                    int r = b == 1 ? reps * 5 : reps;
                    double[] ours = new double[r];
                    double[] ort = new double[r];
                    for (int i = -3; i < r; i++) { // three warm-up calls each
                        long t0 = System.nanoTime();
                        encoder.hiddenStates(ids, null, null);
                        long t1 = System.nanoTime();
                        try (OnnxTensor a = OnnxTensor.createTensor(env, x); OnnxTensor c = OnnxTensor.createTensor(env, m);
                             OnnxTensor d = OnnxTensor.createTensor(env, y)) {
                            Map<String, OnnxTensor> in = new HashMap<>();
                            in.put("input_ids", a);
                            in.put("attention_mask", c);
                            in.put("token_type_ids", d);
                            try (OrtSession.Result res = session.run(in)) {
                                res.get(0).getValue();
                            }
                        }
                        long t2 = System.nanoTime();
                        if (i >= 0) {
                            ours[i] = (t1 - t0) / 1e6;
                            ort[i] = (t2 - t1) / 1e6;
                        }
                    }
                    double a = median(ours);
                    double c = median(ort);
                    System.out.printf("minilm-b%d-t%d: aiaas %.2f ms, onnxruntime %.2f ms (median of %d calls, 1 thread); aiaas/ort %.2f%n",
                            b, t, a, c, r, a / c);
                }
            }
        }
    }

    private static int[][] ids(int b, int t) {
        SplittableRandom r = new SplittableRandom(7);
        int[][] ids = new int[b][t];
        for (int[] s : ids) {
            for (int i = 0; i < t; i++) {
                s[i] = r.nextInt(1996, 29612);
            }
            s[0] = 101;
            s[t - 1] = 102;
        }
        return ids;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
