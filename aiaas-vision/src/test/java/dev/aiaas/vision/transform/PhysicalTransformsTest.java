package dev.aiaas.vision.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.vision.image.Image;
import org.junit.jupiter.api.Test;

/**
 * The image-formation model's augmentations as {@link Transform}s: each does what
 * {@link dev.aiaas.vision.formation.PhysicalAugment} does (shadows darken, highlights brighten, sensor
 * noise adds variance that grows with the ISO), and bad parameters are refused when the transform
 * is built, naming the value.
 */
class PhysicalTransformsTest {

    private static double mean(Image im) {
        double s = 0;
        for (float v : im.toChw()) {
            s += v;
        }
        return s / im.size();
    }

    private static double meanSquaredDifference(Image a, Image b) {
        float[] x = a.toChw();
        float[] y = b.toChw();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (x[i] - y[i]) * (x[i] - y[i]);
        }
        return s / x.length;
    }

    @Test
    void shadowsDarkenHighlightsBrightenNoiseGrowsWithIso() {
        Image in = Image.filled(3, 64, 80, 0.5f);
        assertTrue(mean(Transforms.castShadow(0.8, 2, 1).apply(in, 7)) < 0.49, "a shadow darkens");
        assertTrue(mean(Transforms.highlight(0.5, 1).apply(in, 7)) > 0.505, "a highlight brightens");
        double low = meanSquaredDifference(in, Transforms.sensorNoise(200, 1).apply(in, 7));
        double high = meanSquaredDifference(in, Transforms.sensorNoise(12_800, 1).apply(in, 7));
        assertTrue(low > 0 && high > 10 * low, "noise at ISO 200: " + low + ", at 12800: " + high);
        Image shadowed = Transforms.castShadow(0.8, 2, 1).apply(in, 7);
        boolean darkerSomewhere = false;
        float[] s = shadowed.toChw();
        for (int i = 0; i < s.length; i++) {
            assertTrue(s[i] <= 0.5f + 1e-6f && s[i] >= 0.5f * 0.2f - 1e-6f, "a shadow blocks at most 80% of the light: " + s[i]);
            darkerSomewhere |= s[i] < 0.45f;
        }
        assertTrue(darkerSomewhere);
    }

    @Test
    void badParametersAreRefusedWhenBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transforms.castShadow(1.5, 2, 1));
        assertTrue(e.getMessage().contains("strength=1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Transforms.castShadow(0.5, -1, 1));
        assertTrue(e.getMessage().contains("softness=-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Transforms.castShadow(0.5, 1, 2));
        assertTrue(e.getMessage().contains("p=2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Transforms.highlight(Double.NaN, 1));
        assertTrue(e.getMessage().contains("intensity=NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Transforms.sensorNoise(10, 1));
        assertTrue(e.getMessage().contains("iso=10"), e.getMessage());
        PipelineSpecException p = assertThrows(PipelineSpecException.class, () -> PipelineSpec.parse("noise:10"));
        assertTrue(p.getMessage().contains("iso=10") && p.getMessage().contains("noise[:ISO[:P]]"), p.getMessage());
    }
}
