package dev.aiaas.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.nlp.lm.TransformerLmOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GPT-style decoder tasks: names, the arithmetic floor, the seeded ids and a bad setting. */
class DecoderTaskTest {

    @Test
    void namesFlopsAndIds() {
        List<DecoderTask> tasks = DecoderTask.tasks();
        assertEquals(List.of("gpt-decode-t48", "gpt-prompt-t48", "gpt-train-b32-t48"), tasks.stream().map(DecoderTask::benchmark).toList());
        TransformerLmOptions o = TransformerLmOptions.defaults();
        int v = DecoderTask.model().vocabulary().size();
        assertTrue(v > 5000, "the Moby-Dick vocabulary of words seen twice: " + v);
        // per position 2·N·(4D² + 2DF) + 2DV, over T = 48 positions; training three times that for 32 rows
        double perPosition = 2.0 * 2 * (4 * 128 * 128 + 2 * 128 * 512) + 2.0 * 128 * v;
        assertEquals(perPosition * 48, tasks.get(0).flops(), 1.0);
        assertEquals(perPosition * 48, tasks.get(1).flops(), 1.0);
        assertEquals(3 * perPosition * 48 * 32, tasks.get(2).flops(), 1.0);
        assertEquals(o.context(), tasks.get(0).tokens());
        int[] ids = tasks.get(0).ids(2);
        assertEquals(96, ids.length);
        for (int id : ids) {
            assertTrue(id >= 3 && id < v, "id " + id);
        }
        assertArrayEquals(ids, tasks.get(1).ids(2), "seeded");
    }

    @Test
    void aKindIsRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DecoderTask(null));
        assertTrue(e.getMessage().contains("DECODE, PROMPT or TRAIN"), e.getMessage());
    }
}
