package dev.aiaas.vision.nn;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The native working buffers of one layer instance, made once per batch size and reused, so that
 * a training loop with a fixed batch size allocates nothing after its first step: core's
 * {@code nn.Workspace} (package-private there) for the vision layers, with buffers of any rank.
 * Holds the buffers of at most {@value #MAX_BATCH_SIZES} batch sizes (the full batch, the last
 * partial batch, a few prediction sizes); older ones are closed.
 */
final class Buffers implements AutoCloseable {
    static final int MAX_BATCH_SIZES = 4;

    private final DataType dataType;
    private final long[] sizes = new long[MAX_BATCH_SIZES];
    @SuppressWarnings("unchecked")
    private final Map<String, INDArray>[] bySize = new Map[MAX_BATCH_SIZES];
    private int count;

    Buffers(DataType dataType) {
        this.dataType = dataType;
    }

    /**
     * An 'f'-order {@code [batch, example...]} buffer named {@code name}, made (zeroed) on first
     * use for this batch size; {@code example} is read only then.
     */
    INDArray batch(String name, long batch, long[] example) {
        Map<String, INDArray> m = forSize(batch);
        INDArray a = m.get(name);
        if (a == null) {
            long[] shape = new long[example.length + 1];
            shape[0] = batch;
            System.arraycopy(example, 0, shape, 1, example.length);
            a = Nd4j.create(dataType, shape, 'f');
            m.put(name, a);
        }
        return a;
    }

    /** A 1-D buffer of {@code length} elements named {@code name}, kept with the buffers of {@code batch}. */
    INDArray vector(String name, long batch, long length) {
        Map<String, INDArray> m = forSize(batch);
        INDArray a = m.get(name);
        if (a == null) {
            a = Nd4j.create(dataType, new long[] {Math.max(1, length)}, 'c');
            m.put(name, a);
        }
        return a;
    }

    private Map<String, INDArray> forSize(long batch) {
        for (int i = count - 1; i >= 0; i--) {
            if (sizes[i] == batch) {
                if (i != count - 1) { // move to the most recently used end
                    Map<String, INDArray> m = bySize[i];
                    System.arraycopy(sizes, i + 1, sizes, i, count - 1 - i);
                    System.arraycopy(bySize, i + 1, bySize, i, count - 1 - i);
                    sizes[count - 1] = batch;
                    bySize[count - 1] = m;
                }
                return bySize[count - 1];
            }
        }
        if (count == MAX_BATCH_SIZES) { // close the least recently used size
            closeAll(bySize[0]);
            System.arraycopy(sizes, 1, sizes, 0, count - 1);
            System.arraycopy(bySize, 1, bySize, 0, count - 1);
            count--;
        }
        Map<String, INDArray> m = new HashMap<>();
        sizes[count] = batch;
        bySize[count] = m;
        count++;
        return m;
    }

    @Override
    public void close() {
        for (int i = 0; i < count; i++) {
            closeAll(bySize[i]);
            bySize[i] = null;
        }
        count = 0;
    }

    private static void closeAll(Map<String, INDArray> buffers) {
        for (INDArray a : buffers.values()) {
            if (a.closeable()) {
                a.close();
            }
        }
    }
}
