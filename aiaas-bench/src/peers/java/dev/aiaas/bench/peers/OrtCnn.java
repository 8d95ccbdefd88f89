package dev.aiaas.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.aiaas.bench.CnnNet;
import dev.aiaas.bench.CnnTask;
import dev.aiaas.bench.PeerWorkload;
import dev.aiaas.bench.Inputs;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * ONNX Runtime inference of the cnn or the small ResNet: one {@link OrtSession} on the model
 * {@link CnnOnnx} builds (the cnn, PyTorch's weights) or on aiaas's ResNet as {@code OnnxExport}
 * writes it ({@link CnnOnnx#resnetSmall()}, the aiaas row's weights); all graph optimisations, sequential execution, {@code threads} intra-op
 * threads, one inter-op thread), the benchmark batch x {@code [B, 784]} as an {@link OnnxTensor}
 * made once; one step is {@code session.run}, whose result is closed at once.
 */
public final class OrtCnn extends PeerWorkload<CnnTask> {

    private OrtSessions ort;
    private Map<String, OnnxTensor> feed;

    /** The workload for {@code task} (inference of the cnn); nothing is allocated before {@link #setup()}. */
    OrtCnn(CnnTask task) {
        super(task, OrtPeer.ENGINE);
    }

    @Override
    public void setup() {
        boolean cnn = task.net() == CnnNet.CNN;
        ort = OrtSessions.open(cnn ? CnnOnnx.cnn() : CnnOnnx.resnetSmall(), threads, cnn ? "the cnn model" : "the small ResNet");
        try {
            int inputs = task.net().inputs();
            feed = Map.of("input", ort.own(OnnxTensor.createTensor(OrtSessions.environment(),
                    FloatBuffer.wrap(Inputs.featureValues(task.batch(), inputs)), new long[] {task.batch(), inputs})));
        } catch (OrtException e) {
            close();
            throw new IllegalStateException("ONNX Runtime could not make the cnn's input: " + e.getMessage(), e);
        }
    }

    @Override
    public void step() {
        try (OrtSession.Result r = ort.session().run(feed)) {
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
            if (ort != null) {
                ort.close();
            }
        } finally {
            ort = null;
            feed = null;
        }
    }
}
