package dev.aiaas.bench;

import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * What the SameDiff workloads share: a graph from the placeholder {@code input} {@code [B, in]}
 * to {@code logits} {@code [B, classes]}, {@code loss().softmaxCrossEntropy} on the one-hot
 * placeholder {@code label}, Adam(1e-3, 0.9, 0.999, 1e-8). A training step is
 * {@code fit(DataSet)}; inference is {@code output(placeholders, "logits")}, whose new array is
 * closed here. Subclasses build the network between the two.
 *
 * @param <T> the kind of task
 */
public abstract class SameDiffWorkload<T extends BenchTask> extends TaskWorkload<T> {
    /** The graph, from {@link #setup()} to {@link #close()}. */
    protected SameDiff sd;
    private final int batch;
    private final int inputs;
    private final int classes;
    private final boolean train;
    private INDArray x;
    private INDArray y;
    private DataSet data;
    private Map<String, INDArray> placeholders;

    /**
     * The workload for {@code task}; nothing is allocated before {@link #setup()}.
     *
     * @param task    what it does per step
     * @param batch   B, the examples per step
     * @param inputs  the input features per example
     * @param classes the classes (logits per example)
     * @param train   true for a training step, false for an inference call
     */
    protected SameDiffWorkload(T task, int batch, int inputs, int classes, boolean train) {
        super(task);
        this.batch = batch;
        this.inputs = inputs;
        this.classes = classes;
        this.train = train;
    }

    /**
     * Builds the network in {@link #sd}.
     *
     * @param input the placeholder {@code [B, inputs]}
     * @return the logits {@code [B, classes]}
     */
    protected abstract SDVariable network(SDVariable input);

    @Override
    public final String engine() {
        return "samediff";
    }

    @Override
    public final void setup() {
        sd = SameDiff.create();
        SDVariable in = sd.placeHolder("input", DataType.FLOAT, -1, inputs);
        SDVariable label = sd.placeHolder("label", DataType.FLOAT, -1, classes);
        SDVariable logits = network(in);
        logits.rename("logits");
        sd.loss().softmaxCrossEntropy("loss", label, logits, null);
        sd.setLossVariables("loss");
        sd.setTrainingConfig(new TrainingConfig.Builder()
                .updater(new Adam(MlpTask.LEARNING_RATE, 0.9, 0.999, 1e-8))
                .dataSetFeatureMapping("input")
                .dataSetLabelMapping("label")
                .build());
        x = Inputs.features(batch, inputs, 'c');
        if (train) {
            y = Inputs.oneHot(Inputs.labels(batch, classes), classes);
            data = new DataSet(x, y);
        } else {
            placeholders = Map.of("input", x);
        }
    }

    @Override
    public final void step() {
        if (train) {
            sd.fit(data);
        } else {
            sd.output(placeholders, "logits").get("logits").close();
        }
    }

    /** {@return the trainable values of the graph as built (for the tests)} */
    final long parameterCount() {
        long p = 0;
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                p += v.getArr().length();
            }
        }
        return p;
    }

    /** {@return the logits of the batch (for the tests)} */
    final INDArray logits() {
        return sd.output(Map.of("input", x), "logits").get("logits");
    }

    /** {@return the mean loss of the training batch (for the tests)} */
    final double loss() {
        return sd.output(Map.of("input", x, "label", y), "loss").get("loss").getDouble(0);
    }

    @Override
    public final void close() {
        Closer.closeAll(null, x, y);
        if (sd != null) {
            // SameDiff has no close(): free the weights; its updater state is left to the collector
            for (SDVariable v : sd.variables()) {
                if (v.getVariableType() == VariableType.VARIABLE) {
                    INDArray a = v.getArr();
                    if (a != null && a.closeable()) {
                        a.close();
                    }
                }
            }
        }
        sd = null;
        data = null;
        placeholders = null;
        x = y = null;
    }
}
