package dev.aiaas.core.internal;

import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Internal, not API. Element access to a contiguous float32 or float64 INDArray from Java, without JNI calls or
 * allocation: the element-wise kernels of aiaas run as Java loops over these (ND4J's per-op
 * overhead exceeds the work for the small tensors of a training step), while products go to BLAS.
 *
 * <p>Index i is the i-th element in memory order: for an 'f'-order {@code [B, n]} matrix, element
 * (r, c) is at {@code c * B + r}.
 */
public final class Buf {
    private final FloatIndexer f;
    private final DoubleIndexer d;
    public final long length;

    private Buf(FloatIndexer f, DoubleIndexer d, long length) {
        this.f = f;
        this.d = d;
        this.length = length;
    }

    public static Buf of(INDArray a) {
        if (a.length() != a.data().length()) {
            throw new IllegalArgumentException("expected a contiguous array whose buffer holds exactly its "
                    + a.length() + " elements, got one over a buffer of " + a.data().length());
        }
        if (a.dataType() == DataType.FLOAT) {
            return new Buf((FloatIndexer) a.data().indexer(), null, a.length());
        }
        if (a.dataType() == DataType.DOUBLE) {
            return new Buf(null, (DoubleIndexer) a.data().indexer(), a.length());
        }
        throw new IllegalArgumentException("expected a FLOAT or DOUBLE array, got " + a.dataType());
    }

    public double get(long i) {
        return f != null ? f.get(i) : d.get(i);
    }

    public void set(long i, double v) {
        if (f != null) {
            f.put(i, (float) v);
        } else {
            d.put(i, v);
        }
    }

    public void add(long i, double v) {
        if (f != null) {
            f.put(i, f.get(i) + (float) v);
        } else {
            d.put(i, d.get(i) + v);
        }
    }
}
