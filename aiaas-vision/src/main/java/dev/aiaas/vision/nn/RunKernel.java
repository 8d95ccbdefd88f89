package dev.aiaas.vision.nn;

/**
 * The float32 loops over runs that the vision layers spend their time in outside BLAS (a
 * convolution's col2im, a batch normalisation's sums and maps, a max pool's maxima), in two
 * implementations: {@link Scalar}, plain loops (what the JIT makes of them), and
 * {@code VectorRunKernel}, the same loops written with the Vector API ({@code jdk.incubator.vector},
 * loaded by name: see {@link #load}). The element-wise loops give bit for bit the same results in
 * both; the sums ({@link #sum}, {@link #squaredDeviations}, {@link #dotNormalised}) add the same values in
 * another order (float32 lanes, then float64), so they differ in the last bits.
 */
abstract class RunKernel {

    /** The Vector API kernel's class, loaded by name so that this class loads without the module. */
    private static final String VECTOR = "dev.aiaas.vision.nn.VectorRunKernel";

    /** The plain loops. */
    static final RunKernel SCALAR = new Scalar();

    /** The kernel of this JVM: the vector one when it loads (see {@link #load}), else {@link #SCALAR}. */
    static final RunKernel CURRENT = load(System.getProperty("aiaas.vector", "true"));

    /**
     * The Vector API kernel when the JVM has {@code jdk.incubator.vector} ({@code --add-modules
     * jdk.incubator.vector}), the CPU's float vectors have at least 8 lanes and {@code setting}
     * (the {@code aiaas.vector} property) is not {@code false}; else {@link #SCALAR}.
     */
    static RunKernel load(String setting) {
        return "false".equals(setting) ? SCALAR : vector().orElse(SCALAR);
    }

