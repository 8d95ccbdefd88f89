package dev.aiaas.core.internal;

import dev.aiaas.core.backend.Backends;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Internal, not API. Runs a task over numbered chunks on the calling thread and, when asked, on
 * one worker thread too: both take chunks from a shared counter until none is left. If the
 * worker is slow to wake (a loaded machine), the caller simply takes more chunks; it waits at
 * most for the chunk the worker is in. The worker is one daemon thread for the process
 * ({@code aiaas-worker}) that parks between jobs; when it is busy with another job (another
 * model's step on another thread), the caller does the whole job itself. Nothing is allocated
 * per job.
 *
 * <p>Safe to call from any number of threads: one job at a time has the worker (whoever holds
 * it, taken with a try-lock, never waited for), every other caller runs its chunks alone, so no
 * caller waits for another's job and two jobs' chunks never mix. A run from inside a job (a
 * chunk, or the worker's {@code after}) also runs alone, on its own thread.
 *
 * <p>Used by the optimisers' element-wise updates and by the packed inference kernels: a job of
 * a few hundred microseconds splits over the two cores of the reference machine with a handoff
 * of a few microseconds, where ND4J's OpenMP ops collapsed under load.
 */
public final class Parallel {
    /** Whether the machine has a second core to share work with. */
    public static final boolean SECOND_CORE = Runtime.getRuntime().availableProcessors() > 1;

    /**
     * Whether work may be shared with the worker now: a second core and the engine set to 2+
     * compute threads ({@link Backends#computeThreads()}). Callers read it once, when they make
     * the state that runs the work (an optimiser state, a predictor), not per job.
     *
     * @return true when {@code shared} runs may use the worker thread
     */
    public static boolean twoThreads() {
        return SECOND_CORE && Backends.computeThreads() >= 2;
    }

    /** Work on chunk {@code chunk} by the thread of lane {@code lane} (0: the caller, 1: the worker). */
    @FunctionalInterface
    public interface Task {
        /**
         * Does one chunk's work. Chunks of one job run concurrently on the two lanes, so they must
         * write disjoint data; the lane can pick per-thread scratch space.
         *
         * @param chunk the chunk, {@code [0, chunks)}; each is run exactly once per job
         * @param lane  0 on the calling thread, 1 on the worker
         */
        void run(int chunk, int lane);
    }

    private static final ReentrantLock BUSY = new ReentrantLock();
    /** Made under {@link #BUSY} on first use; volatile for {@link #nested()}, which reads it without the lock. */
    private static volatile Worker worker;
    /** The one job, reused by every run (they run one at a time, under {@link #BUSY}). */
    private static final Job JOB = new Job();

    private Parallel() {
    }

    /**
     * Runs {@code task} over chunks {@code 0..chunks-1}: on this thread alone unless
     * {@code shared}, else on this thread and the worker. Rethrows what a chunk threw (after
     * every chunk has finished).
     *
     * @param shared whether the worker may take part (usually {@link #twoThreads()}, read once)
     * @param chunks the number of chunks, at least 0
     * @param task   the work, called once per chunk
     */
    public static void run(boolean shared, int chunks, Task task) {
        run(shared, chunks, task, 0);
    }

    /**
     * As {@link #run(boolean, int, Task)}; then the worker waits {@code spinNanos} for the next
     * job, spinning, before it parks. For work that comes back to back (serving a stream of
     * requests): waking a parked thread takes tens of microseconds on a busy machine, and the
     * caller meanwhile does the chunks alone. It costs the second core that long after each job,
     * as OpenMP's default wait policy does; the optimisers pass 0, since BLAS's threads run next.
     *
     * @param shared    whether the worker may take part
     * @param chunks    the number of chunks, at least 0
     * @param task      the work, called once per chunk
     * @param spinNanos how long the worker spins for the next job before parking, in nanoseconds
     *                  (0: it parks at once)
     */
    public static void run(boolean shared, int chunks, Task task, long spinNanos) {
        run(shared, chunks, task, spinNanos, null);
    }

    /**
     * As {@link #run(boolean, int, Task, long)}; then, when the worker took part in the job, it
     * runs {@code after} (if not null) once it has let go of the job, while the caller goes on:
     * work for later that need not hold up this call (making the buffer the next call will
     * return). {@code after} must not throw (what it throws is dropped) and must be safe to run
     * beside the caller's next calls.
     *
     * @param shared    whether the worker may take part
     * @param chunks    the number of chunks, at least 0
     * @param task      the work, called once per chunk
     * @param spinNanos how long the worker spins for the next job before parking, in nanoseconds
     * @param after     run by the worker after the job when it took part, or null
     * @return whether the worker took part in the job (and so runs {@code after})
     */
    public static boolean run(boolean shared, int chunks, Task task, long spinNanos, Runnable after) {
        if (!shared || chunks < 2 || nested() || !BUSY.tryLock()) {
            for (int c = 0; c < chunks; c++) {
                task.run(c, 0);
            }
            return false;
        }
        try {
            if (worker == null) {
                worker = new Worker();
            }
            return worker.run(JOB.reset(task, chunks, spinNanos, after));
        } finally {
            BUSY.unlock();
        }
    }

    /**
     * Whether this thread is inside a job already: the caller of a shared job running one of its
     * chunks (the lock is reentrant, so it would get the one job again and reset it under
     * itself), or the worker (running a chunk or an {@code after}: there is no other thread to
     * share with). Such a run is done by the calling thread alone.
     */
    private static boolean nested() {
        Worker w = worker;
        return BUSY.isHeldByCurrentThread() || (w != null && Thread.currentThread() == w.thread);
    }

    /**
     * One step of a wait for the other thread: a spin hint for the first {@value #SPINS} steps
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

    /**
     * One run: chunks handed out by a counter, and how many are finished. Reused: its fields are
     * written before it is handed to the worker (a volatile write), and it is not reset before
     * the worker has let go of it ({@link Worker#run(Job)}).
     */
    private static final class Job {
        Task task;
        int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;
        /** Which run this is; the worker reports it back when it leaves {@link #work}. */
        long serial;
        /** How long the worker waits, spinning, for the next job after this one. */
        long spinNanos;
        /** What the worker runs after it has let go of this job, or null. */
        Runnable after;

        Job reset(Task task, int chunks, long spinNanos, Runnable after) {
            this.task = task;
            this.chunks = chunks;
            this.spinNanos = spinNanos;
            this.after = after;
            this.failure = null;
            this.serial++;
            next.set(0);
            done.set(0);
            return this;
        }

        /** Takes chunks until none is left, working in the given lane. */
        void work(int lane) {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    task.run(c, lane);
                } catch (Throwable t) {
                    failure = t;
                }
                done.incrementAndGet();
            }
        }

        void await() {
            for (int spins = 0; done.get() < chunks; spins++) {
                pause(spins);
            }
        }

        /** Throws what a chunk threw, if anything, and lets go of the task. */
        void finish() {
            task = null;
            after = null;
            Throwable t = failure;
            failure = null;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** The second thread: parked until a job is submitted, then takes its chunks. */
    private static final class Worker implements Runnable {
        private final Thread thread;
        private final AtomicReference<Job> job = new AtomicReference<>();
        /** The serial of the last job this thread took and left. */
        private volatile long left;

        Worker() {
            thread = new Thread(this, "aiaas-worker");
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * Shares {@code j} with this thread, takes chunks on the calling one until none is left
         * and all are done; then withdraws the job if this thread never took it, or else waits
         * until it has left {@link Job#work} (it finds no chunk and returns), so that the job can
         * be reset for the next run.
         */
        boolean run(Job j) {
            job.set(j);
            LockSupport.unpark(thread);
            j.work(0);
            j.await();
            boolean taken = !job.compareAndSet(j, null);
            if (taken) { // wait for this thread to let go of it
                for (int spins = 0; left != j.serial; spins++) {
                    pause(spins);
                }
            }
            j.finish();
            return taken;
        }

        @Override
        public void run() {
            long spinUntil = 0;
            while (true) {
                // a plain read first: spinning on getAndSet would keep taking the line from the caller
                Job j = job.get() == null ? null : job.getAndSet(null);
                if (j != null) {
                    long serial = j.serial;
                    long spin = j.spinNanos; // read before letting go: the job may be reset at once
                    Runnable after = j.after;
                    j.work(1);
                    left = serial;
                    if (after != null) {
                        try {
                            after.run();
                        } catch (Throwable t) {
                            // dropped, as documented: the caller has gone on
                        }
                    }
                    spinUntil = spin > 0 ? System.nanoTime() + spin : 0;
                } else if (spinUntil != 0 && System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    spinUntil = 0;
                    LockSupport.park(this);
                }
            }
        }
    }
}
