package dev.aiaas.vision.formation;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Augmentations that follow the image-formation model, on plain float images: interleaved
 * {@code [height · width · channels]} (HWC, row 0 at the top), values in [0, 1]. Each returns a
 * new image; the input is not changed. Randomness comes only from the seed passed in: the same
 * seed gives the same output. Light is white: every channel is scaled or lifted alike.
 */
public final class PhysicalAugment {

    /** The most a relit pixel's value is multiplied by, where its old shading was near 0. */
    public static final double MAX_RELIGHT_GAIN = 4;

    private PhysicalAugment() {
    }

    /**
     * Relights a Lambertian image whose normals are known (rendered, or recovered by
     * {@link PhotometricStereo}): each pixel is multiplied by
     * {@code (a + max(0, n·to)) / (a + max(0, n·from))}, the ratio of new to old shading, at most
     * {@value #MAX_RELIGHT_GAIN} (where the old shading was near 0 the albedo is unknown). Pixels
     * with a zero normal are left as they are.
     *
     * @param image    HWC values
     * @param width    columns
     * @param height   rows
     * @param channels values per pixel, 1 to 4
     * @param normals  {@code [3 · height · width]}
     * @param from     the light the image was taken under
     * @param to       the light wanted
     * @param ambient  the ambient term a, finite and ≥ 0
     * @return the relit image
     */
    public static float[] relight(float[] image, int width, int height, int channels, float[] normals, Light from, Light to,
            double ambient) {
        int n = checkImage(image, width, height, channels);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(normals, "normals");
        if (normals.length != 3 * n) {
            throw new IllegalArgumentException("normals has " + normals.length + " values: expected " + 3 * n + " (3 per pixel)");
        }
        if (!(ambient >= 0) || !Double.isFinite(ambient)) {
            throw new IllegalArgumentException("ambient=" + ambient + ": expected a finite value >= 0, for example 0.1");
        }
        float[] out = image.clone();
        for (int p = 0; p < n; p++) {
            double nx = normals[3 * p];
            double ny = normals[3 * p + 1];
            double nz = normals[3 * p + 2];
            if (nx == 0 && ny == 0 && nz == 0) {
                continue;
            }
            double old = (ambient + Math.max(0, from.cosine(nx, ny, nz))) * from.intensity();
            double now = (ambient + Math.max(0, to.cosine(nx, ny, nz))) * to.intensity();
            double gain = old > 0 ? Math.min(MAX_RELIGHT_GAIN, now / old) : (now > 0 ? MAX_RELIGHT_GAIN : 1);
            for (int c = 0; c < channels; c++) {
                out[p * channels + c] = (float) Math.min(1, image[p * channels + c] * gain);
            }
        }
        return out;
    }

    /**
     * Adds a cast shadow: inside the ellipse the direct light is blocked, so values are
     * multiplied by {@code 1 − strength}; across a penumbra of {@code softness} pixels at the
     * outline the factor ramps smoothly (smoothstep) back to 1.
     *
     * @param image    HWC values
     * @param width    columns
     * @param height   rows
     * @param channels values per pixel, 1 to 4
     * @param shape    the shadow's outline
     * @param strength the fraction of light the occluder blocks, in [0, 1]
     * @param softness the penumbra's width in pixels, finite and ≥ 0
     * @return the shadowed image
     */
    public static float[] castShadow(float[] image, int width, int height, int channels, Ellipse shape, double strength,
            double softness) {
        int n = checkImage(image, width, height, channels);
        Objects.requireNonNull(shape, "shape");
        if (!(strength >= 0 && strength <= 1)) {
            throw new IllegalArgumentException("shadow strength=" + strength + ": expected the fraction of light blocked, in [0, 1], for example 0.6");
        }
        if (!(softness >= 0) || !Double.isFinite(softness)) {
            throw new IllegalArgumentException("shadow softness=" + softness + ": expected a penumbra width in pixels >= 0, for example 4");
        }
        float[] out = image.clone();
        double scale = Math.min(shape.radiusX(), shape.radiusY());
        for (int p = 0; p < n; p++) {
            // the signed distance to the outline, approximately, in pixels (negative inside)
            double d = (shape.radius(p % width, p / width) - 1) * scale;
            double cover;
            if (softness == 0) {
                cover = d <= 0 ? 1 : 0;
            } else {
                double t = Math.max(0, Math.min(1, 0.5 - d / softness));
                cover = t * t * (3 - 2 * t);
            }
            double factor = 1 - strength * cover;
            for (int c = 0; c < channels; c++) {
                out[p * channels + c] = (float) (image[p * channels + c] * factor);
            }
        }
        return out;
    }

