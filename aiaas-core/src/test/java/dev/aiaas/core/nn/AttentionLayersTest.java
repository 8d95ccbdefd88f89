package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The attention layers' values that can be worked out by hand, their error paths, and their
 * float32 path against float64 (the conformance harness and {@link AttentionReferenceTest} check
 * the gradients and the PyTorch agreement).
 */
class AttentionLayersTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** PE[t, 2i] = sin(t·10000^(−2i/D)), PE[t, 2i+1] = cos(…), added to x = 0. */
    @Test
    void sinusoidalPositionsAreTheFormulasValues() {
        try (Model m = Model.builder(3, 4).add(Layers.sinusoidalPositions(3)).dataType(DataType.DOUBLE).build()) {
            INDArray y = m.predict(Nd4j.create(DataType.DOUBLE, new long[] {2, 3, 4}, 'f'));
            for (int b = 0; b < 2; b++) {
                assertEquals(0.0, y.getDouble(b, 0, 0), 0.0);
                assertEquals(1.0, y.getDouble(b, 0, 1), 0.0);
                assertEquals(Math.sin(1), y.getDouble(b, 1, 0), 1e-15);
                assertEquals(Math.cos(2), y.getDouble(b, 2, 1), 1e-15);
                assertEquals(Math.sin(2 / 100.0), y.getDouble(b, 2, 2), 1e-15); // ω_1 = 10000^(−2/4) = 1/100
                assertEquals(Math.cos(1 / 100.0), y.getDouble(b, 1, 3), 1e-15);
            }
        }
    }

    /** A causal layer's output at step t does not depend on the inputs after t; a non-causal one's does. */
    @Test
    void theCausalMaskHidesTheFuture() {
        try (Model causal = Model.builder(4, 6).add(Layers.multiHeadAttention(2, true)).dataType(DataType.DOUBLE).seed(1).build();
             Model full = Model.builder(4, 6).add(Layers.multiHeadAttention(2, false)).dataType(DataType.DOUBLE).seed(1).build()) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, 'f', 1, 4, 6);
            INDArray changed = x.dup('f');
            for (int c = 0; c < 6; c++) {
                changed.putScalar(new long[] {0, 3, c}, 5.0);
            }
            INDArray a = causal.predict(x).dup();
            INDArray b = causal.predict(changed).dup();
            for (int t = 0; t < 3; t++) {
                for (int c = 0; c < 6; c++) {
                    assertEquals(a.getDouble(0, t, c), b.getDouble(0, t, c), 1e-15, "step " + t);
                }
            }
            assertTrue(Math.abs(a.getDouble(0, 3, 0) - b.getDouble(0, 3, 0)) > 1e-6, "the last step sees its own input");
            INDArray fa = full.predict(x).dup();
            INDArray fb = full.predict(changed).dup();
            assertTrue(Math.abs(fa.getDouble(0, 0, 0) - fb.getDouble(0, 0, 0)) > 1e-6, "without the mask step 0 sees step 3");
        }
    }

    /** Scores of 1e4 and more do not overflow the softmax. */
    @Test
    void largeScoresStayFinite() {
        try (Model m = Model.builder(3, 2).add(Layers.multiHeadAttention(1)).dataType(DataType.DOUBLE).seed(1).build()) {
            m.parameters().muli(300);
            INDArray y = m.predict(Nd4j.rand(DataType.DOUBLE, 'f', 2, 3, 2).muli(100));
            for (double v : y.dup().data().asDouble()) {
                assertTrue(Double.isFinite(v), y.toString());
            }
        }
    }

    @Test
    void float32AgreesWithFloat64() {
        List<Layer> layers = new java.util.ArrayList<>(List.of(Layers.positionEmbedding(6), Layers.sinusoidalPositions(6)));
        layers.addAll(Layers.transformerBlock(8, 2, 16, 0.0, true));
        Model.Builder f = Model.builder(5, 8).seed(4);
        Model.Builder d = Model.builder(5, 8).seed(4).dataType(DataType.DOUBLE);
        layers.forEach(f::add);
        layers.forEach(d::add);
        try (Model mf = f.build(); Model md = d.build()) {
            md.parameters().assign(mf.parameters().castTo(DataType.DOUBLE));
            INDArray x = Nd4j.rand(DataType.DOUBLE, 'f', 3, 5, 8);
            INDArray yd = md.predict(x);
            INDArray yf = mf.predict(x.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE);
            double worst = yd.sub(yf).amaxNumber().doubleValue();
            assertTrue(worst < 1e-5, "float32 against float64: " + worst);
        }
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertMessage(() -> Layers.multiHeadAttention(0), "heads=0");
        assertMessage(() -> Layers.sinusoidalPositions(0), "max_length=0");
        assertMessage(() -> Layers.positionEmbedding(-1), "max_length=-1");
        assertMessage(() -> Layers.transformerBlock(6, 4, 8, 0.1, true), "dim=6, heads=4");
        assertMessage(() -> Layers.transformerBlock(0, 1, 8, 0.1, true), "dim=0");
        assertMessage(() -> Layers.transformerBlock(6, 2, 8, 1.0, true), "rate=1.0");
    }

    @Test
    void badShapesAreRefusedByName() {
        assertMessage(() -> Layers.multiHeadAttention(4).outputShape(new long[] {3, 6}), "D=6, heads=4");
        assertMessage(() -> Layers.multiHeadAttention(2).outputShape(new long[] {6}), "[T, D], got [6]");
        assertMessage(() -> Model.builder(9, 4).add(Layers.positionEmbedding(8)).build(), "max_length=8 positions. Received: T=9");
        assertMessage(() -> Model.builder(9, 4).add(Layers.sinusoidalPositions(8)).build(), "max_length=8 positions. Received: T=9");
        assertMessage(() -> Layers.sinusoidalPositions(8).outputShape(new long[] {4}), "[T, D], got [4]");
    }

    @Test
    void backwardAfterAForwardOfAnotherBatchSizeIsRefused() {
        try (Chain chain = new Chain(List.of(Layers.multiHeadAttention(1)), new long[] {2, 2}, DataType.DOUBLE)) {
            INDArray p = Nd4j.create(DataType.DOUBLE, chain.parameterCount());
            INDArray g = Nd4j.create(DataType.DOUBLE, chain.parameterCount());
            chain.bind(p, g);
            chain.initialise(new SplittableRandom(1));
            chain.forward(Nd4j.rand(DataType.DOUBLE, 'f', 3, 2, 2), true);
            Layer.Instance mha = Layers.multiHeadAttention(1).instantiate(new long[] {2, 2}, DataType.DOUBLE);
            mha.bind(p, g);
            mha.forward(Nd4j.rand(DataType.DOUBLE, 'f', 3, 2, 2), true);
            INDArray x2 = Nd4j.rand(DataType.DOUBLE, 'f', 2, 2, 2);
            assertMessage(() -> mha.backward(x2, x2, x2, true), "backward for a batch of 2");
            mha.close();
        }
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        try {
            call.execute();
        } catch (IllegalArgumentException | IllegalStateException ex) {
            assertTrue(ex.getMessage().contains(part), "message '" + ex.getMessage() + "' names " + part);
            return;
        } catch (Throwable t) {
            throw new AssertionError("expected an IllegalArgumentException naming " + part + ", got " + t, t);
        }
        throw new AssertionError("expected an exception naming " + part);
    }
}
