package dev.aiaas.vision.formation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Render, then recover: photometric stereo on rendered 64 × 64 scenes under 12 lights (azimuths
 * around the axis, elevations 35° to 65°), with cast shadows and 8-bit quantisation, recovers the
 * normals within a stated mean angular error; with specular highlights and sensor noise within
 * a larger, stated one. The figures in the comments were measured with these seeds; each bound
 * sits above its figure with room for floating-point differences between JVMs, and below what a
 * broken step (no shadow or highlight rejection, a sign error in the frame) gives.
 */
class RenderThenRecoverTest {

    private static final int SIZE = 64;
    private static final List<Light> LIGHTS = Fixtures.ring(12, 3);

    private record Recovery(double meanErrorDegrees, double albedoMae, StereoResult result) {
    }

    private static Recovery recover(Surface s, List<Light> lights, RenderOptions render, StereoOptions stereo) {
        float[][] images = Renderer.renderEach(s, lights, render, 7);
        StereoResult r = PhotometricStereo.solve(images, SIZE, SIZE, lights, stereo);
        boolean[] truth = s.mask();
        boolean[] both = new boolean[truth.length];
        float[] albedo = s.albedo();
        double albedoError = 0;
        int count = 0;
        for (int i = 0; i < truth.length; i++) {
            both[i] = truth[i] && r.mask()[i];
            if (both[i]) {
                albedoError += Math.abs(albedo[i] - r.albedo()[i]);
                count++;
            }
        }
        return new Recovery(PhotometricStereo.meanAngularErrorDegrees(s.normals(), r.normals(), both), albedoError / count, r);
    }

