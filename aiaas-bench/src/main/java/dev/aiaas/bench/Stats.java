package dev.aiaas.bench;

import java.util.Arrays;

/**
 * Percentiles of per-step times.
 *
 * @param medianMs the median, in milliseconds
 * @param p10Ms    the 10th percentile
 * @param p90Ms    the 90th percentile
 * @param steps    how many steps were timed
 */
public record Stats(double medianMs, double p10Ms, double p90Ms, int steps) {

    /**
     * The statistics of {@code nanos} (per-step times in nanoseconds; at least one).
     *
     * @param nanos the per-step times, in nanoseconds
     * @return the median, the 10th and 90th percentiles and the step count
     */
    public static Stats ofNanos(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no step was timed");
        }
        long[] s = nanos.clone();
        Arrays.sort(s);
        return new Stats(percentile(s, 0.5) / 1e6, percentile(s, 0.1) / 1e6, percentile(s, 0.9) / 1e6, s.length);
    }

    /** Linear interpolation between closest ranks of the sorted values. */
    static double percentile(long[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        double f = pos - lo;
        return sorted[lo] * (1 - f) + sorted[hi] * f;
    }
}
