package dev.aiaas.vision.formation;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Renders grey images of a {@link Surface} under directional lights (the model in the package
 * comment): per pixel on the object,
 * {@code I = ρ · (a + Σₗ Eₗ · max(0, n·lₗ) · visₗ) + Σₗ Eₗ · visₗ · spec(n, lₗ)}; then sensor noise
 * on every pixel (the background is 0 before it) and quantisation. Stateless; the noise comes
 * from the seed passed in.
 */
public final class Renderer {

    /** Horizontal step of the shadow ray, in pixels. */
    static final double SHADOW_STEP = 0.5;
    /** The height a shadow ray starts above its pixel, in pixels, against self-shadowing by interpolation. */
    static final double SHADOW_BIAS = 0.05;

    private Renderer() {
    }

    /**
     * One image per light, the k-th with its own noise stream (seed mixed with k), so an image
     * does not depend on how many others are rendered with it.
     *
     * @param surface the surface
     * @param lights  the lights, one image each
     * @param options ambient, specular lobe, noise, shadows and quantisation
     * @param seed    the seed of the noise
     * @return {@code [lights][height · width]}
     */
    public static float[][] renderEach(Surface surface, List<Light> lights, RenderOptions options, long seed) {
        Objects.requireNonNull(lights, "lights");
        float[][] out = new float[lights.size()][];
        for (int k = 0; k < out.length; k++) {
            out[k] = render(surface, List.of(lights.get(k)), options, imageSeed(seed, k));
        }
        return out;
    }

    /** The seed of the k-th image of a set rendered under {@code seed}. */
    static long imageSeed(long seed, int k) {
        return seed + 0x9E3779B97F4A7C15L * (k + 1);
    }

    /**
     * One image lit by all the lights together.
     *
     * @param surface the surface
     * @param lights  the lights (their contributions add)
     * @param options ambient, specular lobe, noise, shadows and quantisation
     * @param seed    the seed of the noise
     * @return the image, {@code [height · width]}
     */
    public static float[] render(Surface surface, List<Light> lights, RenderOptions options, long seed) {
        Objects.requireNonNull(surface, "surface");
        Objects.requireNonNull(lights, "lights");
        Objects.requireNonNull(options, "options");
        int n = surface.width * surface.height;
        float[] image = new float[n];
        double[] lit = new double[n];
        double[] spec = new double[n];
        for (Light light : lights) {
            Objects.requireNonNull(light, "light");
            float[] vis = options.castShadows() ? visibility(surface, light) : null;
            double hx = light.x();
            double hy = light.y();
            double hz = light.z() + 1;
            double hl = Math.sqrt(hx * hx + hy * hy + hz * hz);
            hx /= hl;
            hy /= hl;
            hz /= hl;
            for (int i = 0; i < n; i++) {
                if (!surface.mask[i]) {
                    continue;
                }
                double nx = surface.normals[3 * i];
                double ny = surface.normals[3 * i + 1];
                double nz = surface.normals[3 * i + 2];
                double cos = light.cosine(nx, ny, nz);
                if (cos <= 0) {
                    continue;
                }
                double e = light.intensity() * (vis == null ? 1 : vis[i]);
                lit[i] += e * cos;
                spec[i] += e * options.specular().value(cos, nx * hx + ny * hy + nz * hz, nz, hz);
            }
        }
        for (int i = 0; i < n; i++) {
            if (surface.mask[i]) {
                image[i] = (float) (surface.albedo[i] * (options.ambient() + lit[i]) + spec[i]);
            }
        }
        options.noise().applyInPlace(image, new SplittableRandom(seed));
        quantiseInPlace(image, options.bits());
        return image;
    }

    /**
     * Clamps to [0, 1] and rounds to {@code 2^bits − 1} levels; nothing for 0 bits.
     *
     * @param image the values, changed in place
     * @param bits  0 to 16
     */
    public static void quantiseInPlace(float[] image, int bits) {
        if (bits < 0 || bits > 16) {
            throw new IllegalArgumentException("bits=" + bits + ": expected 0 (no quantisation) to 16, for example 8");
        }
        if (bits == 0) {
            return;
        }
        int levels = (1 << bits) - 1;
        for (int i = 0; i < image.length; i++) {
            float v = Math.min(1f, Math.max(0f, image[i]));
            image[i] = Math.round(v * levels) / (float) levels;
        }
    }

    /**
     * Which pixels of the object see the light past the height map: 1 where a ray from the pixel
     * (starting {@value #SHADOW_BIAS} pixel above it) toward the light stays above the bilinearly
     * interpolated heights of the object until it rises above the highest point or leaves the
     * image, 0 where it passes below them. Pixels off the object occlude nothing. Attached shadows
     * (n·l ≤ 0) are the renderer's cosine, not this.
     *
     * @param surface the surface
     * @param light   the light
     * @return {@code [height · width]}, 1 (lit) or 0 (in a cast shadow); 0 off the object
     */
    public static float[] visibility(Surface surface, Light light) {
        return visibility(surface, light, true);
    }

