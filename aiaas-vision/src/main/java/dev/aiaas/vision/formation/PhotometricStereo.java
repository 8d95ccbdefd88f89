package dev.aiaas.vision.formation;

import java.util.List;
import java.util.Objects;

/**
 * Photometric stereo (Woodham, 1980): from k ≥ 3 grey images of a Lambertian surface under known
 * directional lights, per pixel the vector b = ρn that best explains the observations
 * {@code Iᵢ ≈ Eᵢ lᵢ · b} in least squares; ρ = |b|, n = b / |b|.
 *
 * <p><b>Robustness.</b> Per pixel, observations at most {@link StereoOptions#shadowThreshold} of
 * the pixel's brightest (attached and cast shadows) are discarded; then the fit is repeated,
 * discarding each time the observation with the largest residual while it exceeds
 * {@link StereoOptions#outlierThreshold} (specular highlights above the Lambertian fit, and shadows
 * the first rule missed), keeping at least {@link StereoOptions#minObservations}. Ambient light
 * is not modelled: it biases ρn (subtract it first). The foreground is the pixels above
 * {@link StereoOptions#blackLevel} in at least one image.
 */
public final class PhotometricStereo {

    /** The most images a solve takes. */
    public static final int MAX_IMAGES = 1024;

    private PhotometricStereo() {
    }

