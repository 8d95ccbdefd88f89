package dev.aiaas.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.aiaas.bench.Inputs;
import dev.aiaas.bench.MlpTask;
import dev.aiaas.bench.PeerWorkload;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * ONNX Runtime: one {@link OrtSession} on the committed ONNX file (all graph optimisations,
 * sequential execution, {@code threads} intra-op threads, one inter-op thread), fed the benchmark
 * batch x as an {@link OnnxTensor} created once; one step is {@code session.run}, whose result
 * (a new output tensor) is closed at once; for a {@code serve-} task (inference into a buffer) the
 * run writes into a pinned output tensor over a direct buffer made once. {@link #close()} closes the input tensor, the session
 * and its options; the environment is ONNX Runtime's process-wide singleton.
 */
public final class OrtMlp extends PeerWorkload<MlpTask> {

    /** The network, exported by {@code aiaas-bench/scripts/export_onnx.py}: input "input" [B, 784], output "logits" [B, 10]. */
    static final String MODEL_RESOURCE = "/dev/aiaas/bench/peers/mlp-784-256-10.onnx";

    private OrtSessions ort;
    private Map<String, OnnxTensor> feed;
    private OnnxTensor output;
    private Map<String, OnnxTensor> pinned;

    /** The workload for {@code task} (inference of 784-256-10); nothing is allocated before {@link #setup()}. */
    OrtMlp(MlpTask task) {
        super(task, OrtPeer.ENGINE);
    }

    @Override
    public void setup() {
        byte[] model;
        try (InputStream in = OrtMlp.class.getResourceAsStream(MODEL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(MODEL_RESOURCE + " is missing from the class path; rebuild with -Ppeers");
            }
            model = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ort = OrtSessions.open(model, threads, MODEL_RESOURCE);
        OrtEnvironment env = OrtSessions.environment();
        try {
            int inputs = task.shape().inputs();
            feed = Map.of("input", ort.own(OnnxTensor.createTensor(env, FloatBuffer.wrap(Inputs.featureValues(task.batch(), inputs)),
                    new long[] {task.batch(), inputs})));
            if (task.intoBuffer()) {
                int classes = task.shape().classes();
                FloatBuffer direct = ByteBuffer.allocateDirect(4 * task.batch() * classes).order(ByteOrder.nativeOrder()).asFloatBuffer();
                output = ort.own(OnnxTensor.createTensor(env, direct, new long[] {task.batch(), classes}));
                pinned = Map.of("logits", output);
            }
        } catch (OrtException e) {
            close();
            throw new IllegalStateException("ONNX Runtime could not make the tensors of " + MODEL_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void step() {
        try (OrtSession.Result r = pinned == null ? ort.session().run(feed) : ort.session().run(feed, pinned)) {
            if (r.size() != 1) {
                throw new IllegalStateException("expected one output (logits), got " + r.size());
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run " + task.benchmark() + ": " + e.getMessage(), e);
        }
    }

    /** The logits on the benchmark batch, row-major (for the cross-checks). */
    float[] logits() {
        try (OrtSession.Result r = ort.session().run(feed)) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            FloatBuffer b = out.getFloatBuffer();
            float[] v = new float[b.remaining()];
            b.get(v);
            return v;
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The values in the pinned output buffer (a serve task, after a step), row-major. */
    float[] pinnedLogits() {
        if (output == null) {
            throw new IllegalStateException(task.benchmark() + " has no pinned output; it is not a serve- task");
        }
        FloatBuffer b = output.getFloatBuffer();
        float[] v = new float[b.remaining()];
        b.get(v);
        return v;
    }

    @Override
    public void close() {
        try {
            if (ort != null) {
                ort.close();
            }
        } finally {
            ort = null;
            output = null;
            pinned = null;
            feed = null;
        }
    }
}