    /** The reach of the coarse and fine skips of the shadow march, in pixels. */
    private static final int[] SKIPS = {16, 4};

    /**
     * {@link #visibility(Surface, Light)}; with {@code skip}, a ray whose height is above the highest
     * object point within {@code R + 1} pixels of its position (a precomputed window maximum)
     * jumps {@code R} pixels at once, through sample positions it would have found clear: the same
     * answer as the plain march, which {@code skip = false} runs (for the test that says so).
     */
    static float[] visibility(Surface surface, Light light, boolean skip) {
        int w = surface.width;
        int h = surface.height;
        float[] vis = new float[w * h];
        double horizontal = Math.hypot(light.x(), light.y());
        float top = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vis.length; i++) {
            if (surface.mask[i]) {
                top = Math.max(top, surface.heights[i]);
            }
        }
        boolean rising = light.z() > 0 && horizontal >= 1e-9;
        float[][] windowMax = new float[SKIPS.length][];
        int[] steps = new int[SKIPS.length];
        if (skip && rising) {
            for (int k = 0; k < SKIPS.length; k++) {
                windowMax[k] = windowMax(surface, SKIPS[k] + 1);
                steps[k] = (int) Math.floor(SKIPS[k] / SHADOW_STEP);
            }
        }
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                int i = r * w + c;
                if (!surface.mask[i]) {
                    continue;
                }
                if (horizontal < 1e-9) {
                    vis[i] = 1;
                    continue;
                }
                double dc = light.x() / horizontal * SHADOW_STEP;
                double dr = -light.y() / horizontal * SHADOW_STEP;
                double dz = light.z() / horizontal * SHADOW_STEP;
                double pc = c;
                double pr = r;
                double pz = surface.heights[i] + SHADOW_BIAS;
                boolean lit = true;
                long step = 0;
                while (true) {
                    if (skip && rising) {
                        int at = (int) Math.round(pr) * w + (int) Math.round(pc);
                        for (int k = 0; k < SKIPS.length; k++) {
                            if (pz > windowMax[k][at]) {
                                // every sample within SKIPS[k] pixels lies below the ray: go on from the last of them
                                step += steps[k] - 1;
                                break;
                            }
                        }
                    }
                    step++;
                    pc = c + dc * step;
                    pr = r + dr * step;
                    pz = surface.heights[i] + SHADOW_BIAS + dz * step;
                    if (pz > top || pc < 0 || pr < 0 || pc > w - 1 || pr > h - 1) {
                        break;
                    }
                    double occluder = heightAt(surface, pc, pr);
                    if (occluder > pz) {
                        lit = false;
                        break;
                    }
                }
                vis[i] = lit ? 1 : 0;
            }
        }
        return vis;
    }

    /** The highest object height within {@code radius} pixels (a square window) of each pixel; −∞ where there is none. */
    private static float[] windowMax(Surface s, int radius) {
        int w = s.width;
        int h = s.height;
        float[] rows = new float[w * h];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int cc = Math.max(0, c - radius); cc <= Math.min(w - 1, c + radius); cc++) {
                    int j = r * w + cc;
                    if (s.mask[j] && s.heights[j] > m) {
                        m = s.heights[j];
                    }
                }
                rows[r * w + c] = m;
            }
        }
        float[] out = new float[w * h];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int rr = Math.max(0, r - radius); rr <= Math.min(h - 1, r + radius); rr++) {
                    m = Math.max(m, rows[rr * w + c]);
                }
                out[r * w + c] = m;
            }
        }
        return out;
    }

    /** The bilinear height at (column, row), or −∞ when a corner is off the object. */
    private static double heightAt(Surface s, double col, double row) {
        int c0 = (int) Math.floor(col);
        int r0 = (int) Math.floor(row);
        int c1 = Math.min(c0 + 1, s.width - 1);
        int r1 = Math.min(r0 + 1, s.height - 1);
        double fc = col - c0;
        double fr = row - r0;
        int i00 = r0 * s.width + c0;
        int i01 = r0 * s.width + c1;
        int i10 = r1 * s.width + c0;
        int i11 = r1 * s.width + c1;
        if (!s.mask[i00] || !s.mask[i01] || !s.mask[i10] || !s.mask[i11]) {
            return Double.NEGATIVE_INFINITY;
        }
        double top = s.heights[i00] + (s.heights[i01] - s.heights[i00]) * fc;
        double bottom = s.heights[i10] + (s.heights[i11] - s.heights[i10]) * fc;
        return top + (bottom - top) * fr;
    }
}
