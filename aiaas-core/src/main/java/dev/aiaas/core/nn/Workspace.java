package dev.aiaas.core.nn;

import dev.aiaas.core.backend.NativeMemory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The working buffers of one layer instance, made once per batch size and reused: a training
 * loop with a fixed batch size allocates nothing after its first step. Holds the buffers of at
 * most {@value #MAX_BATCH_SIZES} batch sizes (the full batch, the last partial batch, and a few
 * prediction sizes); older ones are closed. A buffer's size is checked with
 * {@link NativeMemory#require} before it is made, so that a batch too large for the memory left
 * fails with a typed {@link dev.aiaas.core.backend.NativeMemoryException} instead of a native
 * allocation failure. Used by one thread at a time (its model's). Public so that layers written
 * outside this package (the vision layers, a user's own) keep the same allocation-free steady state.
 */
public final class Workspace implements AutoCloseable {
    static final int MAX_BATCH_SIZES = 4;

    private final DataType dataType;
    /** Batch sizes in use, most recently used last, and their buffers by name (no boxing on lookup). */
    private final long[] sizes = new long[MAX_BATCH_SIZES];
    @SuppressWarnings("unchecked")
    private final Map<String, Object>[] bySize = new Map[MAX_BATCH_SIZES];
    private int count;

    /**
     * An empty workspace.
     *
     * @param dataType the type of every buffer it makes
     */
    public Workspace(DataType dataType) {
        this.dataType = dataType;
    }

    /**
     * An 'f'-order {@code [batch, columns]} buffer named {@code name}, made (zeroed) on first use.
     *
     * @param name    the buffer's name, unique within the layer
     * @param batch   the batch size B
     * @param columns the values per example
     * @return the buffer, the same array on every call with the same name and batch size
     */
    public INDArray matrix(String name, long batch, long columns) {
        return matrix(name, batch, columns, 0.0);
    }

    /**
     * As {@link #matrix(String, long, long)}, filled with {@code initial} when made.
     *
     * @param name    the buffer's name
     * @param batch   the batch size B
     * @param columns the values per example
     * @param initial the value every element holds when the buffer is made
     * @return the buffer
     */
    public INDArray matrix(String name, long batch, long columns, double initial) {
        Map<String, Object> m = forSize(batch);
        INDArray a = (INDArray) m.get(name);
        if (a == null) {
            a = create(name, new long[] {batch, columns}, 'f');
            if (initial != 0.0) {
                a.assign(initial);
            }
            m.put(name, a);
        }
        return a;
    }

    /**
     * An 'f'-order buffer of the given shape named {@code name}, made (zeroed) on first use for
     * the batch size {@code shape[0]}: for sequence layers, {@code [B, T, features]}.
     *
     * @param name  the buffer's name
     * @param shape the shape, batch size first
     * @return the buffer
     */
    public INDArray array(String name, long... shape) {
        Map<String, Object> m = forSize(shape[0]);
        INDArray a = (INDArray) m.get(name);
        if (a == null) {
            a = create(name, shape, 'f');
            m.put(name, a);
        }
        return a;
    }

    /**
     * An 'f'-order {@code [batch, example...]} buffer named {@code name}, made (zeroed) on first
     * use for this batch size; {@code example} is read only then.
     *
     * @param name    the buffer's name
     * @param batch   the batch size B
     * @param example the shape of one example (for images {@code [C, H, W]})
     * @return the buffer
     */
    public INDArray batch(String name, long batch, long[] example) {
        Map<String, Object> m = forSize(batch);
        INDArray a = (INDArray) m.get(name);
        if (a == null) {
            long[] shape = new long[example.length + 1];
            shape[0] = batch;
            System.arraycopy(example, 0, shape, 1, example.length);
            a = create(name, shape, 'f');
            m.put(name, a);
        }
        return a;
    }

    /**
     * A 1-D buffer of {@code length} elements (at least 1) named {@code name}, kept with the
     * buffers of {@code batch}: scratch whose size depends on the batch (an im2col matrix).
     *
     * @param name   the buffer's name
     * @param batch  the batch size whose buffers it belongs to
     * @param length the element count
     * @return the buffer
     */
    public INDArray vector(String name, long batch, long length) {
        Map<String, Object> m = forSize(batch);
        INDArray a = (INDArray) m.get(name);
        if (a == null) {
            a = create(name, new long[] {Math.max(1, length)}, 'c');
            m.put(name, a);
        }
        return a;
    }

    /**
     * A new zeroed 'f'-order buffer, its size first checked against the memory that may be
     * allocated (the batch size comes from the caller).
     *
     * @throws dev.aiaas.core.backend.NativeMemoryException naming the buffer, its size and the limit
     */
    private INDArray create(String name, long[] shape, char order) {
        long n = 1;
        try {
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
        } catch (ArithmeticException e) {
            n = Long.MAX_VALUE; // more values than a long counts: NativeMemory.bytes refuses it by name
        }
        NativeMemory.require("a layer's working buffer '" + name + "' " + Arrays.toString(shape) + " for a batch of " + shape[0],
                NativeMemory.bytes("a layer's working buffer '" + name + "' " + Arrays.toString(shape), n, dataType.width()));
        return Nd4j.create(dataType, shape, order);
    }

    private Map<String, Object> forSize(long batch) {
        for (int i = count - 1; i >= 0; i--) {
            if (sizes[i] == batch) {
                if (i != count - 1) { // move to the most recently used end
                    Map<String, Object> m = bySize[i];
                    System.arraycopy(sizes, i + 1, sizes, i, count - 1 - i);
                    System.arraycopy(bySize, i + 1, bySize, i, count - 1 - i);
                    sizes[count - 1] = batch;
                    bySize[count - 1] = m;
                }
                return bySize[count - 1];
            }
        }
        if (count == MAX_BATCH_SIZES) { // close the least recently used size
            closeAll(bySize[0].values());
            System.arraycopy(sizes, 1, sizes, 0, count - 1);
            System.arraycopy(bySize, 1, bySize, 0, count - 1);
            count--;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        sizes[count] = batch;
        bySize[count] = m;
        count++;
        return m;
    }

    /** Closes every buffer; the workspace can be used again (it makes new ones). */
    @Override
    public void close() {
        for (int i = 0; i < count; i++) {
            closeAll(bySize[i].values());
            bySize[i] = null;
        }
        count = 0;
    }

    private static void closeAll(Iterable<Object> resources) {
        for (Object o : resources) {
            if (o instanceof INDArray a && a.closeable()) {
                a.close();
            }
        }
    }
}
