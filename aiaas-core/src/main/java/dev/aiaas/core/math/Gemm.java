package dev.aiaas.core.math;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * C = α·op(A)·op(B) + β·C straight into BLAS on the arrays' own memory.
 *
 * <p>On the CPU backend this calls {@code cblas_sgemm}/{@code cblas_dgemm} of the OpenBLAS that
 * ND4J loads: no copies, no op objects, no checks beyond the shapes. Measured for
 * 128x784 by 784x256 float32 here: {@code Nd4j.gemm} 1.3 to 1.9 ms, this 0.2 to 0.4 ms. Each
 * operand may be column-major ('f') or row-major ('c') and must be contiguous; a row-major
 * operand is handed to BLAS as the transpose of a column-major one. C must be column-major. On
 * another backend this falls back to {@code Nd4j.gemm}.
 */
public final class Gemm {
    private static final boolean CPU = Nd4j.getBackend().getClass().getSimpleName().equals("CpuBackend");

    private Gemm() {
    }

    /**
     * C = α·op(A)·op(B) + β·C, where op(X) is X or Xᵀ.
     *
     * @param a      A, contiguous, 'f' or 'c' order, of C's data type (FLOAT or DOUBLE)
     * @param transA whether op(A) is Aᵀ
     * @param b      B, contiguous, 'f' or 'c' order, of C's data type
     * @param transB whether op(B) is Bᵀ
     * @param c      column-major {@code [m, n]}, contiguous; op(A) is {@code [m, k]}, op(B) {@code [k, n]}
     * @param alpha  α, the product's scale
     * @param beta   β, C's scale before the product is added (0: C is overwritten, its old values unread)
     * @throws IllegalArgumentException when the shapes do not fit; on the CPU backend also when an
     *                                  operand is not contiguous, C is not column-major, or the
     *                                  data types differ or are not FLOAT or DOUBLE
     */
    public static void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        long m = c.rows();
        long n = c.columns();
        long k = transA ? a.rows() : a.columns();
        long ar = transA ? a.columns() : a.rows();
        long bk = transB ? b.columns() : b.rows();
        long bn = transB ? b.rows() : b.columns();
        if (a.rank() != 2 || b.rank() != 2 || c.rank() != 2 || ar != m || bk != k || bn != n) {
            throw new IllegalArgumentException("gemm shapes do not fit: op(A) " + (transA ? "ᵀ" : "") + Arrays.toString(a.shape())
                    + ", op(B) " + (transB ? "ᵀ" : "") + Arrays.toString(b.shape()) + ", C " + Arrays.toString(c.shape()));
        }
        if (!CPU) {
            Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
            return;
        }
        checkContiguous(a, "A");
        checkContiguous(b, "B");
        checkContiguous(c, "C");
        if (c.ordering() != 'f' && c.rows() > 1 && c.columns() > 1) {
            throw new IllegalArgumentException("C must be column-major ('f'); got " + c.ordering());
        }
        boolean fa = a.ordering() == 'f' || a.rows() == 1 || a.columns() == 1;
        boolean fb = b.ordering() == 'f' || b.rows() == 1 || b.columns() == 1;
        // a row-major [r, s] matrix is the column-major [s, r] matrix Xᵀ
        int ta = (transA == fa) ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = (transB == fb) ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int lda = (int) Math.max(1, fa ? a.rows() : a.columns());
        int ldb = (int) Math.max(1, fb ? b.rows() : b.columns());
        int ldc = (int) Math.max(1, m);
        DataType dt = c.dataType();
        if (a.dataType() != dt || b.dataType() != dt) {
            throw new IllegalArgumentException("gemm needs one data type; got " + a.dataType() + ", " + b.dataType() + ", " + dt);
        }
        if (n == 1 || m == 1) {
            // a matrix-vector product: gemv reads the matrix once, where gemm would first pack it
            // into blocks (a batch-1 prediction's first layer, a bias gradient δᵀ·1)
            INDArray mat = n == 1 ? a : b;
            INDArray vec = n == 1 ? b : a;
            boolean fm = n == 1 ? fa : fb;
            // n == 1: C = op(A)·x; m == 1: Cᵀ = op(B)ᵀ·op(A)ᵀ, so B's flag is flipped
            int flag = n == 1 ? ta : (tb == openblas_nolapack.CblasTrans ? openblas_nolapack.CblasNoTrans : openblas_nolapack.CblasTrans);
            int rowsStored = (int) (fm ? mat.rows() : mat.columns());
            int colsStored = (int) (fm ? mat.columns() : mat.rows());
            int ld = Math.max(1, rowsStored);
            Pointers p = POINTERS.get();
            if (dt == DataType.FLOAT) {
                openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasColMajor, flag, rowsStored, colsStored, (float) alpha,
                        p.fa.at(address(mat)), ld, p.fb.at(address(vec)), 1, (float) beta, p.fc.at(address(c)), 1);
                return;
            }
            if (dt == DataType.DOUBLE) {
                openblas_nolapack.cblas_dgemv(openblas_nolapack.CblasColMajor, flag, rowsStored, colsStored, alpha,
                        p.da.at(address(mat)), ld, p.db.at(address(vec)), 1, beta, p.dc.at(address(c)), 1);
                return;
            }
        }
        if (dt == DataType.FLOAT) {
            Pointers p = POINTERS.get();
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasColMajor, ta, tb, (int) m, (int) n, (int) k, (float) alpha,
                    p.fa.at(address(a)), lda, p.fb.at(address(b)), ldb, (float) beta, p.fc.at(address(c)), ldc);
        } else if (dt == DataType.DOUBLE) {
            Pointers p = POINTERS.get();
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasColMajor, ta, tb, (int) m, (int) n, (int) k, alpha,
                    p.da.at(address(a)), lda, p.db.at(address(b)), ldb, beta, p.dc.at(address(c)), ldc);
        } else {
            throw new IllegalArgumentException("gemm takes FLOAT or DOUBLE; got " + dt);
        }
    }

    /** The address of x's first element (its buffer's address does not include a view's offset). */
    private static long address(INDArray x) {
        DataBuffer d = x.data();
        return d.address() + d.offset() * d.getElementSize();
    }

    private static final ThreadLocal<Pointers> POINTERS = ThreadLocal.withInitial(Pointers::new);

    /**
     * Pointers reused for every product on a thread, re-aimed at each call's operands: a product
     * allocates nothing (with fresh pointers, each call left ~0.5 KB of garbage on the heap).
     */
    private static final class Pointers {
        final FloatAt fa = new FloatAt();
        final FloatAt fb = new FloatAt();
        final FloatAt fc = new FloatAt();
        final DoubleAt da = new DoubleAt();
        final DoubleAt db = new DoubleAt();
        final DoubleAt dc = new DoubleAt();
    }

    /** A float pointer that owns nothing and can be aimed at any address. */
    private static final class FloatAt extends FloatPointer {
        FloatAt() {
            super((Pointer) null);
        }

        FloatPointer at(long addr) {
            address = addr;
            return this;
        }
    }

    /** A double pointer that owns nothing and can be aimed at any address. */
    private static final class DoubleAt extends DoublePointer {
        DoubleAt() {
            super((Pointer) null);
        }

        DoublePointer at(long addr) {
            address = addr;
            return this;
        }
    }

    /**
     * C = α·op(A)·op(B) + β·C on column-major blocks inside larger buffers, BLAS's own form: each
     * operand is the block that starts {@code off} elements into its array's buffer and has
     * leading dimension {@code ld} (the distance between the starts of two of its columns). With
     * it a layer multiplies the rows of one time step of a {@code [B·T, n]} sequence buffer (rows
     * {@code B·t .. B·t + B − 1}, leading dimension {@code B·T}) without copying them out.
     *
     * @param transA whether op(A) is Aᵀ (A's block is then {@code [k, m]})
     * @param transB whether op(B) is Bᵀ (B's block is then {@code [n, k]})
     * @param m      rows of op(A) and C
     * @param n      columns of op(B) and C
     * @param k      columns of op(A), rows of op(B)
     * @param alpha  α, the product's scale
     * @param a      the array whose buffer holds A's block
     * @param offA   elements from the start of {@code a}'s buffer to A[0, 0]
     * @param lda    A's leading dimension, at least its rows
     * @param b      the array whose buffer holds B's block
     * @param offB   elements from the start of {@code b}'s buffer to B[0, 0]
     * @param ldb    B's leading dimension, at least its rows
     * @param beta   β, C's scale before the product is added (0: C is overwritten)
     * @param c      the array whose buffer holds C's block, of A's and B's data type
     * @param offC   elements from the start of {@code c}'s buffer to C[0, 0]
     * @param ldc    C's leading dimension, at least m
     * @throws IllegalArgumentException when a block reaches past its buffer or the types differ
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                            INDArray a, long offA, int lda, INDArray b, long offB, int ldb,
                            double beta, INDArray c, long offC, int ldc) {
        checkBlock(a, "A", offA, lda, transA ? k : m, transA ? m : k);
        checkBlock(b, "B", offB, ldb, transB ? n : k, transB ? k : n);
        checkBlock(c, "C", offC, ldc, m, n);
        DataType dt = c.dataType();
        if (a.dataType() != dt || b.dataType() != dt) {
            throw new IllegalArgumentException("gemm needs one data type; got " + a.dataType() + ", " + b.dataType() + ", " + dt);
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (!CPU) {
            INDArray va = Nd4j.create(a.data(), new long[] {transA ? k : m, transA ? m : k}, new long[] {1, lda}, offA, 'f');
            INDArray vb = Nd4j.create(b.data(), new long[] {transB ? n : k, transB ? k : n}, new long[] {1, ldb}, offB, 'f');
            INDArray vc = Nd4j.create(c.data(), new long[] {m, n}, new long[] {1, ldc}, offC, 'f');
            Nd4j.gemm(va, vb, vc, transA, transB, alpha, beta);
            return;
        }
        int ta = transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        if (dt == DataType.FLOAT) {
            Pointers p = POINTERS.get();
            long w = Float.BYTES;
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasColMajor, ta, tb, m, n, k, (float) alpha,
                    p.fa.at(address(a) + offA * w), lda, p.fb.at(address(b) + offB * w), ldb, (float) beta,
                    p.fc.at(address(c) + offC * w), ldc);
        } else if (dt == DataType.DOUBLE) {
            Pointers p = POINTERS.get();
            long w = Double.BYTES;
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasColMajor, ta, tb, m, n, k, alpha,
                    p.da.at(address(a) + offA * w), lda, p.db.at(address(b) + offB * w), ldb, beta,
                    p.dc.at(address(c) + offC * w), ldc);
        } else {
            throw new IllegalArgumentException("gemm takes FLOAT or DOUBLE; got " + dt);
        }
    }

    /** Checks that a column-major {@code [rows, cols]} block at {@code off} with leading dimension {@code ld} lies in x's buffer. */
    private static void checkBlock(INDArray x, String name, long off, int ld, int rows, int cols) {
        long end = cols == 0 || rows == 0 ? off : off + (long) ld * (cols - 1) + rows;
        if (off < 0 || rows < 0 || cols < 0 || ld < Math.max(1, rows) || end > x.data().length()) {
            throw new IllegalArgumentException(name + ": a [" + rows + ", " + cols + "] block at offset " + off + " with leading dimension "
                    + ld + " does not fit in a buffer of " + x.data().length() + " elements");
        }
    }

    private static void checkContiguous(INDArray x, String name) {
        if (!Buf.contiguous(x)) {
            throw new IllegalArgumentException(name + " must be contiguous: " + x.length() + " elements over a buffer of " + x.data().length());
        }
    }
}