    /**
     * Adds a cast shadow of an ellipse drawn from the seed: centre in the image, radii 10 to 40%
     * of the smaller side, any angle.
     *
     * @param image    HWC values
     * @param width    columns
     * @param height   rows
     * @param channels values per pixel
     * @param strength the fraction of light blocked, in [0, 1]
     * @param softness the penumbra's width in pixels
     * @param seed     the seed of the ellipse
     * @return the shadowed image
     */
    public static float[] castShadow(float[] image, int width, int height, int channels, double strength, double softness, long seed) {
        checkImage(image, width, height, channels);
        return castShadow(image, width, height, channels, randomEllipse(width, height, seed), strength, softness);
    }

    /**
     * Adds a specular highlight: a white Gaussian lobe,
     * {@code I + intensity · exp(−r² / 2)} with r the ellipse's normalised radius (so the radii are
     * the lobe's standard deviations), saturating at 1 as a sensor does.
     *
     * @param image     HWC values
     * @param width     columns
     * @param height    rows
     * @param channels  values per pixel, 1 to 4
     * @param shape     the lobe's centre and spread
     * @param intensity the peak added, finite and ≥ 0
     * @return the image with the highlight
     */
    public static float[] addHighlight(float[] image, int width, int height, int channels, Ellipse shape, double intensity) {
        int n = checkImage(image, width, height, channels);
        Objects.requireNonNull(shape, "shape");
        if (!(intensity >= 0) || !Double.isFinite(intensity)) {
            throw new IllegalArgumentException("highlight intensity=" + intensity + ": expected a finite value >= 0, for example 0.5");
        }
        float[] out = image.clone();
        for (int p = 0; p < n; p++) {
            double r = shape.radius(p % width, p / width);
            double add = intensity * Math.exp(-r * r / 2);
            for (int c = 0; c < channels; c++) {
                out[p * channels + c] = (float) Math.min(1, image[p * channels + c] + add);
            }
        }
        return out;
    }

    /**
     * Adds a highlight of a round lobe drawn from the seed: centre in the image, standard
     * deviation 3 to 10% of the smaller side.
     *
     * @param image     HWC values
     * @param width     columns
     * @param height    rows
     * @param channels  values per pixel
     * @param intensity the peak added
     * @param seed      the seed of the centre and spread
     * @return the image with the highlight
     */
    public static float[] addHighlight(float[] image, int width, int height, int channels, double intensity, long seed) {
        checkImage(image, width, height, channels);
        SplittableRandom random = new SplittableRandom(seed);
        double side = Math.min(width, height);
        double sigma = Math.max(0.5, random.nextDouble(0.03, 0.1) * side);
        Ellipse lobe = new Ellipse(random.nextDouble() * width, random.nextDouble() * height, sigma, sigma, 0);
        return addHighlight(image, width, height, channels, lobe, intensity);
    }

    /**
     * Adds the Poisson-Gaussian noise of a sensor at an ISO setting ({@link SensorNoise#atIso})
     * and clamps to [0, 1].
     *
     * @param image    HWC values
     * @param width    columns
     * @param height   rows
     * @param channels values per pixel
     * @param iso      50 to 409600
     * @param seed     the seed of the noise
     * @return the noisy image
     */
    public static float[] sensorNoise(float[] image, int width, int height, int channels, double iso, long seed) {
        checkImage(image, width, height, channels);
        SensorNoise noise = SensorNoise.atIso(iso);
        float[] out = image.clone();
        noise.applyInPlace(out, new SplittableRandom(seed));
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(1f, Math.max(0f, out[i]));
        }
        return out;
    }

    private static Ellipse randomEllipse(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double side = Math.min(width, height);
        return new Ellipse(random.nextDouble() * width, random.nextDouble() * height, Math.max(0.5, random.nextDouble(0.1, 0.4) * side),
                Math.max(0.5, random.nextDouble(0.1, 0.4) * side), random.nextDouble(0, 180));
    }

    private static int checkImage(float[] image, int width, int height, int channels) {
        Objects.requireNonNull(image, "image");
        int n = Surface.pixels(width, height);
        if (channels < 1 || channels > 4) {
            throw new IllegalArgumentException("channels=" + channels + ": expected 1 to 4 values per pixel");
        }
        if (image.length != (long) n * channels) {
            throw new IllegalArgumentException("image has " + image.length + " values: expected " + (long) n * channels + " ("
                    + width + "x" + height + "x" + channels + ", HWC)");
        }
        return n;
    }
}
