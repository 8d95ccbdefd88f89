package dev.aiaas.vision.formation;

import static dev.aiaas.vision.formation.RendererPhysicsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The physical augmentations: each against the model it follows, deterministic under its seed. */
class PhysicalAugmentTest {

    @Test
    void relightingARenderGivesTheRenderUnderTheNewLight() {
        Surface sphere = Scenes.sphere(32, 0.7f);
        Light from = Light.fromAngles(0, 50);
        Light to = Light.fromAngles(120, 60);
        RenderOptions o = RenderOptions.defaults().withBits(0).withAmbient(0.3);
        float[] before = Renderer.render(sphere, List.of(from), o, 1);
        float[] expected = Renderer.render(sphere, List.of(to), o, 1);
        float[] relit = PhysicalAugment.relight(before, 32, 32, 1, sphere.normals(), from, to, 0.3);
        // with ambient 0.3 the ratio stays under its cap of 4 everywhere, so the relit image is the render
        for (int i = 0; i < relit.length; i++) {
            assertEquals(expected[i], relit[i], 1e-5, "pixel " + i);
        }
        // an RGB image is scaled alike in each channel
        float[] rgb = new float[3 * before.length];
        for (int i = 0; i < before.length; i++) {
            Arrays.fill(rgb, 3 * i, 3 * i + 3, before[i]);
        }
        float[] rgbRelit = PhysicalAugment.relight(rgb, 32, 32, 3, sphere.normals(), from, to, 0.3);
        assertEquals(relit[16 * 32 + 16], rgbRelit[3 * (16 * 32 + 16) + 2], 1e-6);
    }

    @Test
    void aCastShadowDarkensInsideByItsStrengthAndLeavesOutsideAlone() {
        float[] image = new float[20 * 10];
        Arrays.fill(image, 0.8f);
        Ellipse e = new Ellipse(10, 5, 4, 3, 0);
        float[] hard = PhysicalAugment.castShadow(image, 20, 10, 1, e, 0.75, 0);
        assertEquals(0.2f, hard[5 * 20 + 10], 1e-6);
        assertEquals(0.8f, hard[0], 1e-6);
        float[] soft = PhysicalAugment.castShadow(image, 20, 10, 1, e, 0.75, 4);
        assertTrue(soft[5 * 20 + 13] > hard[5 * 20 + 13] && soft[5 * 20 + 13] < 0.8f, "penumbra at the outline");
        assertArrayEquals(PhysicalAugment.castShadow(image, 20, 10, 1, 0.5, 2, 7), PhysicalAugment.castShadow(image, 20, 10, 1, 0.5, 2, 7));
        assertTrue(!Arrays.equals(PhysicalAugment.castShadow(image, 20, 10, 1, 0.5, 2, 7),
                PhysicalAugment.castShadow(image, 20, 10, 1, 0.5, 2, 8)));
        assertEquals(0.8f, image[5 * 20 + 10], "the input is not changed");
    }

    @Test
    void aHighlightAddsAGaussianLobeAndSaturates() {
        float[] image = new float[16 * 16];
        Arrays.fill(image, 0.3f);
        float[] lit = PhysicalAugment.addHighlight(image, 16, 16, 1, new Ellipse(8, 8, 2, 2, 0), 0.5);
        assertEquals(0.8f, lit[8 * 16 + 8], 1e-6);
        assertEquals(0.3 + 0.5 * Math.exp(-0.5), lit[8 * 16 + 10], 1e-6, "one standard deviation away");
        float[] saturated = PhysicalAugment.addHighlight(image, 16, 16, 1, new Ellipse(8, 8, 2, 2, 0), 2);
        assertEquals(1f, saturated[8 * 16 + 8]);
        assertArrayEquals(PhysicalAugment.addHighlight(image, 16, 16, 1, 0.4, 3), PhysicalAugment.addHighlight(image, 16, 16, 1, 0.4, 3));
    }

    @Test
    void sensorNoiseAtAnIsoIsSeededAndGrowsWithTheIso() {
        float[] image = new float[64 * 64];
        Arrays.fill(image, 0.4f);
        float[] a = PhysicalAugment.sensorNoise(image, 64, 64, 1, 1600, 5);
        assertArrayEquals(a, PhysicalAugment.sensorNoise(image, 64, 64, 1, 1600, 5));
        assertTrue(variance(a) > 4 * variance(PhysicalAugment.sensorNoise(image, 64, 64, 1, 200, 5)));
        // ISO 1600: gain 0.004, read noise 0.012: variance 0.004 · 0.4 + 0.012²
        assertEquals(1, variance(a) / (0.004 * 0.4 + 0.012 * 0.012), 0.08);
    }

    private static double variance(float[] v) {
        double m = 0;
        for (float x : v) {
            m += x;
        }
        m /= v.length;
        double s = 0;
        for (float x : v) {
            s += (x - m) * (x - m);
        }
        return s / (v.length - 1);
    }

    @Test
    void badArgumentsAreRefusedNamingThem() {
        float[] image = new float[12];
        assertMessage(() -> PhysicalAugment.castShadow(image, 2, 2, 2, 0.5, 1, 1), "image has 12 values: expected 8 (2x2x2, HWC)");
        assertMessage(() -> PhysicalAugment.castShadow(image, 2, 2, 3, 1.5, 1, 1), "shadow strength=1.5");
        assertMessage(() -> PhysicalAugment.castShadow(image, 2, 2, 3, 0.5, -1, 1), "shadow softness=-1.0");
        assertMessage(() -> PhysicalAugment.addHighlight(image, 2, 2, 3, -1, 1), "highlight intensity=-1.0");
        assertMessage(() -> PhysicalAugment.sensorNoise(image, 2, 2, 5, 800, 1), "channels=5: expected 1 to 4");
        assertMessage(() -> PhysicalAugment.relight(image, 2, 2, 3, new float[3], Light.of(0, 0, 1), Light.of(0, 0, 1), 0),
                "normals has 3 values: expected 12");
        assertMessage(() -> PhysicalAugment.relight(image, 2, 2, 3, new float[12], Light.of(0, 0, 1), Light.of(0, 0, 1), -1), "ambient=-1.0");
        assertMessage(() -> new Ellipse(0, 0, 0, 1, 0), "ellipse radii 0.0, 1.0");
        assertMessage(() -> new Ellipse(Double.NaN, 0, 1, 1, 0), "expected finite values");
    }
}
