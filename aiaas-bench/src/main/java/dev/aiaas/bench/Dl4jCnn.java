package dev.aiaas.bench;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * DL4J 1.0.0-M2.1 with the same layers, float32, Adam(1e-3, 0.9, 0.999, 1e-8),
 * {@code WeightInit.RELU}, input {@code InputType.convolutionalFlat} (flat rows, NCHW):
 * LeNet-5 and the cnn as a {@link MultiLayerNetwork} of {@code ConvolutionLayer}
 * ({@code ConvolutionMode.Same} where aiaas pads "same"), {@code BatchNormalization}(decay 0.9,
 * ε 1e-5), {@code ActivationLayer}(relu), {@code SubsamplingLayer}(max 2×2), {@code DenseLayer}
 * and {@code OutputLayer}(softmax, MCXENT); the small ResNet as a {@link ComputationGraph} with
 * {@code ElementWiseVertex(Add)} joins and a {@code GlobalPoolingLayer}(avg). A training step is
 * {@code fit(DataSet)} on one-hot labels; inference is {@code output(x)}, closed at once.
 */
public final class Dl4jCnn extends TaskWorkload<CnnTask> {

    private MultiLayerNetwork net;
    private ComputationGraph graph;
    private INDArray x;
    private INDArray y;
    private DataSet data;

    /**
     * The workload for {@code task}; nothing is allocated before {@link #setup()}.
     *
     * @param task the network, batch and kind of step
     */
    public Dl4jCnn(CnnTask task) {
        super(task);
    }

    @Override
    public String engine() {
        return "dl4j";
    }

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(Inputs.SEED).dataType(DataType.FLOAT).weightInit(WeightInit.RELU)
                .updater(new Adam(MlpTask.LEARNING_RATE, 0.9, 0.999, 1e-8));
    }

    private static ConvolutionLayer conv(int filters, int kernel, int stride, ConvolutionMode mode, boolean bias) {
        return new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(filters).convolutionMode(mode).hasBias(bias)
                .activation(Activation.IDENTITY).build();
    }

    private static BatchNormalization bn() {
        return new BatchNormalization.Builder().decay(0.9).eps(1e-5).build();
    }

    private static SubsamplingLayer maxPool() {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
    }

    private static OutputLayer output(int classes) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes).activation(Activation.SOFTMAX).build();
    }

    /** LeNet-5 or the cnn. */
    static MultiLayerNetwork sequential(CnnNet n) {
        NeuralNetConfiguration.ListBuilder b = base().list();
        if (n == CnnNet.LENET5) {
            b.layer(new ConvolutionLayer.Builder(5, 5).nOut(6).convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build())
                    .layer(maxPool())
                    .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).convolutionMode(ConvolutionMode.Truncate)
                            .activation(Activation.RELU).build())
                    .layer(maxPool())
                    .layer(new DenseLayer.Builder().nOut(120).activation(Activation.RELU).build())
                    .layer(new DenseLayer.Builder().nOut(84).activation(Activation.RELU).build());
        } else {
            b.layer(conv(32, 3, 1, ConvolutionMode.Same, false)).layer(bn()).layer(new ActivationLayer(Activation.RELU))
                    .layer(conv(32, 3, 1, ConvolutionMode.Same, false)).layer(bn()).layer(new ActivationLayer(Activation.RELU)).layer(maxPool())
                    .layer(conv(64, 3, 1, ConvolutionMode.Same, false)).layer(bn()).layer(new ActivationLayer(Activation.RELU))
                    .layer(conv(64, 3, 1, ConvolutionMode.Same, false)).layer(bn()).layer(new ActivationLayer(Activation.RELU))
                    .layer(maxPool())
                    .layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build());
        }
        b.layer(output(n.classes())).setInputType(InputType.convolutionalFlat(n.height(), n.width(), n.channels()));
        MultiLayerNetwork m = new MultiLayerNetwork(b.build());
        m.init();
        return m;
    }

    /** The small ResNet as a graph. */
    static ComputationGraph resnet(CnnNet n) {
        ComputationGraphConfiguration.GraphBuilder g = base().convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(n.height(), n.width(), n.channels()));
        g.addLayer("stem", conv(16, 3, 1, ConvolutionMode.Same, false), "in")
                .addLayer("stem_bn", bn(), "stem")
                .addLayer("stem_relu", new ActivationLayer(Activation.RELU), "stem_bn");
        String last = block(g, "s1", "stem_relu", 16, 16, 1);
        last = block(g, "s2", last, 16, 32, 2);
        last = block(g, "s3", last, 32, 64, 2);
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last)
                .addLayer("out", output(n.classes()), "pool")
                .setOutputs("out");
        ComputationGraph c = new ComputationGraph(g.build());
        c.init();
        return c;
    }

    /** BasicBlock(in → out, stride): main conv-BN-ReLU-conv-BN, shortcut identity or conv 1×1 + BN, add, ReLU. */
    private static String block(ComputationGraphConfiguration.GraphBuilder g, String name, String input, int in, int out, int stride) {
        g.addLayer(name + "_c1", conv(out, 3, stride, ConvolutionMode.Same, false), input)
                .addLayer(name + "_bn1", bn(), name + "_c1")
                .addLayer(name + "_r1", new ActivationLayer(Activation.RELU), name + "_bn1")
                .addLayer(name + "_c2", conv(out, 3, 1, ConvolutionMode.Same, false), name + "_r1")
                .addLayer(name + "_bn2", bn(), name + "_c2");
        String shortcut = input;
        if (in != out || stride != 1) {
            g.addLayer(name + "_sc", conv(out, 1, stride, ConvolutionMode.Same, false), input)
                    .addLayer(name + "_scbn", bn(), name + "_sc");
            shortcut = name + "_scbn";
        }
        g.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_bn2", shortcut)
                .addLayer(name + "_out", new ActivationLayer(Activation.RELU), name + "_add");
        return name + "_out";
    }

    @Override
    public void setup() {
        CnnNet n = task.net();
        if (n == CnnNet.RESNET_SMALL) {
            graph = resnet(n);
        } else {
            net = sequential(n);
        }
        x = Inputs.features(task.batch(), n.inputs(), 'c');
        if (task.train()) {
            y = Inputs.oneHot(Inputs.labels(task.batch(), n.classes()), n.classes());
            data = new DataSet(x, y);
        }
    }

    @Override
    public void step() {
        if (task.train()) {
            if (graph != null) {
                graph.fit(data);
            } else {
                net.fit(data);
            }
        } else if (graph != null) {
            graph.outputSingle(x).close();
        } else {
            net.output(x).close();
        }
    }

    /** {@return the parameter count of the network as built (for the tests)} */
    long parameterCount() {
        Model m = graph != null ? graph : net;
        return m.numParams();
    }

    @Override
    public void close() {
        Closer.closeAll(null, x, y);
        if (net != null) {
            net.close();
        }
        if (graph != null) {
            graph.close();
        }
        net = null;
        graph = null;
        data = null;
        x = y = null;
    }
}
