package dev.aiaas.core.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The working buffers of one layer instance, made once per batch size and reused: a training
 * loop with a fixed batch size allocates nothing after its first step. Holds the buffers of at
 * most {@value #MAX_BATCH_SIZES} batch sizes (the full batch, the last partial batch, and a few
 * prediction sizes); older ones are closed.
 */
final class Workspace implements AutoCloseable {
    static final int MAX_BATCH_SIZES = 4;

    private final DataType dataType;
    /** Batch sizes in use, most recently used last, and their buffers by name (no boxing on lookup). */
    private final long[] sizes = new long[MAX_BATCH_SIZES];
    @SuppressWarnings("unchecked")
    private final Map<String, Object>[] bySize = new Map[MAX_BATCH_SIZES];
    private int count;

    Workspace(DataType dataType) {
        this.dataType = dataType;
    }

    /** An 'f'-order {@code [batch, columns]} buffer named {@code name}, made (zeroed) on first use. */
    INDArray matrix(String name, long batch, long columns) {
        return matrix(name, batch, columns, 0.0);
    }

    /** As {@link #matrix(String, long, long)}, filled with {@code initial} when made. */
    INDArray matrix(String name, long batch, long columns, double initial) {
        Map<String, Object> m = forSize(batch);
        INDArray a = (INDArray) m.get(name);
        if (a == null) {
            a = Nd4j.create(dataType, new long[] {batch, columns}, 'f');
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
     */
    INDArray array(String name, long... shape) {
        Map<String, Object> m = forSize(shape[0]);
        INDArray a = (INDArray) m.get(name);
        if (a == null) {
            a = Nd4j.create(dataType, shape, 'f');
            m.put(name, a);
        }
        return a;
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
