package dev.aiaas.core.kernel;

import dev.aiaas.core.backend.Backends;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The engine's worker pool, public so that other modules' kernels share it (aiaas-vision's direct
 * convolution); application code has no need of it. Runs a task over numbered chunks on the calling thread and, when asked, on
 * up to {@code lanes - 1} worker threads too: all take chunks from a shared counter until none
 * is left. If the workers are slow to wake (a loaded machine), the caller simply takes more
 * chunks; it waits at most for the chunks the workers are in.
 *
 * <p><b>The pool.</b> The workers are daemon threads of the process ({@code aiaas-worker-1},
 * {@code aiaas-worker-2}, ...), made on first need: as many as {@link #threads()} less one, or
 * the most lanes any job asked for less one when that is more (at most {@link #MAX_LANES}
 * {@code - 1}); each parks between jobs. A caller claims
 * idle workers for its job (a compare-and-set on each worker's state, never waited for): when
 * they are all busy with other callers' jobs (other models' steps, other requests), it runs its
 * chunks with those it got, or alone. So no caller waits for another's job, concurrent callers
 * share the pool instead of queueing on one worker, and nothing is queued anywhere: a worker
 * holds one job at a time and a job that finds no idle worker does not wait for one. A run from
 * inside a job (a chunk, or a worker's {@code after}) is a job of its own, by the same rules: it
 * claims idle workers or runs alone, so nesting cannot deadlock (every wait is for a worker that
 * runs the waiter's own chunks).
 *
 * <p><b>Determinism.</b> The chunks are the caller's, fixed by the work and never by the number
 * of lanes: a job's result is the same for any thread count when each chunk writes its own
 * output. A reduction must keep per-chunk partial results and combine them in chunk order on
 * the caller after the run (none of the users needs one today: the optimisers' updates are
 * element-wise, the predictor's chunks are rows and its panels columns).
 *
 * <p><b>Failures and interrupts.</b> What a chunk throws reaches the caller as the same object
 * (the first one; the others are added to it as suppressed), after every chunk has run. A job
 * is not abandoned when the caller is interrupted (half an optimiser step, or half a batch's
 * outputs, is worse than finishing work of at most milliseconds): the caller only ever waits for
 * chunks in progress, and its interrupt status is left as it was, for its next blocking call to
 * see. An interrupted worker clears its status and goes on serving jobs (it is the pool's, not
 * the interrupter's).
 *
 * <p>Used by the optimisers' element-wise updates and by the packed inference kernels: a job of
 * a few hundred microseconds splits across cores with a handoff of a few microseconds per
 * worker, where ND4J's OpenMP ops collapsed under load. Allocation per job: none for a caller's
 * outermost job (its {@link Job} is kept per thread); a nested one makes its own.
 */
public final class Parallel {
    /** The most lanes (threads) one job uses; the pool never has more than this many workers less one. */
    public static final int MAX_LANES = 256;

    /** Work on chunk {@code chunk} by the thread of lane {@code lane}. */
    @FunctionalInterface
    public interface Task {
        /**
         * Does one chunk's work. Chunks of one job run concurrently on up to {@code lanes} threads,
         * so they must write disjoint data; the lane can pick per-thread scratch space (no two
         * threads of one job have the same lane).
         *
         * @param chunk the chunk, {@code [0, chunks)}; each is run exactly once per job
         * @param lane  0 on the calling thread, {@code 1..lanes-1} on the workers that took part
         */
        void run(int chunk, int lane);
    }

    private Parallel() {
    }

    /** A per-thread override of {@link #threads()} (0: none), for tests and the bench. */
    private static final ThreadLocal<int[]> OVERRIDE = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * The threads aiaas's own parallel work may use: {@link Backends#computeThreads()} (the
     * {@code aiaas.threads} setting, else the cores available), capped at {@link #MAX_LANES}; or
     * the count of an enclosing {@link #withThreads} on this thread. Callers read it once, when
     * they make the state that runs the work (an optimiser state, a predictor), and size their
     * per-lane scratch space by it.
     *
     * @return the thread count, 1 to {@link #MAX_LANES}
     */
    public static int threads() {
        int o = OVERRIDE.get()[0];
        return Math.min(MAX_LANES, o > 0 ? o : Backends.computeThreads());
    }

    /**
     * Runs {@code body} with {@link #threads()} returning {@code threads} on this thread (states
     * and predictors it makes take that many lanes); the setting before is restored after.
     *
     * @param threads the thread count, 1 to {@link #MAX_LANES}
     * @param body    what to run
     * @param <T>     what it returns
     * @return what {@code body} returned
     * @throws IllegalArgumentException when {@code threads} is out of range
     */
    public static <T> T withThreads(int threads, Supplier<T> body) {
        if (threads < 1 || threads > MAX_LANES) {
            throw new IllegalArgumentException("threads must be from 1 to " + MAX_LANES + ". Received: threads=" + threads);
        }
        int[] o = OVERRIDE.get();
        int before = o[0];
        o[0] = threads;
        try {
            return body.get();
        } finally {
            o[0] = before;
        }
    }

    /**
     * How many lanes a job of {@code work} units should use: one per {@code minPerLane} units,
     * at least 1 and at most {@link #threads()}. The minimum keeps each thread's share large
     * beside the cost of handing it over (a few microseconds to wake a parked worker).
     *
     * @param work       the job's size, in the caller's units (elements, weights, rows)
     * @param minPerLane the least work worth another thread, in the same units, at least 1
     * @return the lanes to pass to {@link #run}
     */
    public static int lanes(long work, long minPerLane) {
        if (minPerLane < 1) {
            throw new IllegalArgumentException("minPerLane must be at least 1. Received: " + minPerLane);
        }
        return (int) Math.max(1, Math.min(threads(), work / minPerLane));
    }

    /**
     * Runs {@code task} over chunks {@code 0..chunks-1} on this thread and up to
     * {@code lanes - 1} workers. Rethrows what a chunk threw (after every chunk has finished).
     *
     * @param lanes  the most threads to use, this one included (1: this thread alone)
     * @param chunks the number of chunks, at least 0
     * @param task   the work, called once per chunk
     */
    public static void run(int lanes, int chunks, Task task) {
        run(lanes, chunks, task, 0, null);
    }

    /**
     * As {@link #run(int, int, Task)}; then each worker that took part waits {@code spinNanos}
     * for its next job, spinning, before it parks; and one of them runs {@code after} (if not
     * null) once it has let go of the job, while the caller goes on: work for later that need not
     * hold up this call (making the buffer the next call will return). {@code after} must not
     * throw (what it throws is dropped) and must be safe to run beside the caller's next calls.
     *
     * <p>The spin is for work that comes back to back (serving a stream of requests): waking a
     * parked thread takes tens of microseconds on a busy machine, and the caller meanwhile does
     * the chunks alone. It costs each worker's core that long after each job, as OpenMP's default
     * wait policy does; the optimisers pass 0, since BLAS's threads run next.
     *
     * @param lanes     the most threads to use, this one included
     * @param chunks    the number of chunks, at least 0
     * @param task      the work, called once per chunk
     * @param spinNanos how long a worker spins for its next job before parking, in nanoseconds
     * @param after     run by one worker after the job when any took part, or null
     * @return whether a worker took part in the job (and so one runs {@code after})
     */
    public static boolean run(int lanes, int chunks, Task task, long spinNanos, Runnable after) {
        int want = Math.min(Math.min(lanes, MAX_LANES), chunks) - 1;
        if (want < 1) {
            Throwable failure = null;
            for (int c = 0; c < chunks; c++) {
                try {
                    task.run(c, 0);
                } catch (Throwable t) { // as on several threads: every chunk runs, the first failure is thrown
                    if (failure == null) {
                        failure = t;
                    } else if (failure != t) {
                        failure.addSuppressed(t);
                    }
                }
            }
            if (failure != null) {
                throw Parallel.<RuntimeException>sneaky(failure);
            }
            return false;
        }
        Job[] mine = JOBS.get();
        Job j = mine[0];
        if (j == null || j.busy) {
            j = new Job(); // a nested run: the thread's job is in use below it
            if (mine[0] == null) {
                mine[0] = j;
            }
        }
        j.busy = true;
        try {
            return j.run(want, chunks, task, spinNanos, after);
        } finally {
            j.busy = false;
        }
    }

    /** Each thread's job for its outermost runs. */
    private static final ThreadLocal<Job[]> JOBS = ThreadLocal.withInitial(() -> new Job[1]);

    /** The pool's workers, grown (copied) under {@link #GROW}; never shrinks. */
    private static volatile Worker[] workers = new Worker[0];
    private static final ReentrantLock GROW = new ReentrantLock();

    /** The workers made so far (for tests). */
    static int poolSize() {
        return workers.length;
    }

    /** The pool, with at least {@code n} workers when it had fewer. */
    private static Worker[] pool(int n) {
        Worker[] w = workers;
        if (w.length >= n) {
            return w;
        }
        GROW.lock();
        try {
            w = workers;
            if (w.length < n) {
                Worker[] more = java.util.Arrays.copyOf(w, n);
                for (int i = w.length; i < n; i++) {
                    more[i] = new Worker(i + 1);
                }
                workers = more;
                w = more;
            }
            return w;
        } finally {
            GROW.unlock();
        }
    }

    /**
     * One step of a wait for another thread: a spin hint for the first {@value #SPINS} steps
     * (tens to hundreds of microseconds, by the CPU's pause latency: the other thread is in its
     * last chunk), then a yield, so that on a machine with more runnable threads than cores a
     * waiter does not hold the core the thread it waits for needs (seen before: calls stalling
     * for a second with eight callers on two cores).
     */
    private static void pause(int spins) {
        if (spins < SPINS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /** Spin hints before a waiter yields. */
    private static final int SPINS = 1 << 12;

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    /**
     * One caller's run: chunks handed out by a counter, how many are finished, and the workers
     * it claimed. Reused for the thread's next outermost run once every worker has let go of it.
     */
    private static final class Job {
        /** Whether a run of this thread is using this job (a nested run then makes its own). */
        boolean busy;
        Task task;
        int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        /** Workers that took the job and have since let go of it. */
        final AtomicInteger left = new AtomicInteger();
        /** Set by the worker that runs {@link #after}. */
        final AtomicBoolean afterTaken = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** What one worker runs after it has let go of this job, or null. */
        Runnable after;
        /** The workers claimed for the run in progress. */
        Worker[] helpers = new Worker[0];

        boolean run(int want, int chunks, Task task, long spinNanos, Runnable after) {
            this.task = task;
            this.chunks = chunks;
            this.after = after;
            next.set(0);
            done.set(0);
            left.set(0);
            afterTaken.set(false);
            failure.set(null);
            if (helpers.length < want) {
                helpers = new Worker[want];
            }
            int m = 0;
            Worker[] pool = pool(Math.max(want, threads() - 1));
            Thread me = Thread.currentThread();
            for (int i = 0; i < pool.length && m < want; i++) {
                Worker w = pool[i];
                if (w.thread != me // a worker running a job from its after: not itself
                        && w.state.get() == Worker.IDLE && w.state.compareAndSet(Worker.IDLE, Worker.CLAIMED)) {
                    w.lane = m + 1;
                    w.spinNanos = spinNanos;
                    w.slot.set(this);
                    LockSupport.unpark(w.thread);
                    helpers[m++] = w;
                }
            }
            work(0);
            for (int spins = 0; done.get() < chunks; spins++) {
                pause(spins);
            }
            int taken = 0;
            for (int i = 0; i < m; i++) {
                Worker w = helpers[i];
                helpers[i] = null;
                if (w.slot.compareAndSet(this, null)) { // never took it: withdrawn
                    w.state.set(Worker.IDLE);
                } else {
                    taken++;
                }
            }
            for (int spins = 0; left.get() < taken; spins++) { // the takers are leaving work(): no chunk is left
                pause(spins);
            }
            this.task = null;
            this.after = null;
            Throwable t = failure.getAndSet(null);
            if (t != null) {
                throw Parallel.<RuntimeException>sneaky(t);
            }
            return taken > 0;
        }

        /** Takes chunks until none is left, working in the given lane. */
        void work(int lane) {
            Task t = task;
            int n = chunks;
            for (int c = next.getAndIncrement(); c < n; c = next.getAndIncrement()) {
                try {
                    t.run(c, lane);
                } catch (Throwable e) {
                    fail(e);
                }
                done.incrementAndGet();
            }
        }

        private void fail(Throwable e) {
            if (!failure.compareAndSet(null, e)) {
                Throwable first = failure.get();
                if (first != e) {
                    synchronized (first) {
                        first.addSuppressed(e);
                    }
                }
            }
        }
    }

    /** A pool thread: parked until a caller claims it and hands it a job, then takes its chunks. */
    private static final class Worker implements Runnable {
        static final int IDLE = 0;
        static final int CLAIMED = 1;

        final Thread thread;
        /**
         * {@link #IDLE}, or {@link #CLAIMED} from a caller's claim until this thread has done the
         * job's chunks (it may still run the job's after while idle: a job handed over meanwhile
         * waits in the slot, and its caller takes the chunks itself until this thread comes).
         */
        final AtomicInteger state = new AtomicInteger(IDLE);
        /** The job handed over, until this thread takes it (or the caller withdraws it). */
        final AtomicReference<Job> slot = new AtomicReference<>();
        /** This thread's lane in the job handed over (written before {@link #slot}). */
        int lane;
        /** How long to spin for the next job after this one (written before {@link #slot}). */
        long spinNanos;

        Worker(int number) {
            thread = new Thread(this, "aiaas-worker-" + number);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            long spinUntil = 0;
            while (true) {
                // a plain read first: spinning on getAndSet would keep taking the line from the caller
                Job j = slot.get() == null ? null : slot.getAndSet(null);
                if (j != null) {
                    int myLane = lane;
                    long spin = spinNanos;
                    Runnable after = j.after; // read before letting go: the job may be reused at once
                    j.work(myLane);
                    boolean runAfter = after != null && j.afterTaken.compareAndSet(false, true);
                    // claimable at once, during the after too (as the one worker was before: a
                    // caller's next job waits in the slot and this thread joins it when done)
                    state.set(IDLE);
                    j.left.incrementAndGet(); // let go of the job
                    if (runAfter) {
                        try {
                            after.run();
                        } catch (Throwable t) {
                            // dropped, as documented: the caller has gone on
                        }
                    }
                    Thread.interrupted(); // a chunk's or an interrupter's: not the next job's business
                    spinUntil = spin > 0 ? System.nanoTime() + spin : 0;
                } else if (spinUntil != 0 && System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    spinUntil = 0;
                    LockSupport.park(this);
                    Thread.interrupted(); // else park returns at once, for ever
                }
            }
        }
    }
}
