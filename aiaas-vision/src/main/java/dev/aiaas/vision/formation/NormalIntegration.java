package dev.aiaas.vision.formation;

import java.util.Objects;

/**
 * Heights from normals or gradients: the least-squares height map whose differences between
 * 4-neighbours on the object best match the given ones, {@code min Σ (z_j − z_i − g_ij)²} over the
 * pairs of neighbouring object pixels. Its normal equations are the discrete Poisson equation
 * {@code L z = div g} on the object (L the graph Laplacian of the mask, so the object's outline is a
 * natural, Neumann boundary and background pixels play no part), solved by conjugate gradients
 * preconditioned with L's diagonal. Heights are defined up to a constant per connected part of
 * the object; the result has mean 0 over the object. (Frankot-Chellappa's FFT projection is the
 * alternative; it assumes a periodic rectangular domain, which a masked object is not.)
 */
public final class NormalIntegration {

    /** The steepest slope taken from a normal, |∂z/∂x| and |∂z/∂y| (normals near the silhouette are clamped to it). */
    public static final double MAX_SLOPE = 20;

    private NormalIntegration() {
    }

    /**
     * The height map of a normal map: slopes {@code ∂z/∂x = −nx/nz}, {@code ∂z/∂y = −ny/nz} (y up),
     * each clamped to ±{@value #MAX_SLOPE}, averaged over the two pixels of each neighbouring pair.
     *
     * @param normals {@code [3 · height · width]}, unit normals on the object
     * @param mask    the object, {@code [height · width]}
     * @param width   columns
     * @param height  rows
     * @return heights in pixel units, {@code [height · width]}, mean 0 over the object, 0 off it
     */
    public static float[] heights(float[] normals, boolean[] mask, int width, int height) {
        int n = Surface.pixels(width, height);
        Objects.requireNonNull(normals, "normals");
        Objects.requireNonNull(mask, "mask");
        if (normals.length != 3 * n || mask.length != n) {
            throw new IllegalArgumentException("normals of " + normals.length + " values and a mask of " + mask.length
                    + ": expected " + 3 * n + " and " + n + " (" + width + "x" + height + ")");
        }
        float[] p = new float[n];
        float[] q = new float[n];
        for (int i = 0; i < n; i++) {
            if (mask[i]) {
                double nz = Math.max(normals[3 * i + 2], 1 / MAX_SLOPE);
                p[i] = (float) Math.max(-MAX_SLOPE, Math.min(MAX_SLOPE, -normals[3 * i] / nz));
                q[i] = (float) Math.max(-MAX_SLOPE, Math.min(MAX_SLOPE, -normals[3 * i + 1] / nz));
            }
        }
        float[] right = new float[n];
        float[] down = new float[n];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                if (c + 1 < width) {
                    right[i] = (p[i] + p[i + 1]) / 2;
                }
                if (r + 1 < height) {
                    // a row down is −1 in y
                    down[i] = -(q[i] + q[i + width]) / 2;
                }
            }
        }
        return integrate(right, down, mask, width, height);
    }

    /**
     * The least-squares integration of neighbour differences (the class comment).
     *
     * @param right  {@code right[i]}: the wanted {@code z[r][c+1] − z[r][c]} at pixel i = (r, c)
     * @param down   {@code down[i]}: the wanted {@code z[r+1][c] − z[r][c]}
     * @param mask   the object, {@code [height · width]}; pairs with a pixel off it are ignored
     * @param width  columns
     * @param height rows
     * @return {@code [height · width]}, mean 0 over the object, 0 off it
     */
    public static float[] integrate(float[] right, float[] down, boolean[] mask, int width, int height) {
        int n = Surface.pixels(width, height);
        if (right.length != n || down.length != n || mask.length != n) {
            throw new IllegalArgumentException("difference maps of " + right.length + " and " + down.length + " values and a mask of "
                    + mask.length + ": expected " + n + " each (" + width + "x" + height + ")");
        }
        double[] b = new double[n];
        double[] degree = new double[n];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                if (!mask[i]) {
                    continue;
                }
                if (c + 1 < width && mask[i + 1]) {
                    // (z_j − z_i − g)² adds g to j's right-hand side and −g to i's
                    b[i] -= right[i];
                    b[i + 1] += right[i];
                    degree[i]++;
                    degree[i + 1]++;
                }
                if (r + 1 < height && mask[i + width]) {
                    b[i] -= down[i];
                    b[i + width] += down[i];
                    degree[i]++;
                    degree[i + width]++;
                }
            }
        }
        double[] z = new double[n];
        double[] res = b.clone();
        double[] s = new double[n];
        double[] dir = new double[n];
        double[] ad = new double[n];
        double bNorm = 0;
        for (int i = 0; i < n; i++) {
            bNorm += b[i] * b[i];
            s[i] = degree[i] > 0 ? res[i] / degree[i] : 0;
            dir[i] = s[i];
        }
        double rs = dot(res, s);
        int maxIterations = 50 * (width + height) + 1000;
        for (int it = 0; it < maxIterations && rs > 0; it++) {
            laplacian(dir, ad, mask, degree, width, height);
            double alpha = rs / dot(dir, ad);
            double rr = 0;
            for (int i = 0; i < n; i++) {
                z[i] += alpha * dir[i];
                res[i] -= alpha * ad[i];
                rr += res[i] * res[i];
            }
            if (rr <= 1e-14 * bNorm) {
                break;
            }
            for (int i = 0; i < n; i++) {
                s[i] = degree[i] > 0 ? res[i] / degree[i] : 0;
            }
            double rsNew = dot(res, s);
            double beta = rsNew / rs;
            rs = rsNew;
            for (int i = 0; i < n; i++) {
                dir[i] = s[i] + beta * dir[i];
            }
        }
        double mean = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (mask[i]) {
                mean += z[i];
                count++;
            }
        }
        mean = count == 0 ? 0 : mean / count;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            if (mask[i]) {
                out[i] = (float) (z[i] - mean);
            }
        }
        return out;
    }

    /** out = L x, L the Laplacian of the mask's 4-neighbour graph (degree on the diagonal). */
    private static void laplacian(double[] x, double[] out, boolean[] mask, double[] degree, int width, int height) {
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                if (!mask[i]) {
                    out[i] = 0;
                    continue;
                }
                double v = degree[i] * x[i];
                if (c > 0 && mask[i - 1]) {
                    v -= x[i - 1];
                }
                if (c + 1 < width && mask[i + 1]) {
                    v -= x[i + 1];
                }
                if (r > 0 && mask[i - width]) {
                    v -= x[i - width];
                }
                if (r + 1 < height && mask[i + width]) {
                    v -= x[i + width];
                }
                out[i] = v;
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
