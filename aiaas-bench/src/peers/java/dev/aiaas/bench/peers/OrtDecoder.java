package dev.aiaas.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.aiaas.bench.DecoderTask;
import dev.aiaas.bench.PeerWorkload;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.onnx.OnnxExport;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * ONNX Runtime on a decoder task: the same network (the model's {@code network()}, weights
 * included) exported by aiaas's {@link OnnxExport} (opset 17, input [B, T] word ids as floats,
 * output [B, T, V] logits, the causal mask a constant), in one {@link OrtSession} (all graph
 * optimisations, sequential execution, {@code threads} intra-op threads). The export has no KV
 * cache, so decoding runs the graph once per position on the prefix so far (the rest of the
 * window padded, which the causal mask keeps from the prefix's positions); the prompt is one run.
 * Each position's next-word distribution is normalised (log-sum-exp over V) as aiaas's step does.
 */
final class OrtDecoder extends PeerWorkload<DecoderTask> {

    private OrtSessions ort;
    private OnnxTensor[] inputs;
    private int vocab;

    OrtDecoder(DecoderTask task) {
        super(task, OrtPeer.ENGINE);
        if (task.kind() == DecoderTask.Kind.TRAIN) {
            throw new IllegalArgumentException(OrtPeer.ENGINE + " only infers; it does not run " + task.benchmark());
        }
    }

    @Override
    public void setup() {
        int t = task.tokens();
        vocab = DecoderTask.model().vocabulary().size();
        byte[] onnx;
        try (Model network = DecoderTask.model().network()) {
            onnx = OnnxExport.toBytes(network);
        }
        ort = OrtSessions.open(onnx, threads, "the exported decoder");
        try {
            int[] ids = task.ids(1);
            int runs = task.kind() == DecoderTask.Kind.DECODE ? t : 1;
            inputs = new OnnxTensor[runs];
            for (int r = 0; r < runs; r++) {
                float[] x = new float[t]; // <s> w₁ … : position p reads <s> and the words before p
                int known = task.kind() == DecoderTask.Kind.DECODE ? r + 1 : t;
                x[0] = 1; // Vocabulary.BOS
                for (int p = 1; p < known; p++) {
                    x[p] = ids[p - 1];
                }
                inputs[r] = ort.own(OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(x), new long[] {1, t}));
            }
        } catch (OrtException e) {
            close();
            throw new IllegalStateException("ONNX Runtime could not make the decoder's inputs: " + e.getMessage(), e);
        }
    }

    @Override
    public void step() {
        try {
            double total = 0;
            for (int r = 0; r < inputs.length; r++) {
                try (OrtSession.Result out = ort.session().run(Map.of(OnnxExport.INPUT, inputs[r]))) {
                    FloatBuffer logits = ((OnnxTensor) out.get(0)).getFloatBuffer();
                    if (inputs.length == 1) {
                        for (int p = 0; p < task.tokens(); p++) {
                            total += logSumExp(logits, p * vocab);
                        }
                    } else {
                        total += logSumExp(logits, r * vocab);
                    }
                }
            }
            if (!Double.isFinite(total)) {
                throw new IllegalStateException("the exported decoder gave non-finite logits");
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run " + task.benchmark() + ": " + e.getMessage(), e);
        }
    }

    /** log Σ exp(logits[at .. at + V)), the normaliser of one position's distribution. */
    private double logSumExp(FloatBuffer logits, int at) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < vocab; c++) {
            max = Math.max(max, logits.get(at + c));
        }
        double sum = 0;
        for (int c = 0; c < vocab; c++) {
            sum += Math.exp(logits.get(at + c) - max);
        }
        return max + Math.log(sum);
    }

    @Override
    public void close() {
        try {
            if (ort != null) {
                ort.close();
            }
        } finally {
            ort = null;
            inputs = null;
        }
    }
}
