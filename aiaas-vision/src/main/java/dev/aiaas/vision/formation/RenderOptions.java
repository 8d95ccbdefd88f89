package dev.aiaas.vision.formation;

import java.util.Objects;

/**
 * How {@link Renderer} turns a surface and lights into an image.
 *
 * @param ambient     the ambient term a, added to the lit cosines before multiplying by the
 *                    albedo; finite, ≥ 0
 * @param specular    the specular lobe ({@link Specular#none()} for Lambertian surfaces)
 * @param noise       the sensor ({@link SensorNoise#none()} for noiseless images)
 * @param castShadows whether points the height map hides from a light get no light from it
 * @param bits        the quantisation: values are clamped to [0, 1] and rounded to
 *                    {@code 2^bits − 1} levels; 0 leaves them as computed (unclamped floats)
 */
public record RenderOptions(double ambient, Specular specular, SensorNoise noise, boolean castShadows, int bits) {

    /**
     * Validates.
     *
     * @param ambient the ambient term
     * @param specular the specular lobe
     * @param noise the sensor
     * @param castShadows whether to cast shadows
     * @param bits the quantisation, 0 to 16
     * @throws IllegalArgumentException if the ambient term is negative or not finite, or bits is
     *                                  outside 0..16
     */
    public RenderOptions {
        if (!(ambient >= 0) || !Double.isFinite(ambient)) {
            throw new IllegalArgumentException("ambient=" + ambient + ": expected a finite value >= 0, for example 0.1");
        }
        Objects.requireNonNull(specular, "specular (use Specular.none())");
        Objects.requireNonNull(noise, "noise (use SensorNoise.none())");
        if (bits < 0 || bits > 16) {
            throw new IllegalArgumentException("bits=" + bits + ": expected 0 (no quantisation) to 16, for example 8");
        }
    }

    /**
     * Lambertian, no ambient light, cast shadows on, no noise, 8-bit quantisation.
     *
     * @return the defaults
     */
    public static RenderOptions defaults() {
        return new RenderOptions(0, Specular.none(), SensorNoise.none(), true, 8);
    }

    /**
     * A copy with another ambient term.
     *
     * @param value the ambient term
     * @return the options
     */
    public RenderOptions withAmbient(double value) {
        return new RenderOptions(value, specular, noise, castShadows, bits);
    }

    /**
     * A copy with another specular lobe.
     *
     * @param value the lobe
     * @return the options
     */
    public RenderOptions withSpecular(Specular value) {
        return new RenderOptions(ambient, value, noise, castShadows, bits);
    }

    /**
     * A copy with another sensor.
     *
     * @param value the sensor
     * @return the options
     */
    public RenderOptions withNoise(SensorNoise value) {
        return new RenderOptions(ambient, specular, value, castShadows, bits);
    }

    /**
     * A copy with cast shadows on or off.
     *
     * @param value whether to cast shadows
     * @return the options
     */
    public RenderOptions withCastShadows(boolean value) {
        return new RenderOptions(ambient, specular, noise, value, bits);
    }

    /**
     * A copy with another quantisation.
     *
     * @param value bits per value, 0 for none
     * @return the options
     */
    public RenderOptions withBits(int value) {
        return new RenderOptions(ambient, specular, noise, castShadows, value);
    }
}
