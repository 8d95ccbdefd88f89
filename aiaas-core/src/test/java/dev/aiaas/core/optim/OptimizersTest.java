package dev.aiaas.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Two steps of every optimiser on θ = (1, 2) with g = (0.5, −1), against the formulas by hand. */
class OptimizersTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static final double[] G = {0.5, -1};

    /** Runs two steps with gradient G and returns θ. */
    private static double[] twoSteps(Optimizer o, double lr) {
        INDArray p = Nd4j.createFromArray(1.0, 2.0);
        INDArray g = Nd4j.createFromArray(G);
        try (Optimizer.State s = o.newState(2, DataType.DOUBLE)) {
            o.step(p, g, s, lr, 1);
            o.step(p, g, s, lr, 2);
        }
        return p.toDoubleVector();
    }

    @Test
    void sgd() {
        double[] p = twoSteps(Optimizers.sgd(0.1), 0.1);
        assertEquals(1 - 2 * 0.1 * 0.5, p[0], 1e-12);
        assertEquals(2 + 2 * 0.1 * 1, p[1], 1e-12);
    }

    @Test
    void momentumAndNesterov() {
        double mu = 0.9;
        // v1 = g, v2 = μg + g; momentum: θ −= η(v1 + v2)
        double[] p = twoSteps(Optimizers.momentum(0.1, mu), 0.1);
        assertEquals(1 - 0.1 * (0.5 + (mu * 0.5 + 0.5)), p[0], 1e-12);
        // nesterov: θ −= η(g + μ v_t) at each step
        double[] q = twoSteps(Optimizers.nesterov(0.1, mu), 0.1);
        assertEquals(1 - 0.1 * (0.5 + mu * 0.5) - 0.1 * (0.5 + mu * (mu * 0.5 + 0.5)), q[0], 1e-12);
    }

    @Test
    void adamAndAdamW() {
        double b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 0.01, g = 0.5;
        double m1 = (1 - b1) * g, v1 = (1 - b2) * g * g;
        double theta = 1 - lr * Math.sqrt(1 - b2) / (1 - b1) * m1 / (Math.sqrt(v1) + eps);
        double m2 = b1 * m1 + (1 - b1) * g, v2 = b2 * v1 + (1 - b2) * g * g;
        theta = theta - lr * Math.sqrt(1 - b2 * b2) / (1 - b1 * b1) * m2 / (Math.sqrt(v2) + eps);
        assertEquals(theta, twoSteps(Optimizers.adam(lr), lr)[0], 1e-12);

        double wd = 0.1;
        double w = 1 * (1 - lr * wd) - lr * Math.sqrt(1 - b2) / (1 - b1) * m1 / (Math.sqrt(v1) + eps);
        w = w * (1 - lr * wd) - lr * Math.sqrt(1 - b2 * b2) / (1 - b1 * b1) * m2 / (Math.sqrt(v2) + eps);
        assertEquals(w, twoSteps(Optimizers.adamW(lr, wd), lr)[0], 1e-12);
        assertEquals("adamw", Optimizers.adamW(lr, wd).name());
    }

    @Test
    void float32PathsAgreeWithFloat64() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        int n = 1000;
        double[] p0 = new double[n];
        double[] g0 = new double[n];
        for (int i = 0; i < n; i++) {
            p0[i] = r.nextDouble(-1, 1);
            g0[i] = r.nextDouble(-1, 1);
        }
        for (Optimizer o : java.util.List.of(Optimizers.adam(0.01), Optimizers.adamW(0.01, 0.1), Optimizers.sgd(0.1),
                Optimizers.nesterov(0.1, 0.9), Optimizers.rmsProp(0.01), Optimizers.adaGrad(0.01))) {
            INDArray pd = Nd4j.createFromArray(p0);
            INDArray pf = pd.castTo(DataType.FLOAT);
            INDArray gd = Nd4j.createFromArray(g0);
            INDArray gf = gd.castTo(DataType.FLOAT);
            try (Optimizer.State sd = o.newState(n, DataType.DOUBLE); Optimizer.State sf = o.newState(n, DataType.FLOAT)) {
                for (int t = 1; t <= 5; t++) {
                    o.step(pd, gd, sd, o.learningRate(), t);
                    o.step(pf, gf, sf, o.learningRate(), t);
                }
            }
            double maxDiff = pd.sub(pf.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
            assertTrue(maxDiff < 1e-5, o.name() + ": float32 and float64 differ by " + maxDiff);
        }
    }

    @Test
    void rmsPropAndAdaGrad() {
        double lr = 0.01, rho = 0.9, eps = 1e-7, g = 0.5;
        double s1 = (1 - rho) * g * g;
        double s2 = rho * s1 + (1 - rho) * g * g;
        double expected = 1 - lr * g / (Math.sqrt(s1) + eps) - lr * g / (Math.sqrt(s2) + eps);
        assertEquals(expected, twoSteps(Optimizers.rmsProp(lr), lr)[0], 1e-12);
        double a1 = g * g, a2 = 2 * g * g;
        assertEquals(1 - lr * g / (Math.sqrt(a1) + eps) - lr * g / (Math.sqrt(a2) + eps), twoSteps(Optimizers.adaGrad(lr), lr)[0], 1e-12);
    }

    @Test
    void schedules() {
        assertEquals(1.0, Schedules.constant().factor(100, 3));
        assertEquals(0.25, Schedules.step(2, 0.5).factor(1, 5), 1e-15);
        assertEquals(Math.pow(0.9, 3), Schedules.exponential(0.9).factor(1, 3), 1e-15);
        Schedule cos = Schedules.cosine(10, 110, 0.1);
        assertEquals(0.5, cos.factor(5, 0), 1e-15);
        assertEquals(1.0, cos.factor(10, 0), 1e-15);
        assertEquals(0.1 + 0.9 * 0.5, cos.factor(60, 0), 1e-12);
        assertEquals(0.1, cos.factor(500, 9), 1e-15);
    }

    @Test
    void errorsNameTheBadValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.adam(-1));
        assertTrue(e.getMessage().contains("learningRate=-1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.adam(1e-3).withBetas(1.0, 0.999));
        assertTrue(e.getMessage().contains("beta1=1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.momentum(0.1, -0.5));
        assertTrue(e.getMessage().contains("momentum=-0.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.adamW(0.1, -1));
        assertTrue(e.getMessage().contains("weightDecay=-1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Schedules.cosine(10, 5, 0));
        assertTrue(e.getMessage().contains("warmupSteps=10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Schedules.step(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> Schedules.exponential(1.5));
        INDArray p = Nd4j.createFromArray(1.0, 2.0);
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.sgd(0.1).step(p, Nd4j.createFromArray(1.0), null, 0.1, 1));
        assertTrue(e.getMessage().contains("differ in length"), e.getMessage());
    }
    /**
     * State that decays under zero gradients never stays subnormal: every float optimiser with
     * state flushes it (one sixteenth per step), so after 40 steps of decay from just above
     * Float.MIN_NORMAL (which without a flush leaves every moment subnormal) each value is 0 or normal.
     */
    @Test
    void floatStateIsFlushedOfSubnormals() {
        int n = 1000;
        for (Optimizer o : new Optimizer[] {Optimizers.momentum(0.1, 0.9), Optimizers.adam(1e-3),
                Optimizers.adamW(1e-3, 0.01), Optimizers.rmsProp(1e-3)}) {
            INDArray p = Nd4j.ones(DataType.FLOAT, n);
            INDArray g = Nd4j.zeros(DataType.FLOAT, n);
            try (Optimizer.State s = o.newState(n, DataType.FLOAT)) {
                for (int a = 0; a < s.arrayCount(); a++) {
                    s.copyIn(a, Nd4j.valueArrayOf(new long[] {n}, 1.2e-38f, DataType.FLOAT));
                }
                for (long t = 1; t <= 40; t++) {
                    o.step(p, g, s, 1e-3, t);
                }
                int zeros = 0;
                for (int a = 0; a < s.arrayCount(); a++) {
                    for (float v : s.copyOut(a).toFloatVector()) {
                        assertTrue(v == 0f || Math.abs(v) >= Float.MIN_NORMAL, o.name() + " left a subnormal state value " + v);
                        zeros += v == 0f ? 1 : 0;
                    }
                }
                assertTrue(zeros > 0, o.name() + ": expected the decayed state to be flushed to 0");
            }
            assertTrue(p.dup().subi(1).amaxNumber().doubleValue() < 1e-3, o.name() + " moved θ too far on zero gradients");
        }
    }

    /**
     * Over θ large enough for the update to be split between two threads, Adam equals its
     * per-element float formula bit for bit, chunk boundaries and the halves' seam included.
     */
    @Test
    void largeFloatUpdateEqualsTheFormulaBitForBit() {
        int n = 4 * Optimizers.HeapState.MIN_SPLIT + 12_345;
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        float[] p0 = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            p0[i] = (float) r.nextDouble(-1, 1);
            g[i] = (float) r.nextDouble(-0.1, 0.1);
        }
        INDArray p = Nd4j.createFromArray(p0.clone());
        INDArray gr = Nd4j.createFromArray(g);
        Optimizer adam = Optimizers.adam(1e-3);
        float[] m = new float[n];
        float[] v = new float[n];
        float[] expected = p0.clone();
        try (Optimizer.State s = adam.newState(n, DataType.FLOAT)) {
            if (dev.aiaas.core.kernel.Parallel.threads() > 1) {
                assertTrue(((Optimizers.HeapState) s).threads() > 1, "θ this large should be updated on several threads here");
            }
            for (long t = 1; t <= 3; t++) {
                adam.step(p, gr, s, 1e-3, t);
                float a = (float) (1e-3 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t)));
                for (int i = 0; i < n; i++) {
                    float mi = 0.9f * m[i] + (float) (1 - 0.9) * g[i];
                    float vi = 0.999f * v[i] + (float) (1 - 0.999) * g[i] * g[i];
                    m[i] = mi;
                    v[i] = vi;
                    expected[i] = expected[i] * 1f - a * mi / ((float) Math.sqrt(vi) + 1e-8f);
                }
            }
        }
        float[] got = p.toFloatVector();
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(got[i]), "θ[" + i + "]: " + expected[i] + " vs " + got[i]);
        }
    }
    /**
     * Every optimiser's update is the same bit for bit at 1, 2, 3, 4 and 8 threads (more threads
     * than this machine's cores: the chunks are fixed, only who runs them changes), in float32
     * and float64, over θ large enough to be shared among eight lanes and not a whole number of
     * chunks; and a state at k threads really has k lanes.
     */
    @Test
    void updatesAreBitIdenticalAtAnyThreadCount() {
        int n = 8 * Optimizers.HeapState.MIN_LANE + 1234;
        Optimizer[] all = {Optimizers.sgd(0.05), Optimizers.momentum(0.05, 0.9), Optimizers.nesterov(0.05, 0.9),
            Optimizers.adam(1e-3), Optimizers.adamW(1e-3, 0.01), Optimizers.rmsProp(1e-3), Optimizers.adaGrad(1e-2)};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (Optimizer o : all) {
                long[] reference = null;
                for (int threads : new int[] {1, 2, 3, 4, 8}) {
                    long[] got = dev.aiaas.core.kernel.Parallel.withThreads(threads, () -> fiveSteps(o, n, type, threads));
                    if (reference == null) {
                        reference = got;
                    } else {
                        for (int i = 0; i < n; i++) {
                            if (reference[i] != got[i]) {
                                throw new AssertionError(o.name() + " " + type + " at " + threads + " threads: θ[" + i
                                        + "] differs from 1 thread's in its bits");
                            }
                        }
                    }
                }
            }
        }
    }

    /** Five steps of {@code o} from a fixed θ and gradients; θ's bits. */
    private static long[] fiveSteps(Optimizer o, int n, DataType type, int threads) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        double[] p0 = new double[n];
        double[][] g = new double[5][n];
        for (int i = 0; i < n; i++) {
            p0[i] = r.nextDouble(-1, 1);
            for (int t = 0; t < 5; t++) {
                g[t][i] = r.nextDouble(-0.1, 0.1);
            }
        }
        try (INDArray p = Nd4j.createFromArray(p0).castTo(type); Optimizer.State s = o.newState(n, type)) {
            assertEquals(threads, ((Optimizers.HeapState) s).threads(), o.name() + ": the state's lanes");
            for (int t = 0; t < 5; t++) {
                try (INDArray gr = Nd4j.createFromArray(g[t]).castTo(type)) {
                    o.step(p, gr, s, o.learningRate(), t + 1);
                }
            }
            long[] bits = new long[n];
            if (type == DataType.FLOAT) {
                float[] f = p.toFloatVector();
                for (int i = 0; i < n; i++) {
                    bits[i] = Float.floatToRawIntBits(f[i]);
                }
            } else {
                double[] d = p.toDoubleVector();
                for (int i = 0; i < n; i++) {
                    bits[i] = Double.doubleToRawLongBits(d[i]);
                }
            }
            return bits;
        }
    }
}
