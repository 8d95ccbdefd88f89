package dev.aiaas.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.data.Dataset;
import dev.aiaas.core.data.NonFiniteDataException;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Issue 14's numerics: non-finite features and targets are refused by {@code fit} and
 * {@code evaluate} with their row and column, and divergence stops training by default.
 */
class TrainerNumericsTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static Trainer.Builder classifier() {
        return Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).epochs(2).batchSize(8).seed(1);
    }

    private static INDArray withValue(INDArray x, int row, int col, float v) {
        INDArray c = x.dup();
        c.putScalar(row, col, v);
        return c;
    }

    @Test
    void nonFiniteFeaturesAreRefusedWithTheirRowAndColumnBeforeAnyStep() {
        INDArray[] d = TrainerTest.blobs(30, 1);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            INDArray x = withValue(d[0], 17, 2, bad);
            try (Model m = TrainerTest.mlp(1)) {
                INDArray before = m.parameters().dup();
                NonFiniteDataException e = assertThrows(NonFiniteDataException.class, () -> classifier().build().fit(m, x, d[1]));
                assertEquals("x", e.array());
                assertEquals(17, e.row());
                assertEquals(2, e.column());
                assertEquals(bad, (float) e.value());
                assertTrue(e.getMessage().startsWith("x[17, 2] = " + (double) bad + ": row 17, column 2"), e.getMessage());
                assertTrue(e.getMessage().contains("allowNonFiniteData(true)"), e.getMessage());
                assertEquals(before, m.parameters(), "nothing was trained");
                // evaluate refuses them too
                e = assertThrows(NonFiniteDataException.class, () -> classifier().build().evaluate(m, x, d[1]));
                assertEquals(17, e.row());
            }
        }
    }

    @Test
    void nonFiniteTargetsAndValidationDataAreRefused() {
        INDArray[] d = TrainerTest.blobs(30, 2);
        INDArray y = d[1].dup();
        y.putScalar(4, Double.NaN); // a class index that is NaN would be read as class 0
        try (Model m = TrainerTest.mlp(1)) {
            NonFiniteDataException e = assertThrows(NonFiniteDataException.class, () -> classifier().build().fit(m, d[0], y));
            assertEquals("y", e.array());
            assertEquals(4, e.row());
            assertEquals(0, e.column());
            e = assertThrows(NonFiniteDataException.class,
                    () -> classifier().build().fit(m, d[0], d[1], withValue(d[0], 3, 1, Float.NaN), d[1]));
            assertEquals("xVal", e.array());
            assertEquals(3, e.row());
            assertEquals(1, e.column());
        }
        // float targets of a regression, through a Dataset
        INDArray targets = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 30, 3);
        targets.putScalar(new int[] {9, 2}, Float.POSITIVE_INFINITY);
        try (Model m = TrainerTest.mlp(1); Dataset ds = Dataset.ofTargets(d[0], targets)) {
            NonFiniteDataException e = assertThrows(NonFiniteDataException.class,
                    () -> Trainer.builder(Losses.meanSquaredError()).epochs(1).build().fit(m, ds));
            assertEquals("y", e.array());
            assertEquals(9, e.row());
            assertEquals(2, e.column());
        }
    }

    /** With the check allowed away, the NaN reaches the loss, and the default divergence check stops the run at step 1. */
    @Test
    void allowingNonFiniteDataLetsItThroughToTheDivergenceCheck() {
        INDArray[] d = TrainerTest.blobs(16, 3);
        INDArray x = withValue(d[0], 0, 0, Float.NaN);
        try (Model m = TrainerTest.mlp(1)) {
            DivergenceException e = assertThrows(DivergenceException.class,
                    () -> classifier().allowNonFiniteData(true).batchSize(16).build().fit(m, x, d[1]));
            assertEquals(1, e.epoch());
            assertEquals(1, e.step());
            assertTrue(Double.isNaN(e.loss()));
        }
    }

    /** A learning rate of 1e30 diverges; by default fit stops there, naming the epoch and step, before the bad step. */
    @Test
    void divergenceStopsTrainingByDefaultNamingEpochAndStep() {
        INDArray[] d = TrainerTest.blobs(32, 4);
        List<String> seen = new ArrayList<>();
        Callback recorder = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
                seen.add("epoch " + epoch);
            }

            @Override
            public void onTrainEnd(History history, TrainingContext context) {
                seen.add("end");
            }
        };
        try (Model m = TrainerTest.mlp(1)) {
            Trainer trainer = classifier().optimizer(Optimizers.sgd(1e30)).epochs(5).callbacks(recorder).build();
            DivergenceException e = assertThrows(DivergenceException.class, () -> trainer.fit(m, d[0], d[1]));
            assertTrue(e.epoch() >= 1 && e.step() >= 1, e.getMessage());
            assertEquals((e.step() - 1) / 4 + 1, e.epoch(), "4 steps per epoch: " + e.getMessage());
            assertTrue(!Double.isFinite(e.loss()) || e.inParameters(), e.getMessage());
            assertTrue(e.getMessage().startsWith("Training diverged: ") && e.getMessage().contains("epoch " + e.epoch()
                    + ", step " + e.step()) && e.getMessage().contains("Lower the learning rate"), e.getMessage());
            assertEquals("end", seen.get(seen.size() - 1), "callbacks still see the end of training");
            assertFalse(seen.contains("epoch " + (e.epoch() - 1)), "no epoch-end callback for the diverged epoch: " + seen);
        }
        // opted out, the run goes on and logs the non-finite loss
        try (Model m = TrainerTest.mlp(1)) {
            History h = classifier().optimizer(Optimizers.sgd(1e30)).epochs(3).stopOnDivergence(false).build()
                    .fit(m, d[0], d[1]);
            assertEquals(3, h.epochCount());
            assertFalse(Double.isFinite(h.last("loss")), String.valueOf(h.last("loss")));
        }
    }

    /**
     * Parameters made non-finite by the last step of an epoch, whose loss was finite, are caught
     * at the epoch's end, before its callbacks (a checkpoint) see them.
     */
    @Test
    void nonFiniteParametersAtTheEndOfAnEpochStopTrainingBeforeItsCallbacks() {
        INDArray[] d = TrainerTest.blobs(16, 5);
        GradientTransform poison = model -> new GradientTransform.Bound() {
            @Override
            public double beforeStep(INDArray parameters, INDArray gradients) {
                return 0;
            }

            @Override
            public void afterStep(INDArray parameters) {
                parameters.putScalar(7, Double.POSITIVE_INFINITY);
            }
        };
        boolean[] epochEnded = new boolean[1];
        Callback c = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
                epochEnded[0] = true;
            }
        };
        try (Model m = TrainerTest.mlp(1)) {
            DivergenceException e = assertThrows(DivergenceException.class, () -> classifier().batchSize(16)
                    .gradientTransforms(poison).callbacks(c).build().fit(m, d[0], d[1]));
            assertEquals(1, e.epoch());
            assertEquals(1, e.step());
            assertTrue(e.getMessage().contains("the parameters are not finite (θ[7]) after epoch 1, step 1"), e.getMessage());
            assertTrue(e.inParameters());
            assertFalse(epochEnded[0]);
        }
    }

    /** The check reads the data once, so it allows finite data of every magnitude, and trains as before. */
    @Test
    void finiteDataTrainsAsWithoutTheCheck() {
        INDArray[] d = TrainerTest.blobs(30, 6);
        INDArray x = withValue(d[0], 1, 1, Float.MAX_VALUE / 1e30f); // large but finite
        float[] a;
        float[] b;
        try (Model m = TrainerTest.mlp(2)) {
            classifier().build().fit(m, x, d[1]);
            a = m.parameters().toFloatVector();
        }
        try (Model m = TrainerTest.mlp(2)) {
            classifier().allowNonFiniteData(true).stopOnDivergence(false).build().fit(m, x, d[1]);
            b = m.parameters().toFloatVector();
        }
        assertArrayEquals(a, b, "the checks change nothing in a run that does not need them");
    }
}
