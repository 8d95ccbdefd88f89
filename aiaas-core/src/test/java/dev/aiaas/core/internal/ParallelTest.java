package dev.aiaas.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ParallelTest {

    /** A chunk that takes long enough (0.2 ms) for the worker to wake up and join. */
    private static void busy() {
        long end = System.nanoTime() + 200_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** Waits up to 10 s for {@code n} to reach {@code value}. */
    private static void awaitCount(AtomicInteger n, int value) throws InterruptedException {
        for (int i = 0; i < 1000 && n.get() < value; i++) {
            Thread.sleep(10);
        }
    }

    @Test
    void everyChunkRunsOnceSharedOrNot() {
        for (boolean shared : new boolean[] {false, true}) {
            for (int chunks : new int[] {0, 1, 2, 7, 64}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(chunks, 1));
                boolean taken = Parallel.run(shared, chunks, (c, lane) -> runs.incrementAndGet(c), 0, null);
                if (!shared || chunks < 2) {
                    assertFalse(taken, "the caller alone runs an unshared job or one of a single chunk");
                }
                for (int c = 0; c < chunks; c++) {
                    assertEquals(1, runs.get(c), "chunk " + c + " of " + chunks + (shared ? ", shared" : ""));
                }
            }
        }
    }

    @Test
    void whatAChunkThrowsReachesTheCallerAfterTheOthersFinish() {
        AtomicInteger done = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.run(true, 8, (c, lane) -> {
            busy();
            if (c == 3) {
                throw new IllegalStateException("chunk 3");
            }
            done.incrementAndGet();
        }, 0, null));
        assertEquals("chunk 3", e.getMessage());
        assertEquals(7, done.get(), "the other chunks all ran before the caller threw");
    }

    @Test
    void theWorkerRunsAfterOnlyWhenItTookPartAndSurvivesAThrowingOne() throws InterruptedException {
        AtomicInteger afters = new AtomicInteger();
        AtomicReference<String> where = new AtomicReference<>();
        Runnable after = () -> {
            where.set(Thread.currentThread().getName());
            afters.incrementAndGet();
        };
        assertFalse(Parallel.run(false, 8, (c, lane) -> busy(), 0, after), "not shared: the caller does all");
        assertFalse(Parallel.run(true, 1, (c, lane) -> busy(), 0, after), "one chunk: the caller does it");
        int taken = 0;
        for (int i = 0; i < 200 && taken < 3; i++) {
            if (Parallel.run(true, 8, (c, lane) -> busy(), 0, after)) {
                taken++;
            }
        }
        assertTrue(taken > 0, "the worker never joined in 200 jobs of 1.6 ms");
        awaitCount(afters, taken);
        assertEquals(taken, afters.get(), "after runs once per job the worker took part in");
        assertEquals("aiaas-worker", where.get());

        // a throwing after is dropped, and the worker goes on taking chunks
        for (int i = 0; i < 200; i++) {
            if (Parallel.run(true, 8, (c, lane) -> busy(), 0, () -> {
                throw new IllegalStateException("dropped");
            })) {
                break;
            }
        }
        AtomicInteger onWorker = new AtomicInteger();
        for (int i = 0; i < 200 && onWorker.get() == 0; i++) {
            AtomicInteger chunks = new AtomicInteger();
            Parallel.run(true, 8, (c, lane) -> {
                busy();
                chunks.incrementAndGet();
                if (lane == 1) {
                    onWorker.incrementAndGet();
                }
            }, 0, null);
            assertEquals(8, chunks.get());
        }
        assertTrue(onWorker.get() > 0, "the worker still takes chunks");
    }
}
