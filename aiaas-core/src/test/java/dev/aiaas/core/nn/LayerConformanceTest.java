package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
                Layers.dense(4, Activation.TANH),
                Layers.dense(4, Activation.SIGMOID),
                Layers.dense(4, Activation.SOFTMAX),
                Layers.dense(3, Activation.TANH, Initializer.heNormal(), Initializer.constant(0.1)),
                Layers.relu(), Layers.leakyRelu(0.2), Layers.gelu(), Layers.tanh(), Layers.sigmoid(), Layers.softmax(),
                Layers.identity(),
                Layers.residual(Layers.dense(5, Activation.TANH), Layers.dense(5)),
                Layers.dropout(0.0), // rate > 0: DropoutTest (a new mask per training forward)
                Layers.layerNorm(), Layers.layerNorm(1e-3),
                Layers.batchNorm(), Layers.batchNorm(0.9, 1e-5), // training mode: batch statistics
                Layers.residual(Layers.layerNorm(), Layers.dense(5, Activation.GELU)));
    }

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

    /** Dense outputs above {@link Dense#SMALL} values take ND4J's native bias and ReLU ops instead of Java loops. */
    @Test
    void denseConformsOnItsNativePathToo() {
        long batch = Dense.SMALL / 64 + 7;
        assertTrue(batch * 64 > Dense.SMALL);
        check(Layers.dense(64, Activation.RELU), batch);
        check(Layers.dense(64), batch);
    }

    private static void check(Layer layer, long batchSize) {
        long[] in = {IN};
        long[] outShape = layer.outputShape(in);
        long p = layer.parameterCount(in);
        try (Chain chain = new Chain(List.of(layer), in, DataType.DOUBLE)) {
            assertEquals(p, chain.parameterCount());
            INDArray params = Nd4j.create(DataType.DOUBLE, new long[] {Math.max(1, p)}, 'c');
            INDArray grads = Nd4j.create(DataType.DOUBLE, new long[] {Math.max(1, p)}, 'c');
            chain.bind(params, grads);
            chain.initialise(new SplittableRandom(7));
            SplittableRandom r = new SplittableRandom(11);
            INDArray x = Nd4j.create(DataType.DOUBLE, new long[] {batchSize, IN}, 'f');
            for (long i = 0; i < x.length(); i++) {
                x.putScalar(i, r.nextDouble(-2, 2));
            }
            INDArray y = chain.forward(x, true);
            assertArrayEquals(new long[] {batchSize, outShape[0]}, y.shape(), "output shape");
            INDArray w = Nd4j.create(DataType.DOUBLE, y.shape(), 'f');
            for (long i = 0; i < w.length(); i++) {
                w.putScalar(i, r.nextDouble(-1, 1));
            }
            INDArray dx = chain.backward(w, true).dup();
            INDArray analytic = grads.dup();

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
            // ∂L/∂x by central differences
            for (long row = 0; row < batchSize; row++) {
                for (long col = 0; col < IN; col++) {
                    double old = x.getDouble(row, col);
                    x.putScalar(row, col, old + EPS);
                    double up = loss(chain.forward(x, true), w);
                    x.putScalar(row, col, old - EPS);
                    double down = loss(chain.forward(x, true), w);
                    x.putScalar(row, col, old);
                    assertClose((up - down) / (2 * EPS), dx.getDouble(row, col), layer + " ∂L/∂x[" + row + ", " + col + "]");
                }
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
