package dev.aiaas.core.math;

import java.lang.ref.WeakReference;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element access to a contiguous float32 or float64 INDArray from Java,
 * without JNI calls or allocation: the element-wise kernels of aiaas run as Java loops over
 * these (ND4J's per-op overhead exceeds the work for the small tensors of a training step),
 * while matrix products go to BLAS ({@link Gemm}). Public for layers written outside core (the
 * vision layers, a user's own), which keep the same allocation-free steady state with it.
 *
 * <p>Index i is the i-th element in memory order: for an 'f'-order {@code [B, n]} matrix, element
 * (r, c) is at {@code c * B + r}. Indices are {@code int}: the JIT compiles int-counted loops
 * several times faster than long-counted ones (measured: Adam over 203k floats, 0.6 ms against
 * 3.2 ms), and the dtype test below is loop-invariant, so it is hoisted out of the loop.
 */
public final class Buf {
    private final FloatBuffer f;
    private final DoubleBuffer d;
    /** The number of elements. */
    public final int length;

    private Buf(FloatBuffer f, DoubleBuffer d, int length) {
        this.f = f;
        this.d = d;
        this.length = length;
    }

    /**
     * A view of {@code a}'s elements, served from this thread's cache when {@code a} was viewed
     * before (so a training step allocates none).
     *
     * @param a a contiguous FLOAT or DOUBLE array, of any shape and order (see {@link #contiguous})
     * @return a view whose index i is {@code a}'s i-th element in memory order; writes go to
     *         {@code a}'s buffer
     * @throws IllegalArgumentException when {@code a} is not contiguous, not FLOAT/DOUBLE, or has
     *                                  more than {@code Integer.MAX_VALUE} elements
     */
    public static Buf of(INDArray a) {
        Cache cache = CACHE.get();
        Buf hit = cache.find(a);
        if (hit != null) {
            return hit;
        }
        if (!contiguous(a)) {
            throw new IllegalArgumentException("expected a contiguous array whose buffer holds exactly its "
                    + a.length() + " elements, got one over a buffer of " + a.data().length());
        }
        if (a.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays of more than " + Integer.MAX_VALUE + " elements are not supported. Received: "
                    + a.length());
        }
        Buf made = make(a);
        cache.put(a, made);
        return made;
    }

    private static Buf make(INDArray a) {
        int n = (int) a.length();
        if (n == 0 && (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE)) {
            // an empty array (a batch of 0) has no native buffer to view
            boolean f = a.dataType() == DataType.FLOAT;
            return new Buf(f ? FloatBuffer.allocate(0) : null, f ? null : DoubleBuffer.allocate(0), 0);
        }
        if (a.dataType() == DataType.FLOAT) {
            return new Buf(a.data().asNioFloat().slice(), null, n); // a view's buffer is positioned at its offset
        }
        if (a.dataType() == DataType.DOUBLE) {
            return new Buf(null, a.data().asNioDouble().slice(), n);
        }
        throw new IllegalArgumentException("expected a FLOAT or DOUBLE array, got " + a.dataType());
    }

    private static final ThreadLocal<Cache> CACHE = ThreadLocal.withInitial(Cache::new);

    /**
     * The views made on this thread, so that a training step, which asks for the same buffers
     * every time, allocates none (a view is four objects, ~250 bytes: 6 KB of garbage per step of
     * the MLP 784-256-10 before this cache). An open-addressing table on the arrays' identity
     * hashes, which doubles (during the first steps) when an array finds no free slot near its
     * hash, so that a deep model's step hits as a shallow one's does (a round-robin list of 32
     * views thrashed on a model of eight layers: 10 KB of garbage per step). Arrays are held
     * weakly, so the cache keeps nothing alive; a closed array is never served, and its slot is
     * reused.
     */
    private static final class Cache {
        /** Slots looked at from an array's hash: a hit or a free slot is found within them. */
        private static final int PROBE = 8;
        /** The table stops doubling here (a step asking for more distinct arrays evicts). */
        private static final int MAX = 1 << 16;

        @SuppressWarnings("unchecked")
        private WeakReference<INDArray>[] keys = new WeakReference[64];
        private Buf[] values = new Buf[64];

        Buf find(INDArray a) {
            int mask = keys.length - 1;
            int h = System.identityHashCode(a);
            for (int p = 0; p < PROBE; p++) {
                int i = (h + p) & mask;
                WeakReference<INDArray> k = keys[i];
                if (k != null && k.get() == a) {
                    return a.wasClosed() ? null : values[i];
                }
            }
            return null;
        }

        void put(INDArray a, Buf b) {
            while (true) {
                int mask = keys.length - 1;
                int h = System.identityHashCode(a);
                int free = -1;
                for (int p = 0; p < PROBE; p++) {
                    int i = (h + p) & mask;
                    INDArray held = keys[i] == null ? null : keys[i].get();
                    if (held == a) {
                        values[i] = b;
                        return;
                    }
                    if (free < 0 && (held == null || held.wasClosed())) {
                        free = i;
                    }
                }
                if (free < 0 && keys.length >= MAX) {
                    free = h & mask; // full at its largest: evict
                }
                if (free >= 0) {
                    keys[free] = new WeakReference<>(a);
                    values[free] = b;
                    return;
                }
                grow();
            }
        }

        /** Doubles the table, keeping the live entries (an entry with no free slot in its new window is dropped). */
        @SuppressWarnings("unchecked")
        private void grow() {
            WeakReference<INDArray>[] oldKeys = keys;
            Buf[] oldValues = values;
            keys = new WeakReference[oldKeys.length * 2];
            values = new Buf[oldKeys.length * 2];
            int mask = keys.length - 1;
            for (int o = 0; o < oldKeys.length; o++) {
                INDArray held = oldKeys[o] == null ? null : oldKeys[o].get();
                if (held == null || held.wasClosed()) {
                    continue;
                }
                int h = System.identityHashCode(held);
                for (int p = 0; p < PROBE; p++) {
                    int i = (h + p) & mask;
                    if (keys[i] == null) {
                        keys[i] = oldKeys[o];
                        values[i] = oldValues[o];
                        break;
                    }
                }
            }
        }
    }

    /**
     * Whether {@code a}'s elements lie one after another from the start of its buffer. A view at
     * offset 0 of its array shares that array's whole buffer, which is then longer than the view.
     *
     * @param a any array
     * @return true when {@link #of} can view {@code a} (dtype aside): its length equals its buffer's,
     *         or it is a dense prefix of a longer buffer
     */
    public static boolean contiguous(INDArray a) {
        return a.length() == a.data().length() || (a.length() < a.data().length() && denseStrides(a));
    }

    /** Whether a's elements lie one after another in memory, in its own order. */
    private static boolean denseStrides(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expect = 1;
        boolean c = a.ordering() == 'c';
        for (int k = 0; k < shape.length; k++) {
            int i = c ? shape.length - 1 - k : k;
            if (shape[i] != 1 && stride[i] != expect) {
                return false;
            }
            expect *= shape[i];
        }
        return true;
    }

    /**
     * Element i, widened to double.
     *
     * @param i index in memory order, {@code [0, length)}
     * @return the element's value
     */
    public double get(int i) {
        return f != null ? f.get(i) : d.get(i);
    }

    /**
     * Sets element i (rounded to float32 for FLOAT arrays).
     *
     * @param i index in memory order, {@code [0, length)}
     * @param v the new value
     */
    public void set(int i, double v) {
        if (f != null) {
            f.put(i, (float) v);
        } else {
            d.put(i, v);
        }
    }

    /**
     * Adds v to element i (in float32 arithmetic for FLOAT arrays).
     *
     * @param i index in memory order, {@code [0, length)}
     * @param v the amount to add
     */
    public void add(int i, double v) {
        if (f != null) {
            f.put(i, f.get(i) + (float) v);
        } else {
            d.put(i, d.get(i) + v);
        }
    }

    /** {@return whether the elements are float32 (else float64)} */
    public boolean isFloat() {
        return f != null;
    }

    /**
     * Copies elements [from, from + len) into {@code dst[0, len)} as doubles; a FLOAT array's go
     * through {@code tmp} (at least len long), so the copies are bulk copies.
     *
     * @param from first element index (memory order)
     * @param dst  destination, at least len long
     * @param tmp  scratch for a FLOAT array, at least len long (unused for DOUBLE)
     * @param len  number of elements
     */
    public void get(int from, double[] dst, float[] tmp, int len) {
        get(from, dst, 0, tmp, len);
    }

    /**
     * As {@link #get(int, double[], float[], int)}, into {@code dst[at, at + len)}.
     *
     * @param from first element index (memory order)
     * @param dst  destination, at least at + len long
     * @param at   first index written in {@code dst}
     * @param tmp  scratch for a FLOAT array, at least len long (unused for DOUBLE)
     * @param len  number of elements
     */
    public void get(int from, double[] dst, int at, float[] tmp, int len) {
        if (f != null) {
            f.get(from, tmp, 0, len);
            if (at == 0) { // one index for both arrays: the JIT vectorises this loop, not the offset one
                for (int i = 0; i < len; i++) {
                    dst[i] = tmp[i];
                }
            } else {
                for (int i = 0; i < len; i++) {
                    dst[at + i] = tmp[i];
                }
            }
        } else {
            d.get(from, dst, at, len);
        }
    }

    /**
     * Sets elements [to, to + len) from {@code src[0, len)} (rounded to float32 for a FLOAT array,
     * through {@code tmp}).
     *
     * @param to  first element index (memory order)
     * @param src source, at least len long
     * @param tmp scratch for a FLOAT array, at least len long (unused for DOUBLE)
     * @param len number of elements
     */
    public void put(int to, double[] src, float[] tmp, int len) {
        put(to, src, 0, tmp, len);
    }

    /**
     * As {@link #put(int, double[], float[], int)}, from {@code src[at, at + len)}.
     *
     * @param to  first element index (memory order)
     * @param src source, at least at + len long
     * @param at  first index read in {@code src}
     * @param tmp scratch for a FLOAT array, at least len long (unused for DOUBLE)
     * @param len number of elements
     */
    public void put(int to, double[] src, int at, float[] tmp, int len) {
        if (f != null) {
            if (at == 0) {
                for (int i = 0; i < len; i++) {
                    tmp[i] = (float) src[i];
                }
            } else {
                for (int i = 0; i < len; i++) {
                    tmp[i] = (float) src[at + i];
                }
            }
            f.put(to, tmp, 0, len);
        } else {
            d.put(to, src, at, len);
        }
    }

    /**
     * Copies elements [from, from + len) into {@code dst[0, len)} (the array is FLOAT).
     *
     * @param from first element index (memory order)
     * @param dst  destination, at least len long
     * @param len  number of elements
     */
    public void read(int from, float[] dst, int len) {
        f.get(from, dst, 0, len);
    }

    /**
     * Copies elements [from, from + len) into {@code dst[at, at + len)} (the array is FLOAT).
     *
     * @param from first element index (memory order)
     * @param dst  destination, at least at + len long
     * @param at   first index written in {@code dst}
     * @param len  number of elements
     */
    public void read(int from, float[] dst, int at, int len) {
        f.get(from, dst, at, len);
    }

    /**
     * Copies elements [from, from + len) into {@code dst[0, len)} (the array is DOUBLE).
     *
     * @param from first element index (memory order)
     * @param dst  destination, at least len long
     * @param len  number of elements
     */
    public void read(int from, double[] dst, int len) {
        d.get(from, dst, 0, len);
    }

    /**
     * Sets elements [to, to + len) from {@code src[0, len)} (the array is FLOAT).
     *
     * @param to  first element index (memory order)
     * @param src source, at least len long
     * @param len number of elements
     */
    public void write(int to, float[] src, int len) {
        f.put(to, src, 0, len);
    }

    /**
     * Sets elements [to, to + len) from {@code src[at, at + len)} (the array is FLOAT).
     *
     * @param to  first element index (memory order)
     * @param src source, at least at + len long
     * @param at  first index read in {@code src}
     * @param len number of elements
     */
    public void write(int to, float[] src, int at, int len) {
        f.put(to, src, at, len);
    }

    /**
     * Sets elements [to, to + len) from {@code src[0, len)} (the array is DOUBLE).
     *
     * @param to  first element index (memory order)
     * @param src source, at least len long
     * @param len number of elements
     */
    public void write(int to, double[] src, int len) {
        d.put(to, src, 0, len);
    }

    /**
     * Copies elements [from, from + len) into {@code dst} at the same indices (the array is FLOAT).
     *
     * @param from first element index, in this buffer and in {@code dst}
     * @param dst  destination, at least from + len long
     * @param len  number of elements
     */
    public void copyTo(int from, float[] dst, int len) {
        f.get(from, dst, from, len);
    }

    /**
     * Copies elements [from, from + len) into {@code dst} at the same indices (the array is DOUBLE).
     *
     * @param from first element index, in this buffer and in {@code dst}
     * @param dst  destination, at least from + len long
     * @param len  number of elements
     */
    public void copyTo(int from, double[] dst, int len) {
        d.get(from, dst, from, len);
    }

    /**
     * Sets elements [from, from + len) from {@code src} at the same indices (the array is FLOAT).
     *
     * @param from first element index, in this buffer and in {@code src}
     * @param src  source, at least from + len long
     * @param len  number of elements
     */
    public void copyFrom(int from, float[] src, int len) {
        f.put(from, src, from, len);
    }

    /**
     * Sets elements [from, from + len) from {@code src} at the same indices (the array is DOUBLE).
     *
     * @param from first element index, in this buffer and in {@code src}
     * @param src  source, at least from + len long
     * @param len  number of elements
     */
    public void copyFrom(int from, double[] src, int len) {
        d.put(from, src, from, len);
    }
}
