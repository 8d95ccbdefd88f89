package dev.aiaas.vision.formation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The renderer against the formulas it implements, case by case. */
class RendererPhysicsTest {

    private static final RenderOptions EXACT = RenderOptions.defaults().withBits(0);

    @Test
    void aLambertianPlaneFollowsTheCosineOfTheLight() {
        Surface plane = Fixtures.plane(8, 0.6f);
        for (double elevation : new double[] {90, 60, 30, 10}) {
            float[] image = Renderer.render(plane, List.of(Light.fromAngles(40, elevation)), EXACT, 1);
            double expected = 0.6 * Math.sin(Math.toRadians(elevation));
            for (float v : image) {
                assertEquals(expected, v, 1e-6, "elevation " + elevation);
            }
        }
        // facing away: only the ambient term; two lights add; intensity scales
        float[] away = Renderer.render(plane, List.of(Light.of(0, 0, -1)), EXACT.withAmbient(0.25), 1);
        assertEquals(0.6 * 0.25, away[0], 1e-6);
        float[] two = Renderer.render(plane, List.of(Light.fromAngles(0, 30), new Light(0, 0, 1, 2)), EXACT, 1);
        assertEquals(0.6 * (0.5 + 2), two[0], 1e-6);
    }

    @Test
    void theFrameHasYUpAndXRight() {
        Surface sphere = Scenes.sphere(32, 1f);
        float[] fromUpperRight = Renderer.render(sphere, List.of(Light.of(1, 1, 0.3)), EXACT, 1);
        int upperRight = 8 * 32 + 24;
        int lowerLeft = 24 * 32 + 8;
        assertTrue(fromUpperRight[upperRight] > 0.5 && fromUpperRight[lowerLeft] == 0,
                fromUpperRight[upperRight] + " " + fromUpperRight[lowerLeft]);
        float[] normals = sphere.normals();
        assertTrue(normals[3 * upperRight] > 0 && normals[3 * upperRight + 1] > 0 && normals[3 * upperRight + 2] > 0);
    }

    @Test
    void castShadowsDarkenPixelsToTheAmbientTerm() {
        Surface bumps = Scenes.bumps(48, 5);
        Light low = Light.fromAngles(20, 15);
        RenderOptions ambient = EXACT.withAmbient(0.1);
        float[] shadowed = Renderer.render(bumps, List.of(low), ambient, 1);
        float[] unshadowed = Renderer.render(bumps, List.of(low), ambient.withCastShadows(false), 1);
        float[] vis = Renderer.visibility(bumps, low);
        float[] albedo = bumps.albedo();
        float[] normals = bumps.normals();
        int inShadow = 0;
        for (int i = 0; i < vis.length; i++) {
            double cos = low.cosine(normals[3 * i], normals[3 * i + 1], normals[3 * i + 2]);
            if (vis[i] == 0 && cos > 0) {
                assertEquals(albedo[i] * 0.1, shadowed[i], 1e-6, "a shadowed pixel gets only the ambient light");
                assertEquals(albedo[i] * (0.1 + cos), unshadowed[i], 1e-6);
                inShadow += cos > 0.05 ? 1 : 0;
            } else {
                assertEquals(unshadowed[i], shadowed[i], 1e-6, "a lit pixel is as without shadows");
            }
        }
        assertTrue(inShadow > 100, "a light 15° above the plane casts long shadows: " + inShadow);
        // a convex sphere casts no shadow on the side it turns to the light
        Surface sphere = Scenes.sphere(48, 0.8f);
        float[] sv = Renderer.visibility(sphere, low);
        float[] sn = sphere.normals();
        boolean[] sm = sphere.mask();
        for (int i = 0; i < sv.length; i++) {
            if (sm[i] && low.cosine(sn[3 * i], sn[3 * i + 1], sn[3 * i + 2]) > 0.1) {
                assertEquals(1f, sv[i], "sphere pixel " + i);
            }
        }
    }

