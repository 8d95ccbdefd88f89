package dev.aiaas.vision.formation;

/**
 * An ellipse in pixel coordinates (column, row; row 0 at the top): the outline of a cast shadow
 * or of a highlight in {@link PhysicalAugment}.
 *
 * @param centreColumn the centre's column (may lie outside the image)
 * @param centreRow    the centre's row
 * @param radiusX      the semi-axis along the rotated columns, pixels, finite and &gt; 0
 * @param radiusY      the semi-axis along the rotated rows, pixels, finite and &gt; 0
 * @param angleDegrees the rotation, counter-clockwise on screen, degrees
 */
public record Ellipse(double centreColumn, double centreRow, double radiusX, double radiusY, double angleDegrees) {

    /**
     * Validates.
     *
     * @param centreColumn the centre's column
     * @param centreRow the centre's row
     * @param radiusX the semi-axis along the rotated columns, pixels
     * @param radiusY the semi-axis along the rotated rows, pixels
     * @param angleDegrees the rotation, degrees
     * @throws IllegalArgumentException if a value is not finite or a radius is not positive
     */
    public Ellipse {
        if (!Double.isFinite(centreColumn) || !Double.isFinite(centreRow) || !Double.isFinite(angleDegrees)) {
            throw new IllegalArgumentException("ellipse centre (" + centreColumn + ", " + centreRow + "), angle " + angleDegrees
                    + ": expected finite values");
        }
        if (!(radiusX > 0) || !(radiusY > 0) || !Double.isFinite(radiusX) || !Double.isFinite(radiusY)) {
            throw new IllegalArgumentException("ellipse radii " + radiusX + ", " + radiusY + ": expected finite values > 0 (pixels)");
        }
    }

    /**
     * The normalised distance from the centre: below 1 inside, 1 on the outline.
     *
     * @param column a pixel's column
     * @param row    its row
     * @return √((u/radiusX)² + (v/radiusY)²), (u, v) the pixel in the ellipse's axes
     */
    public double radius(double column, double row) {
        double a = Math.toRadians(angleDegrees);
        double dx = column - centreColumn;
        double dy = centreRow - row;
        double u = dx * Math.cos(a) + dy * Math.sin(a);
        double v = -dx * Math.sin(a) + dy * Math.cos(a);
        return Math.sqrt(u * u / (radiusX * radiusX) + v * v / (radiusY * radiusY));
    }
}
