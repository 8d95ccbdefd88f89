package dev.aiaas.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.aiaas.bench.CnnTask;
import dev.aiaas.bench.CnnWorkload;
import dev.aiaas.bench.Inputs;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * ONNX Runtime inference of the cnn: one {@link OrtSession} on the model {@link CnnOnnx} builds
 * (PyTorch's weights; all graph optimisations, sequential execution, {@code threads} intra-op
 * threads, one inter-op thread), the benchmark batch x {@code [B, 784]} as an {@link OnnxTensor}
 * made once; one step is {@code session.run}, whose result is closed at once.
 */
public final class OrtCnn extends CnnWorkload {

    private int threads = 1;
    private OrtSession.SessionOptions options;
    private OrtSession session;
    private OnnxTensor input;
    private Map<String, OnnxTensor> feed;

    /** The workload for {@code task} (inference of the cnn); nothing is allocated before {@link #setup()}. */
    OrtCnn(CnnTask task) {
        super(task);
    }

    @Override
    public String engine() {
        return OrtPeer.ENGINE;
    }

    /** ONNX Runtime's intra-op threads, applied when {@link #setup()} creates the session. */
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
            session = env.createSession(CnnOnnx.cnn(), options);
            int inputs = task.net().inputs();
            input = OnnxTensor.createTensor(env, FloatBuffer.wrap(Inputs.featureValues(task.batch(), inputs)),
                    new long[] {task.batch(), inputs});
            feed = Map.of("input", input);
        } catch (OrtException e) {
            close();
            throw new IllegalStateException("ONNX Runtime could not load the cnn model: " + e.getMessage(), e);
        }
    }

    @Override
    public void step() {
        try (OrtSession.Result r = session.run(feed)) {
            if (r.size() != 1) {
                throw new IllegalStateException("expected one output (logits), got " + r.size());
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run " + task.benchmark() + ": " + e.getMessage(), e);
        }
    }

    /** The logits on the benchmark batch, row-major (for the cross-checks). */
    float[] logits() {
        try (OrtSession.Result r = session.run(feed)) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] v = new float[b.remaining()];
            b.get(v);
            return v;
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (input != null) {
                input.close();
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
            input = null;
            session = null;
            options = null;
            feed = null;
        }
    }
}
