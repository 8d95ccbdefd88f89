package dev.aiaas.core.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Products straight into OpenBLAS against a plain-Java float64 reference, over random shapes,
 * orders and transposes: the guard for the OpenBLAS build aiaas puts under ND4J.
 */
class GemmTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static INDArray random(SplittableRandom r, DataType dt, long rows, long cols, char order) {
        INDArray a = Nd4j.create(dt, new long[] {rows, cols}, order);
        for (long i = 0; i < rows; i++) {
            for (long j = 0; j < cols; j++) {
                a.putScalar(i, j, r.nextDouble(-1, 1));
            }
        }
        return a;
    }

    @Test
    void matchesAPlainJavaProductOnRandomShapesOrdersAndTransposes() {
        SplittableRandom r = new SplittableRandom(17);
        for (int trial = 0; trial < 120; trial++) {
            DataType dt = trial % 3 == 0 ? DataType.DOUBLE : DataType.FLOAT;
            // a quarter each with one output row or one output column (the matrix-vector path), some with both
            int m = trial % 4 == 1 || trial % 8 == 3 ? 1 : 1 + r.nextInt(70);
            int n = trial % 4 == 2 || trial % 8 == 3 ? 1 : 1 + r.nextInt(70);
            int k = 1 + r.nextInt(300);
            boolean ta = r.nextBoolean();
            boolean tb = r.nextBoolean();
            INDArray a = ta ? random(r, dt, k, m, r.nextBoolean() ? 'c' : 'f') : random(r, dt, m, k, r.nextBoolean() ? 'c' : 'f');
            INDArray b = tb ? random(r, dt, n, k, r.nextBoolean() ? 'c' : 'f') : random(r, dt, k, n, r.nextBoolean() ? 'c' : 'f');
            INDArray c = random(r, dt, m, n, 'f');
            INDArray c0 = c.dup('f');
            double alpha = r.nextDouble(-2, 2);
            double beta = trial % 2 == 0 ? 0 : r.nextDouble(-1, 1);
            Gemm.gemm(a, ta, b, tb, c, alpha, beta);
            double worst = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += (ta ? a.getDouble(p, i) : a.getDouble(i, p)) * (tb ? b.getDouble(j, p) : b.getDouble(p, j));
                    }
                    double expected = alpha * s + beta * c0.getDouble(i, j);
                    worst = Math.max(worst, Math.abs(expected - c.getDouble(i, j)) / (1 + Math.abs(expected)));
                }
            }
            double tol = dt == DataType.FLOAT ? 2e-5 : 1e-12;
            assertTrue(worst < tol, "trial " + trial + " " + dt + " m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb
                    + " orders " + a.ordering() + b.ordering() + ": worst relative error " + worst);
        }
    }

    @Test
    void rejectsShapesThatDoNotFit() {
        INDArray a = Nd4j.zeros(DataType.FLOAT, 2, 3);
        INDArray c = Nd4j.create(DataType.FLOAT, new long[] {2, 2}, 'f');
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.gemm(a, false, a, false, c, 1, 0));
        assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
        INDArray cc = Nd4j.create(DataType.FLOAT, new long[] {2, 2}, 'c');
        e = assertThrows(IllegalArgumentException.class, () -> Gemm.gemm(a, false, a, true, cc, 1, 0));
        assertTrue(e.getMessage().contains("column-major"), e.getMessage());
        INDArray d = Nd4j.zeros(DataType.DOUBLE, 3, 2);
        e = assertThrows(IllegalArgumentException.class, () -> Gemm.gemm(a, false, d, false, c, 1, 0));
        assertTrue(e.getMessage().contains("one data type"), e.getMessage());
    }
}
