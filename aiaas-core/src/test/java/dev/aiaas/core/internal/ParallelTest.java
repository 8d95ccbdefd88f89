package dev.aiaas.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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

    /**
     * Jobs from many threads at once: each job's chunks each run once, for that job's task only,
     * on its caller's thread or the worker (never another caller's), and every caller returns.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void manyCallersNeverMixTheirChunksNorWaitForEachOther() throws Exception {
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < callers; t++) {
                futures.add(pool.submit(() -> {
                    Thread caller = Thread.currentThread();
                    for (int job = 0; job < 300; job++) {
                        int chunks = 2 + job % 15;
                        AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
                        AtomicReference<String> foreign = new AtomicReference<>();
                        Parallel.run(true, chunks, (c, lane) -> {
                            Thread me = Thread.currentThread();
                            if (lane == 0 ? me != caller : !me.getName().equals("aiaas-worker")) {
                                foreign.set("chunk " + c + " of lane " + lane + " ran on " + me.getName());
                            }
                            runs.incrementAndGet(c);
                            if (c % 3 == 0) {
                                Thread.onSpinWait();
                            }
                        }, 20_000, null);
                        assertEquals(null, foreign.get());
                        for (int c = 0; c < chunks; c++) {
                            assertEquals(1, runs.get(c), "job " + job + ", chunk " + c + " of " + chunks);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A run from inside a job (a chunk on the caller's thread, a chunk on the worker, the
     * worker's after) runs on its own thread alone: it neither takes the one job from under its
     * caller nor waits for the worker that runs it.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aRunFromInsideAJobRunsAloneAndDoesNotDeadlock() throws InterruptedException {
        AtomicInteger inner = new AtomicInteger();
        AtomicInteger innerOffThread = new AtomicInteger();
        for (int job = 0; job < 50; job++) {
            AtomicIntegerArray outer = new AtomicIntegerArray(8);
            Parallel.run(true, 8, (c, lane) -> {
                busy();
                Thread me = Thread.currentThread();
                boolean took = Parallel.run(true, 4, (c2, lane2) -> {
                    inner.incrementAndGet();
                    if (lane2 != 0 || Thread.currentThread() != me) {
                        innerOffThread.incrementAndGet();
                    }
                }, 0, null);
                assertFalse(took, "a nested run does not use the worker");
                outer.incrementAndGet(c);
            }, 0, null);
            for (int c = 0; c < 8; c++) {
                assertEquals(1, outer.get(c), "outer chunk " + c + " ran once");
            }
        }
        assertEquals(50 * 8 * 4, inner.get());
        assertEquals(0, innerOffThread.get(), "nested chunks ran on the thread that asked, as lane 0");

        // the worker's after runs a job of its own: alone, without waiting for itself
        AtomicInteger afterChunks = new AtomicInteger();
        AtomicInteger afters = new AtomicInteger();
        int taken = 0;
        for (int i = 0; i < 200 && taken < 3; i++) {
            if (Parallel.run(true, 8, (c, lane) -> busy(), 0, () -> {
                Parallel.run(true, 4, (c, lane) -> afterChunks.incrementAndGet(), 0, null);
                afters.incrementAndGet();
            })) {
                taken++;
            }
        }
        awaitCount(afters, taken);
        assertTrue(taken > 0, "the worker never joined");
        assertEquals(taken, afters.get());
        assertEquals(4 * taken, afterChunks.get());
    }
}
