package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.math.Buf;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float32 paths of GELU, tanh, σ, ReLU, leaky ReLU and softmax, forward and backward (heap blocks through
 * {@code MathOps.sigmoidFast} and {@code MathOps.tanhFast}) against the float64 loops (scalar {@link Math#tanh} and
 * {@link Math#exp}, which the gradient checks verify), over more values than one heap block and
 * at 0, ±0, tiny, large, ±∞ and NaN: within float32's rounding.
 */
class ActivationFloat32Test {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static double[] inputs() {
        SplittableRandom r = new SplittableRandom(5);
        double[] v = new double[5000]; // more than two heap blocks of 2,048
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 24 - 12);
        }
        double[] special = {0, -0.0, 1e-8, -1e-8, 1e-30, 40, -40, 104, -104, 300, -300, 3e38, -3e38,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        System.arraycopy(special, 0, v, 2040, special.length); // across the first block's end
        return v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gelu", "tanh", "sigmoid", "relu", "leaky_relu"})
    void float32MatchesTheFloat64Formulas(String name) {
        Activation f = Activation.parse(name);
        double[] v = inputs();
        int rows = 50;
        int cols = v.length / rows;
        SplittableRandom r = new SplittableRandom(6);
        double[] g = new double[v.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (r.nextDouble() * 2 - 1);
        }
        try (INDArray z32 = Nd4j.createFromArray(toFloat(v));
             INDArray y32 = Nd4j.create(DataType.FLOAT, v.length);
             INDArray dy32 = Nd4j.createFromArray(toFloat(g));
             INDArray dz32 = Nd4j.create(DataType.FLOAT, v.length);
             INDArray z64 = Nd4j.createFromArray(v);
             INDArray y64 = Nd4j.create(DataType.DOUBLE, v.length);
             INDArray dy64 = Nd4j.createFromArray(g);
             INDArray dz64 = Nd4j.create(DataType.DOUBLE, v.length)) {
            f.forward(Buf.of(z32), Buf.of(y32), rows, cols);
            f.forward(Buf.of(z64), Buf.of(y64), rows, cols);
            f.backward(Buf.of(z32), Buf.of(y32), Buf.of(dy32), Buf.of(dz32), rows, cols);
            f.backward(Buf.of(z64), Buf.of(y64), Buf.of(dy64), Buf.of(dz64), rows, cols);
            for (int i = 0; i < v.length; i++) {
                check(name + "(" + v[i] + ")", y64.getDouble(i), y32.getFloat(i));
                if (name.equals("gelu")) {
                    check(name + "'(" + v[i] + ")·" + g[i], dz64.getDouble(i), dz32.getFloat(i));
                } else { // the others' derivatives are computed from y, which float32 has already rounded
                    double y = y32.getFloat(i);
                    double d = switch (name) {
                        case "tanh" -> 1 - y * y;
                        case "sigmoid" -> y * (1 - y);
                        case "relu" -> Double.isNaN(y) ? Double.NaN : y > 0 ? 1 : 0; // a NaN y: a NaN gradient, as Dense's
                        default -> Double.isNaN(y) ? Double.NaN : y > 0 ? 1 : f.alpha();
                    };
                    check(name + "'(" + v[i] + ")·" + g[i], (float) g[i] * d, dz32.getFloat(i));
                }
            }
        }
    }

    /**
     * The exact GELU's float32 path (Abramowitz-Stegun erf, fast exponential, branch-free sign)
     * against its float64 loop ({@code MathOps.erf} to 1e-15): within the formula's 1.5e-7 on erf,
     * i.e. |x|/2 · 1.5e-7 on y and 1.5e-7/2 on the derivative, plus float32 rounding; the special
     * values (±0, ±∞, NaN, ±3e38) as the float64 loop gives them.
     */
    @Test
    void geluErfFloat32IsWithinTheErfFormulasError() {
        Activation f = Activation.GELU_ERF;
        double[] v = inputs();
        int rows = 50;
        int cols = v.length / rows;
        SplittableRandom r = new SplittableRandom(6);
        double[] g = new double[v.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (r.nextDouble() * 2 - 1);
        }
        try (INDArray z32 = Nd4j.createFromArray(toFloat(v));
             INDArray y32 = Nd4j.create(DataType.FLOAT, v.length);
             INDArray dy32 = Nd4j.createFromArray(toFloat(g));
             INDArray dz32 = Nd4j.create(DataType.FLOAT, v.length);
             INDArray z64 = Nd4j.createFromArray(v);
             INDArray y64 = Nd4j.create(DataType.DOUBLE, v.length);
             INDArray dy64 = Nd4j.createFromArray(g);
             INDArray dz64 = Nd4j.create(DataType.DOUBLE, v.length)) {
            f.forward(Buf.of(z32), Buf.of(y32), rows, cols);
            f.forward(Buf.of(z64), Buf.of(y64), rows, cols);
            f.backward(Buf.of(z32), Buf.of(y32), Buf.of(dy32), Buf.of(dz32), rows, cols);
            f.backward(Buf.of(z64), Buf.of(y64), Buf.of(dy64), Buf.of(dz64), rows, cols);
            for (int i = 0; i < v.length; i++) {
                double x = (float) v[i];
                double want = y64.getDouble(i);
                float got = y32.getFloat(i);
                if (Double.isNaN(want) || Double.isInfinite(want)) {
                    assertEquals(want, (double) got, "gelu_erf(" + x + ")");
                } else {
                    double tol = Math.max(3 * Math.ulp((float) want), 1e-37) + 0.5 * Math.abs(x) * 1.6e-7;
                    assertTrue(Math.abs(want - got) <= tol, "gelu_erf(" + x + "): float32 " + got + ", float64 " + want);
                }
                double dwant = dz64.getDouble(i);
                float dgot = dz32.getFloat(i);
                if (Double.isNaN(dwant) || Double.isInfinite(dwant)) {
                    assertEquals(dwant, (double) dgot, "gelu_erf'(" + x + ")");
                } else {
                    double tol = Math.max(3 * Math.ulp((float) dwant), 1e-37) + 1e-7 * Math.abs(g[i]);
                    assertTrue(Math.abs(dwant - dgot) <= tol, "gelu_erf'(" + x + ")·" + g[i] + ": float32 " + dgot + ", float64 " + dwant);
                }
            }
        }
    }

    /** Softmax by columns on the heap against the float64 loop, over more rows than one heap segment (2,048). */
    @Test
    void softmaxFloat32MatchesTheFloat64Loop() {
        int rows = 2100;
        int cols = 7;
        SplittableRandom r = new SplittableRandom(8);
        double[] z = new double[rows * cols];
        double[] g = new double[rows * cols];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (r.nextDouble() * 60 - 30);
            g[i] = (float) (r.nextDouble() * 2 - 1);
        }
        z[5] = Double.NaN; // row 5 ('f' order: element (r, c) at c·rows + r)
        z[9 + rows] = Double.NEGATIVE_INFINITY; // row 9: that column's probability is 0
        try (INDArray z32 = Nd4j.createFromArray(toFloat(z));
             INDArray y32 = Nd4j.create(DataType.FLOAT, z.length);
             INDArray dy32 = Nd4j.createFromArray(toFloat(g));
             INDArray dz32 = Nd4j.create(DataType.FLOAT, z.length);
             INDArray z64 = Nd4j.createFromArray(z);
             INDArray y64 = Nd4j.create(DataType.DOUBLE, z.length)) {
            Activation.SOFTMAX.forward(Buf.of(z32), Buf.of(y32), rows, cols);
            Activation.SOFTMAX.forward(Buf.of(z64), Buf.of(y64), rows, cols);
            Activation.SOFTMAX.backward(Buf.of(z32), Buf.of(y32), Buf.of(dy32), Buf.of(dz32), rows, cols);
            for (int row = 0; row < rows; row++) {
                double dot = 0;
                for (int c = 0; c < cols; c++) {
                    dot += (double) y32.getFloat(c * rows + row) * g[c * rows + row];
                }
                for (int c = 0; c < cols; c++) {
                    int i = c * rows + row;
                    check("softmax row " + row + " column " + c, y64.getDouble(i), y32.getFloat(i));
                    double y = y32.getFloat(i);
                    double want = y * (g[i] - dot);
                    if (Double.isNaN(want)) {
                        assertTrue(Float.isNaN(dz32.getFloat(i)), "softmax' row " + row);
                    } else {
                        assertEquals(want, dz32.getFloat(i), 1e-6, "softmax' row " + row + " column " + c);
                    }
                }
            }
            assertTrue(Float.isNaN(y32.getFloat(5)) && Float.isNaN(y32.getFloat(5 + 3 * rows)), "a NaN makes its row NaN");
            assertEquals(0f, y32.getFloat(9 + rows), "e^-inf");
        }
    }

    /** Equal to float32 rounding (3 ulp of the float64 result, or 1e-37 absolute near 0); NaN and ±∞ alike. */
    private static void check(String what, double expected, float actual) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertEquals(expected, (double) actual, what);
            return;
        }
        double tol = Math.max(3 * Math.ulp((float) expected), 1e-37);
        assertTrue(Math.abs(expected - actual) <= tol, what + ": float32 gives " + actual + ", float64 " + expected);
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
