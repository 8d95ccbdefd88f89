package dev.aiaas.vision.nn;

import dev.aiaas.core.nn.Workspace;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.nn.Layer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The computation of {@link Flatten} and {@link Unflatten}: both move an example's values to
 * other places and nothing else. In an 'f'-order batch each of an example's values is a run of B
 * (one per example), so the move is a copy of runs: run j of x becomes run {@code to[j]} of y,
 * and ∂L/∂x is the inverse copy. A row-major ('c') x, as a model's first layer may get it (the
 * trainer's batches), is read row by row instead.
 */
final class Permutation implements Layer.Instance {
    private final String layer;
    private final int[] to;
    private final long[] inShape;
    private final long[] outShape;
    private final Workspace buffers;
    private final Heap xs;
    private final Heap ys;

    /**
     * @param to       for each value of an input example (in memory order: 'f' over its shape),
     *                 where it goes in the output example (in memory order)
     * @param inShape  the input example's shape
     * @param outShape the output example's shape
     */
    Permutation(String layer, int[] to, long[] inShape, long[] outShape, DataType dataType) {
        this.layer = layer;
        this.to = to;
        this.inShape = inShape;
        this.outShape = outShape;
        this.buffers = new Workspace(dataType);
        this.xs = Heap.of(dataType);
        this.ys = Heap.of(dataType);
    }

    @Override
    public void bind(INDArray params, INDArray grads) {
    }

    @Override
    public void initialise(SplittableRandom random) {
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        int batch = Math.toIntExact(x.size(0));
        int width = to.length;
        int n = Images.batchValues(batch, width, layer);
        xs.ensure(n).read(Buf.of(x), 0, 0, n);
        ys.ensure(n);
        if (x.ordering() == 'c' && batch > 1) { // example r's values are x[r·width, (r + 1)·width), in 'c' order over its shape
            xs.rowsToColumns(ys, batch, width, rowMajorTo());
        } else {
            for (int j = 0; j < width; j++) {
                xs.copy(batch * j, ys, batch * to[j], batch);
            }
        }
        INDArray y = buffers.batch("y", batch, outShape);
        ys.write(Buf.of(y), 0, 0, n);
        return y;
    }

    private int[] rowMajor;

    /** {@link #to} indexed by the input's values in 'c' order over its shape, made on first need. */
    private int[] rowMajorTo() {
        if (rowMajor == null) {
            int[] r = new int[to.length];
            long[] strides = new long[inShape.length]; // the 'f' index of a 'c' position
            long s = 1;
            for (int d = 0; d < inShape.length; d++) {
                strides[d] = s;
                s *= inShape[d];
            }
            for (int i = 0; i < to.length; i++) {
                long rest = i;
                long f = 0;
                for (int d = inShape.length - 1; d >= 0; d--) {
                    f += (rest % inShape[d]) * strides[d];
                    rest /= inShape[d];
                }
                r[i] = to[(int) f];
            }
            rowMajor = r;
        }
        return rowMajor;
    }

    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
        if (!needInput) {
            return null;
        }
        int batch = Math.toIntExact(x.size(0));
        int width = to.length;
        int n = batch * width;
        ys.ensure(n).read(Buf.of(dy), 0, 0, n);
        xs.ensure(n);
        for (int j = 0; j < width; j++) {
            ys.copy(batch * to[j], xs, batch * j, batch);
        }
        INDArray dx = buffers.batch("dx", batch, inShape);
        xs.write(Buf.of(dx), 0, 0, n);
        return dx;
    }

    @Override
    public void close() {
        buffers.close();
    }
}
