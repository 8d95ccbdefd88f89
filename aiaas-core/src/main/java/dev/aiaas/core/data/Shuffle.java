package dev.aiaas.core.data;

import java.util.SplittableRandom;

/**
 * Deterministic permutations from a seed: the same {@code (n, seed)} gives the same order on every
 * machine and Java version ({@link SplittableRandom} is specified exactly). Fisher-Yates
 * (Knuth, TAOCP vol. 2, algorithm 3.4.2P).
 */
public final class Shuffle {

    private Shuffle() {
    }

    /**
     * A permutation of {@code 0 .. n-1} drawn from {@code seed}.
     *
     * @throws IllegalArgumentException when {@code n < 0}
     */
    public static int[] permutation(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n=" + n + "; expected a count >= 0");
        }
        int[] p = new int[n];
        permute(p, seed);
        return p;
    }

    /**
     * Fills {@code out} with a permutation of {@code 0 .. out.length-1} drawn from {@code seed},
     * allocating nothing; equal to {@link #permutation(int, long)} for the same length and seed.
     */
    public static void permute(int[] out, long seed) {
        for (int i = 0; i < out.length; i++) {
            out[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = out.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
    }

    /**
     * The seed of epoch {@code epoch} of a run seeded with {@code seed}: distinct epochs give
     * unrelated permutations, and a run can resume at any epoch.
     */
    public static long epochSeed(long seed, int epoch) {
        // SplitMix64 finaliser of the pair, so that nearby seeds and epochs do not give related streams
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
