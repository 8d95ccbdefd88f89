package dev.aiaas.vision.formation;

import static dev.aiaas.vision.formation.RendererPhysicsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Photometric stereo, normal integration and the intrinsic split on inputs whose answers are known by hand. */
class StereoAndIntegrationTest {

    @Test
    void threeLightsDetermineAPixelExactly() {
        // one pixel, b = ρn = 0.5 · (0.6, 0, 0.8): I_i = l_i · b
        List<Light> lights = List.of(Light.of(1, 0, 1), Light.of(0, 1, 1), Light.of(-1, -1, 2));
        double[] b = {0.3, 0, 0.4};
        float[][] images = new float[3][1];
        for (int i = 0; i < 3; i++) {
            Light l = lights.get(i);
            images[i][0] = (float) (l.x() * b[0] + l.y() * b[1] + l.z() * b[2]);
        }
        StereoResult r = PhotometricStereo.solve(images, 1, 1, lights, StereoOptions.defaults());
        assertEquals(0.5, r.albedo()[0], 1e-6);
        assertEquals(0.6, r.normals()[0], 1e-6);
        assertEquals(0.0, r.normals()[1], 1e-6);
        assertEquals(0.8, r.normals()[2], 1e-6);
        assertEquals(3, r.observations()[0]);
        // light intensities divide out: twice the light, the same albedo
        List<Light> bright = lights.stream().map(l -> new Light(l.x(), l.y(), l.z(), 2)).toList();
        float[][] doubled = {{2 * images[0][0]}, {2 * images[1][0]}, {2 * images[2][0]}};
        assertEquals(0.5, PhotometricStereo.solve(doubled, 1, 1, bright, StereoOptions.defaults()).albedo()[0], 1e-6);
    }

    @Test
    void blackInEveryImageIsBackground() {
        float[][] images = {{0, 0.2f}, {0, 0.3f}, {0, 0.1f}};
        StereoResult r = PhotometricStereo.solve(images, 2, 1, Fixtures.ring(3, 1), StereoOptions.defaults());
        assertTrue(!r.mask()[0] && r.mask()[1]);
        assertEquals(0f, r.albedo()[0]);
        assertEquals(0f, r.normals()[0]);
        StereoResult noisy = PhotometricStereo.solve(images, 2, 1, Fixtures.ring(3, 1), StereoOptions.defaults().withBlackLevel(0.35));
        assertTrue(!noisy.mask()[1], "nothing above the black level: background");
    }

    @Test
    void badStereoInputIsRefusedNamingIt() {
        List<Light> three = Fixtures.ring(3, 1);
        assertMessage(() -> PhotometricStereo.solve(new float[2][4], 2, 2, three.subList(0, 2), StereoOptions.defaults()),
                "2 images: photometric stereo needs 3 to 1024 images");
        assertMessage(() -> PhotometricStereo.solve(new float[3][4], 2, 2, Fixtures.ring(4, 1), StereoOptions.defaults()),
                "3 images but 4 lights: expected one light per image");
        assertMessage(() -> PhotometricStereo.solve(new float[][] {new float[4], new float[4], new float[5]}, 2, 2, three,
                StereoOptions.defaults()), "image 2 has 5 values: expected 4 (2x2, as the others)");
        assertMessage(() -> StereoOptions.defaults().withBlackLevel(1), "blackLevel=1.0");
        assertMessage(() -> StereoOptions.defaults().withOutlierThreshold(0), "outlierThreshold=0.0");
        assertMessage(() -> new StereoOptions(0, -0.1, 0.05, 3), "shadowThreshold=-0.1");
        assertMessage(() -> new StereoOptions(0, 0.02, 0.05, 2), "minObservations=2: expected at least 3");
        assertMessage(() -> PhotometricStereo.meanAngularErrorDegrees(new float[6], new float[6], new boolean[3]), "expected 3n, 3n and n");
        assertMessage(() -> NormalIntegration.heights(new float[5], new boolean[2], 2, 1), "expected 6 and 2 (2x1)");
        assertMessage(() -> Intrinsic.retinex(new float[4], 2, 2, 0), "threshold=0.0");
    }

    @Test
    void integrationRecoversARampAndAParaboloidExactly() {
        int w = 16;
        int h = 12;
        int n = w * h;
        boolean[] mask = new boolean[n];
        java.util.Arrays.fill(mask, true);
        mask[5 * w + 7] = false;
        float[] z = new float[n];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                z[r * w + c] = mask[r * w + c] ? 0.3f * c - 0.2f * r + 0.02f * (c - 8) * (c - 8) : 0;
            }
        }
        float[] right = new float[n];
        float[] down = new float[n];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                int i = r * w + c;
                right[i] = c + 1 < w ? z[i + 1] - z[i] : 0;
                down[i] = r + 1 < h ? z[i + w] - z[i] : 0;
            }
        }
        float[] got = NormalIntegration.integrate(right, down, mask, w, h);
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += mask[i] ? z[i] : 0;
        }
        mean /= n - 1;
        for (int i = 0; i < n; i++) {
            assertEquals(mask[i] ? z[i] - mean : 0, got[i], 1e-4, "pixel " + i);
        }
    }

    @Test
    void retinexSeparatesACheckerboardFromSmoothShading() {
        // a shallow dome lit from the front: smooth shading; albedo tiles of 0.4 and 0.8
        int size = 48;
        int n = size * size;
        float[] z = new float[n];
        float[] albedo = new float[n];
        boolean[] mask = new boolean[n];
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                int i = r * size + c;
                double dx = c - size / 2.0;
                double dy = r - size / 2.0;
                z[i] = (float) (-(dx * dx + dy * dy) / 80);
                albedo[i] = ((r / 12 + c / 12) & 1) == 0 ? 0.8f : 0.4f;
                mask[i] = true;
            }
        }
        Surface s = Surface.fromHeights(size, size, z, albedo, mask);
        float[] image = Renderer.render(s, List.of(Light.fromAngles(30, 70)), RenderOptions.defaults().withBits(0), 1);
        IntrinsicImages split = Intrinsic.retinex(image, size, size, 0.1);
        double dark = 0;
        double light = 0;
        for (int i = 0; i < n; i++) {
            // albedo known up to scale: 0.8 is reported as 1 (measured: within 0.03 everywhere)
            assertEquals(albedo[i] / 0.8, split.albedo()[i], 0.05, "albedo at pixel " + i);
            dark += albedo[i] < 0.5 ? split.albedo()[i] : 0;
            light += albedo[i] > 0.5 ? split.albedo()[i] : 0;
            assertEquals(image[i], split.albedo()[i] * split.shading()[i], 1e-5);
        }
        // as many pixels of each tile: the mean ratio is the albedos' 0.4 / 0.8
        assertEquals(0.5, dark / light, 0.01);
        // a step taken for shading instead (threshold above the step) leaves the albedo flat
        IntrinsicImages none = Intrinsic.retinex(image, size, size, 5);
        assertEquals(1f, none.albedo()[0], 1e-6);
        assertEquals(1f, none.albedo()[12], 1e-6);
    }
}
