package dev.aiaas.core.math;

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
    /** Blocks inside larger buffers (offset, leading dimension), including a view at an offset into another array. */
    @Test
    void blocksWithOffsetsAndLeadingDimensionsMatchPlainJava() {
        SplittableRandom r = new SplittableRandom(23);
        for (int trial = 0; trial < 60; trial++) {
            DataType dt = trial % 2 == 0 ? DataType.DOUBLE : DataType.FLOAT;
            int m = 1 + r.nextInt(20);
            int n = 1 + r.nextInt(20);
            int k = 1 + r.nextInt(30);
            boolean ta = r.nextBoolean();
            boolean tb = r.nextBoolean();
            int ar = ta ? k : m;
            int ac = ta ? m : k;
            int br = tb ? n : k;
            int bc = tb ? k : n;
            int lda = ar + r.nextInt(5);
            int ldb = br + r.nextInt(5);
            int ldc = m + r.nextInt(5);
            long offA = r.nextInt(7);
            long offB = r.nextInt(7);
            long offC = r.nextInt(7);
            INDArray bigA = random(r, dt, 1, offA + (long) lda * ac + 3, 'c').reshape(-1);
            // B as a view at an offset of a longer vector, as layers slice θ
            INDArray backing = random(r, dt, 1, 11 + offB + (long) ldb * bc, 'c').reshape(-1);
            INDArray bigB = backing.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(11, backing.length()));
            INDArray bigC = random(r, dt, 1, offC + (long) ldc * n + 2, 'c').reshape(-1);
            INDArray c0 = bigC.dup();
            double alpha = r.nextDouble(-2, 2);
            double beta = trial % 3 == 0 ? 0 : r.nextDouble(-1, 1);
            Gemm.gemm(ta, tb, m, n, k, alpha, bigA, offA, lda, bigB, offB, ldb, beta, bigC, offC, ldc);
            double worst = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double av = ta ? bigA.getDouble(offA + i * (long) lda + p) : bigA.getDouble(offA + p * (long) lda + i);
                        double bv = tb ? bigB.getDouble(offB + p * (long) ldb + j) : bigB.getDouble(offB + j * (long) ldb + p);
                        s += av * bv;
                    }
                    long ci = offC + j * (long) ldc + i;
                    double expected = alpha * s + beta * c0.getDouble(ci);
                    worst = Math.max(worst, Math.abs(expected - bigC.getDouble(ci)) / (1 + Math.abs(expected)));
                }
            }
            // elements of C outside the block are untouched
            for (long i = 0; i < bigC.length(); i++) {
                long col = (i - offC) / ldc;
                long row = (i - offC) % ldc;
                boolean inside = i >= offC && col < n && row < m;
                if (!inside) {
                    assertTrue(bigC.getDouble(i) == c0.getDouble(i), "trial " + trial + ": element " + i + " outside the block changed");
                }
            }
            double tol = dt == DataType.FLOAT ? 2e-5 : 1e-12;
            assertTrue(worst < tol, "trial " + trial + " " + dt + ": worst relative error " + worst);
        }
    }

    @Test
    void rejectsBlocksPastTheBuffer() {
        INDArray a = Nd4j.zeros(DataType.FLOAT, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, 3, 4, 3, 1, a, 0, 3, a, 0, 3, 0, a, 0, 3));
        assertTrue(e.getMessage().contains("does not fit in a buffer of 10"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(false, false, 3, 1, 1, 1, a, 0, 2, a, 0, 1, 0, a, 0, 3));
        assertTrue(e.getMessage().contains("leading dimension 2"), e.getMessage());
    }
}
