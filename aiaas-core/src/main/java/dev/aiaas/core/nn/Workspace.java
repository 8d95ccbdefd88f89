package dev.aiaas.core.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import dev.aiaas.core.internal.PreparedOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The working buffers (and prepared ND4J ops over them) of one layer instance, made once per batch size and reused: a training
 * loop with a fixed batch size allocates nothing after its first step. Holds the buffers of at
 * most {@value #MAX_BATCH_SIZES} batch sizes (the full batch, the last partial batch, and a few
 * prediction sizes); older ones are closed.
 */
final class Workspace implements AutoCloseable {
    static final int MAX_BATCH_SIZES = 4;

    private final DataType dataType;
    private final LinkedHashMap<Long, Map<String, Object>> bySize = new LinkedHashMap<>(8, 0.75f, true);

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

    /**
     * The op named {@code name} for this batch size, prepared over exactly {@code arrays}; made by
     * {@code make} on first use, and made again (the old one closed) if the arrays changed.
     */
    PreparedOp op(String name, long batch, INDArray[] arrays, Supplier<PreparedOp> make) {
        Map<String, Object> m = forSize(batch);
        PreparedOp op = (PreparedOp) m.get(name);
        if (op == null || !op.over(arrays)) {
            if (op != null) {
                op.close();
            }
            op = make.get();
            m.put(name, op);
        }
        return op;
    }

    private Map<String, Object> forSize(long batch) {
        Map<String, Object> m = bySize.get(batch);
        if (m == null) {
            if (bySize.size() == MAX_BATCH_SIZES) {
                Long eldest = bySize.keySet().iterator().next();
                closeAll(bySize.remove(eldest).values());
            }
            m = new LinkedHashMap<>();
            bySize.put(batch, m);
        }
        return m;
    }

    @Override
    public void close() {
        for (Map<String, Object> m : bySize.values()) {
            closeAll(m.values());
        }
        bySize.clear();
    }

    /** Closes ops first (their contexts refer to the arrays), then arrays. */
    private static void closeAll(Iterable<Object> resources) {
        List<Object> list = new ArrayList<>();
        resources.forEach(list::add);
        for (Object o : list) {
            if (o instanceof PreparedOp op) {
                op.close();
            }
        }
        for (Object o : list) {
            if (o instanceof INDArray a && a.closeable()) {
                a.close();
            }
        }
    }
}
