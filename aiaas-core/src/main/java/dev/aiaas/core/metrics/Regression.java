package dev.aiaas.core.metrics;

import java.util.Objects;

/**
 * Regression metrics on plain arrays, accumulated in double precision. Arguments are predictions
 * {@code p} first, then targets {@code t}, both of length {@code n >= 1}.
 */
public final class Regression {

    private Regression() {
    }

    /**
     * Mean squared error {@code (1/n) sum (p_i - t_i)^2}, in squared target units.
     *
     * @param predictions the predictions
     * @param targets the true values
     * @return the MSE
     */
    public static double mse(float[] predictions, float[] targets) {
        check(predictions, targets);
        double s = 0;
        for (int i = 0; i < targets.length; i++) {
            double e = (double) predictions[i] - targets[i];
            s += e * e;
        }
        return s / targets.length;
    }

    /**
     * Mean absolute error {@code (1/n) sum |p_i - t_i|}, in target units.
     *
     * @param predictions the predictions
     * @param targets the true values
     * @return the MAE
     */
    public static double mae(float[] predictions, float[] targets) {
        check(predictions, targets);
        double s = 0;
        for (int i = 0; i < targets.length; i++) {
            s += Math.abs((double) predictions[i] - targets[i]);
        }
        return s / targets.length;
    }

    /**
     * Coefficient of determination {@code R² = 1 - sum (t_i - p_i)^2 / sum (t_i - mean t)^2}: 1 for
     * perfect predictions, 0 for predicting the mean, negative for worse. {@code NaN} when all
     * targets are equal (the denominator is 0).
     *
     * @param predictions the predictions
     * @param targets the true values
     * @return R², or NaN when all targets are equal
     */
    public static double r2(float[] predictions, float[] targets) {
        check(predictions, targets);
        double mean = 0;
        for (float t : targets) {
            mean += t;
        }
        mean /= targets.length;
        double res = 0;
        double tot = 0;
        for (int i = 0; i < targets.length; i++) {
            double e = (double) targets[i] - predictions[i];
            double dv = targets[i] - mean;
            res += e * e;
            tot += dv * dv;
        }
        return tot == 0 ? Double.NaN : 1 - res / tot;
    }

    private static void check(float[] predictions, float[] targets) {
        Objects.requireNonNull(predictions, "predictions");
        Objects.requireNonNull(targets, "targets");
        if (predictions.length != targets.length || targets.length == 0) {
            throw new IllegalArgumentException("predictions has length " + predictions.length + " and targets "
                    + targets.length + "; expected equal lengths of at least 1");
        }
    }
}
