package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aiaas.core.backend.Backends;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dense's bias, ReLU and ReLU-gradient loops run over heap chunks of {@link Dense#CHUNK}
 * values: checked here against a plain per-element computation at shapes where a chunk holds
 * several columns, where the last chunk is partial, and where one column is longer than a chunk,
 * in float32 and float64; and the ReLU gradient's mask at its edges (0, the smallest subnormal).
 */
class DenseLoopsTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    @ParameterizedTest(name = "{0} rows x {1} units, {2}")
    @CsvSource({
        "1, 3, FLOAT", "71, 64, FLOAT", "71, 64, DOUBLE", "128, 256, FLOAT",
        "4099, 3, FLOAT", "4099, 3, DOUBLE", "9000, 2, FLOAT"})
    void chunkedLoopsMatchAPlainComputation(int rows, int units, DataType type) {
        int in = 6;
        SplittableRandom r = new SplittableRandom(rows * 31L + units);
        INDArray x = Nd4j.create(type, new long[] {rows, in}, 'f');
        INDArray dy = Nd4j.create(type, new long[] {rows, units}, 'f');
        fill(x, r);
        fill(dy, r);
        try (Model m = Model.builder(in).add(Layers.dense(units, Activation.RELU)).dataType(type).seed(5).build()) {
            INDArray p = m.parameters();
            fill(p, r); // biases of both signs, so some units are off for most rows
            INDArray y = m.forward(x, true).dup('f');
            m.backward(dy);
            INDArray g = m.gradients();
            double tol = type == DataType.FLOAT ? 1e-4 : 1e-12;
            double[] dz = new double[rows * units];
            for (int c = 0; c < units; c++) {
                double b = p.getDouble((long) in * units + c);
                for (int i = 0; i < rows; i++) {
                    double z = b;
                    for (int k = 0; k < in; k++) {
                        z += x.getDouble(i, k) * p.getDouble((long) c * in + k);
                    }
                    double expected = Math.max(z, 0);
                    assertEquals(expected, y.getDouble(i, c), tol * (1 + Math.abs(expected)), "y[" + i + ", " + c + "]");
                    dz[c * rows + i] = y.getDouble(i, c) > 0 ? dy.getDouble(i, c) : 0;
                }
            }
            for (int c = 0; c < units; c++) {
                double db = 0;
                for (int i = 0; i < rows; i++) {
                    db += dz[c * rows + i];
                }
                assertEquals(db, g.getDouble((long) in * units + c), tol * (1 + Math.abs(db)) * Math.sqrt(rows), "∂L/∂b[" + c + "]");
                for (int k = 0; k < in; k++) {
                    double dw = 0;
                    for (int i = 0; i < rows; i++) {
                        dw += x.getDouble(i, k) * dz[c * rows + i];
                    }
                    assertEquals(dw, g.getDouble((long) c * in + k), tol * (1 + Math.abs(dw)) * Math.sqrt(rows), "∂L/∂W[" + k + ", " + c + "]");
                }
            }
        }
    }

    /** The gradient passes exactly where y > 0, down to the smallest subnormal, and is 0 where y = 0. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT", "DOUBLE"})
    void reluGradientMaskIsExactAtItsEdges(DataType type) {
        double tiny = type == DataType.FLOAT ? Float.MIN_VALUE : Double.MIN_VALUE;
        double[] bias = {0.0, tiny, -1.0, 1e30, 2.5};
        int units = bias.length;
        try (Model m = Model.builder(1).add(Layers.dense(units, Activation.RELU)).dataType(type).seed(1).build()) {
            INDArray p = m.parameters();
            for (int c = 0; c < units; c++) {
                p.putScalar(c, 0.0); // W = 0: z = b
                p.putScalar(units + c, bias[c]);
            }
            INDArray x = Nd4j.ones(type, 2, 1);
            INDArray y = m.forward(x, true);
            INDArray dy = Nd4j.create(type, new long[] {2, units}, 'f').assign(-3.25);
            m.backward(dy);
            INDArray g = m.gradients();
            for (int c = 0; c < units; c++) {
                double expectedY = Math.max(p.getDouble(units + c), 0); // b as stored (1e30 rounds in float32)
                assertEquals(expectedY, y.getDouble(0, c), 0.0, "y at b=" + bias[c]);
                assertEquals(bias[c] > 0 ? 2 * -3.25 : 0.0, g.getDouble(units + c), 0.0, "∂L/∂b at b=" + bias[c]);
            }
        }
    }

    /** NaN pre-activations stay NaN through ReLU (as in PyTorch), so terminate-on-NaN sees them. */
    @Test
    void reluKeepsNaN() {
        try (Model m = Model.builder(1).add(Layers.dense(2, Activation.RELU)).seed(1).build()) {
            m.parameters().putScalar(2, Double.NaN);
            INDArray y = m.forward(Nd4j.ones(DataType.FLOAT, 3, 1), true);
            assertEquals(Double.NaN, y.getDouble(1, 0));
        }
    }

    private static void fill(INDArray a, SplittableRandom r) {
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, r.nextDouble(-1, 1));
        }
    }
}
