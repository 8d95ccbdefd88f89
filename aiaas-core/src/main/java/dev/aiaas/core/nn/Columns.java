package dev.aiaas.core.nn;

/**
 * Heap scratch for the layers that compute on heap copies. The normalisation layers work on an
 * 'f'-order {@code [B, d]} batch one feature column (B contiguous values) at a time, dropout and
 * the activations ({@link Activation}, one per thread) on blocks of values: a column or block is
 * bulk-copied to a {@code double[]} ({@code Buf.get}), computed on in loops the JIT vectorises,
 * and bulk-copied back ({@code Buf.put}), instead of one {@code Buf} access per value. Grown to
 * the largest batch seen; nothing is allocated per step after that.
 */
final class Columns {
    /** Column buffers of length ≥ B. */
    double[] a = new double[0];
    double[] h = new double[0];
    double[] g = new double[0];
    double[] o = new double[0];
    /** Per-row accumulators (layer norm: statistics across the features of each row). */
    double[] r1 = new double[0];
    double[] r2 = new double[0];
    double[] r3 = new double[0];
    /** float32 staging for {@code Buf.get}/{@code put}. */
    float[] tmp = new float[0];

    /** Makes every buffer hold at least {@code rows} values. */
    void ensure(int rows) {
        if (a.length < rows) {
            a = new double[rows];
            h = new double[rows];
            g = new double[rows];
            o = new double[rows];
            r1 = new double[rows];
            r2 = new double[rows];
            r3 = new double[rows];
            tmp = new float[rows];
        }
    }

    /** Σ v[0, n) in four interleaved partial sums (a fixed order: the same result every run). */
    static double sum(double[] v, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += v[i];
            s1 += v[i + 1];
            s2 += v[i + 2];
            s3 += v[i + 3];
        }
        for (; i < n; i++) {
            s0 += v[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ u[i]·v[i] over [0, n), as {@link #sum}. */
    static double dot(double[] u, double[] v, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += u[i] * v[i];
            s1 += u[i + 1] * v[i + 1];
            s2 += u[i + 2] * v[i + 2];
            s3 += u[i + 3] * v[i + 3];
        }
        for (; i < n; i++) {
            s0 += u[i] * v[i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
