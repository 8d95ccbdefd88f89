package dev.aiaas.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The shared maths against their definitions: the fast grade against {@link Math#exp} and
 * {@link Math#tanh} within its stated error, the exact grade against the formulas written out, and
 * the edge cases (±∞, NaN, the floor, only {@code [0, len)} written).
 */
class MathOpsTest {

    @Test
    void argmaxTakesTheFirstLargestAndNeverANaN() {
        assertEquals(0, MathOps.argmax(new float[] {3f}));
        assertEquals(2, MathOps.argmax(new float[] {-1f, 0.5f, 2f, -7f}));
        assertEquals(1, MathOps.argmax(new float[] {0f, 4f, 4f, 1f}), "ties: the first index");
        assertEquals(3, MathOps.argmax(new float[] {Float.NaN, 1f, Float.NaN, 2f}), "NaN is never the largest");
        assertEquals(0, MathOps.argmax(new float[] {Float.NaN, Float.NaN}));
        assertEquals(1, MathOps.argmax(new float[] {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE}));
    }

    @Test
    void expFastIsWithin1e12OfMathExpFromTheFloorTo105() {
        int n = 2_100_001;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -105.0 + 210.0 * i / (n - 1); // step 1e-4
        }
        double[] e = x.clone();
        MathOps.expFast(e, n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double exact = Math.exp(x[i]);
            worst = Math.max(worst, Math.abs(e[i] - exact) / exact);
        }
        assertTrue(worst <= 1e-12, "largest relative error " + worst);
        double[] special = {0.0, -0.0, -1.0, Math.log(0.5)};
        MathOps.expFast(special, special.length);
        assertEquals(1.0, special[0], 1e-15);
        assertEquals(1.0, special[1], 1e-15);
        assertEquals(Math.exp(-1), special[2], 1e-15);
        assertEquals(0.5, special[3], 1e-15);
    }

    @Test
    void belowTheFloorGivesEToTheFloorWhichRoundsToZeroInFloat32AndNanStaysNan() {
        double[] x = {-106, -1e6, Double.NEGATIVE_INFINITY, Double.NaN, 5.0};
        MathOps.expFast(x, 4); // the last element is outside len and stays
        double floor = Math.exp(MathOps.EXP_FAST_FLOOR);
        for (int i = 0; i < 3; i++) {
            assertEquals(floor, x[i], floor * 1e-12, "element " + i);
            assertEquals(0f, (float) x[i], 0f, "float32 rounding of element " + i);
        }
        assertTrue(Double.isNaN(x[3]));
        assertEquals(5.0, x[4], 0.0, "only [0, len) is written");
        double[] big = {200.0, 710.0};
        MathOps.expFast(big, 2);
        assertEquals(Math.exp(200.0), big[0], Math.exp(200.0) * 1e-8, "beyond 105 the error grows, slowly");
        assertEquals(Double.POSITIVE_INFINITY, big[1], "overflow");
        double[] y = {-3.5, 2.0, 7.0};
        MathOps.exp(y, 2);
        assertEquals(Math.exp(-3.5), y[0], 0.0);
        assertEquals(Math.exp(2.0), y[1], 0.0);
        assertEquals(7.0, y[2], 0.0, "only [0, len) is written");
    }

    @Test
    void sigmoidIsTheLogisticFunctionWithoutOverflowAndKeepsSmallValuesRelative() {
        for (double x : new double[] {0, 0.5, -0.5, 3, -3, 30, -30, 700, -700}) {
            double expected = 1 / (1 + Math.exp(-x));
            assertEquals(expected, MathOps.sigmoid(x), 1e-15 * expected + 1e-300, "σ(" + x + ")");
        }
        assertEquals(Math.exp(-800), MathOps.sigmoid(-800), 0.0, "e^x/(1 + e^x) where 1/(1 + e^−x) would give 0");
        assertEquals(1.0, MathOps.sigmoid(Double.POSITIVE_INFINITY), 0.0);
        assertEquals(0.0, MathOps.sigmoid(Double.NEGATIVE_INFINITY), 0.0);
        assertTrue(Double.isNaN(MathOps.sigmoid(Double.NaN)));
        assertEquals(0.5f, MathOps.sigmoidFloat32(0f), 0f);
        assertEquals((float) (1 / (1 + Math.exp(-2.0))), MathOps.sigmoidFloat32(2f), 1e-7f);
        double u = MathOps.GELU_C * (1.5 + MathOps.GELU_A * 1.5 * 1.5 * 1.5);
        assertEquals(0.75 * (1 + Math.tanh(u)), MathOps.geluFloat32(1.5f), 1e-6);
    }

    @Test
    void fastSigmoidAndTanhAreWithinTheirErrorOfTheExactFunctions() {
        int n = 200_001;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -50.0 + 100.0 * i / (n - 1);
        }
        double[] s = x.clone();
        MathOps.sigmoidFast(s, n);
        double[] t = x.clone();
        MathOps.tanhFast(t, new double[n], n);
        double worstS = 0;
        double worstT = 0;
        for (int i = 0; i < n; i++) {
            double es = MathOps.sigmoid(x[i]);
            double et = Math.tanh(x[i]);
            worstS = Math.max(worstS, Math.abs(s[i] - es) / es);
            worstT = Math.max(worstT, et == 0 ? Math.abs(t[i]) : Math.abs(t[i] - et) / Math.abs(et));
        }
        assertTrue(worstS <= 1e-11, "σ: largest relative error " + worstS);
        assertTrue(worstT <= 1e-11, "tanh: largest relative error " + worstT);
        double[] tiny = {1e-9, -1e-12, 0.1, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        MathOps.tanhFast(tiny, new double[tiny.length], tiny.length);
        assertEquals(1e-9, tiny[0], 1e-20, "the Taylor branch keeps tanh x ≈ x near 0");
        assertEquals(-1e-12, tiny[1], 1e-23);
        assertEquals(Math.tanh(0.1), tiny[2], 1e-12, "the Taylor series, 1e-11 relative");
        assertEquals(1.0, tiny[3], 0.0);
        assertEquals(-1.0, tiny[4], 0.0);
        assertTrue(Double.isNaN(tiny[5]));
        double[] ends = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        MathOps.sigmoidFast(ends, 3);
        assertEquals(1.0, ends[0], 0.0);
        assertEquals(0.0, ends[1], 1e-45);
        assertTrue(Double.isNaN(ends[2]));
    }

    @Test
    void logSumExpAndSoftmaxOfOneRow() {
        double[] x = {1.0, 2.0, 3.0, -1000.0};
        double expected = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertEquals(expected, MathOps.logSumExp(x, 4), 1e-15);
        assertEquals(1000 + Math.log(2), MathOps.logSumExp(new double[] {1000, 1000}, 2), 1e-12, "no overflow");
        double[] p = x.clone();
        MathOps.softmax(p, 3);
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            assertEquals(Math.exp(x[i] - expected), p[i], 1e-15);
            sum += p[i];
        }
        assertEquals(1.0, sum, 1e-15);
        assertEquals(-1000.0, p[3], 0.0, "only [0, len) is written");

        float[] z = {1f, 50f, 2f, 3f}; // index 1 excluded: its value must not count
        double lse = MathOps.logSumExpFast(z, 4, 1, new double[4]);
        assertEquals(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), lse, 1e-12);
        assertEquals(MathOps.logSumExp(new double[] {1, 50, 2, 3}, 4), MathOps.logSumExpFast(z, 4, -1, new double[4]), 1e-12);
        assertEquals(Math.log(Math.exp(1) + Math.exp(50) + Math.exp(2)), MathOps.logSumExpFast(z, 3, 7, new double[3]), 1e-12,
                "an excluded index outside [0, len) excludes nothing");
        float[] none = {Float.NEGATIVE_INFINITY, 5f, Float.NEGATIVE_INFINITY};
        assertEquals(Double.NEGATIVE_INFINITY, MathOps.logSumExpFast(none, 3, 1, new double[3]), 0.0);
        assertTrue(Double.isNaN(MathOps.logSumExpFast(new float[] {1f, Float.NaN}, 2, -1, new double[2])));
    }

    /** The class-at-a-time passes give, per distribution, what the one-row functions give. */
    @Test
    void softmaxOfManyDistributionsAClassAtATimeEqualsTheOneRowSoftmax() {
        SplittableRandom random = new SplittableRandom(3);
        int m = 37;
        int k = 11;
        double[][] byClass = new double[k][m];
        for (double[] c : byClass) {
            for (int i = 0; i < m; i++) {
                c[i] = random.nextDouble(-20, 20);
            }
        }
        for (boolean fast : new boolean[] {false, true}) {
            double[] max = new double[m];
            java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (double[] c : byClass) {
                MathOps.maxInto(max, c, m);
            }
            double[] sum = new double[m];
            for (double[] c : byClass) {
                MathOps.expShiftedSum(c.clone(), max, sum, m, fast);
            }
            double[] lse = new double[m];
            for (int i = 0; i < m; i++) {
                lse[i] = max[i] + Math.log(sum[i]);
            }
            for (int i = 0; i < m; i++) {
                double[] row = new double[k];
                for (int c = 0; c < k; c++) {
                    row[c] = byClass[c][i];
                }
                assertEquals(MathOps.logSumExp(row, k), lse[i], fast ? 1e-12 * Math.abs(lse[i]) : 1e-14);
            }
            double[] p0 = byClass[0].clone();
            MathOps.expShifted(p0, lse, m, fast);
            for (int i = 0; i < m; i++) {
                assertEquals(Math.exp(byClass[0][i] - lse[i]), p0[i], 1e-12 * p0[i]);
            }
        }
    }

    /** The cell against its equations written out, and the fast cell against the exact one. */
    @Test
    void lstmCellComputesItsEquationsAndTheFastCellAgreesToFloat32Precision() {
        SplittableRandom random = new SplittableRandom(7);
        int n = 1000;
        double[][] in = new double[5][n];
        for (double[] a : in) {
            for (int k = 0; k < n; k++) {
                a[k] = random.nextDouble(-6, 6);
            }
        }
        in[2][0] = 1e-10; // a candidate near 0
        double[][] exact = copy(in);
        double[] th = new double[n];
        double[] h = new double[n];
        MathOps.lstmCell(exact[0], exact[1], exact[2], exact[3], exact[4], th, h, n);
        for (int k = 0; k < n; k++) {
            double i = 1 / (1 + Math.exp(-in[0][k]));
            double f = 1 / (1 + Math.exp(-in[1][k]));
            double g = Math.tanh(in[2][k]);
            double o = 1 / (1 + Math.exp(-in[3][k]));
            double c = f * in[4][k] + i * g;
            assertEquals(i, exact[0][k], 1e-15);
            assertEquals(f, exact[1][k], 1e-15);
            assertEquals(g, exact[2][k], 1e-15);
            assertEquals(o, exact[3][k], 1e-15);
            assertEquals(c, exact[4][k], 1e-14);
            assertEquals(Math.tanh(c), th[k], 1e-14);
            assertEquals(o * Math.tanh(c), h[k], 1e-14);
        }
        double[][] fast = copy(in);
        double[] thFast = new double[n];
        double[] hFast = new double[n];
        MathOps.lstmCellFast(fast[0], fast[1], fast[2], fast[3], fast[4], thFast, hFast, n);
        for (int k = 0; k < n; k++) {
            for (int a = 0; a < 5; a++) {
                assertEquals(exact[a][k], fast[a][k], 1e-11, "array " + a + ", cell " + k);
            }
            assertEquals(th[k], thFast[k], 1e-11);
            assertEquals(h[k], hFast[k], 1e-11);
        }
    }

    private static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
