package dev.aiaas.vision.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RunKernel} with the Vector API, at the CPU's preferred float width (16 lanes on
 * AVX-512, 8 on AVX2), each loop's tail in plain Java. The element-wise loops do, lane by lane,
 * the operations of {@link RunKernel.Scalar} in the same order (a multiply and an add, never a
 * fused multiply-add), so they give the same bits; the sums add each lane's share in float32 and
 * then the lanes and the tail in float64. Loaded by name ({@link RunKernel#vector}) so that the
 * layers run without the incubator module.
 */
final class VectorRunKernel extends RunKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorRunKernel() {
    }

    /** The kernel, or null when this CPU's float vectors have fewer than 8 lanes. */
    static RunKernel create() {
        return L >= 8 ? new VectorRunKernel() : null;
    }

    @Override
    String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    void addTo(float[] a, int from, float[] d, int at, int len) {
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            FloatVector.fromArray(S, d, at + i).add(FloatVector.fromArray(S, a, from + i)).intoArray(d, at + i);
        }
        for (; i < len; i++) {
            d[at + i] += a[from + i];
        }
    }

    @Override
    void copyAdd(float[] a, int from, float[] d, int at, int len, float v) {
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            FloatVector.fromArray(S, a, from + i).add(v).intoArray(d, at + i);
        }
        for (; i < len; i++) {
            d[at + i] = a[from + i] + v;
        }
    }

    @Override
    double sum(float[] a, int from, int len) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            acc = acc.add(FloatVector.fromArray(S, a, from + i));
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += a[from + i];
        }
        return s;
    }

    @Override
    double squaredDeviations(float[] a, int from, int len, double mean) {
        float m = (float) mean;
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            FloatVector d = FloatVector.fromArray(S, a, from + i).sub(m);
            acc = acc.add(d.mul(d));
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            double d = a[from + i] - mean;
            s += d * d;
        }
        return s;
    }

    @Override
    void maxInto(float[] a, int from, float[] d, int at, int len) {
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            FloatVector.fromArray(S, d, at + i).max(FloatVector.fromArray(S, a, from + i)).intoArray(d, at + i);
        }
        for (; i < len; i++) {
            d[at + i] = Math.max(d[at + i], a[from + i]);
        }
    }

    @Override
    void maxBackwardFinite(float[] a, int from, float[] m, int at, float[] r, float[] d, int len) {
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, from + i);
            FloatVector y = FloatVector.fromArray(S, m, at + i);
            FloatVector rem = FloatVector.fromArray(S, r, i);
            // hit = 1 where x == y, else 0 (the scalar loop's value: x < y there, or a NaN x)
            VectorMask<Float> hit = x.compare(VectorOperators.EQ, y);
            FloatVector g = FloatVector.zero(S).blend(rem, hit);
            FloatVector.fromArray(S, d, from + i).add(g).intoArray(d, from + i);
            rem.sub(g).intoArray(r, i);
        }
        for (; i < len; i++) {
            float hit = 1f + Math.max((a[from + i] - m[at + i]) * 0x1p100f * 0x1p100f, -1f);
            float g = hit * r[i];
            d[from + i] += g;
            r[i] -= g;
        }
    }

    @Override
    boolean finite(float[] a, int at, int len) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            acc = acc.max(FloatVector.fromArray(S, a, at + i).abs()); // a NaN wins
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < len; i++) {
            m = Math.max(m, Math.abs(a[at + i]));
        }
        return m <= Float.MAX_VALUE;
    }

    @Override
    void normaliseInPlace(float[] a, int from, int len, float mean, float inv, float g, float b) {
        int i = from;
        for (int end = from + S.loopBound(len); i < end; i += L) {
            FloatVector.fromArray(S, a, i).sub(mean).mul(inv).mul(g).add(b).intoArray(a, i);
        }
        for (; i < from + len; i++) {
            float v = (a[i] - mean) * inv;
            a[i] = g * v + b;
        }
    }

    @Override
    void reluNormalisedSums(float[] dy, float[] x, int from, int len, float mean, float inv, float g, float b, double[] out) {
        FloatVector accG = FloatVector.zero(S);
        FloatVector accH = FloatVector.zero(S);
        int i = from;
        for (int end = from + S.loopBound(len); i < end; i += L) {
            FloatVector h = FloatVector.fromArray(S, x, i).sub(mean).mul(inv);
            FloatVector mask = h.mul(g).add(b).max(0f).mul(Float.MAX_VALUE).mul(Float.MAX_VALUE).min(1f);
            FloatVector d = FloatVector.fromArray(S, dy, i).mul(mask);
            accG = accG.add(d);
            accH = accH.add(d.mul(h));
        }
        double sg = accG.reduceLanes(VectorOperators.ADD);
        double sh = accH.reduceLanes(VectorOperators.ADD);
        for (; i < from + len; i++) {
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
        int i = from;
        for (int end = from + S.loopBound(len); i < end; i += L) {
            FloatVector h = FloatVector.fromArray(S, x, i).sub(mean).mul(inv);
            FloatVector mask = h.mul(g).add(b).max(0f).mul(Float.MAX_VALUE).mul(Float.MAX_VALUE).min(1f);
            FloatVector.fromArray(S, dy, i).mul(mask).sub(mg).sub(h.mul(mh)).mul(s).intoArray(dy, i);
        }
        for (; i < from + len; i++) {
            float h = (x[i] - mean) * inv;
            float y = g * h + b;
            float d = dy[i] * Math.min(Math.max(y, 0f) * Float.MAX_VALUE * Float.MAX_VALUE, 1f);
            dy[i] = s * (d - mg - h * mh);
        }
    }

    @Override
    void reluInPlace(float[] a, int from, int len) {
        int i = from;
        for (int end = from + S.loopBound(len); i < end; i += L) {
            FloatVector.fromArray(S, a, i).max(0f).intoArray(a, i);
        }
        for (; i < from + len; i++) {
            a[i] = Math.max(a[i], 0f);
        }
    }

    @Override
    void reluMaskNormalised(float[] dy, float[] x, int from, int len, float mean, float inv, float g, float b) {
        int i = from;
        for (int end = from + S.loopBound(len); i < end; i += L) {
            FloatVector y = FloatVector.fromArray(S, x, i).sub(mean).mul(inv).mul(g).add(b);
            FloatVector mask = y.max(0f).mul(Float.MAX_VALUE).mul(Float.MAX_VALUE).min(1f);
            FloatVector.fromArray(S, dy, i).mul(mask).intoArray(dy, i);
        }
        for (; i < from + len; i++) {
            float v = (x[i] - mean) * inv;
            float y = g * v + b;
            dy[i] *= Math.min(Math.max(y, 0f) * Float.MAX_VALUE * Float.MAX_VALUE, 1f);
        }
    }

    @Override
    double dotNormalised(float[] dy, float[] x, int from, int len, float mean, float inv) {
        FloatVector acc = FloatVector.zero(S);
        int i = from;
        for (int end = from + S.loopBound(len); i < end; i += L) {
            FloatVector h = FloatVector.fromArray(S, x, i).sub(mean).mul(inv);
            acc = acc.add(FloatVector.fromArray(S, dy, i).mul(h));
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < from + len; i++) {
            float h = (x[i] - mean) * inv;
            s += (double) dy[i] * h;
        }
        return s;
    }

    @Override
    void normaliseBackwardInPlace(float[] dy, float[] x, int from, int len, float mean, float inv, float s, float mg, float mh) {
        int i = from;
        for (int end = from + S.loopBound(len); i < end; i += L) {
            FloatVector h = FloatVector.fromArray(S, x, i).sub(mean).mul(inv);
            FloatVector.fromArray(S, dy, i).sub(mg).sub(h.mul(mh)).mul(s).intoArray(dy, i);
        }
        for (; i < from + len; i++) {
            float h = (x[i] - mean) * inv;
            dy[i] = s * (dy[i] - mg - h * mh);
        }
    }

    @Override
    void addRelu(float[] a, float[] b, int len) {
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).max(0f).intoArray(a, i);
        }
        for (; i < len; i++) {
            a[i] = Math.max(a[i] + b[i], 0f);
        }
    }

    @Override
    void reluBackward(float[] g, float[] y, int len) {
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            VectorMask<Float> on = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
            FloatVector.zero(S).blend(FloatVector.fromArray(S, g, i), on).intoArray(g, i);
        }
        for (; i < len; i++) {
            g[i] = y[i] > 0 ? g[i] : 0f;
        }
    }

    @Override
    void maxTap(float[] x, int from, float[] y, float[] tap, int at, int len, float t) {
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, from + i);
            FloatVector m = FloatVector.fromArray(S, y, at + i);
            // v > m, or v NaN where m is not (a comparison with a NaN is false; v != v is NaN's test)
            VectorMask<Float> take = v.compare(VectorOperators.GT, m)
                    .or(v.compare(VectorOperators.NE, v).andNot(m.compare(VectorOperators.NE, m)));
            m.blend(v, take).intoArray(y, at + i);
            FloatVector.fromArray(S, tap, at + i).blend(t, take).intoArray(tap, at + i);
        }
        for (; i < len; i++) {
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
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            VectorMask<Float> hit = FloatVector.fromArray(S, tap, at + i).compare(VectorOperators.EQ, t);
            FloatVector g = FloatVector.zero(S).blend(FloatVector.fromArray(S, dy, at + i), hit);
            if (add) {
                g = g.add(FloatVector.fromArray(S, dx, from + i));
            }
            g.intoArray(dx, from + i);
        }
        for (; i < len; i++) {
            float g = tap[at + i] == t ? dy[at + i] : 0f;
            dx[from + i] = add ? dx[from + i] + g : g;
        }
    }
}
