package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.io.LayerRegistry;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.example.layers.Gated;
import dev.aiaas.example.layers.GatedDecoder;
import dev.aiaas.example.layers.ScaleShift;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One harness for every layer (as Keras's run_layer_test): output shape, parameter count, a
 * float64 finite-difference check of ∂L/∂θ and ∂L/∂x, and determinism from the seed.
 */
class LayerConformanceTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    static Stream<Layer> layers() {
        return Stream.of(
                Layers.dense(4),
                Layers.dense(4, Activation.RELU),
                Layers.dense(4, Activation.leakyRelu(0.1)),
                Layers.dense(4, Activation.GELU),
                Layers.dense(4, Activation.GELU_ERF),
                Layers.dense(4, Activation.TANH),
                Layers.dense(4, Activation.SIGMOID),
                Layers.dense(4, Activation.SOFTMAX),
                Layers.dense(3, Activation.TANH, Initializer.heNormal(), Initializer.constant(0.1)),
                Layers.relu(), Layers.leakyRelu(0.2), Layers.gelu(), Layers.geluErf(), Layers.tanh(), Layers.sigmoid(), Layers.softmax(),
                Layers.identity(),
                Layers.residual(Layers.dense(5, Activation.TANH), Layers.dense(5)),
                Layers.dropout(0.0), // rate > 0: DropoutTest (a new mask per training forward)
                Layers.layerNorm(), Layers.layerNorm(1e-3),
                Layers.batchNorm(), Layers.batchNorm(0.9, 1e-5), // training mode: batch statistics
                Layers.residual(Layers.layerNorm(), Layers.dense(5, Activation.GELU)),
                // layers written outside the library, with its public API only (dev.aiaas.example.layers)
                new Gated(0.5), new ScaleShift(1.5), Layers.residual(new Gated(-0.2), new ScaleShift(0.7)));
    }

    /** The decoders of every layer above: the standard ones ({@link ScaleShift}'s is a service) and {@link Gated}'s. */
    static final LayerRegistry DECODERS = LayerRegistry.standard().with(new GatedDecoder());

    private static final long IN = 5;
    private static final long BATCH = 3;
    private static final double EPS = 1e-6;

    /** L = Σ w ⊙ y, with fixed random w, so ∂L/∂y = w. */
    private static double loss(INDArray y, INDArray w) {
        return y.mul(w).sumNumber().doubleValue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void conformsToTheLayerContract(Layer layer) {
        check(layer, BATCH);
    }

    /** Dense outputs of several heap chunks ({@link Dense#CHUNK} values), the last one partial. */
    @Test
    void denseConformsOverSeveralChunks() {
        long batch = Dense.CHUNK / 64 + 7;
        assertTrue(batch * 64 > Dense.CHUNK);
        check(Layers.dense(64, Activation.RELU), batch);
        check(Layers.dense(64), batch);
    }

    private static void check(Layer layer, long batchSize) {
        check(List.of(layer), new long[] {IN}, batchSize, 0);
    }

    /**
     * Sequence layers and stacks of them: per-example input {@code [T, F]} (or {@code [T]} token
     * ids below {@code ids} for an embedding first), the same checks; the model of a neural
     * language model (embedding, LSTM, time-distributed dense) is checked as one chain.
     */
    record SequenceCase(String name, List<Layer> layers, long[] inputShape, int ids) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<SequenceCase> sequenceCases() {
        return Stream.of(
                new SequenceCase("lstm(3) over [4, 5]", List.of(Layers.lstm(3)), new long[] {4, IN}, 0),
                new SequenceCase("lstm(2, he_normal, glorot_normal, 0.5) over [3, 5]",
                        List.of(Layers.lstm(2, Initializer.heNormal(), Initializer.glorotNormal(), 0.5)), new long[] {3, IN}, 0),
                new SequenceCase("lstm(3) over one step [1, 5]", List.of(Layers.lstm(3)), new long[] {1, IN}, 0),
                new SequenceCase("embedding(7, 3) over [4] ids", List.of(Layers.embedding(7, 3)), new long[] {4}, 7),
                new SequenceCase("time_distributed(dense(3, tanh)) over [4, 5]",
                        List.of(Layers.timeDistributed(Layers.dense(3, Activation.TANH))), new long[] {4, IN}, 0),
                new SequenceCase("time_distributed(layer_norm) over [4, 5]",
                        List.of(Layers.timeDistributed(Layers.layerNorm())), new long[] {4, IN}, 0),
                new SequenceCase("lstm(3), lstm(4) over [4, 5]", List.of(Layers.lstm(3), Layers.lstm(4)), new long[] {4, IN}, 0),
                new SequenceCase("embedding(6, 4), lstm(3), time_distributed(dense(6)) over [5] ids",
                        List.of(Layers.embedding(6, 4), Layers.lstm(3), Layers.timeDistributed(Layers.dense(6))), new long[] {5}, 6),
                new SequenceCase("multi_head_attention(2) over [4, 6]", List.of(Layers.multiHeadAttention(2)), new long[] {4, 6}, 0),
                new SequenceCase("multi_head_attention(3, causal) over [4, 6]", List.of(Layers.multiHeadAttention(3, true)),
                        new long[] {4, 6}, 0),
                new SequenceCase("multi_head_attention(1) over one step [1, 5]", List.of(Layers.multiHeadAttention(1)),
                        new long[] {1, IN}, 0),
                new SequenceCase("sinusoidal_positions(8) over [4, 5]", List.of(Layers.sinusoidalPositions(8)), new long[] {4, IN}, 0),
                new SequenceCase("position_embedding(6) over [4, 5]", List.of(Layers.positionEmbedding(6)), new long[] {4, IN}, 0),
                new SequenceCase("transformer block (dim 6, 2 heads, mlp 8, causal) over [4, 6]",
                        Layers.transformerBlock(6, 2, 8, 0.0, true), new long[] {4, 6}, 0),
                new SequenceCase("embedding(7, 4), position_embedding(5), transformer block, time_distributed(dense(7)) over [5] ids",
                        java.util.stream.Stream.of(List.<Layer>of(Layers.embedding(7, 4), Layers.positionEmbedding(5)),
                                Layers.transformerBlock(4, 2, 6, 0.0, false), List.<Layer>of(Layers.timeDistributed(Layers.dense(7))))
                                .flatMap(List::stream).map(Layer.class::cast).toList(), new long[] {5}, 7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequenceCases")
    void sequenceLayersConformToTheLayerContract(SequenceCase c) {
        check(c.layers(), c.inputShape(), BATCH, c.ids());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequenceCases")
    void sequenceLayersGiveTheSameModelFromTheSameSeed(SequenceCase c) {
        INDArray x = input(c.inputShape(), 2, c.ids(), new SplittableRandom(5));
        Model.Builder a = Model.builder(c.inputShape()).seed(3);
        Model.Builder b = Model.builder(c.inputShape()).seed(3);
        c.layers().forEach(a::add);
        c.layers().forEach(b::add);
        try (Model ma = a.build(); Model mb = b.build()) {
            assertEquals(ma.parameters(), mb.parameters());
            assertEquals(ma.predict(x), mb.predict(x));
        }
    }

    /** A float64 'f'-order batch {@code [batch, shape...]}: uniform in [−2, 2), or integer ids below {@code ids} when it is positive. */
    private static INDArray input(long[] shape, long batch, int ids, SplittableRandom r) {
        long[] full = new long[shape.length + 1];
        full[0] = batch;
        System.arraycopy(shape, 0, full, 1, shape.length);
        INDArray x = Nd4j.create(DataType.DOUBLE, full, 'f');
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, ids > 0 ? r.nextInt(ids) : r.nextDouble(-2, 2));
        }
        return x;
    }

    private static void check(List<Layer> layers, long[] in, long batchSize, int ids) {
        String layer = layers.size() == 1 ? layers.get(0).toString() : layers.toString();
        long[] outShape = in;
        long p = 0;
        for (Layer l : layers) {
            p += l.parameterCount(outShape);
            outShape = l.outputShape(outShape);
        }
        try (Chain chain = new Chain(layers, in, DataType.DOUBLE)) {
            assertEquals(p, chain.parameterCount());
            INDArray params = Nd4j.create(DataType.DOUBLE, new long[] {Math.max(1, p)}, 'c');
            INDArray grads = Nd4j.create(DataType.DOUBLE, new long[] {Math.max(1, p)}, 'c');
            chain.bind(params, grads);
            chain.initialise(new SplittableRandom(7));
            SplittableRandom r = new SplittableRandom(11);
            INDArray x = input(in, batchSize, ids, r);
            INDArray y = chain.forward(x, true);
            long[] expectedShape = new long[outShape.length + 1];
            expectedShape[0] = batchSize;
            System.arraycopy(outShape, 0, expectedShape, 1, outShape.length);
            assertArrayEquals(expectedShape, y.shape(), "output shape");
            INDArray w = Nd4j.create(DataType.DOUBLE, y.shape(), 'f');
            for (long i = 0; i < w.length(); i++) {
                w.putScalar(i, r.nextDouble(-1, 1));
            }
            INDArray dx = chain.backward(w, true).dup();
            INDArray analytic = grads.dup();
            for (long[] st : chain.slices(ParameterSlice.Role.STATE)) { // untrained state: its gradient is 0
                for (long i = st[0]; i < st[1]; i++) {
                    assertEquals(0.0, analytic.getDouble(i), 0.0, layer + " ∂L/∂θ[" + i + "] (state)");
                }
            }

            // ∂L/∂θ by central differences
            for (long i = 0; i < p; i++) {
                double old = params.getDouble(i);
                params.putScalar(i, old + EPS);
                double up = loss(chain.forward(x, true), w);
                params.putScalar(i, old - EPS);
                double down = loss(chain.forward(x, true), w);
                params.putScalar(i, old);
                assertClose((up - down) / (2 * EPS), analytic.getDouble(i), layer + " ∂L/∂θ[" + i + "]");
            }
            if (ids > 0) { // token ids are not differentiable: ∂L/∂x is 0
                assertEquals(0.0, dx.norm1Number().doubleValue(), 0.0, layer + " ∂L/∂ids");
                return;
            }
            // ∂L/∂x by central differences
            for (long i = 0; i < x.length(); i++) {
                long[] at = org.nd4j.linalg.api.shape.Shape.ind2subC(x.shape(), i);
                double old = x.getDouble(at);
                x.putScalar(at, old + EPS);
                double up = loss(chain.forward(x, true), w);
                x.putScalar(at, old - EPS);
                double down = loss(chain.forward(x, true), w);
                x.putScalar(at, old);
                assertClose((up - down) / (2 * EPS), dx.getDouble(at), layer + " ∂L/∂x" + java.util.Arrays.toString(at));
            }
        }
    }

    /**
     * The config round trip (Keras's {@code run_layer_test} does the same through
     * {@code from_config}): a model of the layer, saved with {@link ModelIO} and loaded with the
     * layer's decoder, has an equal layer, the same θ and the same outputs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void configRoundTripsThroughTheModelFile(Layer layer, @TempDir Path dir) throws Exception {
        roundTrip(List.of(layer), new long[] {IN}, 0, dir);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequenceCases")
    void sequenceLayersConfigRoundTripsThroughTheModelFile(SequenceCase c, @TempDir Path dir) throws Exception {
        roundTrip(c.layers(), c.inputShape(), c.ids(), dir);
    }

    private static void roundTrip(List<Layer> layers, long[] in, int ids, Path dir) throws Exception {
        Model.Builder b = Model.builder(in).dataType(DataType.DOUBLE).seed(4);
        layers.forEach(b::add);
        Path file = dir.resolve("layer.aiaas");
        INDArray x = input(in, 3, ids, new SplittableRandom(8));
        try (Model m = b.build()) {
            m.parameters().addi(Nd4j.rand(DataType.DOUBLE, m.parameters().length()).subi(0.5).muli(0.1)); // off their initial values
            ModelIO.save(m, file);
            try (Model back = ModelIO.load(file, DECODERS)) {
                assertEquals(m.layers(), back.layers());
                assertEquals(m.parameters(), back.parameters());
                assertEquals(m.predict(x), back.predict(x));
                assertEquals(m.summary(), back.summary());
                assertEquals(m.kernelSlices().stream().map(java.util.Arrays::toString).toList(),
                        back.kernelSlices().stream().map(java.util.Arrays::toString).toList());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void sameSeedSameParametersAndOutputs(Layer layer) {
        INDArray x = Nd4j.rand(DataType.FLOAT, 'f', 2, IN);
        try (Model a = Model.builder(IN).add(layer).seed(3).build();
             Model b = Model.builder(IN).add(layer).seed(3).build()) {
            assertEquals(a.parameters(), b.parameters());
            assertEquals(a.predict(x), b.predict(x));
        }
    }

    static void assertClose(double expected, double actual, String what) {
        double tol = 1e-6 * Math.max(1, Math.abs(expected));
        assertTrue(Math.abs(expected - actual) <= tol, what + ": finite difference " + expected + ", analytic " + actual);
    }
}
