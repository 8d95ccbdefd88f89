package dev.aiaas.bench;

import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.vision.nn.Networks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * aiaas: the {@link Model} of {@link Networks} ({@code lenet5(10)}, {@code cnn(1, 28, 28, 10)});
 * a training step is {@code forward(x, true)}, {@code Losses.sparseSoftmaxCrossEntropy().compute},
 * {@code backward}, {@code Optimizers.adam(1e-3).step} (what {@code Trainer} does per batch), x
 * {@code [B, C·H·W]} in 'f' order; inference is {@code predict(x)} of the model's
 * {@link Predictor} (made in setup), x in 'c' order, the new array closed at once.
 */
public final class AiaasCnn extends TaskWorkload<CnnTask> {

    private Model model;
    private Predictor predictor;
    private INDArray x;
    private INDArray y;
    private INDArray grad;
    private Loss loss;
    private Optimizer optimizer;
    private Optimizer.State state;
    private long t;

    /**
     * The workload for {@code task}; nothing is allocated before {@link #setup()}.
     *
     * @param task the network, batch and kind of step
     */
    public AiaasCnn(CnnTask task) {
        super(task);
    }

    /**
     * Whether aiaas builds the network ({@code Networks} has it).
     *
     * @param net the network
     * @return true for every network {@link #builder} takes
     */
    public static boolean supports(CnnNet net) {
        return net != null;
    }

    /**
     * The network's builder in aiaas (the workloads build it with seed {@link Inputs#SEED}; the
     * ONNX Runtime peer exports the ResNet so built).
     *
     * @param net a network {@link #supports} accepts
     * @return a new builder
     */
    public static Model.Builder builder(CnnNet net) {
        return switch (net) {
            case LENET5 -> Networks.lenet5(net.classes());
            case CNN -> Networks.cnn(net.channels(), net.height(), net.width(), net.classes());
            case RESNET_SMALL -> Networks.resnetSmall(net.channels(), net.height(), net.width(), net.classes());
        };
    }

    @Override
    public String engine() {
        return "aiaas";
    }

    @Override
    public void setup() {
        CnnNet n = task.net();
        model = builder(n).seed(Inputs.SEED).build();
        x = Inputs.features(task.batch(), n.inputs(), task.train() ? 'f' : 'c');
        if (task.train()) {
            y = Inputs.sparse(Inputs.labels(task.batch(), n.classes()));
            grad = Nd4j.create(DataType.FLOAT, new long[] {task.batch(), n.classes()}, 'f');
            loss = Losses.sparseSoftmaxCrossEntropy();
            optimizer = Optimizers.adam(MlpTask.LEARNING_RATE);
            state = optimizer.newState(model.parameterCount(), model.dataType());
            t = 0;
        } else {
            predictor = model.predictor();
        }
    }

    @Override
    public void step() {
        if (task.train()) {
            INDArray out = model.forward(x, true);
            loss.compute(out, y, grad);
            model.backward(grad);
            optimizer.step(model.parameters(), model.gradients(), state, MlpTask.LEARNING_RATE, ++t);
        } else {
            predictor.predict(x).close();
        }
    }

    @Override
    public void close() {
        Closer.closeAll(state, x, y, grad);
        if (predictor != null) {
            predictor.close();
        }
        predictor = null;
        if (model != null) {
            model.close();
        }
        model = null;
        state = null;
        x = y = grad = null;
    }
}
