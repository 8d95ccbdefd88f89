package dev.aiaas.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The trainer's augmentation hook: which batches it changes, with which seeds, and that the changed batch is what trains. */
class AugmentationTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** Records the seed and row count of every call. */
    private static final class Recording implements Augmentation {
        final List<Long> seeds = new ArrayList<>();
        final List<Long> rows = new ArrayList<>();

        @Override
        public Bound bind(Model model) {
            return (x, seed) -> {
                seeds.add(seed);
                rows.add(x.size(0));
                assertEquals(model.inputShape()[0], x.size(1));
            };
        }
    }

    private static Trainer.Builder trainer() {
        return Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).epochs(3).batchSize(16).seed(9);
    }

    @Test
    void everyTrainingBatchAndNoOtherIsChangedWithTheStepsSeed() {
        INDArray[] d = TrainerTest.blobs(96, 1);
        Recording rec = new Recording();
        try (Model m = TrainerTest.mlp(2)) {
            Trainer t = trainer().validationSplit(0.25).augmentation(rec).build(); // 72 training rows: 5 batches, the last of 8
            t.fit(m, d[0], d[1]);
            assertEquals(15, rec.seeds.size()); // validation batches are not changed
            for (int step = 1; step <= 15; step++) {
                assertEquals(Trainer.augmentationSeed(9, step), rec.seeds.get(step - 1));
                assertEquals(step % 5 == 0 ? 8L : 16L, rec.rows.get(step - 1));
            }
            t.evaluate(m, d[0], d[1]);
            assertEquals(15, rec.seeds.size()); // nor are evaluated ones
        }
        assertNotEquals(Trainer.augmentationSeed(9, 1), Trainer.augmentationSeed(9, 2));
        assertNotEquals(Trainer.augmentationSeed(9, 1), Trainer.augmentationSeed(10, 1));
    }

    @Test
    void theChangedBatchIsWhatTrains() {
        INDArray[] d = TrainerTest.blobs(96, 1);
        Augmentation zero = model -> (x, seed) -> x.assign(0);
        try (Model plain = Model.builder(4).add(Layers.dense(3)).seed(4).build();
             Model zeroed = Model.builder(4).add(Layers.dense(3)).seed(4).build()) {
            float[] before = zeroed.parameters().toFloatVector();
            trainer().build().fit(plain, d[0], d[1]);
            trainer().augmentation(zero).build().fit(zeroed, d[0], d[1]);
            float[] after = zeroed.parameters().toFloatVector();
            float[] trained = plain.parameters().toFloatVector();
            int changed = 0;
            int changedPlain = 0;
            for (int i = 0; i < before.length; i++) {
                changed += before[i] != after[i] ? 1 : 0;
                changedPlain += before[i] != trained[i] ? 1 : 0;
            }
            // y = W·0 + b: ∂L/∂W = 0, so Adam leaves W (12 values) as it was and moves the 3 biases only
            assertEquals(3, changed);
            assertEquals(before.length, changedPlain);
        }
    }

    @Test
    void aSeededAugmentationTrainsTheSameTwice() {
        INDArray[] d = TrainerTest.blobs(96, 1);
        Augmentation noise = model -> (x, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < x.rows(); i++) {
                for (int j = 0; j < x.columns(); j++) {
                    x.putScalar(i, j, x.getDouble(i, j) + 0.1 * r.nextGaussian());
                }
            }
        };
        try (Model a = TrainerTest.mlp(2);
             Model b = TrainerTest.mlp(2);
             Model c = TrainerTest.mlp(2)) {
            trainer().augmentation(noise).build().fit(a, d[0], d[1]);
            trainer().augmentation(noise).build().fit(b, d[0], d[1]);
            trainer().build().fit(c, d[0], d[1]);
            assertArrayEquals(a.parameters().toFloatVector(), b.parameters().toFloatVector());
            assertNotEquals(a.parameters(), c.parameters());
        }
    }

    @Test
    void aNullAugmentationIsRefused() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> trainer().augmentation(null));
        assertTrue(e.getMessage().contains("augmentation must not be null"), e.getMessage());
    }
}
