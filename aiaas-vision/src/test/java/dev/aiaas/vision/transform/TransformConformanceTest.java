package dev.aiaas.vision.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aiaas.vision.image.Image;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance harness every transform passes (as {@code LayerConformanceTest} for layers): the
 * output's shape and range, determinism under a seed (also when run on several threads at once),
 * different seeds giving different outputs for random transforms, identity parameters giving the
 * identity, and boxes and masks following the image. Every step of {@link PipelineSpec} has a case
 * ({@link #everyPipelineStepHasACase}), and the factory-only transforms are added.
 */
class TransformConformanceTest {

    static final int C = 3;
    static final int H = 40;
    static final int W = 56;

    /**
     * A transform under test.
     *
     * @param name        for messages
     * @param transform   the transform with random parameters
     * @param identity    the same transform with identity parameters, or null where it has none
     * @param shape       the expected output shape {c, h, w} for the {@code C x H x W} input, or null when random
     * @param unitRange   whether outputs stay in [0, 1]
     * @param geometric   whether boxes and masks move (else they must be unchanged)
     * @param random      whether different seeds give different outputs
     * @param boxSlack    pixels a box may be off from the picture's bright region and the mask's region;
     *                    negative: {@code -slack} against the mask alone
     */
    record Case(String name, Transform transform, Transform identity, int[] shape, boolean unitRange, boolean geometric,
            boolean random, double boxSlack) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case spec(String random, String identity, int[] shape, boolean unit, boolean geometric, boolean isRandom, double slack) {
        return new Case(random, PipelineSpec.parse(random), identity == null ? null : PipelineSpec.parse(identity), shape, unit,
                geometric, isRandom, slack);
    }

    static final int[] SAME = {C, H, W};

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(spec("resize:20", "resize:40:56", new int[] {C, 20, 28}, true, true, false, 1.5));
        c.add(spec("resize:30:30:nearest", "resize:40:56:nearest", new int[] {C, 30, 30}, true, true, false, 1.5));
        c.add(spec("resize:80:100:bicubic", "resize:40:56:bicubic", new int[] {C, 80, 100}, false, true, false, 2.5));
        c.add(spec("resize:17:23:area", "resize:40:56:area", new int[] {C, 17, 23}, true, true, false, 1.5));
        c.add(spec("resize:17:23:antialias", "resize:40:56:antialias", new int[] {C, 17, 23}, true, true, false, 1.5));
        c.add(spec("center-crop:24:30", "center-crop:40:56", new int[] {C, 24, 30}, true, true, false, 0));
        c.add(spec("center-crop:50", null, new int[] {C, 50, 50}, true, true, false, 0));
        c.add(spec("random-crop:24:30", "random-crop:40:56", new int[] {C, 24, 30}, true, true, true, 0));
        c.add(spec("random-resized-crop:32", null, new int[] {C, 32, 32}, true, true, true, 3.5));
        c.add(spec("pad:4:reflect", "pad:0", new int[] {C, H + 8, W + 8}, true, true, false, 0));
        c.add(spec("pad:3", null, new int[] {C, H + 6, W + 6}, true, true, false, 0));
        c.add(spec("hflip:1", "hflip:0", SAME, true, true, false, 0));
        c.add(spec("hflip", "hflip:0", SAME, true, true, true, 0));
        c.add(spec("vflip:1", "vflip:0", SAME, true, true, false, 0));
        c.add(spec("rotate:30", "rotate:0", SAME, true, true, true, 2.0));
        c.add(spec("affine:20:0.1:0.8:1.2:10", "affine:0:0:1:1:0", SAME, true, true, true, 2.5));
        c.add(spec("perspective:0.5:1", "perspective:0.5:0", SAME, true, true, true, 2.0));
        c.add(spec("jitter:0.5:0.5:0.5:0.2", "jitter:0:0:0:0", SAME, true, false, true, 0));
        c.add(spec("grayscale", "grayscale:0", SAME, true, false, false, 0));
        c.add(spec("blur:5", "blur:1", SAME, true, false, true, 0));
        c.add(spec("sharpness:2:1", "sharpness:1:1", SAME, true, false, false, 0));
        c.add(spec("posterize:3:1", "posterize:8:1", SAME, true, false, false, 0));
        c.add(spec("solarize:0.5:1", "solarize:0.5:0", SAME, true, false, false, 0));
        c.add(spec("autocontrast:1", "autocontrast:0", SAME, true, false, false, 0));
        c.add(spec("equalize:1", "equalize:0", SAME, true, false, false, 0));
        c.add(spec("invert:1", "invert:0", SAME, true, false, false, 0));
        c.add(spec("erase:1", "erase:0", SAME, true, false, true, 0));
        c.add(spec("shadow:0.7:3:1", "shadow:0.7:3:0", SAME, true, false, true, 0));
        c.add(spec("highlight:0.6:1", "highlight:0:1", SAME, true, false, true, 0));
        c.add(spec("noise:3200:1", "noise:3200:0", SAME, true, false, true, 0));
        // the policies' colour steps may wipe the picture out (solarize turns black and white into black):
        // their boxes are checked against the mask alone (boxSlack < 0)
        c.add(spec("randaugment:2:9", null, SAME, true, true, true, -2.5));
        c.add(spec("randaugment:1:0", null, SAME, true, true, true, -2.5));
        c.add(spec("trivialaugment", null, SAME, true, true, true, -2.5));
        c.add(spec("normalize", "normalize:0:1", SAME, false, false, false, 0));
        c.add(spec("random-resized-crop:32,hflip,jitter:0.4:0.4:0.4:0.1", null, new int[] {C, 32, 32}, true, true, true, 3.5));
        c.add(new Case("randomApply(0.5, vflip)", Transforms.randomApply(0.5, Transforms.verticalFlip(1)),
                Transforms.randomApply(0, Transforms.verticalFlip(1)), SAME, true, true, true, 0));
        c.add(new Case("randomChoice(hflip, vflip)", Transforms.randomChoice(List.of(Transforms.horizontalFlip(1), Transforms.verticalFlip(1))),
                null, SAME, true, true, true, 0));
        c.add(new Case("rotation nearest", Transforms.rotation(-45, 45, Interpolation.NEAREST, 0f),
                Transforms.rotation(0, 0, Interpolation.NEAREST, 0f), SAME, true, true, true, 2.0));
        c.add(new Case("grayscale(1)", Transforms.grayscale(1), null, new int[] {1, H, W}, true, false, false, 0));
        return c;
    }

    static Stream<Case> allCases() {
        return cases().stream();
    }

    /** A textured test image on 8-bit levels. */
    static Image textured(long seed) {
        Random r = new Random(seed);
        float[] a = new float[C * H * W];
        for (int ch = 0; ch < C; ch++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double v = 0.5 + 0.25 * Math.sin(0.2 * x + ch) * Math.cos(0.15 * y) + 0.03 * r.nextGaussian();
                    a[(ch * H + y) * W + x] = Math.round(Math.min(1, Math.max(0, v)) * 255) / 255f;
                }
            }
        }
        return Image.of(C, H, W, a);
    }

    static final Box RECT = new Box(12, 8, 30, 22);

    /** Black, with a white rectangle exactly over {@link #RECT}; its mask marks the same pixels. */
    static Sample rectangleSample() {
        float[] a = new float[C * H * W];
        float[] m = new float[H * W];
        for (int y = (int) RECT.y1(); y < RECT.y2(); y++) {
            for (int x = (int) RECT.x1(); x < RECT.x2(); x++) {
                for (int ch = 0; ch < C; ch++) {
                    a[(ch * H + y) * W + x] = 1f;
                }
                m[y * W + x] = 1f;
            }
        }
        return new Sample(Image.of(C, H, W, a), List.of(RECT), Image.of(1, H, W, m));
    }

    @Test
    void everyPipelineStepHasACase() {
        Set<String> covered = new HashSet<>();
        for (Case c : cases()) {
            for (String step : c.name().split(",")) {
                covered.add(step.split(":")[0]);
            }
        }
        for (String name : PipelineSpec.names()) {
            assertTrue(covered.contains(name), "no conformance case for pipeline step '" + name + "'");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void shapeAndRange(Case c) {
        Image in = textured(1);
        for (long seed = 0; seed < 8; seed++) {
            Image out = c.transform().apply(in, seed);
            if (c.shape() != null) {
                assertEquals(c.shape()[0], out.channels(), "channels");
                assertEquals(c.shape()[1], out.height(), "height");
                assertEquals(c.shape()[2], out.width(), "width");
            }
            float[] v = out.toChw();
            for (float f : v) {
                assertTrue(Float.isFinite(f), "a non-finite output");
                if (c.unitRange()) {
                    assertTrue(f >= 0f && f <= 1f, "output " + f + " outside [0, 1]");
                } else {
                    assertTrue(f >= -3f && f <= 3f, "output " + f + " far outside the input's range");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void theSameSeedGivesTheSameOutputOnAnyThread(Case c) throws Exception {
        Image in = textured(2);
        int n = 16;
        List<Image> sequential = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            sequential.add(c.transform().apply(in, 1000L + s));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Image>> parallel = new ArrayList<>();
            for (int s = n - 1; s >= 0; s--) {
                long seed = 1000L + s;
                parallel.add(0, pool.submit(() -> c.transform().apply(in, seed)));
            }
            for (int s = 0; s < n; s++) {
                assertEquals(sequential.get(s), parallel.get(s).get(), "seed " + (1000 + s));
            }
        } finally {
            pool.shutdownNow();
        }
        Set<Image> distinct = new HashSet<>(sequential);
        if (c.random()) {
            assertTrue(distinct.size() > 1, "16 seeds gave one output: the seed is not used");
        } else {
            assertEquals(1, distinct.size(), "a deterministic transform gave different outputs for different seeds");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void identityParametersGiveTheIdentity(Case c) {
        if (c.identity() == null) {
            return;
        }
        Sample s = rectangleSample();
        Image in = textured(3);
        for (long seed = 0; seed < 4; seed++) {
            Image out = c.identity().apply(in, seed);
            float[] a = in.toChw();
            float[] b = out.toChw();
            assertEquals(in.channels(), out.channels());
            assertEquals(a.length, b.length);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-6f, "sample " + i);
            }
            Sample o = c.identity().apply(s, seed);
            assertEquals(s.boxes(), o.boxes());
            assertEquals(s.mask(), o.mask());
        }
        // and the random version is not the identity for some seed (else the identity check proves nothing)
        boolean changed = false;
        for (long seed = 0; seed < 8 && !changed; seed++) {
            changed = !c.transform().apply(in, seed).equals(in);
        }
        assertTrue(changed, "the transform left the image unchanged for 8 seeds");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void boxesAndMasksFollowTheImage(Case c) {
        Sample s = rectangleSample();
        for (long seed = 0; seed < 12; seed++) {
            Sample o = c.transform().apply(s, seed);
            assertEquals(1, o.boxes().size());
            assertEquals(o.image().height(), o.mask().height());
            assertEquals(o.image().width(), o.mask().width());
            if (!c.geometric()) {
                assertEquals(s.boxes(), o.boxes(), "a colour transform moved the boxes");
                assertEquals(s.mask(), o.mask(), "a colour transform changed the mask");
                continue;
            }
            Box b = o.boxes().get(0);
            double[] image = brightRegion(o.image(), 0, midLevel(o.image()));
            double[] mask = brightRegion(o.mask(), 0, 0.5f);
            if (b.width() < 1 || b.height() < 1) {
                assertTrue(image == null || (image[2] - image[0]) * (image[3] - image[1]) <= 4,
                        "seed " + seed + ": the box left the image but the rectangle is still there");
                continue;
            }
            double slack = Math.abs(c.boxSlack());
            for (double[] region : c.boxSlack() < 0 ? new double[][] {mask} : new double[][] {image, mask}) {
                if (region == null) {
                    fail("seed " + seed + ": box " + b + " but no rectangle in the output");
                }
                String msg = "seed " + seed + ": box " + b + ", picture's region " + java.util.Arrays.toString(region);
                assertEquals(b.x1(), region[0], slack + 1e-9, msg);
                assertEquals(b.y1(), region[1], slack + 1e-9, msg);
                assertEquals(b.x2(), region[2], slack + 1e-9, msg);
                assertEquals(b.y2(), region[3], slack + 1e-9, msg);
            }
            // the mask stays a mask: nearest-neighbour resampling keeps it 0 or 1
            for (float v : o.mask().toChw()) {
                assertTrue(v == 0f || v == 1f, "mask value " + v);
            }
        }
    }

    /** Half way between the darkest and the brightest sample of channel 0 (colour steps change both). */
    static float midLevel(Image im) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int y = 0; y < im.height(); y++) {
            for (int x = 0; x < im.width(); x++) {
                min = Math.min(min, im.get(0, y, x));
                max = Math.max(max, im.get(0, y, x));
            }
        }
        return max > min ? (min + max) / 2 : 0.5f;
    }

    /** The pixel-edge bounding box {x1, y1, x2, y2} of the samples of channel {@code ch} above {@code t}, or null. */
    static double[] brightRegion(Image im, int ch, float t) {
        int x1 = Integer.MAX_VALUE;
        int y1 = Integer.MAX_VALUE;
        int x2 = -1;
        int y2 = -1;
        for (int y = 0; y < im.height(); y++) {
            for (int x = 0; x < im.width(); x++) {
                if (im.get(ch, y, x) > t) {
                    x1 = Math.min(x1, x);
                    y1 = Math.min(y1, y);
                    x2 = Math.max(x2, x + 1);
                    y2 = Math.max(y2, y + 1);
                }
            }
        }
        return x2 < 0 ? null : new double[] {x1, y1, x2, y2};
    }

    @Test
    void composeGivesEachStepItsOwnSeed() {
        Transform flip = Transforms.horizontalFlip(0.5);
        Transform both = Transforms.compose(flip, Transforms.verticalFlip(0.5));
        Image in = textured(4);
        // step 0 draws from Seeds.mix(seed, 0): adding a step after it changes nothing of it
        for (long seed = 0; seed < 16; seed++) {
            Image viaCompose = Transforms.compose(flip).apply(in, seed);
            assertEquals(flip.apply(in, Seeds.mix(seed, 0)), viaCompose);
            Image h = flip.apply(in, Seeds.mix(seed, 0));
            assertEquals(Transforms.verticalFlip(0.5).apply(h, Seeds.mix(seed, 1)), both.apply(in, seed));
        }
        assertFalse(Seeds.mix(1, 0) == Seeds.mix(1, 1));
        assertFalse(Seeds.mix(1, 0) == Seeds.mix(2, 0));
    }
}
