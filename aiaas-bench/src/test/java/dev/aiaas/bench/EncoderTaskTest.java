package dev.aiaas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The MiniLM encoder task: names, the arithmetic floor, the seeded ids and bad settings. */
class EncoderTaskTest {

    @Test
    void namesFlopsAndIds() {
        EncoderTask t = new EncoderTask(32, 64);
        assertEquals("minilm-b32-t64", t.benchmark());
        // per token 2·(4·384² + 2·384·1536) + 4·64·384, times 32·64 tokens and 6 layers
        double perToken = 2.0 * (4 * 384 * 384 + 2 * 384 * 1536) + 4.0 * 64 * 384;
        assertEquals(perToken * 32 * 64 * 6, t.flops(), 1.0);
        int[][] ids = t.ids();
        assertEquals(32, ids.length);
        assertEquals(64, ids[0].length);
        assertEquals(101, ids[5][0]);
        assertEquals(102, ids[5][63]);
        assertTrue(ids[5][10] >= 1996 && ids[5][10] < 29612);
        assertEquals(java.util.Arrays.deepToString(ids), java.util.Arrays.deepToString(t.ids()), "seeded");
    }

    @Test
    void badSettingsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EncoderTask(0, 16));
        assertTrue(e.getMessage().contains("batch=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new EncoderTask(1, 513));
        assertTrue(e.getMessage().contains("tokens=513"), e.getMessage());
    }
}
