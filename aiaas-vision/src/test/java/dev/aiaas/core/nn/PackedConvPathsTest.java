package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import dev.aiaas.vision.nn.ConvLayers;
import dev.aiaas.vision.nn.Networks;
import dev.aiaas.vision.nn.Padding;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The packed path's three ways of running a convolution ({@code -Daiaas.packed.conv}): patch
 * matrices for the dense kernel ({@code patches}, {@link PackedPlan.PatchStep}), patches read in
 * place through a tap table ({@code direct}, {@link PackedPlan.DirectStep}) and a zero-padded
 * copy of the input in tiles of an output row ({@code padded}, the default,
 * {@link PackedPlan.PaddedStep}). Each gives the model's own outputs, and the others', within
 * float32 reassociation, for strides 1 and 2, same and valid padding, dilation, one and many
 * input channels (planar and channels last), odd sizes, batches of 1 to 37; a layer the padded
 * kernel has no blocks for (more than 64 filters, a stride of 2 over a planar image, a kernel that
 * does not convolve) falls back to the direct step or the patches; and the padded path allocates
 * nothing per call. In the core's package, to see the plan (a test of aiaas-vision: the layers
 * live here).
 */
class PackedConvPathsTest {

    private static DenseKernel vector() {
        assumeTrue(DenseKernels.VECTOR.isPresent(), "the Vector API kernel: " + DenseKernels.UNAVAILABLE);
        DenseKernel k = DenseKernels.VECTOR.get();
        assumeTrue(k.convolves(), k.describe() + " does not convolve in place");
        return k;
    }

    /** The plan's step types for {@code mode} ({@code patches}, {@code direct} or {@code padded}). */
    private static List<String> steps(Model m, DenseKernel k, String mode) {
        return withMode(mode, () -> Arrays.stream(PackedPlan.of(m, k).steps).map(s -> s.getClass().getSimpleName()).toList());
    }

    private static <T> T withMode(String mode, Supplier<T> body) {
        return withProperty(PackedPlan.CONV_PROPERTY, mode, body);
    }

    /** {@code body} with the system property {@code key} set to {@code value}, then as it was. */
    private static <T> T withProperty(String key, String value, Supplier<T> body) {
        String before = System.getProperty(key);
        System.setProperty(key, value);
        try {
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    private static void randomise(Model m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        INDArray p = m.parameters();
        float[] v = new float[(int) p.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() - 0.5);
        }
        for (long[] s : m.stateSlices()) { // batch norms: [mean C, var C], the variances positive
            long half = (s[1] - s[0]) / 2;
            for (long i = s[0] + half; i < s[1]; i++) {
                v[(int) i] = (float) (0.5 + r.nextDouble());
            }
        }
        p.assign(Nd4j.createFromArray(v).reshape(p.shape()));
    }

    /** Each mode's predictor against the model's forward pass and against the patches' outputs, at batches 1, 5 and 37. */
    private static void assertModesAgree(Model m, DenseKernel k, String what) {
        randomise(m, 7);
        int inputs = (int) m.inputShape()[0];
        SplittableRandom r = new SplittableRandom(3);
        for (int batch : new int[] {1, 5, 37}) {
            float[] x = new float[batch * inputs];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble(-1, 1);
            }
            INDArray want = m.predict(Nd4j.createFromArray(x).reshape(batch, inputs));
            float[] ref = want.dup('c').data().asFloat();
            double tol = 2e-5 * (1 + want.amaxNumber().doubleValue());
            float[] patches = null;
            for (String mode : new String[] {"patches", "direct", "padded"}) {
                float[] got;
                try (Predictor p = withMode(mode, () -> Predictor.of(m, k))) {
                    got = p.predict(x);
                }
                for (int i = 0; i < ref.length; i++) {
                    assertEquals(ref[i], got[i], tol, what + ", " + mode + ", batch " + batch + ", value " + i);
                    if (patches != null) {
                        assertEquals(patches[i], got[i], tol, what + ", " + mode + " against patches, batch " + batch + ", value " + i);
                    }
                }
                if (patches == null) {
                    patches = got;
                }
            }
        }
    }

