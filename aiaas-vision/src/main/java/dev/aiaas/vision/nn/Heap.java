package dev.aiaas.vision.nn;

import dev.aiaas.core.math.Buf;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A heap array of the model's type (float32 or float64) and the loops the vision layers run over
 * it. The layers bulk-copy a batch (or a chunk of one) from its native buffer to a heap array
 * ({@link #read}), work there in loops the JIT vectorises, and bulk-copy the result back
 * ({@link #write}), as core's layers do with their heap chunks. Most loops work on runs: in an
 * 'f'-order {@code [B, C, H, W]} batch the B values of one (channel, row, column) lie one after
 * another, so a convolution's patch copies, a pooling window's maxima and a flatten's
 * permutation each move whole runs of B values.
 *
 * <p>The float32 loops that dominate a training step run in {@link RunKernel#CURRENT} (the Vector
 * API kernel when the JVM has the module, else plain loops).
 *
 * <p>Grown on first need, never shrunk: a step allocates nothing once the largest batch was seen.
 */
abstract sealed class Heap permits Heap.F, Heap.D {

    /** A heap array for a model of {@code type}. */
    static Heap of(DataType type) {
        return type == DataType.FLOAT ? new F() : new D();
    }

    /** The array itself, for {@link System#arraycopy}. */
    abstract Object array();

    /** Makes the array hold at least n values (its contents are then undefined). */
    abstract Heap ensure(int n);

    /** this[at, at + len) = src[from, from + len). */
    abstract void read(Buf src, int from, int at, int len);

    /** dst[to, to + len) = this[at, at + len). */
    abstract void write(Buf dst, int to, int at, int len);

    /** this[at, at + len) = v. */
    abstract void fill(int at, int len, double v);

    /** The value at i. */
    abstract double get(int i);

    /**
     * dst[at, at + len) = this[from, from + len): on typed arrays (the JIT inlines the copy), short
     * runs (a small batch's runs in im2col) in a loop rather than a call.
     */
    abstract void copy(int from, Heap dst, int at, int len);

    /** dst[at + i] = this[from + i] + v over a run. */
    abstract void copyAdd(int from, Heap dst, int at, int len, double v);

    /** dst[at + i] += this[from + i] over a run. */
    abstract void addTo(int from, Heap dst, int at, int len);

    /** dst[at + i] += s·this[from + i] over a run. */
    abstract void addScaledTo(int from, Heap dst, int at, int len, double s);

    /** this[at + i] *= s over a run. */
    abstract void scale(int at, int len, double s);

    /** Σ this[from, from + len), accumulated in float64. */
    abstract double sum(int from, int len);

    /** Σ (this[i] − mean)² over [from, from + len), in float64. */
    abstract double squaredDeviations(int from, int len, double mean);

    /** dst[at + i] = max(dst[at + i], this[from + i]) over a run ({@link Math#max}: a NaN wins, as in PyTorch). */
    abstract void maxInto(int from, Heap dst, int at, int len);

    /**
     * {@link #maxInto}, recording in {@code argmax[at + i]} the index {@code from + i} of each new
     * maximum (for the backward pass): a NaN is taken and then kept, and on ties the first wins,
     * as in PyTorch.
     */
    abstract void maxInto(int from, Heap dst, int at, int len, int[] argmax);

    /**
     * One window element of a max's backward pass over a run, with this the input x: for each i
     * not yet {@code taken}, if x[from + i] is the window's maximum y[at + i] (or both are NaN),
     * dx[from + i] += dy[at + i] and i is taken. Called for the window's elements in scan order,
     * the first maximum gets the gradient, as in PyTorch.
     */
    abstract void maxBackward(int from, Heap y, Heap dy, int at, Heap dx, boolean[] taken, int len);

    /**
     * {@link #maxBackward} without branches, a loop the JIT vectorises, for a window whose maxima
     * y and gradients are finite (see {@link #finite}): with this the input x and {@code rem} the
     * gradient not yet handed out (dy at the window's first element), hit = 1 where x = y
     * (x − y ≤ 0 scaled by 2²⁰⁰ and clamped to −1 is −1 unless the difference is 0: the smallest
     * nonzero difference of two floats scaled so is above 1), else 0; dx[from + i] += hit·rem[i];
     * rem[i] −= hit·rem[i] (0 after the first maximum, so the first one wins).
     */
    abstract void maxBackwardFinite(int from, Heap y, int at, Heap rem, Heap dx, int len);

    /** Whether this[at, at + len) are all finite (no NaN, no infinity). */
    abstract boolean finite(int at, int len);

    /** dst[argmax[j]] += this[j] for j in [0, n): the backward pass of a max. */
    abstract void scatterAdd(Heap dst, int[] argmax, int n);

    /** {@link RunKernel#maxTap} with this x: y and the taps t are heaps of this type. */
    abstract void maxTap(int from, Heap y, Heap tap, int at, int len, int t);

    /** {@link RunKernel#tapBackward} with this ∂L/∂y. */
    abstract void tapBackward(int at, Heap tap, int t, Heap dx, int from, int len, boolean add);

    /** Batch normalisation of a run, in place: this[i] = γ·x̂ + β with x̂ = (this[i] − μ)·inv. */
    abstract void normaliseInPlace(int from, int len, double mean, double inv, double gamma, double beta);

    /** this[i] = max(this[i], 0) over a run (a ReLU, as core's). */
    abstract void reluInPlace(int from, int len);

    /**
     * A ReLU's backward pass over a run, its input y = γ·x̂ + β made from x as
     * {@link #normaliseInPlace} makes it: this[i] (∂L/∂(ReLU output)) *= 1 where y &gt; 0, else 0
     * (NaN where y is NaN), as core's ReLU gradient.
     */
    abstract void reluMaskNormalised(int from, Heap x, int len, double mean, double inv, double gamma, double beta);

    /**
     * {@link #reluMaskNormalised} then {@link #sum} and {@link #dotNormalised} without writing this:
     * out[0] = Σ this'[i], out[1] = Σ this'[i]·x̂[i], this' the masked values.
     */
    abstract void reluNormalisedSums(int from, Heap x, int len, double mean, double inv, double gamma, double beta, double[] out);

    /** {@link #reluMaskNormalised} then {@link #normaliseBackwardInPlace}. */
    abstract void reluNormaliseBackwardInPlace(int from, Heap x, int len, double mean, double inv, double gamma, double beta,
            double s, double mg, double mh);

    /** Σ this[i]·x̂[i] over a run, x̂ = (x − μ)·inv made as {@link #normaliseInPlace} makes it (this: ∂L/∂y). */
    abstract double dotNormalised(int from, Heap x, int len, double mean, double inv);

    /** Batch normalisation's ∂L/∂x over a run, in place: this[i] = s·(this[i] − mg − x̂[i]·mh), x̂ as in {@link #dotNormalised}. */
    abstract void normaliseBackwardInPlace(int from, Heap x, int len, double mean, double inv, double s, double mg, double mh);

    /**
     * The rows of a row-major {@code [rows, width]} block (this, from 0) into an 'f'-order one
     * whose column j goes to column {@code to[j]}: dst[r + rows·to[j]] = this[r·width + j].
     */
    abstract void rowsToColumns(Heap dst, int rows, int width, int[] to);

    /** float32. */
    static final class F extends Heap {
        /** The loops over runs: {@link RunKernel#CURRENT}. */
        private static final RunKernel K = RunKernel.CURRENT;
        float[] a = new float[0];

        @Override
        Object array() {
            return a;
        }

        @Override
        Heap ensure(int n) {
            if (a.length < n) {
                a = new float[n];
            }
            return this;
        }

        @Override
        void read(Buf src, int from, int at, int len) {
            src.read(from, a, at, len);
        }

        @Override
        void write(Buf dst, int to, int at, int len) {
            dst.write(to, a, at, len);
        }

        @Override
        void fill(int at, int len, double v) {
            java.util.Arrays.fill(a, at, at + len, (float) v);
        }

        @Override
        double get(int i) {
            return a[i];
        }

        @Override
        void copy(int from, Heap dst, int at, int len) {
            float[] d = ((F) dst).a;
            if (len < 16) {
                for (int i = 0; i < len; i++) {
                    d[at + i] = a[from + i];
                }
            } else {
                System.arraycopy(a, from, d, at, len);
            }
        }

        @Override
        void copyAdd(int from, Heap dst, int at, int len, double v) {
            K.copyAdd(a, from, ((F) dst).a, at, len, (float) v);
        }

        @Override
        void addTo(int from, Heap dst, int at, int len) {
            K.addTo(a, from, ((F) dst).a, at, len);
        }

        @Override
        void addScaledTo(int from, Heap dst, int at, int len, double s) {
            float[] d = ((F) dst).a;
            float f = (float) s;
            for (int i = 0; i < len; i++) {
                d[at + i] += f * a[from + i];
            }
        }

        @Override
        void scale(int at, int len, double s) {
            float f = (float) s;
            for (int i = at; i < at + len; i++) {
                a[i] *= f;
            }
        }

        @Override
        double sum(int from, int len) {
            return K.sum(a, from, len);
        }

        @Override
        double squaredDeviations(int from, int len, double mean) {
            return K.squaredDeviations(a, from, len, mean);
        }

        @Override
        void maxInto(int from, Heap dst, int at, int len) {
            K.maxInto(a, from, ((F) dst).a, at, len);
        }

        @Override
        void maxInto(int from, Heap dst, int at, int len, int[] argmax) {
            float[] d = ((F) dst).a;
            for (int i = 0; i < len; i++) {
                float v = a[from + i];
                if (v > d[at + i] || v != v && d[at + i] == d[at + i]) {
                    d[at + i] = v;
                    argmax[at + i] = from + i;
                }
            }
        }

        @Override
        void maxBackwardFinite(int from, Heap y, int at, Heap rem, Heap dx, int len) {
            K.maxBackwardFinite(a, from, ((F) y).a, at, ((F) rem).a, ((F) dx).a, len);
        }

        @Override
        boolean finite(int at, int len) {
            return K.finite(a, at, len);
        }

        @Override
        void maxBackward(int from, Heap y, Heap dy, int at, Heap dx, boolean[] taken, int len) {
            float[] m = ((F) y).a;
            float[] g = ((F) dy).a;
            float[] d = ((F) dx).a;
            for (int i = 0; i < len; i++) {
                float v = a[from + i];
                float w = m[at + i];
                if (!taken[i] && (v == w || v != v && w != w)) {
                    d[from + i] += g[at + i];
                    taken[i] = true;
                }
            }
        }

        @Override
        void scatterAdd(Heap dst, int[] argmax, int n) {
            float[] d = ((F) dst).a;
            for (int j = 0; j < n; j++) {
                d[argmax[j]] += a[j];
            }
        }

        @Override
        void maxTap(int from, Heap y, Heap tap, int at, int len, int t) {
            K.maxTap(a, from, ((F) y).a, ((F) tap).a, at, len, t);
        }

        @Override
        void tapBackward(int at, Heap tap, int t, Heap dx, int from, int len, boolean add) {
            K.tapBackward(a, ((F) tap).a, at, t, ((F) dx).a, from, len, add);
        }

        @Override
        void normaliseInPlace(int from, int len, double mean, double inv, double gamma, double beta) {
            K.normaliseInPlace(a, from, len, (float) mean, (float) inv, (float) gamma, (float) beta);
        }

        @Override
        void reluInPlace(int from, int len) {
            K.reluInPlace(a, from, len);
        }

        @Override
        void reluNormalisedSums(int from, Heap x, int len, double mean, double inv, double gamma, double beta, double[] out) {
            K.reluNormalisedSums(a, ((F) x).a, from, len, (float) mean, (float) inv, (float) gamma, (float) beta, out);
        }

        @Override
        void reluNormaliseBackwardInPlace(int from, Heap x, int len, double mean, double inv, double gamma, double beta,
                double s, double mg, double mh) {
            K.reluNormaliseBackwardInPlace(a, ((F) x).a, from, len, (float) mean, (float) inv, (float) gamma, (float) beta, (float) s,
                    (float) mg, (float) mh);
        }

        @Override
        void reluMaskNormalised(int from, Heap x, int len, double mean, double inv, double gamma, double beta) {
            K.reluMaskNormalised(a, ((F) x).a, from, len, (float) mean, (float) inv, (float) gamma, (float) beta);
        }

        @Override
        double dotNormalised(int from, Heap x, int len, double mean, double inv) {
            return K.dotNormalised(a, ((F) x).a, from, len, (float) mean, (float) inv);
        }

        @Override
        void normaliseBackwardInPlace(int from, Heap x, int len, double mean, double inv, double s, double mg, double mh) {
            K.normaliseBackwardInPlace(a, ((F) x).a, from, len, (float) mean, (float) inv, (float) s, (float) mg, (float) mh);
        }

        @Override
        void rowsToColumns(Heap dst, int rows, int width, int[] to) {
            float[] d = ((F) dst).a;
            // in blocks of 16 rows: each value's 16 rows land side by side, and the rows' cache lines stay in L1
            // across consecutive values (row by row, each write went to another cache line: 4x slower on the ResNet's input)
            int r0 = 0;
            for (; r0 + 16 <= rows; r0 += 16) {
                for (int j = 0; j < width; j++) {
                    int at = r0 + rows * to[j];
                    for (int r = 0, from = r0 * width + j; r < 16; r++, from += width) {
                        d[at + r] = a[from];
                    }
                }
            }
            for (int r = r0; r < rows; r++) {
                int base = r * width;
                for (int j = 0; j < width; j++) {
                    d[r + rows * to[j]] = a[base + j];
                }
            }
        }
    }

    /** float64. */
    static final class D extends Heap {
        double[] a = new double[0];

        @Override
        Object array() {
            return a;
        }

        @Override
        Heap ensure(int n) {
            if (a.length < n) {
                a = new double[n];
            }
            return this;
        }

        @Override
        void read(Buf src, int from, int at, int len) {
            src.get(from, a, at, null, len);
        }

        @Override
        void write(Buf dst, int to, int at, int len) {
            dst.put(to, a, at, null, len);
        }

        @Override
        void fill(int at, int len, double v) {
            java.util.Arrays.fill(a, at, at + len, v);
        }

        @Override
        double get(int i) {
            return a[i];
        }

        @Override
        void copy(int from, Heap dst, int at, int len) {
            double[] d = ((D) dst).a;
            if (len < 16) {
                for (int i = 0; i < len; i++) {
                    d[at + i] = a[from + i];
                }
            } else {
                System.arraycopy(a, from, d, at, len);
            }
        }

        @Override
        void copyAdd(int from, Heap dst, int at, int len, double v) {
            double[] d = ((D) dst).a;
            for (int i = 0; i < len; i++) {
                d[at + i] = a[from + i] + v;
            }
        }

        @Override
        void addTo(int from, Heap dst, int at, int len) {
            double[] d = ((D) dst).a;
            for (int i = 0; i < len; i++) {
                d[at + i] += a[from + i];
            }
        }

        @Override
        void addScaledTo(int from, Heap dst, int at, int len, double s) {
            double[] d = ((D) dst).a;
            for (int i = 0; i < len; i++) {
                d[at + i] += s * a[from + i];
            }
        }

        @Override
        void scale(int at, int len, double s) {
            for (int i = at; i < at + len; i++) {
                a[i] *= s;
            }
        }

        @Override
        double sum(int from, int len) {
            double s = 0;
            for (int i = from; i < from + len; i++) {
                s += a[i];
            }
            return s;
        }

        @Override
        double squaredDeviations(int from, int len, double mean) {
            double s = 0;
            for (int i = from; i < from + len; i++) {
                double d = a[i] - mean;
                s += d * d;
            }
            return s;
        }

        @Override
        void maxInto(int from, Heap dst, int at, int len) {
            double[] d = ((D) dst).a;
            for (int i = 0; i < len; i++) {
                d[at + i] = Math.max(d[at + i], a[from + i]);
            }
        }

        @Override
        void maxInto(int from, Heap dst, int at, int len, int[] argmax) {
            double[] d = ((D) dst).a;
            for (int i = 0; i < len; i++) {
                double v = a[from + i];
                if (v > d[at + i] || v != v && d[at + i] == d[at + i]) {
                    d[at + i] = v;
                    argmax[at + i] = from + i;
                }
            }
        }

        @Override
        void maxBackwardFinite(int from, Heap y, int at, Heap rem, Heap dx, int len) {
            double[] m = ((D) y).a;
            double[] r = ((D) rem).a;
            double[] d = ((D) dx).a;
            for (int i = 0; i < len; i++) {
                double hit = 1.0 + Math.max((a[from + i] - m[at + i]) * 0x1p600 * 0x1p600, -1.0);
                double g = hit * r[i];
                d[from + i] += g;
                r[i] -= g;
            }
        }

        @Override
        boolean finite(int at, int len) {
            double m = 0.0;
            for (int i = at; i < at + len; i++) {
                m = Math.max(m, Math.abs(a[i]));
            }
            return m <= Double.MAX_VALUE;
        }

        @Override
        void maxBackward(int from, Heap y, Heap dy, int at, Heap dx, boolean[] taken, int len) {
            double[] m = ((D) y).a;
            double[] g = ((D) dy).a;
            double[] d = ((D) dx).a;
            for (int i = 0; i < len; i++) {
                double v = a[from + i];
                double w = m[at + i];
                if (!taken[i] && (v == w || v != v && w != w)) {
                    d[from + i] += g[at + i];
                    taken[i] = true;
                }
            }
        }

        @Override
        void scatterAdd(Heap dst, int[] argmax, int n) {
            double[] d = ((D) dst).a;
            for (int j = 0; j < n; j++) {
                d[argmax[j]] += a[j];
            }
        }

        @Override
        void maxTap(int from, Heap y, Heap tap, int at, int len, int t) {
            double[] m = ((D) y).a;
            double[] k = ((D) tap).a;
            for (int i = 0; i < len; i++) {
                double v = a[from + i];
                double w = m[at + i];
                if (v > w || v != v && w == w) {
                    m[at + i] = v;
                    k[at + i] = t;
                }
            }
        }

        @Override
        void tapBackward(int at, Heap tap, int t, Heap dx, int from, int len, boolean add) {
            double[] k = ((D) tap).a;
            double[] d = ((D) dx).a;
            for (int i = 0; i < len; i++) {
                double g = k[at + i] == t ? a[at + i] : 0.0;
                d[from + i] = add ? d[from + i] + g : g;
            }
        }

        @Override
        void normaliseInPlace(int from, int len, double mean, double inv, double gamma, double beta) {
            for (int i = from; i < from + len; i++) {
                a[i] = gamma * ((a[i] - mean) * inv) + beta;
            }
        }

        @Override
        void reluInPlace(int from, int len) {
            for (int i = from; i < from + len; i++) {
                a[i] = Math.max(a[i], 0.0);
            }
        }

        @Override
        void reluNormalisedSums(int from, Heap x, int len, double mean, double inv, double gamma, double beta, double[] out) {
            reluMaskNormalised(from, x, len, mean, inv, gamma, beta);
            out[0] = sum(from, len);
            out[1] = dotNormalised(from, x, len, mean, inv);
        }

        @Override
        void reluNormaliseBackwardInPlace(int from, Heap x, int len, double mean, double inv, double gamma, double beta,
                double s, double mg, double mh) {
            reluMaskNormalised(from, x, len, mean, inv, gamma, beta);
            normaliseBackwardInPlace(from, x, len, mean, inv, s, mg, mh);
        }

        @Override
        void reluMaskNormalised(int from, Heap x, int len, double mean, double inv, double gamma, double beta) {
            double[] o = ((D) x).a;
            for (int i = from; i < from + len; i++) {
                double y = gamma * ((o[i] - mean) * inv) + beta;
                a[i] *= Math.min(Math.max(y, 0.0) * Double.MAX_VALUE * Double.MAX_VALUE, 1.0);
            }
        }

        @Override
        double dotNormalised(int from, Heap x, int len, double mean, double inv) {
            double[] o = ((D) x).a;
            double s = 0;
            for (int i = from; i < from + len; i++) {
                s += a[i] * ((o[i] - mean) * inv);
            }
            return s;
        }

        @Override
        void normaliseBackwardInPlace(int from, Heap x, int len, double mean, double inv, double s, double mg, double mh) {
            double[] o = ((D) x).a;
            for (int i = from; i < from + len; i++) {
                a[i] = s * (a[i] - mg - (o[i] - mean) * inv * mh);
            }
        }

        @Override
        void rowsToColumns(Heap dst, int rows, int width, int[] to) {
            double[] d = ((D) dst).a;
            for (int r = 0; r < rows; r++) {
                int base = r * width;
                for (int j = 0; j < width; j++) {
                    d[r + rows * to[j]] = a[base + j];
                }
            }
        }
    }
}
