package dev.aiaas.vision.formation;

import java.util.Objects;

/**
 * What the renderer images: per pixel a height (pixel units, along +z), a unit normal, an albedo
 * and whether the pixel belongs to the object. Immutable: the factories copy the arrays given and
 * the accessors return copies. Layout as in the package comment: row-major, row 0 at the top;
 * normals interleaved (nx, ny, nz) per pixel in the frame x right, y up, z toward the viewer.
 * Off the object, height, normal and albedo are 0.
 */
public final class Surface {

    /** The most pixels a surface (and so an image) may have: 4096 × 4096. */
    public static final int MAX_PIXELS = 4096 * 4096;

    final int width;
    final int height;
    final float[] heights;
    final float[] normals;
    final float[] albedo;
    final boolean[] mask;

    private Surface(int width, int height, float[] heights, float[] normals, float[] albedo, boolean[] mask) {
        this.width = width;
        this.height = height;
        this.heights = heights;
        this.normals = normals;
        this.albedo = albedo;
        this.mask = mask;
    }

    /**
     * Checks image dimensions before anything of that size is allocated.
     *
     * @param width  columns, ≥ 1
     * @param height rows, ≥ 1
     * @return {@code width · height}
     * @throws IllegalArgumentException if a dimension is below 1 or the product above {@link #MAX_PIXELS}
     */
    public static int pixels(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size " + width + "x" + height + ": expected at least 1x1 pixels");
        }
        long n = (long) width * height;
        if (n > MAX_PIXELS) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " (" + n + " pixels): expected at most "
                    + MAX_PIXELS + " pixels (4096x4096); use a smaller image");
        }
        return (int) n;
    }

    /**
     * A surface from all its parts.
     *
     * @param width   columns
     * @param height  rows
     * @param heights the height per pixel, {@code [height · width]}, finite
     * @param normals unit normals, {@code [3 · height · width]}, on the object (length within 10⁻³ of 1)
     * @param albedo  the albedo per pixel, {@code [height · width]}, finite and ≥ 0
     * @param mask    which pixels belong to the object, {@code [height · width]}
     * @return the surface (copies of the arrays, zeros off the object)
     * @throws IllegalArgumentException if an array has the wrong length or a value is out of range
     */
    public static Surface of(int width, int height, float[] heights, float[] normals, float[] albedo, boolean[] mask) {
        int n = pixels(width, height);
        check("heights", heights, n);
        check("normals", normals, 3 * n);
        check("albedo", albedo, n);
        Objects.requireNonNull(mask, "mask");
        if (mask.length != n) {
            throw new IllegalArgumentException("mask has " + mask.length + " values: expected " + n + " (" + width + "x" + height + ")");
        }
        float[] z = new float[n];
        float[] nn = new float[3 * n];
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            if (!mask[i]) {
                continue;
            }
            double len = Math.sqrt((double) normals[3 * i] * normals[3 * i] + (double) normals[3 * i + 1] * normals[3 * i + 1]
                    + (double) normals[3 * i + 2] * normals[3 * i + 2]);
            if (!(Math.abs(len - 1) <= 1e-3)) {
                throw new IllegalArgumentException("normal at pixel " + i + " (row " + i / width + ", column " + i % width
                        + ") has length " + len + ": expected unit normals on the object");
            }
            if (!(albedo[i] >= 0) || !Float.isFinite(albedo[i]) || !Float.isFinite(heights[i])) {
                throw new IllegalArgumentException("pixel " + i + ": albedo " + albedo[i] + ", height " + heights[i]
                        + ": expected a finite albedo >= 0 and a finite height");
            }
            z[i] = heights[i];
            a[i] = albedo[i];
            System.arraycopy(normals, 3 * i, nn, 3 * i, 3);
        }
        return new Surface(width, height, z, nn, a, mask.clone());
    }

    /**
     * A surface whose normals are the height map's, by finite differences: central differences
     * where both neighbours are on the object, one-sided where one is, 0 where none is;
     * {@code n = (−∂z/∂x, −∂z/∂y, 1) / |…|} with y up (so ∂z/∂y uses the row above minus the row below).
     *
     * @param width   columns
     * @param height  rows
     * @param heights the height map, {@code [height · width]}, pixel units
     * @param albedo  the albedo, {@code [height · width]}
     * @param mask    the object's pixels, {@code [height · width]}
     * @return the surface
     * @throws IllegalArgumentException as {@link #of}
     */
    public static Surface fromHeights(int width, int height, float[] heights, float[] albedo, boolean[] mask) {
        int n = pixels(width, height);
        check("heights", heights, n);
        Objects.requireNonNull(mask, "mask");
        if (mask.length != n) {
            throw new IllegalArgumentException("mask has " + mask.length + " values: expected " + n + " (" + width + "x" + height + ")");
        }
        float[] normals = new float[3 * n];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                if (!mask[i]) {
                    continue;
                }
                double zx = difference(heights, mask, i, c > 0 ? i - 1 : -1, c < width - 1 ? i + 1 : -1);
                double zy = difference(heights, mask, i, r < height - 1 ? i + width : -1, r > 0 ? i - width : -1);
                double len = Math.sqrt(zx * zx + zy * zy + 1);
                normals[3 * i] = (float) (-zx / len);
                normals[3 * i + 1] = (float) (-zy / len);
                normals[3 * i + 2] = (float) (1 / len);
            }
        }
        return of(width, height, heights, normals, albedo, mask);
    }

    /** (z[after] − z[before]) / 2, or a one-sided difference; −1 for a neighbour outside the image. */
    private static double difference(float[] z, boolean[] mask, int i, int before, int after) {
        boolean b = before >= 0 && mask[before];
        boolean a = after >= 0 && mask[after];
        if (a && b) {
            return (z[after] - (double) z[before]) / 2;
        }
        if (a) {
            return z[after] - (double) z[i];
        }
        if (b) {
            return z[i] - (double) z[before];
        }
        return 0;
    }

    private static void check(String what, float[] values, int expected) {
        Objects.requireNonNull(values, what);
        if (values.length != expected) {
            throw new IllegalArgumentException(what + " has " + values.length + " values: expected " + expected);
        }
    }

    /**
     * Columns.
     *
     * @return the width in pixels
     */
    public int width() {
        return width;
    }

    /**
     * Rows.
     *
     * @return the height in pixels
     */
    public int height() {
        return height;
    }

    /**
     * The height map.
     *
     * @return a copy, {@code [height · width]}, pixel units, 0 off the object
     */
    public float[] heights() {
        return heights.clone();
    }

    /**
     * The normal map.
     *
     * @return a copy, {@code [3 · height · width]}, unit vectors on the object, zeros off it
     */
    public float[] normals() {
        return normals.clone();
    }

    /**
     * The albedo.
     *
     * @return a copy, {@code [height · width]}, 0 off the object
     */
    public float[] albedo() {
        return albedo.clone();
    }

    /**
     * The object's pixels.
     *
     * @return a copy, {@code [height · width]}
     */
    public boolean[] mask() {
        return mask.clone();
    }
}