    private static Model.Builder image(int c, int h, int w) {
        return Model.builder((long) c * h * w).add(ConvLayers.unflatten(c, h, w)).seed(1);
    }

    @Test
    void everyGeometryGivesTheModelsOutputsInEveryMode() {
        DenseKernel k = vector();
        record Case(String what, Model.Builder model, String expected) {
        }
        List<Case> cases = List.of(
                // one channel (planar = channels last), stride 1, same padding, odd sizes: a padded step of stride 1
                new Case("1ch 13x11 same", image(1, 13, 11).add(ConvLayers.conv2d(8, 3).withPadding(Padding.same()))
                        .add(Layers.relu()).add(ConvLayers.flatten()), "PaddedStep"),
                // three planar channels, stride 1: padded (kernel rows of each plane)
                new Case("3ch planar 9x11 same", image(3, 9, 11).add(ConvLayers.conv2d(16, 3).withPadding(Padding.same()))
                        .add(ConvLayers.flatten()).add(Layers.dense(5)), "PaddedStep"),
                // channels last after a convolution: 16 -> 32 same, stride 1 and 2, valid, dilation, 1x1 stride 2
                new Case("16 -> 32 same", image(2, 11, 9).add(ConvLayers.conv2d(16, 3).withPadding(Padding.same()))
                        .add(ConvLayers.conv2d(32, 3).withPadding(Padding.same()).withBias(false)).add(ConvLayers.batchNorm2d())
                        .add(Layers.relu()).add(ConvLayers.flatten()), "PaddedStep"),
                new Case("16 -> 32 stride 2", image(2, 11, 9).add(ConvLayers.conv2d(16, 3).withPadding(Padding.same()))
                        .add(ConvLayers.conv2d(32, 3).withStride(2).withPadding(Padding.of(1))).add(ConvLayers.flatten()), "PaddedStep"),
                new Case("16 -> 64 valid", image(1, 10, 12).add(ConvLayers.conv2d(16, 3))
                        .add(ConvLayers.conv2d(64, 3)).add(ConvLayers.flatten()).add(Layers.dense(3)), "PaddedStep"),
                new Case("16 -> 48 dilation 2", image(1, 12, 12).add(ConvLayers.conv2d(16, 3))
                        .add(ConvLayers.conv2d(48, 3).withDilation(2, 2)).add(ConvLayers.flatten()), "PaddedStep"),
                new Case("32 -> 32 1x1 stride 2", image(1, 9, 9).add(ConvLayers.conv2d(32, 3))
                        .add(ConvLayers.conv2d(32, 1).withStride(2)).add(ConvLayers.flatten()), "PaddedStep"));
        for (Case c : cases) {
            try (Model m = c.model.build()) {
                List<String> padded = steps(m, k, "padded");
                assertTrue(padded.stream().filter(s -> s.endsWith("Step") && (s.startsWith("Padded") || s.startsWith("Direct")
                        || s.startsWith("Patch"))).allMatch(s -> s.equals(c.expected)), c.what + ": " + padded);
                assertTrue(steps(m, k, "patches").stream().noneMatch(s -> s.equals("PaddedStep") || s.equals("DirectStep")), c.what);
                assertTrue(steps(m, k, "direct").stream().noneMatch(s -> s.equals("PaddedStep") || s.equals("PatchStep")), c.what);
                assertModesAgree(m, k, c.what);
            }
        }
    }

