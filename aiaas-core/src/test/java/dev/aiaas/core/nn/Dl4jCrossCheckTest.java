package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.data.OneHot;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 3: a cross-check against DL4J's {@code MultiLayerNetwork} (the reference implementation)
 * with identical weights and data. For an MLP 784-64-10 (ReLU hidden, linear output with softmax
 * cross-entropy; DL4J: {@code DenseLayer} RELU, {@code OutputLayer} MCXENT with SOFTMAX) in float64,
 * the softmax outputs, the mean loss, ∂L/∂θ and θ after 20 Adam steps agree element by element
 * within 1e-5 relative: |ours − dl4j| ≤ 1e-5 · (|dl4j| + 1e-8).
 *
 * <p>Both sides compute the same maths: z₁ = x W₁ + b₁, h = max(z₁, 0), z₂ = h W₂ + b₂,
 * p = softmax(z₂), L = −(1/B) Σ_rows Σⱼ yⱼ log pⱼ, and Adam as DL4J computes it:
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − η√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε).
 *
 * <p>One convention differs, and the comparison of gradients allows for it: DL4J's
 * {@code score()} is the mean L, but its {@code gradient()} is that of the batch sum,
 * Σ_rows ∂ℓ_r/∂θ = B · ∂L/∂θ; with {@code miniBatch(true)} its updater
 * ({@code BaseMultiLayerUpdater.update}, then {@code divideByMinibatch}) divides by B before Adam.
 * Ours, {@link Model#gradients()}, is ∂L/∂θ of the mean, what the optimiser is given. So
 * B · ours is compared with DL4J's; the parameters after Adam steps are compared as they are.
 *
 * <p>Parameters are copied and compared by name ({@code 0_W}, {@code 0_b}, {@code 1_W},
 * {@code 1_b}), never by assuming DL4J's flat order; {@link #flatParameterOrderIsDl4js()} checks
 * that the two flat orders also coincide (both: per layer W [in, out] column-major, then b).
 */
class Dl4jCrossCheckTest {

    private static final Logger LOG = LoggerFactory.getLogger(Dl4jCrossCheckTest.class);

    private static final int IN = 784;
    private static final int HIDDEN = 64;
    private static final int CLASSES = 10;
    private static final int BATCH = 16;
    private static final int STEPS = 20;
    private static final double LR = 1e-3;
    private static final long MODEL_SEED = 1;
    private static final long DATA_SEED = 7;

    /** rtol of issue 3. */
    private static final double RTOL = 1e-5;
    /** The absolute part, for elements near 0 (values here are 1e-4 to 1 in size). */
    private static final double ATOL = 1e-8;

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    @Test
    void flatParameterOrderIsDl4js() {
        try (Model model = aiaasModel(DataType.DOUBLE)) {
            MultiLayerNetwork net = dl4jNet(model.parameters());
            assertEquals(model.parameterCount(), net.numParams());
            assertArrayEquals(new long[] {IN, HIDDEN}, net.getParam("0_W").shape());
            assertArrayEquals(new long[] {HIDDEN, CLASSES}, net.getParam("1_W").shape());
            assertEquals(0, maxRelDiff(model.parameters(), net.params()), "θ copied by name, read back flat");
        }
    }

    @Test
    void outputsLossAndGradientsAgreeInFloat64() {
        List<Batch> batches = batches(1);
        Batch batch = batches.get(0);
        try (Model model = aiaasModel(DataType.DOUBLE)) {
            MultiLayerNetwork net = dl4jNet(model.parameters());

            INDArray logits = model.forward(batch.x(), true);
            INDArray grad = Nd4j.create(logits.dataType(), logits.shape(), logits.ordering());
            double loss = Losses.softmaxCrossEntropy().compute(logits, batch.y(), grad);
            INDArray probabilities = softmax(logits);
            model.backward(grad);

            INDArray dl4jOutput = net.output(batch.x(), false);
            net.setInput(batch.x());
            net.setLabels(batch.y());
            net.computeGradientAndScore();
            double dl4jLoss = net.score();

            double outputDiff = maxRelDiff(probabilities, dl4jOutput);
            double lossDiff = Math.abs(loss - dl4jLoss) / Math.abs(dl4jLoss);
            double gradDiff = 0;
            for (String name : PARAMS) {
                double d = maxRelDiff(view(model.gradients(), name).mul(BATCH), net.gradient().getGradientFor(name));
                LOG.info(String.format(Locale.ROOT, "float64 ∂L/∂%s: max relative difference %.3e", name, d));
                gradDiff = Math.max(gradDiff, d);
            }
            LOG.info(String.format(Locale.ROOT, "float64 at θ₀: outputs %.3e, loss %.3e (ours %.17g, DL4J %.17g), gradients %.3e",
                    outputDiff, lossDiff, loss, dl4jLoss, gradDiff));
            assertTrue(outputDiff <= RTOL, "softmax outputs differ by " + outputDiff);
            assertTrue(lossDiff <= RTOL, "loss: ours " + loss + ", DL4J " + dl4jLoss);
            assertTrue(gradDiff <= RTOL, "gradients differ by " + gradDiff);
        }
    }

    @Test
    void parametersAfterTwentyAdamStepsAgreeInFloat64() {
        List<Batch> batches = batches(STEPS);
        try (Model model = aiaasModel(DataType.DOUBLE)) {
            MultiLayerNetwork net = dl4jNet(model.parameters());
            train(model, batches);
            for (Batch b : batches) {
                net.fit(new DataSet(b.x(), b.y()));
            }
            assertEquals(STEPS, net.getIterationCount(), "DL4J took one Adam step per batch");
            double thetaDiff = 0;
            for (String name : PARAMS) {
                thetaDiff = Math.max(thetaDiff, maxRelDiff(view(model.parameters(), name), net.getParam(name)));
            }
            LOG.info(String.format(Locale.ROOT, "float64 θ after %d Adam steps: max relative difference %.3e", STEPS, thetaDiff));
            assertTrue(thetaDiff <= RTOL, "θ after " + STEPS + " steps differs by " + thetaDiff);
        }
    }

    /**
     * Our float32 default against DL4J in float64, from the same θ₀ rounded to float32: reported
     * for the README, not held to 1e-5 (float32 rounds at 6e-8 relative; the element-wise maximum
     * is set by the few gradients that are sums with heavy cancellation, and Adam's m/√v passes
     * their relative error on to the step). Two numbers per quantity: the element-wise maximum as
     * in the float64 tests, and ‖ours − dl4j‖₂ / ‖dl4j‖₂. Asserted only loosely, to catch a defect
     * of the float32 path alone (Adam has its own float32 loop).
     */
    @Test
    void float32RunStaysCloseToFloat64Dl4j() {
        List<Batch> batches = batches(STEPS);
        try (Model reference = aiaasModel(DataType.DOUBLE); Model model = aiaasModel(DataType.FLOAT)) {
            model.parameters().assign(reference.parameters());
            MultiLayerNetwork net = dl4jNet(reference.parameters());

            Batch first = batches.get(0);
            INDArray logits = model.forward(first.x(), true);
            INDArray grad = Nd4j.create(logits.dataType(), logits.shape(), logits.ordering());
            double loss = Losses.softmaxCrossEntropy().compute(logits, first.y().castTo(DataType.FLOAT), grad);
            INDArray probabilities = softmax(logits);
            model.backward(grad);
            INDArray dl4jOutput = net.output(first.x(), false);
            net.setInput(first.x());
            net.setLabels(first.y());
            net.computeGradientAndScore();
            double lossDiff = Math.abs(loss - net.score()) / Math.abs(net.score());
            INDArray ourGradient = model.gradients().castTo(DataType.DOUBLE).mul(BATCH);
            double[] gradDiff = byName(ourGradient, name -> net.gradient().getGradientFor(name));

            train(model, batches);
            for (Batch b : batches) {
                net.fit(new DataSet(b.x(), b.y()));
            }
            double[] thetaDiff = byName(model.parameters(), net::getParam);
            LOG.info(String.format(Locale.ROOT, "float32 (ours) vs float64 (DL4J), element-wise max / norm-wise: "
                            + "outputs %.3e / %.3e, loss %.3e, gradients at θ₀ %.3e / %.3e, θ after %d Adam steps %.3e / %.3e",
                    maxRelDiff(probabilities, dl4jOutput), normRelDiff(probabilities, dl4jOutput), lossDiff,
                    gradDiff[0], gradDiff[1], STEPS, thetaDiff[0], thetaDiff[1]));
            assertTrue(thetaDiff[0] < 1e-2, "float32 θ after " + STEPS + " steps differs from float64 DL4J by " + thetaDiff[0]);
        }
    }

    /** {max element-wise, norm-wise} relative difference of our flat vector and DL4J's parameters, by name. */
    private static double[] byName(INDArray ours, java.util.function.Function<String, INDArray> dl4j) {
        double max = 0;
        double diff2 = 0;
        double ref2 = 0;
        for (String name : PARAMS) {
            INDArray a = view(ours, name).castTo(DataType.DOUBLE);
            INDArray b = dl4j.apply(name);
            max = Math.max(max, maxRelDiff(a, b));
            diff2 += Math.pow(a.sub(b).norm2Number().doubleValue(), 2);
            ref2 += Math.pow(b.norm2Number().doubleValue(), 2);
        }
        return new double[] {max, Math.sqrt(diff2 / ref2)};
    }

    /** ‖ours − reference‖₂ / ‖reference‖₂. */
    private static double normRelDiff(INDArray ours, INDArray reference) {
        INDArray a = ours.castTo(DataType.DOUBLE).reshape(reference.shape());
        return a.sub(reference).norm2Number().doubleValue() / reference.norm2Number().doubleValue();
    }

    // ---------------------------------------------------------------------------------------

    private static final List<String> PARAMS = List.of("0_W", "0_b", "1_W", "1_b");

    /** One mini-batch: x [B, 784] in [0, 1), y one-hot [B, 10], both float64. */
    private record Batch(INDArray x, INDArray y) {
    }

    /** {@code count} batches, the same for every test (fixed seed). */
    private static List<Batch> batches(int count) {
        SplittableRandom random = new SplittableRandom(DATA_SEED);
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[][] x = new double[BATCH][IN];
            int[] labels = new int[BATCH];
            for (int r = 0; r < BATCH; r++) {
                for (int c = 0; c < IN; c++) {
                    x[r][c] = random.nextDouble();
                }
                labels[r] = random.nextInt(CLASSES);
            }
            out.add(new Batch(Nd4j.createFromArray(x), OneHot.encode(labels, CLASSES).castTo(DataType.DOUBLE)));
        }
        return out;
    }

    private static Model aiaasModel(DataType dataType) {
        return Model.builder(IN)
                .add(Layers.dense(HIDDEN, Activation.RELU))
                .add(Layers.dense(CLASSES))
                .seed(MODEL_SEED)
                .dataType(dataType)
                .build();
    }

    /** DL4J's equivalent of {@link #aiaasModel}, with θ copied in by parameter name. */
    private static MultiLayerNetwork dl4jNet(INDArray theta) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(MODEL_SEED)
                .dataType(DataType.DOUBLE)
                .miniBatch(true)
                .updater(new org.nd4j.linalg.learning.config.Adam(LR, 0.9, 0.999, 1e-8))
                .list()
                .layer(new DenseLayer.Builder().nIn(IN).nOut(HIDDEN)
                        .activation(org.nd4j.linalg.activations.Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(HIDDEN).nOut(CLASSES)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (String name : PARAMS) {
            INDArray p = net.getParam(name);
            INDArray ours = view(theta, name);
            p.assign(ours.reshape(p.shape()));
        }
        return net;
    }

    /**
     * A parameter of our θ (or ∇θ) by DL4J's name, as a matrix: W [in, out] (θ holds it in
     * column-major order, see {@link Dense}) or b [1, out].
     */
    private static INDArray view(INDArray flat, String name) {
        int layer = name.charAt(0) - '0';
        long in = layer == 0 ? IN : HIDDEN;
        long out = layer == 0 ? HIDDEN : CLASSES;
        long start = layer == 0 ? 0 : (long) IN * HIDDEN + HIDDEN;
        if (name.endsWith("W")) {
            return flat.get(NDArrayIndex.interval(start, start + in * out)).reshape('f', in, out);
        }
        long b = start + in * out;
        return flat.get(NDArrayIndex.interval(b, b + out)).reshape(1, out);
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
                loss.compute(logits, b.y().castTo(model.dataType()), grad);
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

    /** max over elements of |ours − reference| / (|reference| + ATOL); shapes must match. */
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
