package dev.aiaas.vision.nn;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Not a test: one training step (forward, loss, backward, Adam) of the CLI's cnn against DL4J's
 * MultiLayerNetwork with the same layers, float32, alternating rounds of {@code steps} steps.
 * Prints per-step wall time and the calling thread's CPU time (min and median per engine).
 * {@code java -Daiaas.threads=1 -Daiaas.blas.threads=1 -cp ... dev.aiaas.vision.nn.CnnStepVsDl4j [batch] [rounds] [steps]}
 */
public final class CnnStepVsDl4j {
    private CnnStepVsDl4j() {
    }

    public static void main(String[] args) {
        Backends.current();
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        java.lang.management.ThreadMXBean tb = java.lang.management.ManagementFactory.getThreadMXBean();
        INDArray x = Nd4j.rand(DataType.FLOAT, 'c', batch, 784);
        INDArray labels = Nd4j.create(DataType.FLOAT, new long[] {batch, 1}, 'f');
        INDArray oneHot = Nd4j.create(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            labels.putScalar(i, i % 10);
            oneHot.putScalar(i, i % 10, 1.0);
        }
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(new Adam(1e-3))
                .convolutionMode(ConvolutionMode.Same).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().decay(0.9).eps(1e-5).build())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(64).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().decay(0.9).eps(1e-5).build())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build();
        MultiLayerNetwork dl4j = new MultiLayerNetwork(conf);
        dl4j.init();
        try (Model m = Networks.cnn(1, 28, 28, 10).seed(1).build();
             Optimizer.State state = Optimizers.adam(1e-3).newState(m.parameterCount(), DataType.FLOAT);
             INDArray g = Nd4j.create(DataType.FLOAT, new long[] {batch, 10}, 'f')) {
            System.out.println("parameters: aiaas " + m.parameterCount() + ", DL4J " + dl4j.numParams());
            Optimizer adam = Optimizers.adam(1e-3);
            Loss loss = Losses.sparseSoftmaxCrossEntropy();
            double[][] wall = new double[2][rounds * steps];
            double[][] cpu = new double[2][rounds * steps];
            long t = 0;
            for (int w = 0; w < 3; w++) { // warm-up
                dl4j.fit(x, oneHot);
                INDArray out = m.forward(x, true);
                loss.compute(out, labels, g);
                m.backward(g);
                adam.step(m.parameters(), m.gradients(), state, 1e-3, ++t);
            }
            int k = 0;
            for (int r = 0; r < rounds; r++) {
                for (int s = 0; s < steps; s++) {
                    long c0 = tb.getCurrentThreadCpuTime();
                    long w0 = System.nanoTime();
                    INDArray out = m.forward(x, true);
                    loss.compute(out, labels, g);
                    m.backward(g);
                    adam.step(m.parameters(), m.gradients(), state, 1e-3, ++t);
                    wall[0][k + s] = (System.nanoTime() - w0) / 1e6;
                    cpu[0][k + s] = (tb.getCurrentThreadCpuTime() - c0) / 1e6;
                }
                for (int s = 0; s < steps; s++) {
                    long c0 = tb.getCurrentThreadCpuTime();
                    long w0 = System.nanoTime();
                    dl4j.fit(x, oneHot);
                    wall[1][k + s] = (System.nanoTime() - w0) / 1e6;
                    cpu[1][k + s] = (tb.getCurrentThreadCpuTime() - c0) / 1e6;
                }
                k += steps;
            }
            String[] names = {"aiaas", "DL4J"};
            for (int e = 0; e < 2; e++) {
                Arrays.sort(wall[e]);
                Arrays.sort(cpu[e]);
                System.out.printf(Locale.ROOT, "%-6s cnn-b%d step: wall min %8.2f med %8.2f ms   thread CPU min %8.2f med %8.2f ms%n",
                        names[e], batch, wall[e][0], wall[e][wall[e].length / 2], cpu[e][0], cpu[e][cpu[e].length / 2]);
            }
        }
    }
}
