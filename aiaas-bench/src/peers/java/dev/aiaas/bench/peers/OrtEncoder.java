package dev.aiaas.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.aiaas.bench.EncoderTask;
import dev.aiaas.bench.Workload;
import java.util.Map;

/**
 * ONNX Runtime on an encoder task: one {@link OrtSession} on the MiniLM file aiaas imports (all
 * graph optimisations, sequential execution, {@code threads} intra-op threads, one inter-op
 * thread), the ids, mask and token types made once as tensors; one step is {@code session.run}
 * with the last hidden state copied out as {@code float[B][T][D]} (as aiaas's step returns it).
 */
final class OrtEncoder implements Workload {

    private final EncoderTask task;
    private int threads = 1;
    private OrtSession.SessionOptions options;
    private OrtSession session;
    private OnnxTensor[] inputs;
    private Map<String, OnnxTensor> feed;

    OrtEncoder(EncoderTask task) {
        this.task = task;
    }

    @Override
    public String benchmark() {
        return task.benchmark();
    }

    @Override
    public String engine() {
        return OrtPeer.ENGINE;
    }

    @Override
    public double flopsPerStep() {
        return task.flops();
    }

    @Override
    public void useThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be a positive integer. Received: threads=" + threads);
        }
        this.threads = threads;
    }

    @Override
    public void setup() {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(EncoderTask.model().orElseThrow(), options);
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
            inputs = new OnnxTensor[] {OnnxTensor.createTensor(env, x), OnnxTensor.createTensor(env, m), OnnxTensor.createTensor(env, y)};
            feed = Map.of("input_ids", inputs[0], "attention_mask", inputs[1], "token_type_ids", inputs[2]);
        } catch (OrtException e) {
            close();
            throw new IllegalStateException("ONNX Runtime could not load the MiniLM model: " + e.getMessage(), e);
        }
    }

    @Override
    public void step() {
        try (OrtSession.Result r = session.run(feed)) {
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
            if (inputs != null) {
                for (OnnxTensor t : inputs) {
                    if (t != null) {
                        t.close();
                    }
                }
            }
            if (session != null) {
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to close its session: " + e.getMessage(), e);
        } finally {
            if (options != null) {
                options.close();
            }
            inputs = null;
            session = null;
            options = null;
            feed = null;
        }
    }
}