    /** The number of (pixel, light) pairs facing the light (n·l &gt; 0) but in a cast shadow. */
    private static int castShadowed(Surface s, List<Light> lights) {
        int count = 0;
        float[] normals = s.normals();
        boolean[] mask = s.mask();
        for (Light l : lights) {
            float[] vis = Renderer.visibility(s, l);
            for (int i = 0; i < mask.length; i++) {
                if (mask[i] && vis[i] == 0 && l.cosine(normals[3 * i], normals[3 * i + 1], normals[3 * i + 2]) > 0) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void lambertianScenesWithShadowsAndEightBitsAreRecoveredWithinTwoDegrees() {
        RenderOptions render = RenderOptions.defaults();
        // measured: sphere 0.073°, bumps 0.090°, vase 0.075°; bumps under 8 lights at 25° elevation 0.40°
        double[] bounds = {0.5, 0.5, 0.5};
        for (int s = 0; s < Scenes.NAMES.size(); s++) {
            String name = Scenes.NAMES.get(s);
            Surface surface = Scenes.named(name, SIZE, 5);
            Recovery r = recover(surface, LIGHTS, render, StereoOptions.defaults());
            assertTrue(r.meanErrorDegrees() < bounds[s], name + ": mean angular error " + r.meanErrorDegrees() + "°");
            assertTrue(r.albedoMae() < 0.01, name + ": albedo error " + r.albedoMae());
            assertArrayEquals(surface.mask(), r.result().mask(), name + ": the foreground is the pixels not black in every image");
        }
        Surface bumps = Scenes.bumps(SIZE, 5);
        List<Light> low = Fixtures.low(8);
        int shadowed = castShadowed(bumps, low);
        assertTrue(shadowed > 2000, "the low lights cast shadows: " + shadowed + " (pixel, light) pairs");
        Recovery r = recover(bumps, low, render, StereoOptions.defaults());
        assertTrue(r.meanErrorDegrees() < 1, "bumps under low lights: " + r.meanErrorDegrees() + "°");
        assertTrue(castShadowed(Scenes.vase(SIZE), LIGHTS) > 0, "the vase's lip shadows its neck");
    }

    @Test
    void specularHighlightsAndNoiseAreRecoveredWithinStatedBounds() {
        RenderOptions phong = RenderOptions.defaults().withSpecular(Specular.blinnPhong(0.4, 40));
        // measured: sphere 0.69°, vase 0.58°, bumps 1.98° (on the flat plane Blinn-Phong's tail lifts every light alike)
        assertTrue(recover(Scenes.sphere(SIZE, 0.8f), LIGHTS, phong, StereoOptions.defaults()).meanErrorDegrees() < 1.0);
        assertTrue(recover(Scenes.vase(SIZE), LIGHTS, phong, StereoOptions.defaults()).meanErrorDegrees() < 1.0);
        assertTrue(recover(Scenes.bumps(SIZE, 5), LIGHTS, phong, StereoOptions.defaults()).meanErrorDegrees() < 2.5);
        // ISO 800 (gain 0.002, read noise 0.006: about 3% noise at mid grey), highlights too
        StereoOptions noisy = StereoOptions.defaults().withBlackLevel(0.03);
        RenderOptions phongIso800 = phong.withNoise(SensorNoise.atIso(800));
        // measured: sphere 2.30°, vase 2.20°, bumps 3.74°
        assertTrue(recover(Scenes.sphere(SIZE, 0.8f), LIGHTS, phongIso800, noisy).meanErrorDegrees() < 3.0);
        assertTrue(recover(Scenes.vase(SIZE), LIGHTS, phongIso800, noisy).meanErrorDegrees() < 3.0);
        assertTrue(recover(Scenes.bumps(SIZE, 5), LIGHTS, phongIso800, noisy).meanErrorDegrees() < 4.5);
        // Cook-Torrance (GGX α 0.3, F0 0.04) at ISO 800; measured: sphere 1.85°
        RenderOptions ctIso800 = RenderOptions.defaults().withSpecular(Specular.cookTorrance(1, 0.3, 0.04))
                .withNoise(SensorNoise.atIso(800));
        assertTrue(recover(Scenes.sphere(SIZE, 0.8f), LIGHTS, ctIso800, noisy).meanErrorDegrees() < 2.5);
    }

    @Test
    void discardingHighlightsBeatsPlainLeastSquares() {
        RenderOptions phong = RenderOptions.defaults().withSpecular(Specular.blinnPhong(0.4, 40));
        Surface sphere = Scenes.sphere(SIZE, 0.8f);
        double robust = recover(sphere, LIGHTS, phong, StereoOptions.defaults()).meanErrorDegrees();
        // an outlier limit no residual reaches: every lit observation stays in the fit
        double plain = recover(sphere, LIGHTS, phong, StereoOptions.defaults().withOutlierThreshold(1e9)).meanErrorDegrees();
        assertTrue(robust < plain / 2, "robust " + robust + "° against plain least squares " + plain + "°");
    }

    @Test
    void recoveredNormalsIntegrateToTheHeights() {
        Surface sphere = Scenes.sphere(SIZE, 0.8f);
        Recovery r = recover(sphere, LIGHTS, RenderOptions.defaults(), StereoOptions.defaults());
        float[] z = NormalIntegration.heights(r.result().normals(), r.result().mask(), SIZE, SIZE);
        // measured: 0.15 px mean error against a radius of 28.8 px (the rim, where slopes are clamped at 20, errs most)
        assertTrue(meanHeightError(sphere, z) < 0.4, "sphere: " + meanHeightError(sphere, z));
        Surface bumps = Scenes.bumps(SIZE, 5);
        float[] zb = NormalIntegration.heights(bumps.normals(), bumps.mask(), SIZE, SIZE);
        // measured: 0.024 px, bumps 4 to 10 px high
        assertTrue(meanHeightError(bumps, zb) < 0.1, "bumps: " + meanHeightError(bumps, zb));
    }

    /** The mean |z − (truth − its mean)| over the object. */
    static double meanHeightError(Surface s, float[] z) {
        float[] t = s.heights();
        boolean[] m = s.mask();
        double mean = 0;
        int count = 0;
        for (int i = 0; i < t.length; i++) {
            if (m[i]) {
                mean += t[i];
                count++;
            }
        }
        mean /= count;
        double e = 0;
        for (int i = 0; i < t.length; i++) {
            if (m[i]) {
                e += Math.abs(z[i] - (t[i] - mean));
            }
        }
        return e / count;
    }

    @Test
    void theSameSeedGivesTheSameImagesAndAnotherSeedOtherNoise() {
        Surface s = Scenes.bumps(32, 9);
        RenderOptions o = RenderOptions.defaults().withNoise(SensorNoise.atIso(1600));
        float[][] a = Renderer.renderEach(s, LIGHTS, o, 11);
        float[][] b = Renderer.renderEach(s, LIGHTS, o, 11);
        float[][] c = Renderer.renderEach(s, LIGHTS, o, 12);
        for (int k = 0; k < a.length; k++) {
            assertArrayEquals(a[k], b[k]);
            assertTrue(!java.util.Arrays.equals(a[k], c[k]), "image " + k);
        }
        // an image does not depend on how many others were rendered with it
        assertArrayEquals(a[2], Renderer.renderEach(s, LIGHTS.subList(0, 3), o, 11)[2]);
        assertArrayEquals(Scenes.bumps(32, 9).heights(), s.heights());
        assertTrue(!java.util.Arrays.equals(Scenes.bumps(32, 10).heights(), s.heights()));
        assertEquals(PhotometricStereo.solve(a, 32, 32, LIGHTS, StereoOptions.defaults()).albedo().length, 32 * 32);
    }
}