    @Test
    void layersThePaddedKernelHasNoBlocksForFallBack() {
        DenseKernel k = vector();
        // 80 filters (more than 4 vectors), a planar image at stride 2 (bases 2 apart): the direct step
        try (Model m = image(1, 9, 9).add(ConvLayers.conv2d(16, 3)).add(ConvLayers.conv2d(80, 3).withPadding(Padding.same()))
                .add(ConvLayers.flatten()).build()) {
            List<String> s = steps(m, k, "padded");
            assertEquals(List.of("PaddedStep", "DirectStep", "GatherStep"), s);
            assertModesAgree(m, k, "16 -> 80");
        }
        try (Model m = image(3, 9, 11).add(ConvLayers.conv2d(5, 3).withStride(2).withPadding(Padding.of(1)))
                .add(ConvLayers.flatten()).build()) {
            assertEquals("DirectStep", steps(m, k, "padded").get(0));
            assertModesAgree(m, k, "3ch planar stride 2");
        }
        // a kernel that does not convolve in place: patch matrices for its dense kernel
        DenseKernel plain = new DenseKernel() {
            @Override
            public int panel() {
                return k.panel();
            }

            @Override
            public int lanes() {
                return k.lanes();
            }

            @Override
            public String describe() {
                return "no convolve";
            }

            @Override
            public void forward(float[] x, int xOff, int ldx, int rows, int in, float[] w, float[] bias, int units, boolean relu, float[] y,
                    int yOff, int ldy, int panelFrom, int panelTo) {
                k.forward(x, xOff, ldx, rows, in, w, bias, units, relu, y, yOff, ldy, panelFrom, panelTo);
            }

            @Override
            public void activate(DenseKernel.Fn f, float alpha, float[] y, int yOff, int rows, int cols, int ldy) {
                k.activate(f, alpha, y, yOff, rows, cols, ldy);
            }

            @Override
            public void softmax(float[] y, int yOff, int rows, int cols, int ldy) {
                k.softmax(y, yOff, rows, cols, ldy);
            }

            @Override
            public void layerNorm(float[] y, int yOff, int rows, int cols, int ldy, float[] gamma, float[] beta, float epsilon) {
                k.layerNorm(y, yOff, rows, cols, ldy, gamma, beta, epsilon);
            }

            @Override
            public void scaleShift(float[] y, int yOff, int rows, int cols, int ldy, float[] scale, float[] shift) {
                k.scaleShift(y, yOff, rows, cols, ldy, scale, shift);
            }
        };
        try (Model m = Networks.cnn(1, 28, 28, 10).seed(1).build()) {
            List<String> s = steps(m, plain, "padded");
            assertEquals(4, s.stream().filter(x -> x.equals("PatchStep")).count(), s.toString());
            List<String> v = withPools("none", () -> steps(m, k, "padded"));
            assertEquals(4, v.stream().filter(x -> x.equals("PaddedStep")).count(), v.toString());
        }
    }

