package dev.aiaas.core.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Deterministic permutations from a seed: the same {@code (n, seed)} gives the same order on every
 * machine and Java version ({@link SplittableRandom} is specified exactly). Fisher-Yates
 * (Knuth, TAOCP vol. 2, algorithm 3.4.2P).
 *
 * <p>The one seed rule of the codebase: a held-out part ({@link Dataset#split}, {@link Table#split},
 * the trainer's {@code validationSplit}, all through {@link #holdOut(int, double, long)}) is the
 * first {@code round(n · fraction)} indices of {@link #permutation(int, long)}{@code (n, seed)}, and epoch {@code e} of a run visits its
 * examples in the order of {@link #shuffle(int[], long)} with {@link #epochSeed(long, int)}{@code
 * (seed, e)} ({@link Batcher}, and so the trainer): each epoch's order depends on (seed, epoch)
 * alone, so a run resumed at any epoch shuffles as an unbroken one.
 */
public final class Shuffle {

    private Shuffle() {
    }

    /**
     * A permutation of {@code 0 .. n-1} drawn from {@code seed}.
     *
     * @param n    the number of indices, {@code >= 0}
     * @param seed the seed
     * @return the permutation
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
     *
     * @param out  receives the permutation
     * @param seed the seed
     */
    public static void permute(int[] out, long seed) {
        for (int i = 0; i < out.length; i++) {
            out[i] = i;
        }
        shuffle(out, seed);
    }

    /**
     * Shuffles {@code values} in place with the Fisher-Yates swaps drawn from {@code seed}: the
     * element at position {@code i} afterwards is the one at position {@code p[i]} before, for
     * {@code p = permutation(values.length, seed)}. Allocates nothing but the generator.
     *
     * @param values the array to shuffle
     * @param seed   the seed
     */
    public static void shuffle(int[] values, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = values.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    /**
     * Splits the indices {@code 0 .. n-1} into a training and a held-out part, the rule every
     * held-out split follows: the indices are permuted with {@link #permutation(int, long)}{@code
     * (n, seed)}; the first {@code round(n · fraction)} are held out, the rest train, each part in
     * permuted order. Not stratified. The same arguments give the same parts.
     *
     * @param n        the number of examples
     * @param fraction the part to hold out, in {@code (0, 1)}, for example 0.1 for 10 %
     * @param seed     the permutation's seed
     * @return the two parts, disjoint, together every index once
     * @throws IllegalArgumentException when the fraction is outside {@code (0, 1)} or leaves either
     *                                  part empty, naming the fraction, {@code n} and the fractions
     *                                  that would do
     */
    public static HoldOut holdOut(int n, double fraction, long seed) {
        boolean inRange = fraction > 0 && fraction < 1;
        long held = Math.round(n * fraction);
        if (!inRange || held < 1 || held > n - 1L) {
            throw new IllegalArgumentException("held-out fraction " + fraction + " of " + n + " examples "
                    + (inRange ? "leaves " + held + " held out and " + (n - held) + " for training" : "is outside (0, 1)")
                    + "; expected a fraction in (0, 1) that leaves at least one example in each part. "
                    + (n < 2 ? "Use at least 2 examples"
                            : "Use a fraction between " + 1.0 / n + " and " + (1 - 1.0 / n) + ", or more examples"));
        }
        int[] p = permutation(n, seed);
        return new HoldOut(Arrays.copyOfRange(p, (int) held, n), Arrays.copyOfRange(p, 0, (int) held));
    }

    /**
     * The two parts of {@link #holdOut(int, double, long)}: indices into the {@code n} examples.
     * The arrays are the caller's; equality is by reference, as for any record of arrays.
     *
     * @param train   the indices to fit on, in permuted order
     * @param heldOut the held-out indices, in permuted order
     */
    public record HoldOut(int[] train, int[] heldOut) {
    }

    /**
     * The seed of epoch {@code epoch} of a run seeded with {@code seed}: distinct epochs give
     * unrelated permutations, and a run can resume at any epoch.
     *
     * <p>SplitMix64's finaliser (Steele, Lea and Flood, OOPSLA 2014) of
     * {@code seed + γ(epoch + 1)}, γ the golden-ratio increment. Seeding {@code SplittableRandom}
     * with {@code seed + γ(epoch + 1)} itself, as the trainer once did, would give overlapping
     * streams: that generator steps its state by the same γ, so epoch {@code e + 1} would draw
     * the numbers of epoch {@code e} shifted by one.
     *
     * @param seed  the run's seed
     * @param epoch the epoch, from 0
     * @return the seed of that epoch's permutation
     */
    public static long epochSeed(long seed, int epoch) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
