package dev.aiaas.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class CheckpointTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static Trainer.Builder trainer(int epochs) {
        return Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(0.01))
                .epochs(epochs).batchSize(16).seed(5).validationSplit(0.2);
    }

    @Test
    void twoEpochsCheckpointedThenTwoResumedEqualFourUnbrokenOnesBitForBit(@TempDir Path dir) throws Exception {
        INDArray[] d = TrainerTest.blobs(90, 3);
        Path file = dir.resolve("run.ckpt");
        try (Model unbroken = TrainerTest.mlp(8); Model first = TrainerTest.mlp(8)) {
            History all = trainer(4).build().fit(unbroken, d[0], d[1]);
            trainer(2).callbacks(Callbacks.checkpoint(file, 2)).build().fit(first, d[0], d[1]);
            try (ModelIO.Checkpoint c = ModelIO.loadCheckpoint(file)) {
                assertEquals("2", c.provenance().get(Callbacks.EPOCH_KEY));
                assertEquals(2 * 5, c.step(), "72 training examples in batches of 16: 5 steps an epoch");
                History rest = trainer(4).build().resume(c, d[0], d[1]);
                assertEquals(2, rest.epochCount());
                assertEquals(all.last("loss"), rest.last("loss"));
                assertEquals(unbroken.parameters(), c.model().parameters());
            }
        }
    }

    @Test
    void checkpointsAreWrittenEveryNEpochsOnly(@TempDir Path dir) throws Exception {
        INDArray[] d = TrainerTest.blobs(30, 1);
        Path file = dir.resolve("every2.ckpt");
        try (Model m = TrainerTest.mlp(1)) {
            trainer(1).callbacks(Callbacks.checkpoint(file, 2)).build().fit(m, d[0], d[1]);
            assertFalse(Files.exists(file));
            trainer(3).callbacks(Callbacks.checkpoint(file, 2)).build().fit(m, d[0], d[1]);
            try (ModelIO.Checkpoint c = ModelIO.loadCheckpoint(file)) {
                assertEquals("2", c.provenance().get(Callbacks.EPOCH_KEY));
                assertEquals(4, c.step());
            }
        }
    }

    /** The finding: {@code kill -9} during a checkpoint save left 2-22 MB temporary files that nothing removed. */
    @Test
    void aCheckpointSaveRemovesTheTemporaryFileAKilledSaveLeft(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.ckpt");
        Path killed = dir.resolve(".run.ckpt.5e1f0a2b3c4d5e6f.tmp");
        Files.write(killed, new byte[2_000_000]);
        Files.setLastModifiedTime(killed, FileTime.from(Instant.now().minusSeconds(600)));
        Path unrelated = Files.writeString(dir.resolve("notes.tmp"), "keep");
        Files.setLastModifiedTime(unrelated, FileTime.from(Instant.now().minusSeconds(600)));
        INDArray[] d = TrainerTest.blobs(30, 1);
        try (Model m = TrainerTest.mlp(1)) {
            trainer(1).callbacks(Callbacks.checkpoint(file, 1)).build().fit(m, d[0], d[1]);
        }
        assertFalse(Files.exists(killed));
        assertTrue(Files.exists(unrelated) && Files.exists(file));
    }

    @Test
    void resumingErrorsSayWhatToChange(@TempDir Path dir) throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Callbacks.checkpoint(dir.resolve("x"), 0))
                .getMessage().contains("everyEpochs=0"));
        INDArray[] d = TrainerTest.blobs(30, 1);
        Path file = dir.resolve("c.ckpt");
        try (Model m = TrainerTest.mlp(1)) {
            trainer(2).callbacks(Callbacks.checkpoint(file, 1)).build().fit(m, d[0], d[1]);
            try (ModelIO.Checkpoint c = ModelIO.loadCheckpoint(file)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> trainer(2).build().resume(c, d[0], d[1]));
                assertTrue(e.getMessage().contains("epochs(n) with n > 2"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class,
                        () -> trainer(4).optimizer(Optimizers.sgd(0.1)).build().resume(c, d[0], d[1]));
                assertTrue(e.getMessage().contains(".optimizer(checkpoint.optimizer())"), e.getMessage());
            }
            try (var state = Optimizers.adam(0.01).newState(m.parameterCount(), m.dataType())) {
                ModelIO.saveCheckpoint(m, Optimizers.adam(0.01), state, 0, java.util.Map.of(), file);
            }
            try (ModelIO.Checkpoint c = ModelIO.loadCheckpoint(file)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> trainer(4).build().resume(c, d[0], d[1]));
                assertTrue(e.getMessage().contains("Callbacks.checkpoint"), e.getMessage());
            }
        }
    }
}
