package dev.aiaas.bench;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * DL4J 1.0.0-M2.1: a {@link MultiLayerNetwork} of {@code DenseLayer}(relu) (or, for
 * {@link MlpTask#norm()}, {@code DenseLayer}(identity), {@code BatchNormalization},
 * {@code ActivationLayer}(GELU) and {@code DropoutLayer}(retain 0.8)) and an
 * {@code OutputLayer}(softmax, MCXENT), float32, Adam(1e-3, 0.9, 0.999, 1e-8), as its examples
 * build it. A training step is {@code fit(DataSet)} on one-hot labels; inference is
 * {@code output(x)}, whose new array is closed here. x is given in 'c' order, DL4J's layout.
 */
public final class Dl4jMlp extends TaskWorkload<MlpTask> {

    private MultiLayerNetwork net;
    private INDArray x;
    private INDArray y;
    private DataSet data;

    /**
     * The workload for {@code task}; nothing is allocated before {@link #setup()}.
     *
     * @param task the shape, batch and kind of step
     */
    public Dl4jMlp(MlpTask task) {
        super(task);
    }

    @Override
    public String engine() {
        return "dl4j";
    }

    @Override
    public void setup() {
        MlpShape s = task.shape();
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder()
                .seed(Inputs.SEED)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(new Adam(MlpTask.LEARNING_RATE, 0.9, 0.999, 1e-8))
                .list();
        for (int l = 1; l < s.layerCount(); l++) {
            int width = s.widths().get(l);
            if (task.norm()) {
                lb.layer(new DenseLayer.Builder().nIn(s.widths().get(l - 1)).nOut(width).activation(Activation.IDENTITY).build());
                lb.layer(new BatchNormalization.Builder().nOut(width).build());
                lb.layer(new ActivationLayer.Builder().activation(Activation.GELU).build());
                lb.layer(new DropoutLayer.Builder(0.8).build()); // DL4J's argument is the retain probability
            } else {
                lb.layer(new DenseLayer.Builder().nIn(s.widths().get(l - 1)).nOut(width).activation(Activation.RELU).build());
            }
        }
        lb.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(s.widths().get(s.layerCount() - 1)).nOut(s.classes()).activation(Activation.SOFTMAX).build());
        MultiLayerConfiguration conf = lb.build();
        net = new MultiLayerNetwork(conf);
        net.init();
        x = Inputs.features(task.batch(), s.inputs(), 'c');
        if (task.train()) {
            y = Inputs.oneHot(Inputs.labels(task.batch(), s.classes()), s.classes());
            data = new DataSet(x, y);
        }
    }

    @Override
    public void step() {
        if (task.train()) {
            net.fit(data);
        } else {
            net.output(x).close();
        }
    }

    @Override
    public void close() {
        Closer.closeAll(null, x, y);
        if (net != null) {
            net.close();
        }
        net = null;
        data = null;
        x = y = null;
    }
}
