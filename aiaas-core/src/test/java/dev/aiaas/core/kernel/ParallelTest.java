package dev.aiaas.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ParallelTest {

    /** A chunk that takes long enough (0.2 ms) for a worker to wake up and join. */
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

    /**
     * Waits up to 3 s until {@code parties} chunks of one job are in {@code meet} at once (so
     * that many threads run the job).
     *
     * @return whether they all met
     */
    private static boolean meet(AtomicInteger in, int parties) {
        in.incrementAndGet();
        long end = System.nanoTime() + 3_000_000_000L;
        while (in.get() < parties) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    /**
     * Whether a job of {@code lanes} chunks at {@code lanes} lanes ran all its chunks at once, on
     * as many threads, in one of five tries (a worker that has just finished a job may still be
     * finishing its after, and a loaded machine may not run a thread for a while).
     */
    private static boolean fullyStaffed(int lanes, List<String> names) {
        for (int attempt = 0; attempt < 5; attempt++) {
            AtomicInteger in = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean all = new java.util.concurrent.atomic.AtomicBoolean(true);
            names.clear();
            Parallel.run(lanes, lanes, (c, lane) -> {
                names.add(Thread.currentThread().getName());
                if (!meet(in, lanes)) {
                    all.set(false);
                }
            }, 0, null);
            if (all.get()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyChunkRunsOnceOnDistinctLanesAtAnyLaneCount() {
        for (int lanes : new int[] {1, 2, 3, 4, 8}) {
            for (int chunks : new int[] {0, 1, 2, 7, 64}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(chunks, 1));
                AtomicIntegerArray inLane = new AtomicIntegerArray(lanes);
                AtomicReference<String> clash = new AtomicReference<>();
                boolean taken = Parallel.run(lanes, chunks, (c, lane) -> {
                    if (lane < 0 || lane >= lanes || inLane.incrementAndGet(lane) != 1) {
                        clash.set("lane " + lane + " of " + lanes + " ran two chunks at once or is out of range");
                    }
                    runs.incrementAndGet(c);
                    Thread.onSpinWait();
                    inLane.decrementAndGet(lane);
                }, 0, null);
                assertNull(clash.get());
                if (lanes == 1 || chunks < 2) {
                    assertFalse(taken, "the caller alone runs a one-lane job or one of a single chunk");
                }
                for (int c = 0; c < chunks; c++) {
                    assertEquals(1, runs.get(c), "chunk " + c + " of " + chunks + " at " + lanes + " lanes");
                }
            }
        }
    }

    @Test
    void lanesFollowTheWorksSizeAndTheThreadSetting() {
        Parallel.withThreads(4, () -> {
            assertEquals(4, Parallel.threads());
            assertEquals(1, Parallel.lanes(0, 100), "no work: one lane");
            assertEquals(1, Parallel.lanes(199, 100), "under two lanes' minimum: one");
            assertEquals(2, Parallel.lanes(200, 100));
            assertEquals(3, Parallel.lanes(399, 100));
            assertEquals(4, Parallel.lanes(1_000_000, 100), "at most the threads set");
            Parallel.withThreads(1, () -> {
                assertEquals(1, Parallel.lanes(1_000_000, 100), "an inner setting wins");
                return null;
            });
            assertEquals(4, Parallel.threads(), "restored after the inner one");
            return null;
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.withThreads(0, () -> null));
        assertTrue(e.getMessage().contains("threads=0") && e.getMessage().contains("1 to " + Parallel.MAX_LANES), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Parallel.withThreads(Parallel.MAX_LANES + 1, () -> null));
        e = assertThrows(IllegalArgumentException.class, () -> Parallel.lanes(10, 0));
        assertTrue(e.getMessage().contains("minPerLane"), e.getMessage());
    }

    /** Each job at 4 lanes meets 4 of its chunks at once: the pool really runs 3 workers beside the caller. */
    @Test
    void aJobRunsOnAsManyThreadsAsItsLanes() {
        List<String> names = java.util.Collections.synchronizedList(new ArrayList<>());
        assertTrue(fullyStaffed(4, names), "four chunks never ran at once at four lanes");
        assertEquals(4, names.stream().distinct().count(), names.toString());
        for (String n : names) {
            assertTrue(n.equals(Thread.currentThread().getName()) || n.matches("aiaas-worker-[1-9][0-9]*"), n);
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("aiaas-worker")) {
                assertTrue(t.isDaemon(), t.getName() + " is not a daemon thread");
                assertTrue(t.getName().matches("aiaas-worker-[1-9][0-9]*"), t.getName());
            }
        }
        assertTrue(Parallel.poolSize() <= Parallel.MAX_LANES - 1);
    }

    @Test
    void whatAChunkThrowsReachesTheCallerAsItselfAfterTheOthersFinish() {
        for (int lanes : new int[] {1, 3}) {
            AtomicInteger done = new AtomicInteger();
            IllegalStateException thrown = new IllegalStateException("chunk 3");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.run(lanes, 8, (c, lane) -> {
                busy();
                if (c == 3) {
                    throw thrown;
                }
                done.incrementAndGet();
            }, 0, null));
            assertSame(thrown, e, "the very object thrown");
            assertEquals(7, done.get(), "the other chunks all ran before the caller threw");
        }
        // an Error, and a checked exception thrown sneakily, keep their types too
        AssertionError err = new AssertionError("chunk 5");
        assertSame(err, assertThrows(AssertionError.class, () -> Parallel.run(3, 8, (c, lane) -> {
            busy();
            if (c == 5) {
                throw err;
            }
        }, 0, null)));
        IOException io = new IOException("disk");
        assertSame(io, assertThrows(IOException.class, () -> Parallel.run(3, 8, (c, lane) -> {
            if (c == 6) {
                ParallelTest.<RuntimeException>sneaky(io);
            }
        }, 0, null)));
        // two throwing chunks: the first thrown reaches the caller, the other is suppressed in it
        RuntimeException e = assertThrows(RuntimeException.class, () -> Parallel.run(3, 8, (c, lane) -> {
            busy();
            if (c == 1 || c == 6) {
                throw new RuntimeException("chunk " + c);
            }
        }, 0, null));
        assertEquals(1, e.getSuppressed().length, "the other failure is kept as suppressed");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneaky(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void oneWorkerRunsAfterOnlyWhenAnyTookPartAndSurvivesAThrowingOne() throws InterruptedException {
        AtomicInteger afters = new AtomicInteger();
        AtomicReference<String> where = new AtomicReference<>();
        Runnable after = () -> {
            where.set(Thread.currentThread().getName());
            afters.incrementAndGet();
        };
        assertFalse(Parallel.run(1, 8, (c, lane) -> busy(), 0, after), "one lane: the caller does all");
        assertFalse(Parallel.run(4, 1, (c, lane) -> busy(), 0, after), "one chunk: the caller does it");
        int taken = 0;
        for (int i = 0; i < 200 && taken < 3; i++) {
            if (Parallel.run(4, 8, (c, lane) -> busy(), 0, after)) {
                taken++;
            }
        }
        assertTrue(taken > 0, "no worker joined in 200 jobs of 1.6 ms");
        awaitCount(afters, taken);
        Thread.sleep(50);
        assertEquals(taken, afters.get(), "after runs once per job any worker took part in");
        assertTrue(where.get().startsWith("aiaas-worker-"), where.get());

        // a throwing after is dropped, and the workers go on taking chunks
        for (int i = 0; i < 200; i++) {
            if (Parallel.run(2, 8, (c, lane) -> busy(), 0, () -> {
                throw new IllegalStateException("dropped");
            })) {
                break;
            }
        }
        assertTrue(fullyStaffed(3, java.util.Collections.synchronizedList(new ArrayList<>())), "the workers stopped");
    }

    /**
     * Jobs from many threads at once, at several lane counts: each job's chunks each run once,
     * for that job's task only, on its caller's thread (lane 0) or a worker (never another
     * caller's), and every caller returns.
     */
    @Test
    void manyCallersNeverMixTheirChunksNorWaitForEachOther() throws Exception {
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < callers; t++) {
                int lanes = 2 + t % 3;
                futures.add(pool.submit(() -> {
                    Thread caller = Thread.currentThread();
                    for (int job = 0; job < 200; job++) {
                        int chunks = 2 + job % 15;
                        AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
                        AtomicReference<String> foreign = new AtomicReference<>();
                        Parallel.run(lanes, chunks, (c, lane) -> {
                            Thread me = Thread.currentThread();
                            if (lane == 0 ? me != caller : !me.getName().startsWith("aiaas-worker-") || lane >= lanes) {
                                foreign.set("chunk " + c + " of lane " + lane + " ran on " + me.getName());
                            }
                            runs.incrementAndGet(c);
                            if (c % 3 == 0) {
                                Thread.onSpinWait();
                            }
                        }, 20_000, null);
                        assertNull(foreign.get());
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
     * Two concurrent callers, each with a job that needs two threads at once: caller A's job
     * holds its worker until caller B's job has finished, which it can only do on a second
     * worker; so B ran in parallel beside A (a single global worker would fail it), and both
     * results are right. The pool is sized by the thread setting (3 here: two workers).
     */
    @Test
    void twoConcurrentCallersEachGetWorkersAndBothComplete() throws Exception {
        CountDownLatch bDone = new CountDownLatch(1);
        AtomicInteger aIn = new AtomicInteger();
        long[] aOut = new long[2];
        long[] bOut = new long[2];
        java.util.concurrent.atomic.AtomicBoolean bOnTwo = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> Parallel.withThreads(3, () -> {
                Parallel.run(2, 2, (c, lane) -> {
                    aIn.incrementAndGet();
                    try {
                        assertTrue(bDone.await(20, TimeUnit.SECONDS), "B did not finish while A held its worker");
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    aOut[c] = 10L + c;
                }, 0, null);
                return null;
            }));
            for (int i = 0; i < 20_000 && aIn.get() < 2; i++) {
                Thread.sleep(1);
            }
            assertEquals(2, aIn.get(), "A's job never ran on two threads");
            Future<?> b = pool.submit(() -> {
                for (int attempt = 0; attempt < 5 && !bOnTwo.get(); attempt++) {
                    AtomicInteger bIn = new AtomicInteger();
                    java.util.concurrent.atomic.AtomicBoolean met = new java.util.concurrent.atomic.AtomicBoolean(true);
                    Parallel.run(2, 2, (c, lane) -> {
                        if (!meet(bIn, 2)) {
                            met.set(false);
                        }
                        bOut[c] = 20L + c;
                    }, 0, null);
                    bOnTwo.set(met.get());
                }
                bDone.countDown();
                return null;
            });
            b.get(60, TimeUnit.SECONDS);
            a.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertTrue(bOnTwo.get(), "B's job never got a worker while A held one");
        assertEquals(10, aOut[0]);
        assertEquals(11, aOut[1]);
        assertEquals(20, bOut[0]);
        assertEquals(21, bOut[1]);
    }

    /**
     * A run from inside a job (a chunk on the caller's thread, a chunk on a worker, a worker's
     * after) is a job of its own: it uses idle workers or runs alone, never waits for a busy one,
     * and every chunk of every level runs once; also with every worker busy (a pool of one
     * worker, taken by the outer job).
     */
    @Test
    void aRunFromInsideAJobDoesNotDeadlock() throws InterruptedException {
        for (int lanes : new int[] {2, 4}) {
            AtomicInteger inner = new AtomicInteger();
            AtomicInteger innerInner = new AtomicInteger();
            for (int job = 0; job < 30; job++) {
                AtomicIntegerArray outer = new AtomicIntegerArray(8);
                Parallel.run(lanes, 8, (c, lane) -> {
                    busy();
                    Parallel.run(lanes, 4, (c2, lane2) -> {
                        Parallel.run(lanes, 3, (c3, lane3) -> innerInner.incrementAndGet(), 0, null);
                        inner.incrementAndGet();
                    }, 0, null);
                    outer.incrementAndGet(c);
                }, 0, null);
                for (int c = 0; c < 8; c++) {
                    assertEquals(1, outer.get(c), "outer chunk " + c + " ran once");
                }
            }
            assertEquals(30 * 8 * 4, inner.get());
            assertEquals(30 * 8 * 4 * 3, innerInner.get());
        }

        // a worker's after runs a job of its own, without waiting for itself
        AtomicInteger afterChunks = new AtomicInteger();
        AtomicInteger afters = new AtomicInteger();
        int taken = 0;
        for (int i = 0; i < 200 && taken < 3; i++) {
            if (Parallel.run(2, 8, (c, lane) -> busy(), 0, () -> {
                Parallel.run(2, 4, (c, lane) -> afterChunks.incrementAndGet(), 0, null);
                afters.incrementAndGet();
            })) {
                taken++;
            }
        }
        awaitCount(afters, taken);
        assertTrue(taken > 0, "no worker joined");
        assertEquals(taken, afters.get());
        assertEquals(4 * taken, afterChunks.get());
    }

    /**
     * An interrupted caller finishes its job (no half-done work) and keeps its interrupt status;
     * an interrupted worker clears it and goes on serving jobs.
     */
    @Test
    void interruptsAreKeptByTheCallerAndDoNotStopTheWorkers() {
        Thread.currentThread().interrupt();
        AtomicIntegerArray runs = new AtomicIntegerArray(16);
        try {
            Parallel.run(3, 16, (c, lane) -> {
                busy();
                runs.incrementAndGet(c);
            }, 0, null);
        } finally {
            assertTrue(Thread.interrupted(), "the caller's interrupt status was kept (and is cleared here)");
        }
        for (int c = 0; c < 16; c++) {
            assertEquals(1, runs.get(c), "chunk " + c);
        }
        List<String> names = java.util.Collections.synchronizedList(new ArrayList<>());
        assertTrue(fullyStaffed(4, names));
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("aiaas-worker-")) {
                t.interrupt();
            }
        }
        assertTrue(fullyStaffed(4, names), "interrupted workers stopped taking jobs");
        assertEquals(4, names.stream().distinct().count(), names.toString());
    }
}
