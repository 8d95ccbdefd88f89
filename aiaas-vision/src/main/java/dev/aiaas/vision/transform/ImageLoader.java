package dev.aiaas.vision.transform;

import dev.aiaas.core.data.Shuffle;
import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageLimits;
import dev.aiaas.vision.image.ImageSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streams an {@link ImageSource} (an {@link dev.aiaas.vision.image.ImageFolder} of files, or
 * {@link dev.aiaas.vision.image.IdxImages}) in batches, decoding and transforming on worker threads. At most
 * {@code prefetchBatches * batchSize} images are decoded ahead of the consumer (a bounded queue), and
 * the output does not depend on the number of workers or their timing: epoch {@code e} visits the
 * examples in the order of {@code Shuffle.shuffle} with {@code Shuffle.epochSeed(seed, e)} (the
 * codebase's one seed rule), and example {@code i} is transformed with the seed
 * {@code Seeds.mix(Shuffle.epochSeed(seed, e), i)}.
 *
 * <p>Use: {@code try (ImageLoader.Epoch it = loader.epoch(e)) { while (it.hasNext()) { Batch b = it.next(); ... } }}.
 * A file that cannot be read stops the epoch: {@code next()} throws an {@link UncheckedIOException}
 * whose cause is the {@link dev.aiaas.vision.image.ImageFormatException} naming the file.
 *
 * @param folder          the data set: an image folder, IDX images ({@link dev.aiaas.vision.image.IdxImages}) or any {@link ImageSource}
 * @param transform       applied to each decoded image; it must give every image one shape
 * @param options         batch size, workers, prefetch, shuffling
 * @param limits          the decoder's limits
 * @param seed            the run's seed
 */
public record ImageLoader(ImageSource folder, Transform transform, Options options, ImageLimits limits, long seed) {

    /**
     * How the loader batches.
     *
     * @param batchSize       images per batch, 1 to 65536
     * @param workers         decoding threads, 1 to 256
     * @param prefetchBatches batches decoded ahead, 1 to 64
     * @param shuffle         whether each epoch visits the examples in a seeded random order (else in order)
     * @param dropLast        whether a last, smaller batch is dropped
     */
    public record Options(int batchSize, int workers, int prefetchBatches, boolean shuffle, boolean dropLast) {

        /**
         * Validates.
         *
         * @param batchSize       images per batch, 1 to 65536
         * @param workers         decoding threads, 1 to 256
         * @param prefetchBatches batches decoded ahead, 1 to 64
         * @param shuffle         whether epochs are shuffled
         * @param dropLast        whether a last, smaller batch is dropped
         */
        public Options {
            if (batchSize < 1 || batchSize > 65536) {
                throw new IllegalArgumentException("batchSize=" + batchSize + ": expected 1 to 65536");
            }
            if (workers < 1 || workers > 256) {
                throw new IllegalArgumentException("workers=" + workers + ": expected 1 to 256 threads");
            }
            if (prefetchBatches < 1 || prefetchBatches > 64) {
                throw new IllegalArgumentException("prefetchBatches=" + prefetchBatches + ": expected 1 to 64");
            }
        }
    }

    /**
     * Validates.
     *
     * @param folder    the data set
     * @param transform applied to each decoded image
     * @param options   batching
     * @param limits    the decoder's limits
     * @param seed      the run's seed
     */
    public ImageLoader {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(transform, "transform");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(limits, "limits");
    }

    /** @return the batches per epoch */
    public int batchesPerEpoch() {
        int n = folder.size();
        int b = options.batchSize();
        return options.dropLast() ? n / b : (n + b - 1) / b;
    }

    /**
     * Starts an epoch; close it (try-with-resources) to stop its threads.
     *
     * @param epoch the epoch, from 0
     * @return the batches, labels one-hot over the folder's classes
     */
    public Epoch epoch(int epoch) {
        int[] order = new int[folder.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        long epochSeed = Shuffle.epochSeed(seed, epoch);
        if (options.shuffle()) {
            Shuffle.shuffle(order, epochSeed);
        }
        return new Epoch(order, epochSeed);
    }

    /** The batches of one epoch, in a deterministic order; holds worker threads until closed. */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {

        private final int[] order;
        private final long epochSeed;
        private final ExecutorService pool;
        private final ArrayDeque<Future<Image>> ahead = new ArrayDeque<>();
        private final int total;
        private int submitted;
        private int delivered;

        private Epoch(int[] order, long epochSeed) {
            this.order = order;
            this.epochSeed = epochSeed;
            this.total = options.dropLast() ? batchesPerEpoch() * options.batchSize() : order.length;
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(options.workers(), r -> {
                Thread t = new Thread(r, "aiaas-image-loader-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            fill();
        }

        private void fill() {
            int window = options.prefetchBatches() * options.batchSize();
            while (submitted < total && submitted - delivered < window) {
                int i = order[submitted++];
                ahead.add(pool.submit(() -> {
                    Image im = folder.read(i, limits);
                    return transform.apply(im, Seeds.mix(epochSeed, i));
                }));
            }
        }

        @Override
        public boolean hasNext() {
            return delivered < total;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the epoch has no more batches");
            }
            int n = Math.min(options.batchSize(), total - delivered);
            List<Image> images = new ArrayList<>(n);
            int[] labels = new int[n];
            for (int k = 0; k < n; k++) {
                Future<Image> f = ahead.poll();
                int i = order[delivered];
                try {
                    images.add(f.get());
                } catch (ExecutionException e) {
                    close();
                    Throwable c = e.getCause();
                    if (c instanceof IOException io) {
                        throw new UncheckedIOException(io);
                    }
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException("loading " + folder.describe(i) + " failed: " + c, c);
                } catch (InterruptedException e) {
                    close();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading " + folder.describe(i), e);
                }
                labels[k] = folder.label(i);
                delivered++;
                fill();
            }
            return Batch.ofClasses(images, labels, folder.classes().size());
        }

        /** Stops the worker threads (images decoded ahead are dropped). */
        @Override
        public void close() {
            pool.shutdownNow();
        }
    }
}
