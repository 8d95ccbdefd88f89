package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.nn.PackedPlan.ActStep;
import dev.aiaas.core.nn.PackedPlan.AddStep;
import dev.aiaas.core.nn.PackedPlan.DenseStep;
import dev.aiaas.core.nn.PackedPlan.LoadStep;
import dev.aiaas.core.nn.PackedPlan.NormStep;
import dev.aiaas.core.nn.PackedPlan.PatchStep;
import dev.aiaas.core.nn.PackedPlan.SaveStep;
import dev.aiaas.core.nn.PackedPlan.ScaleStep;
import dev.aiaas.core.nn.PackedPlan.SoftmaxStep;
import dev.aiaas.core.nn.PackedPlan.Step;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@link PackedPlan}: the steps the plan makes of each layer's description and its rules about
 * neighbours (fuse, fold, nothing across a block's ends), with a stand-in kernel (the plan only
 * asks a kernel its panel and vector widths), so that it runs on every machine; and the errors
 * a {@link PackedLayer} that describes itself wrongly meets. {@code PredictorTest} checks that
 * the steps compute what the model does.
 */
class PackedPlanTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** The plan's view of a kernel: 16-column panels of 8-float vectors; it computes nothing. */
    private static final DenseKernel SHAPES = new DenseKernel() {
        @Override
        public int panel() {
            return 16;
        }

        @Override
        public int lanes() {
            return 8;
        }

        @Override
        public String describe() {
            return "shapes only";
        }

        @Override
        public void forward(float[] x, int xOff, int ldx, int rows, int in, float[] w, float[] bias, int units, boolean relu,
                float[] y, int yOff, int ldy, int panelFrom, int panelTo) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void activate(Fn f, float alpha, float[] y, int yOff, int rows, int cols, int ldy) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void softmax(float[] y, int yOff, int rows, int cols, int ldy) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void layerNorm(float[] y, int yOff, int rows, int cols, int ldy, float[] gamma, float[] beta, float epsilon) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void scaleShift(float[] y, int yOff, int rows, int cols, int ldy, float[] scale, float[] shift) {
            throw new UnsupportedOperationException();
        }
    };

    /** The plan's steps, each as a short name: dense(relu) for a fused ReLU, act(GELU), save0/add0 for a block at depth 0. */
    private static List<String> steps(Model.Builder b) {
        try (Model m = b.build()) {
            PackedPlan plan = PackedPlan.of(m, SHAPES);
            assertNull(plan.why(), plan.why());
            return Arrays.stream(plan.steps).map(PackedPlanTest::name).toList();
        }
    }

    private static String name(Step s) {
        if (s instanceof DenseStep d) {
            return d.relu() ? "dense(relu)" : "dense";
        } else if (s instanceof ActStep a) {
            return "act(" + a.fn() + ")";
        } else if (s instanceof SoftmaxStep) {
            return "softmax";
        } else if (s instanceof NormStep) {
            return "norm";
        } else if (s instanceof ScaleStep) {
            return "scale";
        } else if (s instanceof SaveStep sv) {
            return "save" + sv.depth();
        } else if (s instanceof AddStep ad) {
            return "add" + ad.depth();
        } else if (s instanceof LoadStep lo) {
            return "load" + lo.depth();
        }
        throw new AssertionError(s);
    }

    @Test
    void theNeighbourRulesAreThePlans() {
        // a ReLU after a dense layer without activation is fused; after one with GELU it is a step
        assertEquals(List.of("dense(relu)", "dense", "act(GELU)", "act(RELU)"), steps(Model.builder(8).add(Layers.dense(8)).add(Layers.relu())
                .add(Layers.dense(8, Activation.GELU)).add(Layers.relu())));
        // batch norm after a dense layer without activation is folded (and a ReLU after it still fused); first, or after
        // an activation, it is a scale and shift
        assertEquals(List.of("scale", "dense(relu)", "dense(relu)", "scale", "dense", "softmax"), steps(Model.builder(8)
                .add(Layers.batchNorm()).add(Layers.dense(8)).add(Layers.batchNorm()).add(Layers.relu())
                .add(Layers.dense(8, Activation.RELU)).add(Layers.batchNorm()).add(Layers.dense(4, Activation.SOFTMAX))));
        // dropout and the identity are no step; layer norm is one
        assertEquals(List.of("dense", "norm", "act(TANH)"), steps(Model.builder(8).add(Layers.dense(8)).add(Layers.dropout(0.5))
                .add(Layers.identity()).add(Layers.layerNorm()).add(Layers.tanh())));
        // nothing folds or fuses across a block's ends, at any depth
        assertEquals(List.of("dense", "save0", "scale", "act(RELU)", "save1", "dense(relu)", "add1", "add0", "scale", "act(RELU)"),
                steps(Model.builder(8).add(Layers.dense(8)).add(Layers.residual(Layers.batchNorm(), Layers.relu(),
                        Layers.residual(Layers.dense(8), Layers.relu()))).add(Layers.batchNorm()).add(Layers.relu())));
    }

    @Test
    void aFoldedBatchNormScalesTheColumnsOfWAndB() {
        // dense 2→2 with W = [[1, 2], [3, 4]] (column-major 1, 3, 2, 4), b = (1, −1); batch norm with ε = 1: γ = (2, 1),
        // β = (0, 5), mean = (1, 0), var = (3, 0), so s = (2/√4, 1/√1) = (1, 1) and t = β − mean·s = (−1, 5)
        try (Model m = Model.builder(2).add(Layers.dense(2)).add(Layers.batchNorm(0.9, 1)).build()) {
            m.parameters().assign(org.nd4j.linalg.factory.Nd4j.createFromArray(new float[] {1, 3, 2, 4, 1, -1, 2, 1, 0, 5, 1, 0, 3, 0}));
            DenseStep d = (DenseStep) PackedPlan.of(m, SHAPES).steps[0];
            // W' = W·s = W, b' = b·s + t = (0, 4); packed as one panel of 8 columns: W[k, j] at 8k + j
            assertEquals(1f, d.w()[0]);
            assertEquals(2f, d.w()[1]);
            assertEquals(3f, d.w()[8]);
            assertEquals(4f, d.w()[9]);
            assertEquals(0f, d.bias()[0]);
            assertEquals(4f, d.bias()[1]);
        }
        try (Model m = Model.builder(2).add(Layers.dense(2)).add(Layers.batchNorm(0.9, 1)).build()) {
            // γ = (4, 1), var = (3, 3): s = (2, 0.5); mean = (1, 2), β = (0, 0): t = (−2, −1)
            m.parameters().assign(org.nd4j.linalg.factory.Nd4j.createFromArray(new float[] {1, 3, 2, 4, 1, -1, 4, 1, 0, 0, 1, 2, 3, 3}));
            DenseStep d = (DenseStep) PackedPlan.of(m, SHAPES).steps[0];
            assertEquals(List.of(2f, 1f, 6f, 2f), List.of(d.w()[0], d.w()[1], d.w()[8], d.w()[9])); // W[:, 0]·2, W[:, 1]·0.5
            assertEquals(List.of(0f, -1.5f), List.of(d.bias()[0], d.bias()[1])); // (1·2 − 2, −1·0.5 − 1)
        }
    }

    /**
     * A patch step of {@code positions} windows of {@code k} consecutive features (window p from
     * feature p·stride), planned for {@link #SHAPES}.
     */
    private static PatchStep windows(int features, int positions, int k, int stride) {
        int[] index = new int[positions * k];
        for (int p = 0; p < positions; p++) {
            for (int j = 0; j < k; j++) {
                int f = p * stride + j - 1; // one feature of padding on the left
                index[p * k + j] = f < features ? f : -1;
            }
        }
        try (Model m = Model.builder(features).add(new Described((params, s) -> s.patches(positions, index, 2, new float[2 * k],
                new float[2], Activation.IDENTITY), new long[] {2L * positions}, 0)).build()) {
            Step[] steps = PackedPlan.of(m, SHAPES).steps;
            return (PatchStep) steps[0];
        }
    }

    @Test
    void aPatchStepCopiesShortRunsValueByValueAndBlocksWholeTiles() {
        // windows of 3 (a first convolution's kernel row): runs of 3 values, copied value by value, the −1 at the left
        // edge kept as a zero's place
        PatchStep small = windows(400, 300, 3, 1);
        assertNotNull(small.elements());
        assertEquals(-1, small.elements()[0]);
        assertEquals(List.of(0, 1, 2), List.of(small.elements()[3], small.elements()[4], small.elements()[5]));
        // windows of 16 (a convolution over 16 channels last): runs that System.arraycopy takes
        PatchStep wide = windows(4000, 300, 16, 8);
        assertNull(wide.elements());
        for (PatchStep s : List.of(small, wide)) {
            // rows ROW_STRIDE apart, blocks of whole 8-row tiles within the buffer's 256 K floats
            assertEquals(DenseKernel.ROW_STRIDE, s.patchLd());
            assertEquals(248, s.block());
        }
        // all positions in one block when they fit
        assertEquals(20, windows(400, 20, 3, 1).block());
        // a patch wider than ROW_STRIDE: its rows K apart
        PatchStep huge = windows(4000, 20, 1100, 1);
        assertEquals(1100, huge.patchLd());
        assertEquals(20, huge.block());
    }

    @Test
    void aModelItCannotPackSaysWhy() {
        try (Model m = Model.builder(4).add(Layers.dense(4)).dataType(DataType.DOUBLE).build()) {
            assertTrue(PackedPlan.of(m, SHAPES).why().contains("float32"), PackedPlan.of(m, SHAPES).why());
        }
        try (Model m = Model.builder(3, 4).add(Layers.lstm(2)).build()) {
            assertTrue(PackedPlan.of(m, SHAPES).why().contains("[3, 4]"), PackedPlan.of(m, SHAPES).why());
        }
        try (Model m = Model.builder(4).add(Layers.dense(4)).add(Layers.residual(Layers.relu(), Layers.dense(4))).add(new Described((in, s) -> { }, new long[] {2, 2}, 0)).build()) {
            String why = PackedPlan.of(m, SHAPES).why();
            assertTrue(why.contains("this model's outputs are [2, 2]"), why);
        }
    }

    /** A packed layer {@code [4] -> outputShape} with {@code params} parameters that describes itself as told. */
    private record Described(BiConsumer<float[], PackedSteps> describe, long[] out, long params) implements PackedLayer {
        @Override
        public String type() {
            return "described";
        }

        @Override
        public long[] outputShape(long[] inputShape) {
            return out.clone();
        }

        @Override
        public long parameterCount(long[] inputShape) {
            return params;
        }

        @Override
        public Map<String, Object> config() {
            return Map.of();
        }

        @Override
        public void pack(long[] inputShape, float[] params, PackedSteps steps) {
            describe.accept(params, steps);
        }

        @Override
        public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
            return Layers.identity().instantiate(new long[] {4}, dataType);
        }
    }

    private static String error(BiConsumer<float[], PackedSteps> describe, long[] out) {
        try (Model m = Model.builder(4).add(new Described(describe, out, 0)).build()) {
            return assertThrows(IllegalArgumentException.class, () -> PackedPlan.of(m, SHAPES)).getMessage();
        }
    }

    @Test
    void aLayerThatDescribesItselfWronglyIsToldWhat() {
        long[] four = {4};
        String e = error((p, s) -> s.dense(4, new float[15], new float[4], Activation.RELU), four);
        assertTrue(e.contains("W must hold 16 values for rows of 4 features; got 15") && e.contains("layer 0 (described)"), e);
        e = error((p, s) -> s.dense(4, new float[16], new float[3], Activation.RELU), four);
        assertTrue(e.contains("b must hold 4 values"), e);
        e = error((p, s) -> s.dense(0, new float[0], new float[0], Activation.RELU), four);
        assertTrue(e.contains("units=0"), e);
        e = error((p, s) -> s.scaleShift(new double[3], new double[4]), four);
        assertTrue(e.contains("scale must hold 4 values"), e);
        e = error((p, s) -> s.layerNorm(new float[4], new float[5], 1e-5), four);
        assertTrue(e.contains("beta must hold 4 values"), e);
        e = error((p, s) -> s.dense(3, new float[12], new float[3], Activation.IDENTITY), four);
        assertTrue(e.contains("packed steps give rows of 3 features, its outputShape 4"), e);
        e = error((p, s) -> s.residual(List.of(Layers.dense(3))), four);
        assertTrue(e.contains("have 15 parameters, more than the 0 left in the layer's slice"), e);
        try (Model m = Model.builder(4).add(new Described((p, s) -> s.residual(List.of(Layers.dense(3))), four, 15)).build()) {
            e = assertThrows(IllegalArgumentException.class, () -> PackedPlan.of(m, SHAPES)).getMessage();
            assertTrue(e.contains("must keep the width 4; they give 3"), e);
        }
        e = error((p, s) -> s.residual(List.of()), four);
        assertTrue(e.contains("at least one layer"), e);
    }

    @Test
    void aBlockWithAShortcutRunsItFromTheSavedInput() {
        // identity shortcut: the input saved is added (level 0); the activation is a step of its own
        try (Model m = Model.builder(4).add(new Described((p, s) -> s.residual(List.of(Layers.dense(4)), List.of(), Activation.RELU),
                new long[] {4}, 20)).build()) {
            assertEquals(List.of("save0", "dense", "add0", "act(RELU)"),
                    Arrays.stream(PackedPlan.of(m, SHAPES).steps).map(PackedPlanTest::name).toList());
        }
        // a projection shortcut: the main branch's output kept at level 1, the input loaded back for the shortcut; the
        // shortcut's W and b are θ after the main branch's (4·3 + 3 = 15 each)
        try (Model m = Model.builder(4).add(new Described((p, s) -> s.residual(List.of(Layers.dense(3)), List.of(Layers.dense(3)),
                Activation.IDENTITY), new long[] {3}, 30)).build()) {
            float[] theta = new float[30];
            for (int i = 0; i < theta.length; i++) {
                theta[i] = i;
            }
            m.parameters().assign(org.nd4j.linalg.factory.Nd4j.createFromArray(theta));
            Step[] steps = PackedPlan.of(m, SHAPES).steps;
            assertEquals(List.of("save0", "dense", "save1", "load0", "dense", "add1"), Arrays.stream(steps).map(PackedPlanTest::name).toList());
            assertEquals(12f, ((DenseStep) steps[1]).bias()[0]);
            assertEquals(27f, ((DenseStep) steps[4]).bias()[0]);
        }
    }

    @Test
    void aBlockWithAShortcutThatDoesNotFitIsToldWhat() {
        try (Model m = Model.builder(4).add(new Described((p, s) -> s.residual(List.of(Layers.dense(3)), List.of(), Activation.RELU),
                new long[] {3}, 15)).build()) {
            String e = assertThrows(IllegalArgumentException.class, () -> PackedPlan.of(m, SHAPES)).getMessage();
            assertTrue(e.contains("must give the same width; the main branch gives 3 and the shortcut 4"), e);
        }
        String e = error((p, s) -> s.residual(List.of(Layers.dense(4)), List.of(Layers.dense(4)), Activation.RELU), new long[] {4});
        assertTrue(e.contains("branches have 40 parameters, more than the 0 left"), e);
        e = error((p, s) -> s.residual(List.of(), List.of(), Activation.RELU), new long[] {4});
        assertTrue(e.contains("at least one main layer") && e.contains("main=[]"), e);
        e = error((p, s) -> s.residual(List.of(Layers.relu()), null, Activation.RELU), new long[] {4});
        assertTrue(e.contains("shortcut=null"), e);
    }

    @Test
    void twoBlocksOfOneLayerTakeConsecutiveParameters() {
        // a layer [2] -> [2] of 12 parameters described as two blocks, each a dense 2→2 (6 parameters): the second block's
        // W and b are θ[6, 12)
        try (Model m = Model.builder(2).add(new Described((p, s) -> {
            s.residual(List.of(Layers.dense(2)));
            s.residual(List.of(Layers.dense(2)));
        }, new long[] {2}, 12)).build()) {
            m.parameters().assign(org.nd4j.linalg.factory.Nd4j.createFromArray(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
            Step[] steps = PackedPlan.of(m, SHAPES).steps;
            assertEquals(List.of("save0", "dense", "add0", "save0", "dense", "add0"), Arrays.stream(steps).map(PackedPlanTest::name).toList());
            assertEquals(List.of(5f, 6f), List.of(((DenseStep) steps[1]).bias()[0], ((DenseStep) steps[1]).bias()[1]));
            assertEquals(List.of(11f, 12f), List.of(((DenseStep) steps[4]).bias()[0], ((DenseStep) steps[4]).bias()[1]));
            assertEquals(7f, ((DenseStep) steps[4]).w()[0]);
        }
    }

    @Test
    void aLayerMayDescribeItselfWithSeveralStepsAndABlock() {
        // a residual block then a dense step from one layer: the block's context does not leak into what follows
        try (Model m = Model.builder(4).add(new Described((p, s) -> {
            s.residual(List.of(Layers.relu()));
            s.dense(2, new float[8], new float[2], Activation.SIGMOID);
        }, new long[] {2}, 0)).build()) {
            assertEquals(List.of("save0", "act(RELU)", "add0", "dense", "act(SIGMOID)"),
                    Arrays.stream(PackedPlan.of(m, SHAPES).steps).map(PackedPlanTest::name).toList());
        }
    }
}
