package dev.aiaas.bench.peers;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.aiaas.bench.Inputs;
import dev.aiaas.bench.MlpShape;
import dev.aiaas.bench.MlpTask;
import dev.aiaas.bench.PeerWorkload;

/**
 * PyTorch 2.7.1 through DJL: the MLP as raw tensors with DJL's operators, the way a DJL user
 * writes a custom training loop. Per layer {@code Linear.linear(h, W, b)} (one fused
 * {@code torch::linear}, W {@code [out, in]}), {@code Activation.relu} between layers; a training
 * step opens a {@link GradientCollector}, computes {@code Loss.softmaxCrossEntropyLoss()} on the
 * class indices (log-softmax, pick, mean), calls {@code backward}, then DJL's Adam (β1 0.9,
 * β2 0.999, ε 1e-8, fixed η 1e-3; PyTorch's fused {@code adam_update} per parameter) and zeroes
 * each gradient as DJL's own collector does ({@code g -= g}). Inference is the forward pass
 * outside gradient recording, returning a new array (closed at once).
 *
 * <p>Weights are those of SameDiff, ONNX Runtime and pytorch-py ({@link Inputs#heUniformValues},
 * layer l from seed {@code SEED + l}, zero biases); x and the labels are {@link Inputs}'.
 *
 * <p>Native memory: everything lives in one {@link NDManager} that {@link #close()} closes; each
 * step's temporaries (activations, loss, gradient handles) are freed by an {@link NDScope} around
 * the step. Adam's moment arrays are created in {@link #setup()}, outside any step's scope, by
 * one update with zero gradients (which leaves the weights unchanged).
 */
public final class DjlMlp extends PeerWorkload<MlpTask> {

    private Engine engine;
    private NDManager manager;
    private NDArray x;
    private NDArray y;
    private NDArray[] weights;
    private NDArray[] biases;
    private Loss loss;
    private Optimizer adam;

    /** The workload for {@code task}; nothing is allocated before {@link #setup()}. */
    public DjlMlp(MlpTask task) {
        super(task, DjlPeer.ENGINE);
    }

    @Override
    public void setup() {
        engine = DjlPeer.load();
        JniUtils.setNumThreads(threads);
        MlpShape s = task.shape();
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        x = manager.create(Inputs.featureValues(task.batch(), s.inputs()), new Shape(task.batch(), s.inputs()));
        int layers = s.layerCount();
        weights = new NDArray[layers];
        biases = new NDArray[layers];
        for (int l = 1; l <= layers; l++) {
            int in = s.widths().get(l - 1);
            int out = s.widths().get(l);
            float[] w = Inputs.heUniformValues(in, out, Inputs.SEED + l);   // [in, out] row-major
            float[] wt = new float[w.length];                                // [out, in], torch::linear's layout
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    wt[o * in + i] = w[i * out + o];
                }
            }
            weights[l - 1] = manager.create(wt, new Shape(out, in));
            biases[l - 1] = manager.zeros(new Shape(out));
        }
        if (task.train()) {
            int[] labels = Inputs.labels(task.batch(), s.classes());
            long[] y64 = new long[labels.length];
            for (int i = 0; i < labels.length; i++) {
                y64[i] = labels[i];
            }
            y = manager.create(y64);
            loss = Loss.softmaxCrossEntropyLoss();
            adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) MlpTask.LEARNING_RATE))
                    .optBeta1(0.9f).optBeta2(0.999f).optEpsilon(1e-8f).build();
            for (int l = 0; l < layers; l++) {
                weights[l].setRequiresGradient(true);
                biases[l].setRequiresGradient(true);
                // creates Adam's m and v in the manager; with g = 0, m, v and θ stay as they are
                adam.update("w" + l, weights[l], manager.zeros(weights[l].getShape()));
                adam.update("b" + l, biases[l], manager.zeros(biases[l].getShape()));
            }
        }
    }

    private NDArray forward(NDArray h) {
        for (int l = 0; l < weights.length; l++) {
            h = Linear.linear(h, weights[l], biases[l]).singletonOrThrow();
            if (l < weights.length - 1) {
                h = Activation.relu(h);
            }
        }
        return h;
    }

    @Override
    public void step() {
        try (NDScope scope = new NDScope()) {
            if (task.train()) {
                try (GradientCollector gc = engine.newGradientCollector()) {
                    NDArray l = loss.evaluate(new NDList(y), new NDList(forward(x)));
                    gc.backward(l);
                }
                for (int l = 0; l < weights.length; l++) {
                    update("w" + l, weights[l]);
                    update("b" + l, biases[l]);
                }
            } else {
                forward(x);
            }
        }
    }

    private void update(String id, NDArray p) {
        NDArray g = p.getGradient();
        adam.update(id, p, g);
        g.subi(g);
    }

    /** The logits of the current weights on the benchmark batch, row-major (for the cross-checks). */
    float[] logits() {
        try (NDScope scope = new NDScope()) {
            return forward(x).toFloatArray();
        }
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
        manager = null;
        x = y = null;
        weights = biases = null;
        adam = null;
        loss = null;
    }
}
