package dev.aiaas.core.nn;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * The working state of a {@link Predictor}'s calls, lent to one call at a time, so that one
 * predictor serves any number of threads: a call {@link #take()}s a scratch, computes with it
 * alone and {@link #give gives} it back. Scratches are made when no idle one is left, up to
 * {@link #max()}; a call beyond that waits for one, in order of arrival (a fair semaphore).
 * Nothing is allocated per call: a thread alone takes and gives back the same scratch with two
 * compare-and-sets and a fair semaphore's two.
 *
 * <p>Ownership: each scratch is closed exactly once, by {@link #close()} when it is idle then,
 * else by the call that holds it when that call gives it back; what the scratches share (the
 * copy path's θ) is released by {@code onLastClosed} once the last scratch is closed after
 * {@link #close()} (or by {@code close()} when none was made). So nothing is freed under a
 * running call, and {@code close()} never waits. A call that starts after {@code close()}, or
 * waited through it, is refused with {@link IllegalStateException}.
 *
 * @param <S> the scratch
 */
final class ScratchPool<S extends AutoCloseable> implements AutoCloseable {
    /** In {@link #state}: set by {@link #close()}; the bits below count the scratches made and not yet closed. */
    private static final int CLOSED = 1 << 30;

    private final Supplier<S> make;
    private final Runnable onLastClosed;
    private final int max;
    /** Idle scratches, at most {@link #max} (so a scratch given back always finds a free slot). */
    private final AtomicReferenceArray<S> idle;
    /** One permit per scratch a call may hold; fair, so that waiting calls go in order of arrival. */
    private final Semaphore permits;
    /** The scratches alive (made, not yet closed), with {@link #CLOSED}. */
    private final AtomicInteger state = new AtomicInteger();
    private final String closedMessage;

    /**
     * @param max           the most scratches, at least 1
     * @param make          makes a scratch (may throw: the call that asked fails with it)
     * @param onLastClosed  releases what the scratches share, run once, after the last is closed
     * @param closedMessage the message of a call refused after {@link #close()}
     */
    ScratchPool(int max, Supplier<S> make, Runnable onLastClosed, String closedMessage) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1. Received: " + max);
        }
        this.max = max;
        this.make = make;
        this.onLastClosed = onLastClosed;
        this.idle = new AtomicReferenceArray<>(max);
        this.permits = new Semaphore(max, true);
        this.closedMessage = closedMessage;
    }

    /** The most scratches, and so the most calls computing at once. */
    int max() {
        return max;
    }

    /** How many scratches are alive now (made and not closed), for tests. */
    int alive() {
        return state.get() & ~CLOSED;
    }

    /**
     * A scratch for the calling thread alone until it is {@link #give given} back: an idle one,
     * else a new one when fewer than {@link #max()} are alive, else the next given back (waiting
     * for it, uninterruptibly: calls are short).
     *
     * @throws IllegalStateException when the pool is closed, or closes while this call waits
     */
    S take() {
        if ((state.get() & CLOSED) != 0) {
            throw new IllegalStateException(closedMessage);
        }
        permits.acquireUninterruptibly();
        try {
            for (int spins = 0; ; spins++) {
                if ((state.get() & CLOSED) != 0) {
                    throw new IllegalStateException(closedMessage);
                }
                S s = poll();
                if (s != null) {
                    return s;
                }
                int st = state.get();
                if (st < max) { // not closed and room for one more
                    if (state.compareAndSet(st, st + 1)) {
                        return make();
                    }
                } else if (spins > 64) {
                    Thread.yield(); // all made and one is idle (this call holds a permit): it is being moved
                } else {
                    Thread.onSpinWait();
                }
            }
        } catch (RuntimeException | Error e) {
            permits.release();
            throw e;
        }
    }

    private S make() {
        try {
            return make.get();
        } catch (RuntimeException | Error e) {
            retire();
            throw e;
        }
    }

    /** An idle scratch taken from its slot, or null. */
    private S poll() {
        for (int i = 0; i < max; i++) {
            S s = idle.get(i);
            if (s != null && idle.compareAndSet(i, s, null)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Gives back a scratch taken by this thread; it is closed here instead when the pool was
     * closed meanwhile.
     *
     * @param s the scratch {@link #take()} gave
     */
    void give(S s) {
        for (int i = 0; ; i = (i + 1) % max) { // at most max are alive, so a slot is free
            if (idle.get(i) == null && idle.compareAndSet(i, null, s)) {
                break;
            }
        }
        permits.release();
        if ((state.get() & CLOSED) != 0) { // close() may have looked at the slots before the put
            drain();
        }
    }

    /** Closes every idle scratch (each taken from its slot once, so closed once). */
    private void drain() {
        RuntimeException failure = null;
        for (int i = 0; i < max; i++) {
            S s = idle.getAndSet(i, null);
            if (s != null) {
                try {
                    s.close();
                } catch (Exception e) {
                    failure = failure != null ? failure : new IllegalStateException("closing a predictor's scratch failed", e);
                } finally {
                    retire();
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** One scratch fewer alive; the last after {@link #close()} releases what they share. */
    private void retire() {
        if (state.decrementAndGet() == CLOSED) {
            onLastClosed.run();
        }
    }

    /**
     * Refuses new calls, closes the idle scratches now and the others as their calls end, and
     * releases what they share after the last; never waits. Idempotent.
     */
    @Override
    public void close() {
        int before = state.getAndUpdate(s -> s | CLOSED);
        if ((before & CLOSED) != 0) {
            return;
        }
        if (before == 0) { // no scratch was alive, and none can be made now
            onLastClosed.run();
        }
        drain();
        permits.release(); // wakes a waiting call, which sees the pool closed and wakes the next
    }
}
