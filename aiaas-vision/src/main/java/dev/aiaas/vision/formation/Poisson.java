package dev.aiaas.vision.formation;

import java.util.SplittableRandom;

/**
 * Poisson draws: Knuth's product method below a mean of 10, Hörmann's transformed rejection
 * (PTRS; W. Hörmann, 1993, "The transformed rejection method for generating Poisson random
 * variables", Insurance: Mathematics and Economics 12) above, as NumPy draws them.
 */
final class Poisson {

    private Poisson() {
    }

    /** A draw from Poisson(λ); 0 for λ ≤ 0. */
    static long sample(double lambda, SplittableRandom r) {
        if (!(lambda > 0)) {
            return 0;
        }
        if (lambda < 10) {
            double limit = Math.exp(-lambda);
            long k = 0;
            double p = r.nextDouble();
            while (p > limit) {
                k++;
                p *= r.nextDouble();
            }
            return k;
        }
        double slam = Math.sqrt(lambda);
        double loglam = Math.log(lambda);
        double b = 0.931 + 2.53 * slam;
        double a = -0.059 + 0.02483 * b;
        double invalpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true) {
            double u = r.nextDouble() - 0.5;
            double v = r.nextDouble();
            double us = 0.5 - Math.abs(u);
            long k = (long) Math.floor((2 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr) {
                return k;
            }
            if (k < 0 || (us < 0.013 && v > us)) {
                continue;
            }
            if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) {
                return k;
            }
        }
    }

    private static final double[] STIRLING = {8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04,
        -5.952380952380952e-04, 8.417508417508418e-04, -1.917526917526918e-03, 6.410256410256410e-03,
        -2.955065359477124e-02, 1.796443723688307e-01, -1.39243221690590e+00};

    /** ln Γ(x) for x ≥ 1 (the Stirling series, shifted up to 7 for small x). */
    static double logGamma(double x) {
        if (x == 1.0 || x == 2.0) {
            return 0;
        }
        double x0 = x;
        int n = 0;
        if (x <= 7) {
            n = (int) (7 - x);
            x0 = x + n;
        }
        double x2 = 1.0 / (x0 * x0);
        double gl0 = STIRLING[9];
        for (int k = 8; k >= 0; k--) {
            gl0 = gl0 * x2 + STIRLING[k];
        }
        double gl = gl0 / x0 + 0.5 * Math.log(2 * Math.PI) + (x0 - 0.5) * Math.log(x0) - x0;
        for (int k = 1; k <= n; k++) {
            gl -= Math.log(x0 - 1);
            x0 -= 1;
        }
        return gl;
    }
}
