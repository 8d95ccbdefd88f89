package dev.aiaas.core.data;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Row copies between float matrices through their host memory, without ND4J ops (so without
 * native allocation): the batcher's inner loop.
 */
final class Rows {

    private Rows() {
    }

    /** A new zero-filled float matrix {@code [rows, cols]} in {@code order} ('c' or 'f'). */
    static INDArray matrix(int rows, int cols, char order) {
        return Nd4j.create(DataType.FLOAT, new long[] {rows, cols}, order);
    }

    /** A new c-order float matrix {@code [rows, cols]} holding {@code values} (row-major). */
    static INDArray matrix(float[] values, int rows, int cols) {
        INDArray m = matrix(rows, cols, 'c');
        host(m).put(0, values, 0, values.length);
        return m;
    }

    /**
     * The host memory of a dense, non-view float array, as a buffer whose index 0 is element 0.
     * Element {@code (r, c)} of a {@code [rows, cols]} matrix is at {@code r * cols + c} in c-order
     * and {@code c * rows + r} in f-order.
     */
    static FloatBuffer host(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.isView() || a.data().length() != a.length()) {
            throw new IllegalArgumentException("expected a dense float array that is not a view; got " + a.dataType()
                    + " " + java.util.Arrays.toString(a.shape()) + (a.isView() ? " (a view)" : "")
                    + ". Pass a fresh array, e.g. from Nd4j.create(DataType.FLOAT, shape, order)");
        }
        FloatBuffer fb = a.data().asNioFloat();
        return fb.position() == 0 ? fb : fb.slice();
    }

    /**
     * Copies rows {@code order[from] .. order[from + count - 1]} of the c-order source
     * {@code [n, cols]} into rows {@code 0 .. count-1} of the destination {@code [count, cols]},
     * laid out in {@code dstOrder}.
     */
    static void gather(FloatBuffer src, int cols, int[] order, int from, int count, FloatBuffer dst, char dstOrder) {
        if (dstOrder == 'c') {
            for (int r = 0; r < count; r++) {
                dst.put(r * cols, src, order[from + r] * cols, cols);
            }
        } else {
            for (int r = 0; r < count; r++) {
                int base = order[from + r] * cols;
                for (int c = 0; c < cols; c++) {
                    dst.put(c * count + r, src.get(base + c));
                }
            }
        }
    }

    /** Writes one-hot rows {@code [count, k]} (c- or f-order) for labels {@code order[from ..]}. */
    static void oneHot(int[] labels, int k, int[] order, int from, int count, FloatBuffer dst, char dstOrder,
            int[] labelsOut) {
        for (int i = 0; i < count * k; i++) {
            dst.put(i, 0f);
        }
        for (int r = 0; r < count; r++) {
            int y = labels[order[from + r]];
            dst.put(dstOrder == 'c' ? r * k + y : y * count + r, 1f);
            if (labelsOut != null) {
                labelsOut[r] = y;
            }
        }
    }
}
