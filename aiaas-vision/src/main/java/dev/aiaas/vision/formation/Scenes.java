package dev.aiaas.vision.formation;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Synthetic surfaces with known shape and albedo, square, {@code size × size} pixels. The
 * catalogue of scenes; {@link #named} picks one by name.
 */
public final class Scenes {

    /** The names {@link #named} knows. */
    public static final List<String> NAMES = List.of("sphere", "bumps", "vase");

    /** The number of bumps of {@link #bumps}. */
    public static final int BUMPS = 12;

    /** The smallest size a scene may have. */
    public static final int MIN_SIZE = 8;
    /** The largest size a scene may have. */
    public static final int MAX_SIZE = 4096;

    private Scenes() {
    }

    /**
     * A scene by name.
     *
     * @param name one of {@link #NAMES}
     * @param size the side in pixels, {@value #MIN_SIZE} to {@value #MAX_SIZE}
     * @param seed the seed of scenes drawn at random ({@code bumps}); the others ignore it
     * @return the surface
     * @throws IllegalArgumentException for an unknown name or a size out of range
     */
    public static Surface named(String name, int size, long seed) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sphere" -> sphere(size, 0.8f);
            case "bumps" -> bumps(size, seed);
            case "vase" -> vase(size);
            default -> throw new IllegalArgumentException("scene '" + name + "': expected one of " + NAMES);
        };
    }

    private static void checkSize(int size) {
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException("scene size=" + size + ": expected " + MIN_SIZE + " to " + MAX_SIZE + " pixels, for example 64");
        }
    }

    /**
     * A sphere of radius {@code 0.45 · size} centred in the image, with analytic normals
     * {@code n = (x, y, z) / R} and heights {@code z = √(R² − x² − y²)}; nothing behind it.
     *
     * @param size   the side in pixels
     * @param albedo the uniform albedo, in [0, 1]
     * @return the surface
     */
    public static Surface sphere(int size, float albedo) {
        checkSize(size);
        if (!(albedo >= 0 && albedo <= 1)) {
            throw new IllegalArgumentException("albedo=" + albedo + ": expected a value in [0, 1], for example 0.8");
        }
        int n = size * size;
        float[] z = new float[n];
        float[] normals = new float[3 * n];
        float[] a = new float[n];
        boolean[] mask = new boolean[n];
        double centre = (size - 1) / 2.0;
        double radius = 0.45 * size;
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                double x = c - centre;
                double y = centre - r;
                double d2 = x * x + y * y;
                if (d2 >= radius * radius * 0.999) {
                    continue;
                }
                int i = r * size + c;
                double h = Math.sqrt(radius * radius - d2);
                mask[i] = true;
                z[i] = (float) h;
                a[i] = albedo;
                normals[3 * i] = (float) (x / radius);
                normals[3 * i + 1] = (float) (y / radius);
                normals[3 * i + 2] = (float) (h / radius);
            }
        }
        return Surface.of(size, size, z, normals, a, mask);
    }

    /**
     * A plane with {@value #BUMPS} Gaussian bumps drawn from the seed (centres in the middle 80%,
     * heights 6 to 15% of the size, standard deviations 5 to 10%; the same picture at any size), normals by finite differences of the height map, an albedo of
     * tiles alternating between 0.5 and 0.85 (a 4 × 4 checkerboard). The whole image is the
     * object; the bumps cast shadows on the plane under low lights.
     *
     * @param size the side in pixels
     * @param seed the seed of the bumps
     * @return the surface
     */
    public static Surface bumps(int size, long seed) {
        checkSize(size);
        int n = size * size;
        SplittableRandom random = new SplittableRandom(seed);
        int count = BUMPS;
        double[] cx = new double[count];
        double[] cy = new double[count];
        double[] amp = new double[count];
        double[] sigma = new double[count];
        for (int k = 0; k < count; k++) {
            cx[k] = random.nextDouble(0.1, 0.9) * size;
            cy[k] = random.nextDouble(0.1, 0.9) * size;
            amp[k] = random.nextDouble(0.06, 0.15) * size;
            sigma[k] = random.nextDouble(0.05, 0.1) * size;
        }
        float[] z = new float[n];
        float[] a = new float[n];
        boolean[] mask = new boolean[n];
        int tile = Math.max(1, size / 4);
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                double h = 0;
                for (int k = 0; k < count; k++) {
                    double dx = c - cx[k];
                    double dy = r - cy[k];
                    h += amp[k] * Math.exp(-(dx * dx + dy * dy) / (2 * sigma[k] * sigma[k]));
                }
                int i = r * size + c;
                z[i] = (float) h;
                a[i] = ((r / tile + c / tile) & 1) == 0 ? 0.85f : 0.5f;
                mask[i] = true;
            }
        }
        return Surface.fromHeights(size, size, z, a, mask);
    }

    /**
     * A vase: a surface of revolution about the image's vertical axis, its radius varying with the
     * height in the image as {@code R(t) = size · (0.24 + 0.1 · sin(2π (1.3 t + 0.1)))} for t from 0
     * (bottom, 8% above the lower edge) to 1 (top, 8% below the upper edge); the visible half
     * {@code z = √(R² − x²)}, with analytic normals ∝ (x, −R·dR/dy, z). Its neck and lip shadow
     * it under lights from above. Albedo 0.75; nothing behind it.
     *
     * @param size the side in pixels
     * @return the surface
     */
    public static Surface vase(int size) {
        checkSize(size);
        int n = size * size;
        float[] z = new float[n];
        float[] normals = new float[3 * n];
        float[] a = new float[n];
        boolean[] mask = new boolean[n];
        double centre = (size - 1) / 2.0;
        double bottom = 0.08 * size;
        double top = 0.92 * size;
        for (int r = 0; r < size; r++) {
            double yFromBottom = size - 1 - r;
            if (yFromBottom < bottom || yFromBottom > top) {
                continue;
            }
            double t = (yFromBottom - bottom) / (top - bottom);
            double radius = vaseRadius(t, size);
            double dRdy = vaseRadiusSlope(t, size) / (top - bottom);
            for (int c = 0; c < size; c++) {
                double x = c - centre;
                double z2 = radius * radius - x * x;
                if (z2 <= radius * radius * 0.002) {
                    continue;
                }
                int i = r * size + c;
                double h = Math.sqrt(z2);
                double nx = x;
                double ny = -radius * dRdy;
                double len = Math.sqrt(nx * nx + ny * ny + z2);
                mask[i] = true;
                z[i] = (float) h;
                a[i] = 0.75f;
                normals[3 * i] = (float) (nx / len);
                normals[3 * i + 1] = (float) (ny / len);
                normals[3 * i + 2] = (float) (h / len);
            }
        }
        return Surface.of(size, size, z, normals, a, mask);
    }

    private static double vaseRadius(double t, int size) {
        return size * (0.24 + 0.1 * Math.sin(2 * Math.PI * (1.3 * t + 0.1)));
    }

    /** dR/dt. */
    private static double vaseRadiusSlope(double t, int size) {
        return size * 0.1 * 2 * Math.PI * 1.3 * Math.cos(2 * Math.PI * (1.3 * t + 0.1));
    }
}
