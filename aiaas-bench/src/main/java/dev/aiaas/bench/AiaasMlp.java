package dev.aiaas.bench;

import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * aiaas: {@link Model} with dense(relu) hidden layers (or dense, batch norm, GELU and dropout 0.2
 * for {@link MlpTask#norm()}) and a dense logits layer; a training step is
 * {@code forward(x, true)}, {@code Losses.sparseSoftmaxCrossEntropy().compute}, {@code backward},
 * {@code Optimizers.adam(1e-3).step} (what {@code Trainer} does per batch), with x in 'f'
 * order, the layout {@code Model} computes in. Inference goes through the model's serving form,
 * {@link Predictor} ({@code model.predictor()}, made in setup as an ONNX Runtime session is):
 * {@code predict(x)}, which returns a new array the caller owns (closed here), or
 * {@code predict(x, out)} into one buffer; x in 'c' order, a batch of examples row after row as
 * a request brings them (and as the peers take them). The predictor is packed for the Vector API
 * when the JVM runs with {@code --add-modules jdk.incubator.vector}, else a copy of the model on
 * BLAS; {@code bench} prints which ("predictors:" in its header).
 */
public final class AiaasMlp extends TaskWorkload<MlpTask> {

    private Model model;
    private Predictor predictor;
    private INDArray x;
    private INDArray y;
    private INDArray grad;
    private INDArray out;
    private Loss loss;
    private Optimizer optimizer;
    private Optimizer.State state;
    private long t;

    /**
     * The workload for {@code task}; nothing is allocated before {@link #setup()}.
     *
     * @param task the shape, batch and kind of step
     */
    public AiaasMlp(MlpTask task) {
        super(task);
    }

    @Override
    public String engine() {
        return "aiaas";
    }

    @Override
    public void setup() {
        MlpShape s = task.shape();
        Model.Builder b = Model.builder(s.inputs());
        for (int l = 1; l < s.layerCount(); l++) {
            if (task.norm()) {
                b.add(Layers.dense(s.widths().get(l))).add(Layers.batchNorm()).add(Layers.gelu()).add(Layers.dropout(0.2));
            } else {
                b.add(Layers.dense(s.widths().get(l), Activation.RELU));
            }
        }
        model = b.add(Layers.dense(s.classes())).seed(Inputs.SEED).build();
        x = Inputs.features(task.batch(), s.inputs(), task.train() ? 'f' : 'c');
        if (task.train()) {
            y = Inputs.sparse(Inputs.labels(task.batch(), s.classes()));
            grad = org.nd4j.linalg.factory.Nd4j.create(DataType.FLOAT, new long[] {task.batch(), s.classes()}, 'f');
            loss = Losses.sparseSoftmaxCrossEntropy();
            optimizer = Optimizers.adam(MlpTask.LEARNING_RATE);
            state = optimizer.newState(model.parameterCount(), model.dataType());
            t = 0;
        } else {
            predictor = model.predictor();
            if (task.intoBuffer()) {
                out = org.nd4j.linalg.factory.Nd4j.create(DataType.FLOAT, new long[] {task.batch(), s.classes()}, 'c');
            }
        }
    }

    @Override
    public void step() {
        if (task.train()) {
            INDArray out = model.forward(x, true);
            loss.compute(out, y, grad);
            model.backward(grad);
            optimizer.step(model.parameters(), model.gradients(), state, MlpTask.LEARNING_RATE, ++t);
        } else if (out != null) {
            predictor.predict(x, out);
        } else {
            predictor.predict(x).close();
        }
    }

    @Override
    public void close() {
        Closer.closeAll(state, x, y, grad, out);
        if (predictor != null) {
            predictor.close();
        }
        predictor = null;
        if (model != null) {
            model.close();
        }
        model = null;
        state = null;
        x = y = grad = out = null;
    }
}
