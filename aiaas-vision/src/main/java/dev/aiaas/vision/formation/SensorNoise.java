package dev.aiaas.vision.formation;

import java.util.SplittableRandom;

/**
 * The Poisson-Gaussian sensor model (Foi et al., 2008), in image units: an ideal value I ≥ 0
 * is observed as {@code gain · Poisson(I / gain) + N(0, readNoise²)}, whose mean is I and
 * variance {@code gain · I + readNoise²}. {@code gain} is the value of one photo-electron (the
 * reciprocal of the electrons a value of 1 collects); {@code readNoise} the standard deviation of
 * the signal-independent part.
 *
 * @param gain      image units per electron, ≥ 0 (0: no shot noise)
 * @param readNoise the read noise's standard deviation in image units, ≥ 0
 */
public record SensorNoise(double gain, double readNoise) {

    /** The electrons a value of 1 collects at ISO 100 in {@link #atIso}. */
    public static final double FULL_WELL_AT_ISO_100 = 4000;
    /** The read noise of {@link #atIso}, in electrons. */
    public static final double READ_NOISE_ELECTRONS = 3;

    /**
     * Validates.
     *
     * @param gain image units per electron
     * @param readNoise the read noise's standard deviation
     * @throws IllegalArgumentException if a value is negative or not finite
     */
    public SensorNoise {
        if (!(gain >= 0) || !Double.isFinite(gain)) {
            throw new IllegalArgumentException("sensor gain=" + gain + ": expected image units per electron, finite and >= 0, for example 0.00025");
        }
        if (!(readNoise >= 0) || !Double.isFinite(readNoise)) {
            throw new IllegalArgumentException("sensor readNoise=" + readNoise + ": expected a standard deviation, finite and >= 0, for example 0.002");
        }
    }

    /**
     * No noise.
     *
     * @return the noiseless sensor
     */
    public static SensorNoise none() {
        return new SensorNoise(0, 0);
    }

    /**
     * A sensor at an ISO setting: the gain grows with the ISO from {@code 1 / 4000} at ISO 100
     * (a value of 1 collects 4000 electrons), the read noise is 3 electrons, so that
     * {@code gain = ISO / 100 / 4000} and {@code readNoise = 3 · gain}.
     *
     * @param iso the ISO setting, from 50 to 409600
     * @return the sensor
     * @throws IllegalArgumentException if the ISO is outside that range
     */
    public static SensorNoise atIso(double iso) {
        if (!(iso >= 50 && iso <= 409_600)) {
            throw new IllegalArgumentException("iso=" + iso + ": expected an ISO setting from 50 to 409600, for example 800");
        }
        double gain = iso / 100 / FULL_WELL_AT_ISO_100;
        return new SensorNoise(gain, READ_NOISE_ELECTRONS * gain);
    }

    /**
     * Whether this sensor adds no noise.
     *
     * @return true when gain and read noise are both 0
     */
    public boolean isNone() {
        return gain == 0 && readNoise == 0;
    }

    /**
     * The variance of an observation of an ideal value.
     *
     * @param value the ideal value I
     * @return {@code gain · max(I, 0) + readNoise²}
     */
    public double variance(double value) {
        return gain * Math.max(value, 0) + readNoise * readNoise;
    }

    /**
     * Adds this noise to an image in place.
     *
     * @param image  the ideal values, overwritten by the observations
     * @param random the source of randomness
     */
    public void applyInPlace(float[] image, SplittableRandom random) {
        if (isNone()) {
            return;
        }
        for (int i = 0; i < image.length; i++) {
            double v = Math.max(image[i], 0);
            double shot = gain > 0 ? gain * Poisson.sample(v / gain, random) : v;
            image[i] = (float) (shot + (readNoise > 0 ? readNoise * random.nextGaussian() : 0));
        }
    }
}
