package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.data.OneHot;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.ActivationLayer;
import dev.aiaas.core.nn.Dense;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 15: the convolutional layers against DL4J's {@code MultiLayerNetwork} (the reference
 * implementation in the JVM) on identical weights and data, in float64. Four networks, each built
 * from aiaas layers and translated layer by layer into DL4J's ({@link #dl4jConfiguration}):
 * <ul>
 *   <li>{@code mixed}, on 2×12×10 images (not square, so that a height/width mix-up shows): conv
 *       3×3 padding 1 → batch norm → max pool 3 stride 2 padding 1 (on values of both signs, so
 *       that padding must be left out of the maxima, as both engines do) → conv 3×3 padding (2, 1)
 *       dilation (2, 1) with bias → ReLU → conv 3×3 stride 2 {@code same} (TensorFlow's
 *       asymmetric padding: 0 before, 1 after) → batch norm (momentum 0.8, ε 1e-3) → ReLU →
 *       average pool 2 stride 1 → flatten → dense 8 ReLU → dense 5, batch 6;</li>
 *   <li>{@code global-pool}, on 3×9×9 images: conv 3×3 stride 2 padding 1 with bias → ReLU → conv
 *       3×3 {@code same} → batch norm → ReLU → average pool 3 stride 1 padding 1 (the divisor 9
 *       at the edges too: DL4J's {@code avgPoolIncludePadInDivisor(true)}, PyTorch's default) →
 *       global average pool → dense 4 (DL4J's {@code GlobalPoolingLayer} AVG, as resnet-small
 *       ends), batch 5;</li>
 *   <li>{@code lenet5}: {@link Networks#lenet5(int)} for 10 classes, batch 2;</li>
 *   <li>{@code cnn}: {@link Networks#cnn(int, int, int, int)} for 1×28×28 and 10 classes (the CLI's
 *       {@code --model cnn}), batch 2, at θ₀; trained for 20 steps as {@code cnn-14x14}, the same
 *       builder on 14×14 images (the dense layer's input is 576 wide, not 3,136), so that the two
 *       engines' 40 float64 steps take seconds on a loaded 2-core machine.</li>
 * </ul>
 * For each: the softmax outputs in training mode (batch statistics) and the mean cross-entropy,
 * ∂L/∂θ of every trained parameter at θ₀, and θ after 20 Adam steps (every parameter, the batch
 * norms' running mean and variance included) together with the inference-mode outputs (running
 * statistics) after them, agree element by element: |ours − dl4j| ≤ 1e-9 · (|dl4j| + 1e-6).
 * Measured (the log at INFO): outputs and loss 4e-15 or less; gradients 2e-10 at most (the cnn's
 * first dense ∂L/∂W, whose elements are sums of two examples' terms that partly cancel), 2e-11
 * elsewhere; θ after 20 steps 3e-12, running statistics 2e-13, inference outputs 4e-15. Each check
 * fails when its mapping or the engine is broken (checked: a dense W read row-major, DL4J's decay
 * given as 1 − m, our running variance made unbiased as PyTorch's, DL4J's average pooling
 * dividing by the window's inputs only, our max pooling starting from 0 instead of −∞).
 *
 * <p>No convolution here has a bias directly before a batch norm (nor do the networks): such a
 * bias has ∂L/∂b = 0 exactly (the batch norm subtracts each channel's mean), so both engines
 * compute rounding noise of about 1e-17 for it, which differs between them, and Adam's
 * m/(√v + ε) turns that noise into steps of about 1e-12 in arbitrary directions (measured: a
 * relative difference of 4e-6 after 20 steps on a bias that stays near 0). That is not a
 * disagreement of the two engines' maths, so it is left out rather than the tolerance loosened.
 *
 * <p>The layouts, mapped by DL4J's parameter names and never by DL4J's flat order (which puts a
 * convolution's b before its W): a convolution's W is {@code [F, C, kH, kW]} row-major on both
 * sides ({@code i_W}), b {@code [F]} ({@code i_b}); a batch norm's γ, β, running mean and variance
 * are {@code i_gamma}, {@code i_beta}, {@code i_mean}, {@code i_var} (DL4J with
 * {@code useLogStd(false)}, so that it stores the variance, not log₁₀ σ); a dense W is
 * {@code [in, out]} column-major on both sides. DL4J's input is NCHW, our flat rows reshaped
 * row-major ({@code unflatten}); DL4J flattens NCHW activations row-major in its
 * {@code CnnToFeedForwardPreProcessor}, as our {@code flatten} does (PyTorch's order), which the
 * first dense layer's gradient pins.
 *
 * <p>The conventions, which match once stated:
 * <ul>
 *   <li>DL4J's {@code gradient()} is that of the batch sum, B · ∂L/∂θ (its updater divides by B
 *       before Adam); ours is ∂L/∂θ of the mean. B · ours is compared.</li>
 *   <li>Adam: both compute m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 *       θ ← θ − η√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε) (ε outside the bias correction), with
 *       η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</li>
 *   <li>Batch norm: DL4J's {@code decay} is our momentum m; both normalise with the biased batch
 *       variance and move the running statistics by mean ← m·mean + (1−m)·μ and
 *       var ← m·var + (1−m)·σ² with the biased σ² (DL4J writes it as θ − (1−m)(θ − μ), applied by
 *       its no-op updater after the step; we write it in the training forward pass: the same value
 *       once per step). PyTorch would differ here (the unbiased variance in the running
 *       estimate); DL4J does not.</li>
 *   <li>Not compared: grouped and depthwise convolutions (DL4J's {@code ConvolutionLayer} has no
 *       groups, its depthwise convolution is another layer with another weight layout; the
 *       PyTorch reference covers them), and residual blocks (a {@code ComputationGraph} in DL4J;
 *       the conformance harness and the PyTorch reference cover the layers inside them).</li>
 * </ul>
 */
class Dl4jConvCrossCheckTest {

    private static final Logger LOG = LoggerFactory.getLogger(Dl4jConvCrossCheckTest.class);

    private static final int STEPS = 20;
    private static final double LR = 1e-3;
    private static final long MODEL_SEED = 1;
    private static final long DATA_SEED = 7;

    /** The tolerance of issue 15, relative. */
    private static final double RTOL = 1e-9;
    /** The absolute part, for elements near 0 (gradients are 1e-6 to 1 in size here). */
    private static final double ATOL = 1e-6;

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** A network under test: its aiaas builder, its image shape, classes and batch size. */
    private record Net(String name, Supplier<Model.Builder> builder, int channels, int height, int width, int classes, int batch) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Net MIXED = new Net("mixed", Dl4jConvCrossCheckTest::mixed, 2, 12, 10, 5, 6);
    private static final Net LENET5 = new Net("lenet5", () -> Networks.lenet5(10), 1, 28, 28, 10, 2);
    private static final Net GLOBAL = new Net("global-pool", Dl4jConvCrossCheckTest::globalPool, 3, 9, 9, 4, 5);

    /** The networks compared at θ₀: the CLI's cnn at its 28×28 size. */
    static Stream<Arguments> networks() {
        return Stream.of(Arguments.of(MIXED), Arguments.of(GLOBAL), Arguments.of(LENET5),
                Arguments.of(new Net("cnn", () -> Networks.cnn(1, 28, 28, 10), 1, 28, 28, 10, 2)));
    }

    /**
     * The networks trained for 20 steps: the cnn's layers on 14×14 images ([1, 14, 14] → [32, 7, 7]
     * → [64, 3, 3] → [576] → [128] → [10]), so that two engines' 20 float64 steps take seconds on a
     * loaded machine; the 28×28 network differs only in the dense layer's input width.
     */
    static Stream<Arguments> trainedNetworks() {
        return Stream.of(Arguments.of(MIXED), Arguments.of(GLOBAL), Arguments.of(LENET5),
                Arguments.of(new Net("cnn-14x14", () -> Networks.cnn(1, 14, 14, 10), 1, 14, 14, 10, 2)));
    }

    /** The network that exercises every option DL4J shares with us (see the class comment). */
    private static Model.Builder mixed() {
        return Model.builder(2 * 12 * 10)
                .add(ConvLayers.unflatten(2, 12, 10))
                .add(ConvLayers.conv2d(4, 3).withPadding(Padding.of(1)).withBias(false)) // [4, 12, 10]; no bias before a batch norm
                .add(ConvLayers.batchNorm2d(0.9, 1e-5))
                .add(new MaxPool2d(3, 3, 2, 2, 1, 1)) // [4, 6, 5]; no ReLU before or after it, so a zero-padded edge would show
                .add(ConvLayers.conv2d(6, 3).withPadding(Padding.of(2, 1)).withDilation(2, 1)).add(Layers.relu()) // [6, 6, 5]
                .add(ConvLayers.conv2d(6, 3).withStride(2).withPadding(Padding.same()).withBias(false)) // [6, 3, 3]
                .add(ConvLayers.batchNorm2d(0.8, 1e-3)).add(Layers.relu())
                .add(ConvLayers.avgPool2d(2, 1)) // [6, 2, 2]
                .add(ConvLayers.flatten())
                .add(Layers.dense(8, Activation.RELU)).add(Layers.dense(5));
    }

    /** Global average pooling (DL4J's {@code GlobalPoolingLayer} AVG) before the classifier, as in resnet-small. */
    private static Model.Builder globalPool() {
        return Model.builder(3 * 9 * 9)
                .add(ConvLayers.unflatten(3, 9, 9))
                .add(ConvLayers.conv2d(4, 3).withStride(2).withPadding(Padding.of(1))).add(Layers.relu()) // [4, 5, 5]
                .add(ConvLayers.conv2d(8, 3).withPadding(Padding.same()).withBias(false)) // [8, 5, 5]
                .add(ConvLayers.batchNorm2d(0.9, 1e-5)).add(Layers.relu())
                .add(new AvgPool2d(3, 3, 1, 1, 1, 1)) // [8, 5, 5], windows over the padding divided by 9 (PyTorch's default)
                .add(ConvLayers.globalAvgPool()) // [8]
                .add(Layers.dense(4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void parametersMapOneToOneByName(Net net) {
        try (Model model = net.builder().get().seed(MODEL_SEED).dataType(DataType.DOUBLE).build()) {
            List<Param> params = params(model);
            MultiLayerNetwork dl4j = dl4jNet(net, model);
            assertEquals(model.parameterCount(), dl4j.numParams(), "parameter counts");
            assertEquals(model.parameterCount(), params.stream().mapToLong(p -> p.to - p.from).sum(), "every parameter mapped once");
            for (Param p : params) {
                assertArrayEquals(dl4j.getParam(p.name).reshape(-1).toDoubleVector(), p.view(model.parameters()).reshape(-1).toDoubleVector(),
                        p.name + " copied by name, read back");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void outputsLossAndGradientsAgreeInFloat64(Net net) {
        Batch batch = batches(net, 1).get(0);
        try (Model model = net.builder().get().seed(MODEL_SEED).dataType(DataType.DOUBLE).build()) {
            List<Param> params = params(model);
            MultiLayerNetwork dl4j = dl4jNet(net, model);

            INDArray logits = model.forward(batch.x(), true);
            INDArray grad = Nd4j.create(logits.dataType(), logits.shape(), logits.ordering());
            double loss = Losses.softmaxCrossEntropy().compute(logits, batch.y(), grad);
            INDArray probabilities = softmax(logits);
            model.backward(grad);

            INDArray images = images(net, batch.x());
            INDArray dl4jOutput = dl4j.output(images, true); // training mode: batch statistics, as our forward pass
            dl4j.setInput(images);
            dl4j.setLabels(batch.y());
            dl4j.computeGradientAndScore();
            double dl4jLoss = dl4j.score();

            double outputDiff = maxRelDiff(probabilities, dl4jOutput);
            double lossDiff = Math.abs(loss - dl4jLoss) / Math.abs(dl4jLoss);
            double gradDiff = 0;
            int compared = 0;
            for (Param p : params) {
                if (p.state) { // DL4J's "gradient" of a running statistic is its update, (1 − m)(θ − μ); ours is 0
                    continue;
                }
                double d = maxRelDiff(p.view(model.gradients()).mul(net.batch()), dl4j.gradient().getGradientFor(p.name));
                LOG.info(String.format(Locale.ROOT, "%s float64 ∂L/∂%s: max relative difference %.3e", net, p.name, d));
                gradDiff = Math.max(gradDiff, d);
                compared++;
            }
            LOG.info(String.format(Locale.ROOT, "%s float64 at θ₀: outputs %.3e, loss %.3e (ours %.17g, DL4J %.17g), gradients of %d "
                    + "parameters %.3e", net, outputDiff, lossDiff, loss, dl4jLoss, compared, gradDiff));
            assertTrue(outputDiff <= RTOL, net + ": softmax outputs differ by " + outputDiff);
            assertTrue(lossDiff <= RTOL, net + ": loss: ours " + loss + ", DL4J " + dl4jLoss);
            assertTrue(gradDiff <= RTOL, net + ": gradients differ by " + gradDiff);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trainedNetworks")
    void parametersAndRunningStatisticsAfterTwentyAdamStepsAgreeInFloat64(Net net) {
        List<Batch> batches = batches(net, STEPS + 1);
        Batch heldOut = batches.remove(STEPS);
        try (Model model = net.builder().get().seed(MODEL_SEED).dataType(DataType.DOUBLE).build()) {
            List<Param> params = params(model);
            MultiLayerNetwork dl4j = dl4jNet(net, model);
            train(model, batches);
            for (Batch b : batches) {
                dl4j.fit(new DataSet(images(net, b.x()), b.y()));
            }
            assertEquals(STEPS, dl4j.getIterationCount(), "DL4J took one Adam step per batch");
            double thetaDiff = 0;
            double stateDiff = 0;
            for (Param p : params) {
                double d = maxRelDiff(p.view(model.parameters()), dl4j.getParam(p.name));
                if (p.state) {
                    stateDiff = Math.max(stateDiff, d);
                } else {
                    thetaDiff = Math.max(thetaDiff, d);
                }
            }
            double inferenceDiff = maxRelDiff(softmax(model.predict(heldOut.x())), dl4j.output(images(net, heldOut.x()), false));
            LOG.info(String.format(Locale.ROOT, "%s float64 after %d Adam steps: θ %.3e, running statistics %.3e, inference outputs %.3e",
                    net, STEPS, thetaDiff, stateDiff, inferenceDiff));
            assertTrue(thetaDiff <= RTOL, net + ": θ after " + STEPS + " steps differs by " + thetaDiff);
            assertTrue(stateDiff <= RTOL, net + ": running statistics after " + STEPS + " steps differ by " + stateDiff);
            assertTrue(inferenceDiff <= RTOL, net + ": inference outputs after " + STEPS + " steps differ by " + inferenceDiff);
        }
    }

    // ---------------------------------------------------------------------------------------

    /** One mini-batch: x [B, C·H·W] in [0, 1), y one-hot [B, classes], both float64. */
    private record Batch(INDArray x, INDArray y) {
    }

    /** {@code count} batches, the same for every test (fixed seed). */
    private static List<Batch> batches(Net net, int count) {
        SplittableRandom random = new SplittableRandom(DATA_SEED);
        int in = net.channels() * net.height() * net.width();
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[][] x = new double[net.batch()][in];
            int[] labels = new int[net.batch()];
            for (int r = 0; r < net.batch(); r++) {
                for (int c = 0; c < in; c++) {
                    x[r][c] = random.nextDouble();
                }
                labels[r] = random.nextInt(net.classes());
            }
            out.add(new Batch(Nd4j.createFromArray(x), OneHot.encode(labels, net.classes()).castTo(DataType.DOUBLE)));
        }
        return out;
    }

    /** Flat rows [B, C·H·W] as DL4J's NCHW images, read row-major (as our {@code unflatten} reads them). */
    private static INDArray images(Net net, INDArray x) {
        return x.dup('c').reshape('c', x.size(0), net.channels(), net.height(), net.width());
    }

    /**
     * One of DL4J's parameters and where it lies in our θ: {@code [from, to)}, read as
     * {@code shape} in {@code order}. {@code state}: a running statistic (not trained).
     */
    private record Param(String name, long from, long to, char order, long[] shape, boolean state) {
        INDArray view(INDArray flat) {
            return flat.get(NDArrayIndex.interval(from, to)).reshape(order, shape);
        }
    }

    /**
     * Our layers in order, each with the DL4J layer it becomes ({@code -1}: none; {@code unflatten}
     * and {@code flatten} are DL4J's input type and preprocessor), and each parameter by DL4J's name.
     */
    private static List<Param> params(Model model) {
        List<Param> out = new ArrayList<>();
        long[] shape = model.inputShape();
        long offset = 0;
        int dl4jIndex = 0;
        for (Layer layer : model.layers()) {
            long count = layer.parameterCount(shape);
            String prefix = dl4jIndex + "_";
            if (layer instanceof Conv2d c) {
                long in = shape[0] / c.groups();
                long w = c.filters() * in * c.kernelHeight() * c.kernelWidth();
                out.add(new Param(prefix + "W", offset, offset + w, 'c', new long[] {c.filters(), in, c.kernelHeight(), c.kernelWidth()},
                        false));
                if (c.useBias()) {
                    out.add(new Param(prefix + "b", offset + w, offset + w + c.filters(), 'c', new long[] {c.filters()}, false));
                }
            } else if (layer instanceof BatchNorm2d) {
                long k = shape[0];
                String[] names = {"gamma", "beta", "mean", "var"};
                for (int i = 0; i < 4; i++) {
                    out.add(new Param(prefix + names[i], offset + i * k, offset + (i + 1) * k, 'c', new long[] {k}, i >= 2));
                }
            } else if (layer instanceof Dense d) {
                long in = shape[0];
                long w = in * d.units();
                out.add(new Param(prefix + "W", offset, offset + w, 'f', new long[] {in, d.units()}, false));
                out.add(new Param(prefix + "b", offset + w, offset + w + d.units(), 'c', new long[] {d.units()}, false));
            } else {
                assertEquals(0, count, layer + " has parameters this test does not map");
            }
            if (hasDl4jLayer(layer)) {
                dl4jIndex++;
            }
            offset += count;
            shape = layer.outputShape(shape);
        }
        return out;
    }

    private static boolean hasDl4jLayer(Layer layer) {
        return !(layer instanceof Unflatten || layer instanceof Flatten);
    }

    /** DL4J's network for our model, θ copied in by parameter name. */
    private static MultiLayerNetwork dl4jNet(Net net, Model model) {
        MultiLayerNetwork dl4j = new MultiLayerNetwork(dl4jConfiguration(net, model));
        dl4j.init();
        for (Param p : params(model)) {
            INDArray target = dl4j.getParam(p.name);
            target.assign(p.view(model.parameters()).reshape(target.shape()));
        }
        return dl4j;
    }

    /** Our layers one by one as DL4J's; the last dense layer becomes the softmax cross-entropy output layer. */
    private static MultiLayerConfiguration dl4jConfiguration(Net net, Model model) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(MODEL_SEED)
                .dataType(DataType.DOUBLE)
                .miniBatch(true)
                .updater(new Adam(LR, 0.9, 0.999, 1e-8))
                .list();
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            boolean last = i == layers.size() - 1;
            if (layer instanceof Conv2d c) {
                assertEquals(1, c.groups(), "DL4J's ConvolutionLayer has no groups");
                list.layer(new ConvolutionLayer.Builder(c.kernelHeight(), c.kernelWidth())
                        .stride(c.strideHeight(), c.strideWidth())
                        .padding(c.padding().height(), c.padding().width())
                        .dilation(c.dilationHeight(), c.dilationWidth())
                        .convolutionMode(c.padding().sameSize() ? ConvolutionMode.Same : ConvolutionMode.Truncate)
                        .nOut(c.filters()).hasBias(c.useBias())
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build());
            } else if (layer instanceof BatchNorm2d b) {
                list.layer(new BatchNormalization.Builder().decay(b.momentum()).eps(b.epsilon()).useLogStd(false).build());
            } else if (layer instanceof MaxPool2d p) {
                list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(p.kernelHeight(), p.kernelWidth())
                        .stride(p.strideHeight(), p.strideWidth()).padding(p.paddingHeight(), p.paddingWidth())
                        .convolutionMode(ConvolutionMode.Truncate).build());
            } else if (layer instanceof AvgPool2d p) { // we divide by kH·kW, padding included
                list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(p.kernelHeight(), p.kernelWidth())
                        .stride(p.strideHeight(), p.strideWidth()).padding(p.paddingHeight(), p.paddingWidth())
                        .avgPoolIncludePadInDivisor(true).convolutionMode(ConvolutionMode.Truncate).build());
            } else if (layer instanceof GlobalAvgPool) {
                list.layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build());
            } else if (layer instanceof ActivationLayer a) {
                list.layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer(dl4jActivation(a.activation())));
            } else if (layer instanceof Dense d && last) {
                assertEquals(Activation.IDENTITY, d.activation(), "the last layer gives logits");
                list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(d.units())
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build());
            } else if (layer instanceof Dense d) {
                list.layer(new DenseLayer.Builder().nOut(d.units()).activation(dl4jActivation(d.activation())).build());
            } else {
                assertTrue(!hasDl4jLayer(layer), "no DL4J layer for " + layer);
            }
        }
        return list.setInputType(InputType.convolutional(net.height(), net.width(), net.channels())).build();
    }

    private static org.nd4j.linalg.activations.Activation dl4jActivation(Activation a) {
        if (a.equals(Activation.RELU)) {
            return org.nd4j.linalg.activations.Activation.RELU;
        }
        assertEquals(Activation.IDENTITY, a, "an activation this test does not map");
        return org.nd4j.linalg.activations.Activation.IDENTITY;
    }

    /** Our training loop, as {@code Trainer} runs it: forward, loss, backward, Adam step t = 1..n. */
    private static void train(Model model, List<Batch> batches) {
        Loss loss = Losses.softmaxCrossEntropy();
        Optimizer adam = Optimizers.adam(LR);
        try (Optimizer.State state = adam.newState(model.parameterCount(), model.dataType())) {
            long t = 0;
            for (Batch b : batches) {
                INDArray logits = model.forward(b.x(), true);
                INDArray grad = Nd4j.create(logits.dataType(), logits.shape(), logits.ordering());
                loss.compute(logits, b.y(), grad);
                model.backward(grad);
                adam.step(model.parameters(), model.gradients(), state, LR, ++t);
            }
        }
    }

    /** Row-wise softmax of logits [B, k], in float64. */
    private static INDArray softmax(INDArray logits) {
        double[][] z = logits.toDoubleMatrix();
        for (double[] row : z) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : row) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int j = 0; j < row.length; j++) {
                row[j] = Math.exp(row[j] - max);
                sum += row[j];
            }
            for (int j = 0; j < row.length; j++) {
                row[j] /= sum;
            }
        }
        return Nd4j.createFromArray(z);
    }

    /** max over elements of |ours − reference| / (|reference| + ATOL), elements in logical (row-major) order. */
    private static double maxRelDiff(INDArray ours, INDArray reference) {
        assertEquals(reference.length(), ours.length(), "element count");
        double[] a = ours.reshape(reference.shape()).castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] b = reference.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + ATOL));
        }
        return max;
    }
}
