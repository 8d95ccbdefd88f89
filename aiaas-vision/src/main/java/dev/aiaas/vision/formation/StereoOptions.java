package dev.aiaas.vision.formation;

/**
 * How {@link PhotometricStereo} treats each pixel's observations.
 *
 * @param blackLevel       a pixel whose value is at most this in every image is background;
 *                         in [0, 1) (0 for noiseless renders; about 3 read-noise deviations for noisy ones)
 * @param shadowThreshold  observations at most {@code shadowThreshold · (the pixel's brightest)}
 *                         are taken as shadowed (attached or cast) and discarded; in [0, 1)
 * @param outlierThreshold after each fit, the observation furthest from it is discarded (and the
 *                         fit repeated) while that distance exceeds
 *                         {@code outlierThreshold · |ρn| + 2 · blackLevel + 1/255} and more than
 *                         {@code minObservations} remain: highlights, and shadows the first rule
 *                         missed; finite, &gt; 0
 * @param minObservations  the fewest observations a fit keeps, 3 or more
 */
public record StereoOptions(double blackLevel, double shadowThreshold, double outlierThreshold, int minObservations) {

    /**
     * Validates.
     *
     * @param blackLevel the background's level
     * @param shadowThreshold the shadow fraction
     * @param outlierThreshold the outlier fraction
     * @param minObservations the fewest observations kept
     * @throws IllegalArgumentException if a value is out of range
     */
    public StereoOptions {
        if (!(blackLevel >= 0 && blackLevel < 1)) {
            throw new IllegalArgumentException("blackLevel=" + blackLevel + ": expected a value in [0, 1), for example 0 (noiseless) or 0.02");
        }
        if (!(shadowThreshold >= 0 && shadowThreshold < 1)) {
            throw new IllegalArgumentException("shadowThreshold=" + shadowThreshold + ": expected a fraction in [0, 1), for example 0.02");
        }
        if (!(outlierThreshold > 0) || !Double.isFinite(outlierThreshold)) {
            throw new IllegalArgumentException("outlierThreshold=" + outlierThreshold + ": expected a finite value > 0, for example 0.05");
        }
        if (minObservations < 3) {
            throw new IllegalArgumentException("minObservations=" + minObservations + ": expected at least 3 (three unknowns per pixel)");
        }
    }

    /**
     * Black level 0, shadows below 2% of the brightest, outliers beyond 5% of |ρn|, at least 3
     * observations kept.
     *
     * @return the defaults
     */
    public static StereoOptions defaults() {
        return new StereoOptions(0, 0.02, 0.05, 3);
    }

    /**
     * A copy with another black level.
     *
     * @param value the black level
     * @return the options
     */
    public StereoOptions withBlackLevel(double value) {
        return new StereoOptions(value, shadowThreshold, outlierThreshold, minObservations);
    }

    /**
     * A copy with another outlier threshold.
     *
     * @param value the threshold
     * @return the options
     */
    public StereoOptions withOutlierThreshold(double value) {
        return new StereoOptions(blackLevel, shadowThreshold, value, minObservations);
    }
}