    @Test
    void theAcceleratedShadowMarchAgreesWithThePlainOne() {
        List<Surface> surfaces = List.of(Scenes.bumps(96, 3), Scenes.vase(64), Scenes.sphere(48, 0.5f));
        int shadowed = 0;
        for (Surface s : surfaces) {
            for (Light l : List.of(Light.fromAngles(20, 15), Light.fromAngles(200, 40), Light.fromAngles(95, 70), Light.of(1, 0, -0.1))) {
                float[] fast = Renderer.visibility(s, l);
                org.junit.jupiter.api.Assertions.assertArrayEquals(Renderer.visibility(s, l, false), fast, l.toString());
                for (float v : fast) {
                    shadowed += v == 0 ? 1 : 0;
                }
            }
        }
        assertTrue(shadowed > 1000, "the comparison includes shadows: " + shadowed);
    }

    @Test
    void specularLobesPeakAtTheMirrorDirection() {
        Surface plane = Fixtures.plane(4, 0.5f);
        Light overhead = Light.of(0, 0, 1);
        float[] phong = Renderer.render(plane, List.of(overhead), EXACT.withSpecular(Specular.blinnPhong(0.3, 20)), 1);
        assertEquals(0.5 + 0.3, phong[0], 1e-6, "n = h: the full lobe");
        Light oblique = Light.fromAngles(0, 60);
        double nDotH = Math.cos(Math.toRadians(15));
        float[] tilted = Renderer.render(plane, List.of(oblique), EXACT.withSpecular(Specular.blinnPhong(0.3, 20)), 1);
        assertEquals(0.5 * Math.sin(Math.toRadians(60)) + 0.3 * Math.pow(nDotH, 20), tilted[0], 1e-6);
        // GGX at n = h = v: D = 1/(π α²), F = F0, G = 1, divided by 4
        double alpha = 0.3;
        float[] ct = Renderer.render(plane, List.of(overhead), EXACT.withSpecular(Specular.cookTorrance(1, alpha, 0.04)), 1);
        assertEquals(0.5 + 0.04 / (Math.PI * alpha * alpha) / 4, ct[0], 1e-6);
    }

    @Test
    void sensorNoiseHasTheVarianceGainTimesSignalPlusReadSquared() {
        Surface plane = Fixtures.plane(128, 1f);
        for (double[] c : new double[][] {{0.5, 0.002, 0.01}, {0.05, 0.01, 0.0}, {0.3, 0.0, 0.02}, {0.8, 1e-5, 0.003}}) {
            double signal = c[0];
            SensorNoise noise = new SensorNoise(c[1], c[2]);
            float[] image = Renderer.render(plane, List.of(new Light(0, 0, 1, signal)), EXACT.withNoise(noise), 3);
            double mean = 0;
            for (float v : image) {
                mean += v;
            }
            mean /= image.length;
            double var = 0;
            for (float v : image) {
                var += (v - mean) * (v - mean);
            }
            var /= image.length - 1;
            double expected = c[1] * signal + c[2] * c[2];
            assertEquals(expected, noise.variance(signal), 1e-15);
            // 16384 samples: the variance's relative standard error is about 1.1%
            assertEquals(signal, mean, 4 * Math.sqrt(expected / image.length) + 1e-12, "mean, " + java.util.Arrays.toString(c));
            assertEquals(1, var / expected, 0.05, "variance ratio, " + java.util.Arrays.toString(c));
        }
        SensorNoise iso = SensorNoise.atIso(800);
        assertEquals(800 / 100.0 / 4000, iso.gain(), 1e-15);
        assertEquals(3 * iso.gain(), iso.readNoise(), 1e-15);
    }