    /** The Vector API kernel, when this JVM and CPU run it (for tests and measurements). */
    static java.util.Optional<RunKernel> vector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.ofNullable((RunKernel) Class.forName(VECTOR).getDeclaredMethod("create").invoke(null));
        } catch (ReflectiveOperationException | LinkageError e) {
            return java.util.Optional.empty();
        }
    }

    /** A short name: {@code scalar} or {@code vector-512} (the vector bits). */
    abstract String name();

    /** d[at + i] += a[from + i], i in [0, len). */
    abstract void addTo(float[] a, int from, float[] d, int at, int len);

    /** d[at + i] = a[from + i] + v. */
    abstract void copyAdd(float[] a, int from, float[] d, int at, int len, float v);

    /** Σ a[from, from + len). */
    abstract double sum(float[] a, int from, int len);

    /** Σ (a[i] − mean)² over [from, from + len). */
    abstract double squaredDeviations(float[] a, int from, int len, double mean);

    /** d[at + i] = max(d[at + i], a[from + i]) ({@link Math#max}: a NaN wins). */
    abstract void maxInto(float[] a, int from, float[] d, int at, int len);

    /** See {@code Heap.maxBackwardFinite}: x = a, y = m, the rest r, dx = d. */
    abstract void maxBackwardFinite(float[] a, int from, float[] m, int at, float[] r, float[] d, int len);

    /** Whether a[at, at + len) are all finite. */
    abstract boolean finite(float[] a, int at, int len);

    /** a[i] = g·((a[i] − mean)·inv) + b over [from, from + len): batch normalisation's y, in place. */
    abstract void normaliseInPlace(float[] a, int from, int len, float mean, float inv, float g, float b);

    /** a[i] = max(a[i], 0) over [from, from + len) ({@link Math#max}: NaN stays NaN, −0 becomes +0), core's float32 ReLU. */
    abstract void reluInPlace(float[] a, int from, int len);

    /**
     * The ReLU's backward pass after a batch normalisation, over [from, from + len): dy[i] *=
     * min(max(y, 0)·M·M, 1), M the largest finite float, with y = g·x̂ + b and x̂ = (x[i] − mean)·inv
     * made in float32 as {@link #normaliseInPlace} makes them: core's float32 ReLU gradient of
     * that y, bit for bit.
     */
    abstract void reluMaskNormalised(float[] dy, float[] x, int from, int len, float mean, float inv, float g, float b);

    /**
     * {@link #sum} and {@link #dotNormalised} of dy' = dy ⊙ mask in one sweep, the mask that of
     * {@link #reluMaskNormalised} (dy is not written): out[0] = Σ dy', out[1] = Σ dy'·x̂, each
     * summed as those two sum.
     */
    abstract void reluNormalisedSums(float[] dy, float[] x, int from, int len, float mean, float inv, float g, float b, double[] out);

    /** {@link #reluMaskNormalised} then {@link #normaliseBackwardInPlace}, in one sweep. */
    abstract void reluNormaliseBackwardInPlace(float[] dy, float[] x, int from, int len, float mean, float inv, float g, float b,
            float s, float mg, float mh);

    /** Σ dy[i]·x̂[i] over [from, from + len), x̂[i] = (x[i] − mean)·inv in float32 as {@link #normaliseInPlace} makes it. */
    abstract double dotNormalised(float[] dy, float[] x, int from, int len, float mean, float inv);

    /**
     * dy[i] = s·(dy[i] − mg − x̂[i]·mh) over [from, from + len), x̂ as in {@link #dotNormalised}:
     * batch normalisation's ∂L/∂x with x̂ made again from x, in place.
     */
    abstract void normaliseBackwardInPlace(float[] dy, float[] x, int from, int len, float mean, float inv, float s, float mg,
                                           float mh);

    /** a[i] = max(a[i] + b[i], 0) over [0, len) (a NaN stays NaN). */
    abstract void addRelu(float[] a, float[] b, int len);

    /** g[i] = y[i] &gt; 0 ? g[i] : 0 over [0, len): the ReLU's gradient from its output y. */
    abstract void reluBackward(float[] g, float[] y, int len);

    /**
     * One window element of a max pool's training forward pass over a run: where x[from + i] is
     * greater than y[at + i], or is NaN where y is not (the first NaN wins, as in PyTorch; on ties
     * the first stays), y[at + i] = x[from + i] and tap[at + i] = t.
     */
    abstract void maxTap(float[] x, int from, float[] y, float[] tap, int at, int len, float t);

    /**
     * One window element of a max pool's backward pass from the recorded taps: g = dy[at + i]
     * where tap[at + i] = t, else 0; dx[from + i] += g when {@code add}, else dx[from + i] = g.
     */
    abstract void tapBackward(float[] dy, float[] tap, int at, float t, float[] dx, int from, int len, boolean add);

    /** The plain loops (the JIT vectorises some of them). */
    static final class Scalar extends RunKernel {
        @Override
        String name() {
            return "scalar";
        }

        @Override
        void addTo(float[] a, int from, float[] d, int at, int len) {
            for (int i = 0; i < len; i++) {
                d[at + i] += a[from + i];
            }
        }

        @Override
        void copyAdd(float[] a, int from, float[] d, int at, int len, float v) {
            for (int i = 0; i < len; i++) {
                d[at + i] = a[from + i] + v;
            }
        }

        @Override
        double sum(float[] a, int from, int len) {
            double s = 0;
            for (int i = from; i < from + len; i++) {
                s += a[i];
            }
            return s;
        }

        @Override
        double squaredDeviations(float[] a, int from, int len, double mean) {
            double s = 0;
            for (int i = from; i < from + len; i++) {
                double d = a[i] - mean;
                s += d * d;
            }
            return s;
        }

        @Override
        void maxInto(float[] a, int from, float[] d, int at, int len) {
            for (int i = 0; i < len; i++) {
                d[at + i] = Math.max(d[at + i], a[from + i]);
            }
        }

        @Override
        void maxBackwardFinite(float[] a, int from, float[] m, int at, float[] r, float[] d, int len) {
            for (int i = 0; i < len; i++) {
                float hit = 1f + Math.max((a[from + i] - m[at + i]) * 0x1p100f * 0x1p100f, -1f);
                float g = hit * r[i];
                d[from + i] += g;
                r[i] -= g;
            }
        }

        @Override
        boolean finite(float[] a, int at, int len) {
            float m = 0f;
            for (int i = at; i < at + len; i++) {
                m = Math.max(m, Math.abs(a[i])); // a NaN wins
            }
            return m <= Float.MAX_VALUE;
        }

        @Override
        void maxTap(float[] x, int from, float[] y, float[] tap, int at, int len, float t) {
            for (int i = 0; i < len; i++) {
                float v = x[from + i];
                float m = y[at + i];
                if (v > m || v != v && m == m) {
                    y[at + i] = v;
                    tap[at + i] = t;
                }
            }
        }

        @Override
        void tapBackward(float[] dy, float[] tap, int at, float t, float[] dx, int from, int len, boolean add) {
            for (int i = 0; i < len; i++) {
                float g = tap[at + i] == t ? dy[at + i] : 0f;
                dx[from + i] = add ? dx[from + i] + g : g;
            }
        }

        @Override
        void addRelu(float[] a, float[] b, int len) {
            for (int i = 0; i < len; i++) {
                a[i] = Math.max(a[i] + b[i], 0f);
            }
        }

        @Override
        void reluBackward(float[] g, float[] y, int len) {
            for (int i = 0; i < len; i++) {
                g[i] = y[i] > 0 ? g[i] : 0f;
            }
        }

        @Override
        void normaliseInPlace(float[] a, int from, int len, float mean, float inv, float g, float b) {
            for (int i = from; i < from + len; i++) {
                float v = (a[i] - mean) * inv;
                a[i] = g * v + b;
            }
        }

        @Override
        void reluNormalisedSums(float[] dy, float[] x, int from, int len, float mean, float inv, float g, float b, double[] out) {
            double sg = 0;
            double sh = 0;
            for (int i = from; i < from + len; i++) {
                float h = (x[i] - mean) * inv;
                float y = g * h + b;
                float d = dy[i] * Math.min(Math.max(y, 0f) * Float.MAX_VALUE * Float.MAX_VALUE, 1f);
                sg += d;
                sh += (double) d * h;
            }
            out[0] = sg;
            out[1] = sh;
        }

        @Override
        void reluNormaliseBackwardInPlace(float[] dy, float[] x, int from, int len, float mean, float inv, float g, float b,
                float s, float mg, float mh) {
            for (int i = from; i < from + len; i++) {
                float h = (x[i] - mean) * inv;
                float y = g * h + b;
                float d = dy[i] * Math.min(Math.max(y, 0f) * Float.MAX_VALUE * Float.MAX_VALUE, 1f);
                dy[i] = s * (d - mg - h * mh);
            }
        }

        @Override
        void reluInPlace(float[] a, int from, int len) {
            for (int i = from; i < from + len; i++) {
                a[i] = Math.max(a[i], 0f);
            }
        }

        @Override
        void reluMaskNormalised(float[] dy, float[] x, int from, int len, float mean, float inv, float g, float b) {
            for (int i = from; i < from + len; i++) {
                float v = (x[i] - mean) * inv;
                float y = g * v + b;
                dy[i] *= Math.min(Math.max(y, 0f) * Float.MAX_VALUE * Float.MAX_VALUE, 1f);
            }
        }

        @Override
        double dotNormalised(float[] dy, float[] x, int from, int len, float mean, float inv) {
            double s = 0;
            for (int i = from; i < from + len; i++) {
                float h = (x[i] - mean) * inv;
                s += (double) dy[i] * h;
            }
            return s;
        }

        @Override
        void normaliseBackwardInPlace(float[] dy, float[] x, int from, int len, float mean, float inv, float s, float mg, float mh) {
            for (int i = from; i < from + len; i++) {
                float h = (x[i] - mean) * inv;
                dy[i] = s * (dy[i] - mg - h * mh);
            }
        }
    }
}
