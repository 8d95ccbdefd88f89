package dev.aiaas.bench;

import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * SameDiff (ND4J 1.0.0-M2.1): the graph {@code relu(x·W + b)} per hidden layer, logits
 * {@code h·W + b}, {@code loss().softmaxCrossEntropy} on one-hot labels, Adam(1e-3). A training
 * step is {@code fit(DataSet)}; inference is {@code output(placeholders, "logits")}, whose new
 * array is closed here. Weights are He-uniform from {@link Inputs}.
 */
public final class SameDiffMlp extends MlpWorkload {

    private SameDiff sd;
    private INDArray x;
    private INDArray y;
    private DataSet data;
    private Map<String, INDArray> placeholders;

    /**
     * The workload for {@code task}; nothing is allocated before {@link #setup()}.
     *
     * @param task the shape, batch and kind of step
     */
    public SameDiffMlp(MlpTask task) {
        super(task);
    }

    @Override
    public String engine() {
        return "samediff";
    }

    @Override
    public void setup() {
        MlpShape s = task.shape();
        sd = SameDiff.create();
        SDVariable in = sd.placeHolder("input", DataType.FLOAT, -1, s.inputs());
        SDVariable label = sd.placeHolder("label", DataType.FLOAT, -1, s.classes());
        SDVariable h = in;
        for (int l = 1; l <= s.layerCount(); l++) {
            int fanIn = s.widths().get(l - 1);
            int fanOut = s.widths().get(l);
            SDVariable w = sd.var("w" + l, Inputs.heUniform(fanIn, fanOut, Inputs.SEED + l));
            SDVariable b = sd.var("b" + l, Nd4j.zeros(DataType.FLOAT, 1, fanOut));
            SDVariable z = h.mmul(w).add(b);
            h = l < s.layerCount() ? sd.nn().relu(z, 0) : z;
        }
        h.rename("logits");
        sd.loss().softmaxCrossEntropy("loss", label, h, null);
        sd.setLossVariables("loss");
        sd.setTrainingConfig(new TrainingConfig.Builder()
                .updater(new Adam(MlpTask.LEARNING_RATE, 0.9, 0.999, 1e-8))
                .dataSetFeatureMapping("input")
                .dataSetLabelMapping("label")
                .build());
        x = Inputs.features(task.batch(), s.inputs(), 'c');
        if (task.train()) {
            y = Inputs.oneHot(Inputs.labels(task.batch(), s.classes()), s.classes());
            data = new DataSet(x, y);
        } else {
            placeholders = Map.of("input", x);
        }
    }

    @Override
    public void step() {
        if (task.train()) {
            sd.fit(data);
        } else {
            sd.output(placeholders, "logits").get("logits").close();
        }
    }

    @Override
    public void close() {
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
