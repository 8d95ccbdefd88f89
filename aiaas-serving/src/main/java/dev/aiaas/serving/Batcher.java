package dev.aiaas.serving;

import dev.aiaas.core.nn.Predictor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Micro-batching for one model: requests that arrive together are gathered into one batch and
 * run through the {@link Predictor} once, and each gets its own rows of the result back.
 *
 * <p>One thread per model takes the first waiting request, then gathers more for up to
 * {@code maxDelay} after it or until the batch holds {@code maxBatch} rows (a request that
 * would overflow the batch starts the next one; one larger than {@code maxBatch} runs alone),
 * concatenates their rows, predicts once, and splits the outputs back in order.
 *
 * <p>Determinism: the packed {@link Predictor} computes each row independently of the others in
 * its batch, but not always in the same order of sums: it cuts a batch into chunks of
 * {@value #CHUNK} rows and a chunk into blocks of 8 (AVX-512) or 6 and 4 (AVX2) rows, and the
 * rows left over at the end of the last chunk take a one-row kernel with two accumulators per
 * column vector, which rounds differently (a few ULP). So a row's outputs would depend on where
 * it landed in a batch, that is on the other requests of the moment. The batcher pads every
 * batch with zero rows to whole chunks: each row is then computed by the block kernels, and a
 * request's outputs equal, bit for bit, {@code predictor.predict} of its own rows padded to
 * whole chunks, whichever requests shared its batch ({@code ConcurrencyTest}). They differ from
 * the unbatched server's answers, which run a request's rows as they are, by float32 rounding
 * only. The padding costs at most {@value #CHUNK} − 1 rows per batch. A request waits at most the server's
 * request timeout for its batch, then is answered 503. The queue of waiting requests is bounded
 * by the server's request threads, each of which waits for one.
 */
final class Batcher implements AutoCloseable {

    private static final Job STOP = new Job(new float[0], 0);
    /** The rows a batch is padded to a multiple of: the packed predictor's chunk. */
    static final int CHUNK = 16;

    private final String name;
    private final Predictor predictor;
    private final int in;
    private final int out;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final long timeoutNanos;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile ServerMetrics metrics;

    /** One request's rows and its result. */
    private record Job(float[] x, int rows, CompletableFuture<float[]> result) {
        Job(float[] x, int rows) {
            this(x, rows, new CompletableFuture<>());
        }
    }

    Batcher(String name, Predictor predictor, int in, int out, int maxBatch, Duration maxDelay, Duration timeout) {
        this.name = name;
        this.predictor = predictor;
        this.in = in;
        this.out = out;
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelay.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.thread = new Thread(this::loop, "aiaas-batcher-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Predicts {@code rows} rows within a batch.
     *
     * @return the rows' outputs, {@code rows · out} values
     * @throws HttpError 503 when the batch is not done within the request timeout or the server is closing
     */
    float[] predict(float[] x, int rows, ServerMetrics metrics) throws HttpError {
        this.metrics = metrics;
        Job job = new Job(x, rows);
        queue.add(job);
        try {
            return job.result.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new HttpError(503, "model " + name + " did not answer within the request timeout (" + timeoutNanos / 1_000_000
                    + " ms); the server is overloaded: retry later", "1");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpError(503, "the server is shutting down; retry on another server", "1");
        } catch (ExecutionException e) {
            throw new HttpError(503, "model " + name + " is shutting down; retry on another server", "1");
        }
    }

    private void loop() {
        List<Job> batch = new ArrayList<>();
        Job carry = null;
        try {
            while (true) {
                Job first = carry != null ? carry : queue.take();
                carry = null;
                if (first == STOP) {
                    break;
                }
                batch.clear();
                batch.add(first);
                int rows = first.rows;
                long deadline = System.nanoTime() + maxDelayNanos;
                while (rows < maxBatch) {
                    long wait = deadline - System.nanoTime();
                    Job next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    if (next == STOP || rows + next.rows > maxBatch) {
                        carry = next;
                        break;
                    }
                    batch.add(next);
                    rows += next.rows;
                }
                run(batch, rows);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(carry);
    }

    private void run(List<Job> batch, int rows) {
        ServerMetrics m = metrics;
        if (m != null) {
            m.batch(name, rows);
        }
        try {
            // padded with zero rows to whole chunks, so that every row is computed the same way
            // wherever it sits in the batch (see the class comment)
            int padded = (rows + CHUNK - 1) / CHUNK * CHUNK;
            float[] x = new float[Math.multiplyExact(padded, in)];
            int pos = 0;
            for (Job j : batch) {
                System.arraycopy(j.x, 0, x, pos, j.x.length);
                pos += j.x.length;
            }
            float[] y = predictor.predict(x);
            pos = 0;
            for (Job j : batch) {
                float[] part = new float[j.rows * out];
                System.arraycopy(y, pos, part, 0, part.length);
                pos += part.length;
                j.result.complete(part);
            }
        } catch (RuntimeException e) {
            for (Job j : batch) {
                j.result.completeExceptionally(e);
            }
        }
    }

    private void failAll(Job carry) {
        IllegalStateException closed = new IllegalStateException("closed");
        if (carry != null) {
            carry.result.completeExceptionally(closed);
        }
        for (Job j; (j = queue.poll()) != null; ) {
            j.result.completeExceptionally(closed);
        }
    }

    /** Runs the batches already waiting, then stops the thread; later requests fail with 503. */
    @Override
    public void close() {
        queue.add(STOP);
        try {
            thread.join(TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(null);
    }
}
