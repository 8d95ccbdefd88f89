package dev.aiaas.bench.peers;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.aiaas.bench.CnnNet;
import dev.aiaas.bench.CnnTask;
import dev.aiaas.bench.PeerWorkload;
import dev.aiaas.bench.Inputs;
import dev.aiaas.bench.MlpTask;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch 2.7.1 through DJL: the CNNs as raw tensors with DJL's operators, as {@link DjlMlp} does
 * the MLP: {@code Conv2d.conv2d} ({@code torch::conv2d}, W {@code [F, C, kH, kW]}),
 * {@code BatchNorm.batchNorm} (training mode, momentum 0.9, ε 1e-5, running statistics updated in
 * place), {@code Activation.relu}, {@code Pool.maxPool2d}, {@code Pool.globalAvgPool2d},
 * {@code Linear.linear}; a training step records the forward pass in a {@link GradientCollector},
 * computes {@code Loss.softmaxCrossEntropyLoss()} on the class indices, calls {@code backward},
 * then DJL's Adam (PyTorch's fused {@code adam_update}) per parameter and zeroes each gradient.
 * Inference is the forward pass outside recording (batch norm with its running statistics).
 *
 * <p>Weights: He-uniform on the fan-in (C·kH·kW, or the inputs of a dense layer), parameter k
 * (from 1, in network order) from seed {@code SEED + k}; biases 0, batch-norm γ 1 and β 0.
 */
public final class DjlCnn extends PeerWorkload<CnnTask> {

    private static final Shape ONE = new Shape(1, 1);
    private static final Shape ZERO = new Shape(0, 0);

    private Engine engine;
    private NDManager manager;
    private NDArray x;
    private NDArray y;
    private final List<NDArray> params = new ArrayList<>();
    private final List<NDArray> stats = new ArrayList<>();
    private int next;
    private boolean training;
    private Loss loss;
    private Optimizer adam;

    /**
     * The workload for {@code task}; nothing is allocated before {@link #setup()}.
     *
     * @param task the network, batch and kind of step
     */
    public DjlCnn(CnnTask task) {
        super(task, DjlPeer.ENGINE);
    }

