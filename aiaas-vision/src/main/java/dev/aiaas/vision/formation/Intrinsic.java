package dev.aiaas.vision.formation;

import java.util.Objects;

/**
 * A single image split into albedo and shading, as Retinex does (Land and McCann, 1971, "Lightness
 * and retinex theory", JOSA 61(1); Horn, 1974, "Determining lightness from an image", CGIP 3):
 * in log space the image is log ρ + log S; shading varies smoothly, albedo in steps. Differences
 * of log intensity between neighbouring pixels larger than a threshold are kept as albedo edges,
 * smaller ones are given to shading, and the albedo edges are integrated back
 * ({@link NormalIntegration#integrate}, least squares). The albedo is known up to a scale: it is
 * reported with its largest value 1 (the brightest surface taken as white).
 *
 * <p>Cast-shadow edges are steps too, and Retinex takes them for albedo; that is the method's
 * known limit.
 */
public final class Intrinsic {

    private Intrinsic() {
    }

    /**
     * Splits a grey image; the object is where the image is above 0.
     *
     * @param image     {@code [height · width]}, values ≥ 0
     * @param width     columns
     * @param height    rows
     * @param threshold the smallest |Δ log I| between neighbours taken as an albedo edge, finite
     *                  and &gt; 0 (0.1: a 10% step)
     * @return albedo and shading
     */
    public static IntrinsicImages retinex(float[] image, int width, int height, double threshold) {
        int n = Surface.pixels(width, height);
        Objects.requireNonNull(image, "image");
        if (image.length != n) {
            throw new IllegalArgumentException("image has " + image.length + " values: expected " + n + " (" + width + "x" + height + ")");
        }
        if (!(threshold > 0) || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold=" + threshold + ": expected a finite log-intensity step > 0, for example 0.1");
        }
        boolean[] mask = new boolean[n];
        double[] log = new double[n];
        for (int i = 0; i < n; i++) {
            mask[i] = image[i] > 0;
            log[i] = mask[i] ? Math.log(image[i]) : 0;
        }
        float[] right = new float[n];
        float[] down = new float[n];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                if (c + 1 < width && mask[i] && mask[i + 1]) {
                    double d = log[i + 1] - log[i];
                    right[i] = Math.abs(d) > threshold ? (float) d : 0;
                }
                if (r + 1 < height && mask[i] && mask[i + width]) {
                    double d = log[i + width] - log[i];
                    down[i] = Math.abs(d) > threshold ? (float) d : 0;
                }
            }
        }
        float[] logAlbedo = NormalIntegration.integrate(right, down, mask, width, height);
        float top = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (mask[i]) {
                top = Math.max(top, logAlbedo[i]);
            }
        }
        float[] albedo = new float[n];
        float[] shading = new float[n];
        for (int i = 0; i < n; i++) {
            if (mask[i]) {
                albedo[i] = (float) Math.exp(logAlbedo[i] - top);
                shading[i] = image[i] / albedo[i];
            }
        }
        return new IntrinsicImages(width, height, albedo, shading);
    }
}
