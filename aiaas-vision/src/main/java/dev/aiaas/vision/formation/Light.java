package dev.aiaas.vision.formation;

/**
 * A directional light: the unit direction from the surface toward the light in the camera frame
 * (x right, y up, z toward the viewer; see the package comment) and its irradiance E on a surface
 * facing it (image units: a white Lambertian surface facing a light of intensity 1 has value 1).
 *
 * <p>The compact constructor normalises the direction, so {@code new Light(0, 0, 2, 1)} is the
 * light straight above the camera's axis, {@code (0, 0, 1)}.
 *
 * @param x         the direction's x component (any length; normalised)
 * @param y         the direction's y component
 * @param z         the direction's z component
 * @param intensity the irradiance E, finite and ≥ 0
 */
public record Light(double x, double y, double z, double intensity) {

    /**
     * Validates and normalises.
     *
     * @param x the direction's x component
     * @param y the direction's y component
     * @param z the direction's z component
     * @param intensity the irradiance E
     * @throws IllegalArgumentException if a component is not finite, the direction is (near) zero
     *                                  or the intensity is negative or not finite
     */
    public Light {
        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z)) {
            throw new IllegalArgumentException("light direction (" + x + ", " + y + ", " + z
                    + "): expected finite components, for example (0.3, 0.4, 0.87)");
        }
        double norm = Math.sqrt(x * x + y * y + z * z);
        if (!(norm > 1e-12)) {
            throw new IllegalArgumentException("light direction (" + x + ", " + y + ", " + z
                    + "): expected a non-zero vector from the surface toward the light, for example (0, 0, 1)");
        }
        if (!(intensity >= 0) || !Double.isFinite(intensity)) {
            throw new IllegalArgumentException("light intensity=" + intensity + ": expected a finite irradiance >= 0, for example 1");
        }
        x /= norm;
        y /= norm;
        z /= norm;
    }

    /**
     * A light of intensity 1.
     *
     * @param x the direction's x component
     * @param y the direction's y component
     * @param z the direction's z component
     * @return the light, its direction normalised
     */
    public static Light of(double x, double y, double z) {
        return new Light(x, y, z, 1);
    }

    /**
     * A light of intensity 1 from spherical angles.
     *
     * @param azimuthDegrees   the angle in the image plane from +x toward +y, in degrees
     * @param elevationDegrees the angle above the image plane, in degrees (90: along the view axis)
     * @return the light
     */
    public static Light fromAngles(double azimuthDegrees, double elevationDegrees) {
        double az = Math.toRadians(azimuthDegrees);
        double el = Math.toRadians(elevationDegrees);
        return of(Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el));
    }

    /**
     * The cosine between this light's direction and a unit normal.
     *
     * @param nx the normal's x component
     * @param ny the normal's y component
     * @param nz the normal's z component
     * @return n·l (negative when the surface faces away)
     */
    public double cosine(double nx, double ny, double nz) {
        return nx * x + ny * y + nz * z;
    }
}