    @Override
    public void setup() {
        engine = DjlPeer.load();
        JniUtils.setNumThreads(threads);
        CnnNet n = task.net();
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        x = manager.create(Inputs.featureValues(task.batch(), n.inputs()), new Shape(task.batch(), n.channels(), n.height(), n.width()));
        params.clear();
        stats.clear();
        // one forward pass outside recording creates every parameter (first use), in network order
        training = false;
        next = 0;
        try (NDScope scope = new NDScope()) {
            forward(x);
        }
        if (task.train()) {
            int[] labels = Inputs.labels(task.batch(), n.classes());
            long[] y64 = new long[labels.length];
            for (int i = 0; i < labels.length; i++) {
                y64[i] = labels[i];
            }
            y = manager.create(y64);
            loss = Loss.softmaxCrossEntropyLoss();
            adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) MlpTask.LEARNING_RATE))
                    .optBeta1(0.9f).optBeta2(0.999f).optEpsilon(1e-8f).build();
            for (int k = 0; k < params.size(); k++) {
                NDArray p = params.get(k);
                p.setRequiresGradient(true);
                adam.update("p" + k, p, manager.zeros(p.getShape())); // creates m and v; g = 0 leaves θ as it is
            }
        }
    }

    /** The next parameter: created on the first pass (He-uniform on {@code fanIn}, or {@code fill}), then reused. */
    private NDArray param(Shape shape, long fanIn, float fill) {
        if (next < params.size()) {
            return params.get(next++);
        }
        NDArray p;
        if (fanIn > 0) {
            int size = Math.toIntExact(shape.size());
            p = manager.create(Inputs.heUniformValues(Math.toIntExact(fanIn), size / Math.toIntExact(fanIn), Inputs.SEED + 1 + next),
                    shape);
        } else {
            p = manager.full(shape, fill);
        }
        NDScope.unregister(p); // made inside setup's scope, it lives in the manager
        params.add(p);
        next++;
        return p;
    }

    private int statIndex;

    private NDArray conv(NDArray h, int filters, int kernel, int stride, int pad, boolean bias) {
        long c = h.getShape().get(1);
        NDArray w = param(new Shape(filters, c, kernel, kernel), c * kernel * kernel, 0);
        NDArray b = bias ? param(new Shape(filters), 0, 0f) : null;
        return Conv2d.conv2d(h, w, b, new Shape(stride, stride), new Shape(pad, pad), ONE).singletonOrThrow();
    }

    private NDArray bn(NDArray h) {
        long c = h.getShape().get(1);
        NDArray gamma = param(new Shape(c), 0, 1f);
        NDArray beta = param(new Shape(c), 0, 0f);
        NDArray mean;
        NDArray var;
        if (statIndex < stats.size()) {
            mean = stats.get(statIndex);
            var = stats.get(statIndex + 1);
        } else {
            mean = manager.zeros(new Shape(c));
            var = manager.ones(new Shape(c));
            NDScope.unregister(mean, var);
            stats.add(mean);
            stats.add(var);
        }
        statIndex += 2;
        return BatchNorm.batchNorm(h, mean, var, gamma, beta, 1, 0.9f, 1e-5f, training).singletonOrThrow();
    }

    private NDArray dense(NDArray h, int units) {
        long in = h.getShape().get(1);
        NDArray w = param(new Shape(units, in), in, 0);
        NDArray b = param(new Shape(units), 0, 0f);
        return Linear.linear(h, w, b).singletonOrThrow();
    }

    private static NDArray maxPool(NDArray h) {
        return Pool.maxPool2d(h, new Shape(2, 2), new Shape(2, 2), ZERO, false);
    }

    private NDArray block(NDArray h, int out, int stride) {
        NDArray m = Activation.relu(bn(conv(h, out, 3, stride, 1, false)));
        m = bn(conv(m, out, 3, 1, 1, false));
        NDArray s = h.getShape().get(1) == out && stride == 1 ? h : bn(conv(h, out, 1, stride, 0, false));
        return Activation.relu(m.add(s));
    }

    private NDArray forward(NDArray h) {
        next = 0;
        statIndex = 0;
        long b = h.getShape().get(0);
        switch (task.net()) {
            case LENET5 -> {
                h = maxPool(Activation.relu(conv(h, 6, 5, 1, 2, true)));
                h = maxPool(Activation.relu(conv(h, 16, 5, 1, 0, true)));
                h = h.reshape(b, -1);
                h = Activation.relu(dense(h, 120));
                h = Activation.relu(dense(h, 84));
            }
            case CNN -> {
                h = Activation.relu(bn(conv(h, 32, 3, 1, 1, false)));
                h = maxPool(Activation.relu(bn(conv(h, 32, 3, 1, 1, false))));
                h = Activation.relu(bn(conv(h, 64, 3, 1, 1, false)));
                h = maxPool(Activation.relu(bn(conv(h, 64, 3, 1, 1, false))));
                h = Activation.relu(dense(h.reshape(b, -1), 128));
            }
            case RESNET_SMALL -> {
                h = Activation.relu(bn(conv(h, 16, 3, 1, 1, false)));
                h = block(h, 16, 1);
                h = block(h, 32, 2);
                h = block(h, 64, 2);
                h = Pool.globalAvgPool2d(h).reshape(b, -1);
            }
            default -> throw new IllegalStateException("unknown network " + task.net());
        }
        return dense(h, task.net().classes());
    }

    @Override
    public void step() {
        try (NDScope scope = new NDScope()) {
            if (task.train()) {
                training = true;
                try (GradientCollector gc = engine.newGradientCollector()) {
                    NDArray l = loss.evaluate(new NDList(y), new NDList(forward(x)));
                    gc.backward(l);
                }
                for (int k = 0; k < params.size(); k++) {
                    NDArray p = params.get(k);
                    NDArray g = p.getGradient();
                    adam.update("p" + k, p, g);
                    g.subi(g);
                }
            } else {
                training = false;
                forward(x);
            }
        }
    }

    /** The logits of the current weights on the benchmark batch (inference mode), row-major (for the cross-checks). */
    float[] logits() {
        boolean was = training;
        training = false;
        try (NDScope scope = new NDScope()) {
            return forward(x).toFloatArray();
        } finally {
            training = was;
        }
    }

    /** {@return the number of parameters (for the cross-checks)} */
    long parameterCount() {
        long n = 0;
        for (NDArray p : params) {
            n += p.getShape().size();
        }
        return n;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
        manager = null;
        x = y = null;
        params.clear();
        stats.clear();
        adam = null;
        loss = null;
    }
}