    @Test
    void poissonDrawsHaveTheirMeanAndVarianceOnBothSidesOfTheSwitch() {
        SplittableRandom r = new SplittableRandom(5);
        for (double lambda : new double[] {0.3, 4, 9.9, 10, 37, 2500}) {
            int n = 200_000;
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                long k = Poisson.sample(lambda, r);
                sum += k;
                sq += (double) k * k;
            }
            double mean = sum / n;
            double var = sq / n - mean * mean;
            assertEquals(lambda, mean, 5 * Math.sqrt(lambda / n), "mean at " + lambda);
            assertEquals(1, var / lambda, 0.03, "variance at " + lambda);
        }
        assertEquals(Math.log(24), Poisson.logGamma(5), 1e-12);
        assertEquals(Math.log(3628800), Poisson.logGamma(11), 1e-10);
    }

    @Test
    void eightBitQuantisationRoundsToLevelsAndClamps() {
        float[] v = {-0.2f, 0f, 0.5f, 0.50196f, 1.7f, 0.001f};
        Renderer.quantiseInPlace(v, 8);
        for (float x : v) {
            assertEquals(Math.round(x * 255), x * 255, 1e-4);
            assertTrue(x >= 0 && x <= 1);
        }
        assertEquals(0f, v[0]);
        assertEquals(1f, v[4]);
        assertEquals(128 / 255f, v[2]);
    }

    @Test
    void badConfigurationIsRefusedNamingTheValue() {
        assertMessage(() -> Light.of(0, 0, 0), "light direction (0.0, 0.0, 0.0): expected a non-zero vector");
        assertMessage(() -> Light.of(Double.NaN, 0, 1), "expected finite components");
        assertMessage(() -> new Light(0, 0, 1, -1), "light intensity=-1.0: expected a finite irradiance >= 0");
        assertMessage(() -> RenderOptions.defaults().withBits(17), "bits=17: expected 0 (no quantisation) to 16");
        assertMessage(() -> RenderOptions.defaults().withAmbient(-0.1), "ambient=-0.1");
        assertMessage(() -> new SensorNoise(-1, 0), "sensor gain=-1.0");
        assertMessage(() -> new SensorNoise(0, Double.POSITIVE_INFINITY), "sensor readNoise=Infinity");
        assertMessage(() -> SensorNoise.atIso(10), "iso=10.0: expected an ISO setting from 50 to 409600");
        assertMessage(() -> Specular.blinnPhong(0.5, 0.5), "Blinn-Phong shininess=0.5");
        assertMessage(() -> Specular.blinnPhong(-1, 10), "Blinn-Phong strength=-1.0");
        assertMessage(() -> Specular.cookTorrance(1, 0, 0.04), "Cook-Torrance roughness=0.0");
        assertMessage(() -> Specular.cookTorrance(1, 0.3, 2), "Cook-Torrance f0=2.0");
        assertMessage(() -> Specular.cookTorrance(-1, 0.3, 0.04), "Cook-Torrance strength=-1.0");
        assertMessage(() -> Surface.pixels(0, 5), "image size 0x5: expected at least 1x1");
        assertMessage(() -> Surface.pixels(5000, 5000), "image size 5000x5000 (25000000 pixels): expected at most 16777216");
        assertMessage(() -> Scenes.named("bunny", 32, 1), "scene 'bunny': expected one of [sphere, bumps, vase]");
        assertMessage(() -> Scenes.sphere(4, 0.5f), "scene size=4: expected 8 to 4096");
        assertMessage(() -> Scenes.sphere(16, 1.5f), "albedo=1.5");
        assertMessage(() -> Surface.fromHeights(4, 4, new float[15], new float[16], new boolean[16]), "heights has 15 values: expected 16");
        assertMessage(() -> Surface.fromHeights(4, 4, new float[16], new float[16], new boolean[3]), "mask has 3 values: expected 16");
        boolean[] all = new boolean[4];
        java.util.Arrays.fill(all, true);
        assertMessage(() -> Surface.of(2, 2, new float[4], new float[12], new float[4], all), "has length 0.0: expected unit normals");
        assertMessage(() -> Renderer.quantiseInPlace(new float[1], -1), "bits=-1");
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
