package dev.aiaas.core.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    private final LinkedHashMap<Long, Map<String, INDArray>> bySize = new LinkedHashMap<>(8, 0.75f, true);

    Workspace(DataType dataType) {
        this.dataType = dataType;
    }

    /** An 'f'-order {@code [batch, columns]} buffer named {@code name}, made (zeroed) on first use. */
    INDArray matrix(String name, long batch, long columns) {
        return matrix(name, batch, columns, 0.0);
    }

    /** As {@link #matrix(String, long, long)}, filled with {@code initial} when made. */
    INDArray matrix(String name, long batch, long columns, double initial) {
        Map<String, INDArray> m = bySize.get(batch);
        if (m == null) {
            if (bySize.size() == MAX_BATCH_SIZES) {
                Long eldest = bySize.keySet().iterator().next();
                closeAll(bySize.remove(eldest).values());
            }
            m = new LinkedHashMap<>();
            bySize.put(batch, m);
        }
        INDArray a = m.get(name);
        if (a == null) {
            a = Nd4j.create(dataType, new long[] {batch, columns}, 'f');
            if (initial != 0.0) {
                a.assign(initial);
            }
            m.put(name, a);
        }
        return a;
    }

    @Override
    public void close() {
        for (Map<String, INDArray> m : bySize.values()) {
            closeAll(m.values());
        }
        bySize.clear();
    }

    private static void closeAll(Iterable<INDArray> arrays) {
        List<INDArray> list = new ArrayList<>();
        arrays.forEach(list::add);
        for (INDArray a : list) {
            if (a.closeable()) {
                a.close();
            }
        }
    }
}
