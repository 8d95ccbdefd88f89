package dev.aiaas.vision.formation;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Shared, immutable inputs of the formation tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** k lights around the view axis, azimuths evenly spread (±10° jitter), elevations 35° to 65°, drawn from the seed. */
    static List<Light> ring(int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Light> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(Light.fromAngles(360.0 * i / k + r.nextDouble(-10, 10), r.nextDouble(35, 65)));
        }
        return out;
    }

    /** k low lights (elevation 25°), which make long cast shadows behind the bumps. */
    static List<Light> low(int k) {
        List<Light> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(Light.fromAngles(360.0 * i / k + 10, 25));
        }
        return out;
    }

    /** A flat plane at height 0, albedo {@code a}, {@code size × size}. */
    static Surface plane(int size, float a) {
        int n = size * size;
        float[] albedo = new float[n];
        boolean[] mask = new boolean[n];
        java.util.Arrays.fill(albedo, a);
        java.util.Arrays.fill(mask, true);
        return Surface.fromHeights(size, size, new float[n], albedo, mask);
    }
}
