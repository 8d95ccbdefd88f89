package dev.aiaas.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.aiaas.bench.EncoderTask;
import dev.aiaas.bench.PeerWorkload;
import java.util.Map;

/**
 * ONNX Runtime on an encoder task: one {@link OrtSession} on the MiniLM file aiaas imports (all
 * graph optimisations, sequential execution, {@code threads} intra-op threads, one inter-op
 * thread), the ids, mask and token types made once as tensors; one step is {@code session.run}
 * with the last hidden state copied out as {@code float[B][T][D]} (as aiaas's step returns it).
 */
final class OrtEncoder extends PeerWorkload<EncoderTask> {

    private OrtSessions ort;
    private Map<String, OnnxTensor> feed;

    OrtEncoder(EncoderTask task) {
        super(task, OrtPeer.ENGINE);
    }

    @Override
    public void setup() {
        ort = OrtSessions.open(EncoderTask.model().orElseThrow(), threads, "the MiniLM model");
        OrtEnvironment env = OrtSessions.environment();
        try {
            int[][] ids = task.ids();
            long[][] x = new long[task.batch()][task.tokens()];
            long[][] m = new long[task.batch()][task.tokens()];
            long[][] y = new long[task.batch()][task.tokens()];
            for (int b = 0; b < ids.length; b++) {
                for (int t = 0; t < ids[b].length; t++) {
                    x[b][t] = ids[b][t];
                    m[b][t] = 1;
                }
            }
            feed = Map.of("input_ids", ort.own(OnnxTensor.createTensor(env, x)), "attention_mask", ort.own(OnnxTensor.createTensor(env, m)),
                    "token_type_ids", ort.own(OnnxTensor.createTensor(env, y)));
        } catch (OrtException e) {
            close();
            throw new IllegalStateException("ONNX Runtime could not make the MiniLM model's inputs: " + e.getMessage(), e);
        }
    }

    @Override
    public void step() {
        try (OrtSession.Result r = ort.session().run(feed)) {
            if (!(r.get(0).getValue() instanceof float[][][])) {
                throw new IllegalStateException("expected the last hidden state float[B][T][D] as the first output");
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run " + task.benchmark() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            if (ort != null) {
                ort.close();
            }
        } finally {
            ort = null;
            feed = null;
        }
    }
}