    /**
     * Recovers normals and albedo.
     *
     * @param images  k grey images, each {@code [height · width]}, row-major (values in image units, usually [0, 1])
     * @param width   columns
     * @param height  rows
     * @param lights  k lights, the i-th lighting image i (direction from the surface toward it, intensity Eᵢ)
     * @param options thresholds
     * @return normals, albedo, foreground and observation counts
     * @throws IllegalArgumentException if fewer than 3 images, counts disagree or an image has the wrong size
     */
    public static StereoResult solve(float[][] images, int width, int height, List<Light> lights, StereoOptions options) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(lights, "lights");
        Objects.requireNonNull(options, "options");
        int k = images.length;
        if (k < 3 || k > MAX_IMAGES) {
            throw new IllegalArgumentException(k + " images: photometric stereo needs 3 to " + MAX_IMAGES
                    + " images of the object under different lights");
        }
        if (lights.size() != k) {
            throw new IllegalArgumentException(k + " images but " + lights.size() + " lights: expected one light per image, in the same order");
        }
        int n = Surface.pixels(width, height);
        for (int i = 0; i < k; i++) {
            Objects.requireNonNull(images[i], "image " + i);
            if (images[i].length != n) {
                throw new IllegalArgumentException("image " + i + " has " + images[i].length + " values: expected " + n
                        + " (" + width + "x" + height + ", as the others)");
            }
        }
        double[] lx = new double[k];
        double[] ly = new double[k];
        double[] lz = new double[k];
        for (int i = 0; i < k; i++) {
            Light l = Objects.requireNonNull(lights.get(i), "light " + i);
            lx[i] = l.x() * l.intensity();
            ly[i] = l.y() * l.intensity();
            lz[i] = l.z() * l.intensity();
        }
        float[] normals = new float[3 * n];
        float[] albedo = new float[n];
        boolean[] mask = new boolean[n];
        int[] used = new int[n];
        double[] obs = new double[k];
        boolean[] keep = new boolean[k];
        boolean[] lit = new boolean[k];
        double[] b = new double[3];
        for (int p = 0; p < n; p++) {
            double max = 0;
            for (int i = 0; i < k; i++) {
                obs[i] = images[i][p];
                max = Math.max(max, obs[i]);
            }
            if (!(max > options.blackLevel())) {
                continue;
            }
            mask[p] = true;
            int kept = 0;
            double floor = Math.max(options.shadowThreshold() * max, options.blackLevel());
            for (int i = 0; i < k; i++) {
                keep[i] = obs[i] > floor && lights.get(i).intensity() > 0;
                kept += keep[i] ? 1 : 0;
            }
            if (kept < 3) {
                // too few lit observations: fit all (the minimum-norm answer if still singular)
                for (int i = 0; i < k; i++) {
                    keep[i] = lights.get(i).intensity() > 0;
                }
                kept = 0;
                for (boolean q : keep) {
                    kept += q ? 1 : 0;
                }
            }
            kept = trimmedStart(obs, lx, ly, lz, keep, kept, options, b, lit);
            while (kept > options.minObservations()) {
                double limit = limit(b, options);
                int worst = -1;
                double worstResidual = limit;
                for (int i = 0; i < k; i++) {
                    if (keep[i]) {
                        double r = Math.abs(obs[i] - (lx[i] * b[0] + ly[i] * b[1] + lz[i] * b[2]));
                        if (r > worstResidual) {
                            worstResidual = r;
                            worst = i;
                        }
                    }
                }
                if (worst < 0) {
                    break;
                }
                keep[worst] = false;
                kept--;
                fit(obs, lx, ly, lz, keep, b);
            }
            used[p] = kept;
            double rho = Math.sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
            if (rho > 0) {
                albedo[p] = (float) rho;
                normals[3 * p] = (float) (b[0] / rho);
                normals[3 * p + 1] = (float) (b[1] / rho);
                normals[3 * p + 2] = (float) (b[2] / rho);
            }
        }
        return new StereoResult(width, height, normals, albedo, mask, used);
    }

    /**
     * The first fit, robust to highlights: fit without the brightest quarter of the lit
     * observations (highlights are among the brightest), then keep the lit observations within
     * the outlier limit of that fit and fit them again, twice.
     *
     * @return how many observations {@code keep} marks
     */
    private static int trimmedStart(double[] obs, double[] lx, double[] ly, double[] lz, boolean[] keep, int kept,
            StereoOptions options, double[] b, boolean[] lit) {
        int k = obs.length;
        System.arraycopy(keep, 0, lit, 0, k);
        int drop = Math.min(kept / 4, kept - options.minObservations());
        for (int d = 0; d < drop; d++) {
            int brightest = -1;
            for (int i = 0; i < k; i++) {
                if (keep[i] && (brightest < 0 || obs[i] > obs[brightest])) {
                    brightest = i;
                }
            }
            keep[brightest] = false;
        }
        fit(obs, lx, ly, lz, keep, b);
        if (drop == 0) {
            return kept;
        }
        int count = kept - drop;
        for (int round = 0; round < 2; round++) {
            double limit = limit(b, options);
            int within = 0;
            for (int i = 0; i < k; i++) {
                within += lit[i] && Math.abs(obs[i] - (lx[i] * b[0] + ly[i] * b[1] + lz[i] * b[2])) <= limit ? 1 : 0;
            }
            if (within < options.minObservations()) {
                break;
            }
            for (int i = 0; i < k; i++) {
                keep[i] = lit[i] && Math.abs(obs[i] - (lx[i] * b[0] + ly[i] * b[1] + lz[i] * b[2])) <= limit;
            }
            count = within;
            fit(obs, lx, ly, lz, keep, b);
        }
        return count;
    }

    /** The residual beyond which an observation is an outlier, for the fit b. */
    private static double limit(double[] b, StereoOptions options) {
        double bNorm = Math.sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
        return options.outlierThreshold() * bNorm + 2 * options.blackLevel() + 1.0 / 255;
    }

    /**
     * Least squares over the kept observations: (Σ lᵢlᵢᵀ) b = Σ Iᵢ lᵢ, solved by Cramer's rule;
     * when the 3×3 system is singular (the kept lights coplanar), the ridge-regularised answer.
     */
    private static void fit(double[] obs, double[] lx, double[] ly, double[] lz, boolean[] keep, double[] b) {
        double a00 = 0, a01 = 0, a02 = 0, a11 = 0, a12 = 0, a22 = 0, r0 = 0, r1 = 0, r2 = 0;
        for (int i = 0; i < obs.length; i++) {
            if (!keep[i]) {
                continue;
            }
            a00 += lx[i] * lx[i];
            a01 += lx[i] * ly[i];
            a02 += lx[i] * lz[i];
            a11 += ly[i] * ly[i];
            a12 += ly[i] * lz[i];
            a22 += lz[i] * lz[i];
            r0 += obs[i] * lx[i];
            r1 += obs[i] * ly[i];
            r2 += obs[i] * lz[i];
        }
        double trace = a00 + a11 + a22;
        double det = det(a00, a01, a02, a11, a12, a22);
        if (!(Math.abs(det) > 1e-9 * trace * trace * trace)) {
            double ridge = 1e-6 * Math.max(trace, 1e-12);
            a00 += ridge;
            a11 += ridge;
            a22 += ridge;
            det = det(a00, a01, a02, a11, a12, a22);
        }
        // the inverse of the symmetric matrix by cofactors
        double c00 = a11 * a22 - a12 * a12;
        double c01 = a02 * a12 - a01 * a22;
        double c02 = a01 * a12 - a02 * a11;
        double c11 = a00 * a22 - a02 * a02;
        double c12 = a01 * a02 - a00 * a12;
        double c22 = a00 * a11 - a01 * a01;
        b[0] = (c00 * r0 + c01 * r1 + c02 * r2) / det;
        b[1] = (c01 * r0 + c11 * r1 + c12 * r2) / det;
        b[2] = (c02 * r0 + c12 * r1 + c22 * r2) / det;
        if (!Double.isFinite(b[0] + b[1] + b[2])) {
            b[0] = 0;
            b[1] = 0;
            b[2] = 0;
        }
    }

    private static double det(double a00, double a01, double a02, double a11, double a12, double a22) {
        return a00 * (a11 * a22 - a12 * a12) - a01 * (a01 * a22 - a12 * a02) + a02 * (a01 * a12 - a11 * a02);
    }

    /**
     * The mean angle between two normal maps over the pixels where {@code mask} is set and both
     * have a non-zero normal (a zero normal counts as 90°).
     *
     * @param expected the reference normals, {@code [3 · n]}
     * @param actual   the normals to measure, {@code [3 · n]}
     * @param mask     the pixels to average over, {@code [n]}
     * @return the mean angular error in degrees (NaN when the mask is empty)
     */
    public static double meanAngularErrorDegrees(float[] expected, float[] actual, boolean[] mask) {
        if (expected.length != actual.length || expected.length != 3 * mask.length) {
            throw new IllegalArgumentException("normal maps of " + expected.length + " and " + actual.length
                    + " values and a mask of " + mask.length + ": expected 3n, 3n and n");
        }
        double sum = 0;
        int count = 0;
        for (int p = 0; p < mask.length; p++) {
            if (!mask[p]) {
                continue;
            }
            double dot = 0, ea = 0, aa = 0;
            for (int j = 0; j < 3; j++) {
                dot += (double) expected[3 * p + j] * actual[3 * p + j];
                ea += (double) expected[3 * p + j] * expected[3 * p + j];
                aa += (double) actual[3 * p + j] * actual[3 * p + j];
            }
            double cos = ea > 0 && aa > 0 ? dot / Math.sqrt(ea * aa) : 0;
            sum += Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
            count++;
        }
        return count == 0 ? Double.NaN : sum / count;
    }
}
