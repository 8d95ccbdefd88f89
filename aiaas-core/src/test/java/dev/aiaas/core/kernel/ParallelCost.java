package dev.aiaas.core.kernel;

import java.util.Arrays;
import java.util.Locale;

/**
 * Not a test: a harness that measures what the scaling model of {@link Parallel} needs
 * (docs/benchmarks.md): the synchronisation cost of one job, as the time of a job of
 * {@code lanes} empty chunks at {@code lanes} lanes less that of the same job on the caller
 * alone, with the workers parked between jobs (spin 0, as the optimisers run) and spinning for
 * the next (200 us, as the predictor runs); and the time of one chunk of the optimiser's
 * kernel-sized work ({@value #WORK} multiply-adds over a 4096-float chunk), and of a job of
 * {@value #JOB_CHUNKS} such chunks (as many as Adam's over the MLP 784-256-10) at each lane count
 * with the workers parked between jobs. After a 3 s warm-up, five rounds (20,000 empty jobs,
 * 1,000 work jobs per setting) print minimum and median in microseconds.
 * {@code java -cp <core classes>:<core test classes>:<deps> dev.aiaas.core.kernel.ParallelCost [maxLanes]}.
 */
public final class ParallelCost {
    private ParallelCost() {
    }

    /** Multiply-adds of one chunk of the element-wise stand-in (one pass of an Adam-like rule over 4096 floats). */
    static final int WORK = 4096;
    /** Chunks of a work job: Adam's over the MLP 784-256-10's 203,530 parameters is 50. */
    static final int JOB_CHUNKS = 50;
    private static final float[][] A = new float[Parallel.MAX_LANES][WORK];
    private static final float[][] B = new float[Parallel.MAX_LANES][WORK];
    private static volatile float sink;

    private static void chunkWork() {
        chunkWork(0);
    }

    /** One chunk of work on the lane's own arrays. */
    private static void chunkWork(int lane) {
        float[] a = A[lane];
        float[] b = B[lane];
        float s = 0;
        for (int i = 0; i < WORK; i++) {
            a[i] = a[i] * 0.9f + b[i] * 0.1f;
            s += a[i];
        }
        if (s == 42) {
            sink = s;
        }
    }

    public static void main(String[] args) {
        int maxLanes = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        Parallel.Task empty = (c, lane) -> { };
        long warm = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warm) {
            for (int lanes = 1; lanes <= maxLanes; lanes++) {
                Parallel.run(lanes, lanes, empty, 0, null);
                Parallel.run(lanes, lanes, empty, 200_000, null);
            }
            chunkWork();
        }
        int n = 20_000;
        for (int round = 0; round < 5; round++) {
            StringBuilder line = new StringBuilder("round " + round + " (min/median us):");
            double[] t = new double[n];
            for (int i = 0; i < 2000; i++) {
                long t0 = System.nanoTime();
                chunkWork();
                t[i] = (System.nanoTime() - t0) / 1e3;
            }
            line.append(String.format(Locale.ROOT, " chunk of %d madds %s;", WORK, stats(Arrays.copyOf(t, 2000))));
            for (int lanes = 1; lanes <= maxLanes; lanes++) {
                for (long spin : new long[] {0, 200_000}) {
                    if (lanes == 1 && spin > 0) {
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        long t0 = System.nanoTime();
                        Parallel.run(lanes, lanes, empty, spin, null);
                        t[i] = (System.nanoTime() - t0) / 1e3;
                        if (spin == 0) { // let the workers park, as between two optimiser steps
                            long until = System.nanoTime() + 20_000;
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                        }
                    }
                    line.append(String.format(Locale.ROOT, " job of %d empty chunks at %d lanes%s %s;", lanes, lanes,
                            lanes == 1 ? "" : spin == 0 ? " (parked)" : " (spinning)", stats(t)));
                }
            }
            Parallel.Task work = (c, lane) -> chunkWork(lane);
            double[] w = new double[1000];
            for (int lanes = 1; lanes <= maxLanes; lanes++) {
                for (int i = 0; i < w.length; i++) {
                    long t0 = System.nanoTime();
                    Parallel.run(lanes, JOB_CHUNKS, work, 0, null);
                    w[i] = (System.nanoTime() - t0) / 1e3;
                    long until = System.nanoTime() + 20_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }
                line.append(String.format(Locale.ROOT, " job of %d work chunks at %d lanes (parked) %s;", JOB_CHUNKS, lanes, stats(w)));
            }
            System.out.println(line);
        }
    }

    private static String stats(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.2f/%.2f", s[0], s[s.length / 2]);
    }
}
