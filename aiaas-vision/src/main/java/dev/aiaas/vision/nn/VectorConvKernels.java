package dev.aiaas.vision.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DirectConv.Kernels} with the Vector API: register blocks of 4 vectors of the batch
 * (64 examples on AVX-512) by 4 channels, 16 accumulators, fused multiply-adds. Loaded by name
 * ({@link DirectConv#KERNELS}) so that the layers run without the incubator module.
 */
final class VectorConvKernels extends DirectConv.Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorConvKernels() {
    }

    /** The kernels, or null when this CPU's float vectors have fewer than 8 lanes. */
    static DirectConv.Kernels create() {
        return L >= 8 ? new VectorConvKernels() : null;
    }

    @Override
    int batchBlock() {
        return 4 * L;
    }

    @Override
    void block(float[] a, int[] ao, float[] w, int[] wo, int n, int a0, int w0, float[] out, int o, int ld) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int k = 0; k < n; k++) {
            int ab = ao[k] + a0;
            int wb = wo[k] + w0;
            FloatVector x0 = FloatVector.fromArray(S, a, ab);
            FloatVector x1 = FloatVector.fromArray(S, a, ab + L);
            FloatVector x2 = FloatVector.fromArray(S, a, ab + 2 * L);
            FloatVector x3 = FloatVector.fromArray(S, a, ab + 3 * L);
            FloatVector w0v = FloatVector.broadcast(S, w[wb]);
            FloatVector w1v = FloatVector.broadcast(S, w[wb + 1]);
            FloatVector w2v = FloatVector.broadcast(S, w[wb + 2]);
            FloatVector w3v = FloatVector.broadcast(S, w[wb + 3]);
            c00 = x0.fma(w0v, c00);
            c10 = x1.fma(w0v, c10);
            c20 = x2.fma(w0v, c20);
            c30 = x3.fma(w0v, c30);
            c01 = x0.fma(w1v, c01);
            c11 = x1.fma(w1v, c11);
            c21 = x2.fma(w1v, c21);
            c31 = x3.fma(w1v, c31);
            c02 = x0.fma(w2v, c02);
            c12 = x1.fma(w2v, c12);
            c22 = x2.fma(w2v, c22);
            c32 = x3.fma(w2v, c32);
            c03 = x0.fma(w3v, c03);
            c13 = x1.fma(w3v, c13);
            c23 = x2.fma(w3v, c23);
            c33 = x3.fma(w3v, c33);
        }
        c00.intoArray(out, o);
        c10.intoArray(out, o + L);
        c20.intoArray(out, o + 2 * L);
        c30.intoArray(out, o + 3 * L);
        o += ld;
        c01.intoArray(out, o);
        c11.intoArray(out, o + L);
        c21.intoArray(out, o + 2 * L);
        c31.intoArray(out, o + 3 * L);
        o += ld;
        c02.intoArray(out, o);
        c12.intoArray(out, o + L);
        c22.intoArray(out, o + 2 * L);
        c32.intoArray(out, o + 3 * L);
        o += ld;
        c03.intoArray(out, o);
        c13.intoArray(out, o + L);
        c23.intoArray(out, o + 2 * L);
        c33.intoArray(out, o + 3 * L);
    }

    @Override
    int lanes() {
        return L;
    }

    @Override
    void outer(float[] p, int[] po, int pBase, int pStride, float[] q, int[] qo, int q0, int n, int ld, int batch, float[] acc,
            int at, int accLd) {
        int a0 = at * L;
        int a1 = a0 + accLd * L;
        int a2 = a1 + accLd * L;
        int a3 = a2 + accLd * L;
        FloatVector c00 = FloatVector.fromArray(S, acc, a0);
        FloatVector c01 = FloatVector.fromArray(S, acc, a0 + L);
        FloatVector c02 = FloatVector.fromArray(S, acc, a0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, acc, a0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, a1);
        FloatVector c11 = FloatVector.fromArray(S, acc, a1 + L);
        FloatVector c12 = FloatVector.fromArray(S, acc, a1 + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, acc, a1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, a2);
        FloatVector c21 = FloatVector.fromArray(S, acc, a2 + L);
        FloatVector c22 = FloatVector.fromArray(S, acc, a2 + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, acc, a2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, a3);
        FloatVector c31 = FloatVector.fromArray(S, acc, a3 + L);
        FloatVector c32 = FloatVector.fromArray(S, acc, a3 + 2 * L);
        FloatVector c33 = FloatVector.fromArray(S, acc, a3 + 3 * L);
        // one loop over (k, run of 4 vectors of the batch) (nested loops keep the accumulators boxed in C2 of Java 17)
        int runs = batch / (4 * L);
        for (int it = 0, total = n * runs, k = 0, b = 0; it < total; it++) {
            int pk = pBase + k;
            int r0 = po[pk] + b;
            int r1 = po[pk + pStride] + b;
            int r2 = po[pk + 2 * pStride] + b;
            int r3 = po[pk + 3 * pStride] + b;
            int qb = qo[k] + q0 + b;
            for (int e = 0; e < 4 * L; e += L) {
                FloatVector p0v = FloatVector.fromArray(S, p, r0 + e);
                FloatVector p1v = FloatVector.fromArray(S, p, r1 + e);
                FloatVector p2v = FloatVector.fromArray(S, p, r2 + e);
                FloatVector p3v = FloatVector.fromArray(S, p, r3 + e);
                FloatVector q0v = FloatVector.fromArray(S, q, qb + e);
                FloatVector q1v = FloatVector.fromArray(S, q, qb + ld + e);
                FloatVector q2v = FloatVector.fromArray(S, q, qb + 2 * ld + e);
                FloatVector q3v = FloatVector.fromArray(S, q, qb + 3 * ld + e);
                c00 = p0v.fma(q0v, c00);
                c01 = p0v.fma(q1v, c01);
                c02 = p0v.fma(q2v, c02);
                c03 = p0v.fma(q3v, c03);
                c10 = p1v.fma(q0v, c10);
                c11 = p1v.fma(q1v, c11);
                c12 = p1v.fma(q2v, c12);
                c13 = p1v.fma(q3v, c13);
                c20 = p2v.fma(q0v, c20);
                c21 = p2v.fma(q1v, c21);
                c22 = p2v.fma(q2v, c22);
                c23 = p2v.fma(q3v, c23);
                c30 = p3v.fma(q0v, c30);
                c31 = p3v.fma(q1v, c31);
                c32 = p3v.fma(q2v, c32);
                c33 = p3v.fma(q3v, c33);
            }
            b += 4 * L;
            if (b == batch) {
                b = 0;
                k++;
            }
        }
        c00.intoArray(acc, a0);
        c01.intoArray(acc, a0 + L);
        c02.intoArray(acc, a0 + 2 * L);
        c03.intoArray(acc, a0 + 3 * L);
        c10.intoArray(acc, a1);
        c11.intoArray(acc, a1 + L);
        c12.intoArray(acc, a1 + 2 * L);
        c13.intoArray(acc, a1 + 3 * L);
        c20.intoArray(acc, a2);
        c21.intoArray(acc, a2 + L);
        c22.intoArray(acc, a2 + 2 * L);
        c23.intoArray(acc, a2 + 3 * L);
        c30.intoArray(acc, a3);
        c31.intoArray(acc, a3 + L);
        c32.intoArray(acc, a3 + 2 * L);
        c33.intoArray(acc, a3 + 3 * L);
    }
}