    @Test
    void anotherSettingIsRefusedWithTheChoices() {
        DenseKernel k = vector();
        try (Model m = image(1, 6, 6).add(ConvLayers.conv2d(4, 3)).add(ConvLayers.flatten()).build()) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> withMode("im2col", () -> PackedPlan.of(m, k)));
            assertTrue(e.getMessage().contains("aiaas.packed.conv=im2col") && e.getMessage().contains("padded, direct or patches"),
                    e.getMessage());
            IllegalArgumentException f = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> withPools("pools", () -> PackedPlan.of(m, k)));
            assertTrue(f.getMessage().contains("aiaas.packed.fuse=pools") && f.getMessage().contains("all or none"), f.getMessage());
        }
    }

    @Test
    void theNetworksRunPaddedAndAgree() {
        DenseKernel k = vector();
        try (Model m = Networks.cnn(1, 28, 28, 10).seed(1).build()) {
            assertModesAgree(m, k, "cnn");
        }
        try (Model m = Networks.resnetSmall(3, 16, 16, 10).seed(1).build()) {
            List<String> s = steps(m, k, "padded");
            assertEquals(9, withPools("none", () -> steps(m, k, "padded")).stream().filter(x -> x.equals("PaddedStep")).count(),
                    s.toString()); // stem, 2 per block, 2 shortcuts (each block's first fused into its second by default)
            assertModesAgree(m, k, "resnet");
        }
    }

    /** The padded and direct steps at batches 16 and 1: (almost) no heap per call, as the dense path (PredictorTest). */
    @Test
    void thePaddedPathAllocatesNothingPerCall() {
        DenseKernel k = vector();
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb && tb.isThreadAllocatedMemorySupported()
                && tb.isThreadAllocatedMemoryEnabled(), "per-thread allocation accounting");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        // the ResNet (padded steps, fused adds) and a direct step (80 filters) after a padded one
        for (Model.Builder b : List.of(Networks.resnetSmall(1, 12, 12, 10).seed(1), Networks.cnn(1, 12, 12, 10).seed(1),
                image(1, 12, 12).add(ConvLayers.conv2d(16, 3)).add(ConvLayers.conv2d(80, 3).withPadding(Padding.same()))
                        .add(ConvLayers.globalAvgPool()).add(Layers.dense(10)))) {
            allocatesNothingPerCall(b.build(), k, tb);
        }
    }

    private static void allocatesNothingPerCall(Model model, DenseKernel k, com.sun.management.ThreadMXBean tb) {
        try (Model m = model;
             Predictor p = withMode("padded", () -> Predictor.of(m, k))) {
            for (int batch : new int[] {16, 1}) {
                float[] x = new float[batch * 144];
                Arrays.fill(x, 0.25f);
                float[] y = new float[batch * 10];
                // the JIT compiles the large tile methods late (later still on a loaded machine; a tile that
                // runs a few times per call reaches C2's thresholds only after many calls), and the Vector API
                // boxes vectors in code it has not compiled yet: the least over windows is the steady state,
                // looked for over at least 30 windows and at most 60 s (a bound on the search, not a timing)
                for (int i = 0; i < 3000; i++) {
                    p.predict(x, y);
                }
                long id = Thread.currentThread().getId();
                int calls = 200;
                long least = Long.MAX_VALUE;
                long searchEnd = System.nanoTime() + 60_000_000_000L;
                for (int window = 0; least >= 16L * calls && (window < 30 || System.nanoTime() < searchEnd); window++) {
                    long before = tb.getThreadAllocatedBytes(id);
                    for (int i = 0; i < calls; i++) {
                        p.predict(x, y);
                    }
                    least = Math.min(least, tb.getThreadAllocatedBytes(id) - before);
                }
                assertTrue(least < 16L * calls, "heap bytes in " + calls + " calls at batch " + batch + ": " + least + " ("
                        + Arrays.stream(PackedPlan.of(m, k).steps).map(st -> st.getClass().getSimpleName()).toList() + ")");
            }
        }
    }

    /**
     * A max pool before a padded convolution writes into its padded buffer (one step, no
     * {@link PackedPlan.WindowStep}), and so does a padded convolution before another
     * ({@link PackedPlan.PaddedStep#before}); both give the model's outputs and exactly those of
     * the steps apart ({@code -Daiaas.packed.fuse=none}): the cnn (2×2 pools, two pairs of
     * convolutions), the ResNet (each block's first convolution into its second, with the add), a
     * 3×3 pool of stride 2 over odd sizes, a pool or a convolution before a stride-2 convolution,
     * three convolutions in a chain, valid padding and dilation; a mean pool, and a max pool or a
     * convolution before a direct step (80 filters), stay steps of their own.
     */
    @Test
    void poolsAndConvolutionsFuseIntoTheConvolutionAfterThem() {
        DenseKernel k = vector();
        record Case(String what, Model.Builder model, long windows, long separateWindows, long befores) {
        }
        List<Case> cases = List.of(
                new Case("cnn", Networks.cnn(1, 28, 28, 10).seed(1), 1, 2, 2), // the last pool precedes the dense layers
                new Case("resnet", Networks.resnetSmall(3, 16, 16, 10).seed(1), 1, 1, 3), // its global mean pool stays
                new Case("3x3 pool stride 2, odd", image(1, 13, 11).add(ConvLayers.conv2d(16, 3).withPadding(Padding.same()))
                        .add(ConvLayers.maxPool2d(3, 2)).add(ConvLayers.conv2d(32, 3).withPadding(Padding.same()))
                        .add(ConvLayers.flatten()), 0, 1, 0),
                new Case("pool then stride 2", image(2, 12, 12).add(ConvLayers.conv2d(16, 3))
                        .add(ConvLayers.maxPool2d(2)).add(ConvLayers.conv2d(32, 3).withStride(2).withPadding(Padding.of(1)))
                        .add(ConvLayers.flatten()), 0, 1, 0),
                new Case("chain of three, odd, stride 2 last", image(1, 13, 11).add(ConvLayers.conv2d(16, 3).withPadding(Padding.same()))
                        .add(Layers.relu()).add(ConvLayers.conv2d(32, 3)).add(ConvLayers.conv2d(64, 3).withStride(2)
                                .withPadding(Padding.of(1))).add(ConvLayers.flatten()).add(Layers.dense(4)), 0, 0, 2),
                new Case("dilation after valid", image(2, 12, 12).add(ConvLayers.conv2d(32, 3))
                        .add(ConvLayers.conv2d(16, 3).withDilation(2, 2).withPadding(Padding.same())).add(ConvLayers.flatten()), 0, 0, 1),
                new Case("mean pool", image(1, 12, 12).add(ConvLayers.conv2d(16, 3)).add(ConvLayers.avgPool2d(2))
                        .add(ConvLayers.conv2d(16, 3).withPadding(Padding.same())).add(ConvLayers.flatten()), 1, 1, 0),
                new Case("pool then 80 filters", image(1, 12, 12).add(ConvLayers.conv2d(16, 3)).add(ConvLayers.maxPool2d(2))
                        .add(ConvLayers.conv2d(80, 3).withPadding(Padding.same())).add(ConvLayers.flatten()), 1, 1, 0),
                new Case("conv then 80 filters", image(1, 12, 12).add(ConvLayers.conv2d(16, 3))
                        .add(ConvLayers.conv2d(80, 3).withPadding(Padding.same())).add(ConvLayers.flatten()), 0, 0, 0));
        for (Case c : cases) {
            try (Model m = c.model.build()) {
                PackedPlan.Step[] fused = withMode("padded", () -> PackedPlan.of(m, k).steps);
                PackedPlan.Step[] separate = withPools("none", () -> withMode("padded", () -> PackedPlan.of(m, k).steps));
                String plan = Arrays.stream(fused).map(s -> s.getClass().getSimpleName()).toList().toString();
                assertEquals(c.windows, Arrays.stream(fused).filter(s -> s instanceof PackedPlan.WindowStep).count(), c.what + ": " + plan);
                assertEquals(c.separateWindows, Arrays.stream(separate).filter(s -> s instanceof PackedPlan.WindowStep).count(), c.what);
                assertEquals(c.befores, befores(fused), c.what + ": " + plan);
                assertEquals(0, befores(separate), c.what);
                assertEquals(paddedCount(separate), paddedCount(fused) + c.befores, c.what + ": every convolution kept");
                randomise(m, 5);
                int inputs = (int) m.inputShape()[0];
                SplittableRandom r = new SplittableRandom(9);
                for (int batch : new int[] {1, 6}) {
                    float[] x = new float[batch * inputs];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) r.nextDouble(-1, 1);
                    }
                    INDArray want = m.predict(Nd4j.createFromArray(x).reshape(batch, inputs));
                    float[] ref = want.dup('c').data().asFloat();
                    double tol = 2e-5 * (1 + want.amaxNumber().doubleValue());
                    float[] a;
                    float[] b;
                    try (Predictor p = withMode("padded", () -> Predictor.of(m, k))) {
                        a = p.predict(x);
                    }
                    try (Predictor p = withPools("none", () -> withMode("padded", () -> Predictor.of(m, k)))) {
                        b = p.predict(x);
                    }
                    for (int i = 0; i < ref.length; i++) {
                        assertEquals(ref[i], a[i], tol, c.what + ", fused, batch " + batch + ", value " + i);
                        assertEquals(b[i], a[i], c.what + ", fused against apart (the same sums), batch " + batch + ", value " + i);
                    }
                }
            }
        }
    }

    /** The convolutions fused before others, at any depth. */
    private static long befores(PackedPlan.Step[] steps) {
        long n = 0;
        for (PackedPlan.Step s : steps) {
            if (s instanceof PackedPlan.PaddedStep p) {
                for (PackedPlan.PaddedStep b = p.before(); b != null; b = b.before()) {
                    n++;
                }
            }
        }
        return n;
    }

    private static long paddedCount(PackedPlan.Step[] steps) {
        return Arrays.stream(steps).filter(s -> s instanceof PackedPlan.PaddedStep).count();
    }

    private static <T> T withPools(String mode, Supplier<T> body) {
        return withProperty(PackedPlan.FUSE_PROPERTY, mode, body);
    }
}
