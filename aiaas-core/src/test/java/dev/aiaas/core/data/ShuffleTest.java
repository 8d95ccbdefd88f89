package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShuffleTest {

    @Test
    void sameSeedSameOrderDifferentSeedDifferentOrderEveryIndexOnce() {
        int[] a = Shuffle.permutation(1000, 42);
        assertArrayEquals(a, Shuffle.permutation(1000, 42));
        assertFalse(Arrays.equals(a, Shuffle.permutation(1000, 43)));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        int[] identity = new int[1000];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted);
        assertFalse(Arrays.equals(identity, a));
    }

    @Test
    void inPlaceEqualsAllocatingAndEpochSeedsDiffer() {
        int[] out = new int[50];
        Shuffle.permute(out, 7);
        assertArrayEquals(Shuffle.permutation(50, 7), out);
        assertNotEquals(Shuffle.epochSeed(7, 0), Shuffle.epochSeed(7, 1));
        assertArrayEquals(new int[0], Shuffle.permutation(0, 1));
        assertThrows(IllegalArgumentException.class, () -> Shuffle.permutation(-1, 1));
    }

    /** Shuffling values in place moves the value at p[i] to position i, p the permutation of the same seed. */
    @Test
    void shuffleAppliesThePermutationOfTheSameSeed() {
        int[] values = {10, 11, 12, 13, 14, 15, 16, 17};
        int[] p = Shuffle.permutation(values.length, 99);
        int[] shuffled = values.clone();
        Shuffle.shuffle(shuffled, 99);
        for (int i = 0; i < values.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(values[p[i]], shuffled[i]);
        }
    }

    /** holdOut holds out the first round(n · fraction) indices of the permutation and trains on the rest, in order. */
    @Test
    void holdOutSplitsThePermutationAtRoundNTimesFraction() {
        int[] p = Shuffle.permutation(10, 4);
        Shuffle.HoldOut parts = Shuffle.holdOut(10, 0.25, 4); // round(2.5) = 3
        assertArrayEquals(Arrays.copyOfRange(p, 0, 3), parts.heldOut());
        assertArrayEquals(Arrays.copyOfRange(p, 3, 10), parts.train());
        assertArrayEquals(new int[] {Shuffle.permutation(2, 9)[0]}, Shuffle.holdOut(2, 0.5, 9).heldOut());
    }

    @Test
    void holdOutNamesTheFractionTheCountAndTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shuffle.holdOut(5, 0.05, 1));
        assertTrue(e.getMessage().startsWith("held-out fraction 0.05 of 5 examples leaves 0 held out and 5 for training")
                && e.getMessage().contains("Use a fraction between 0.2 and 0.8, or more examples"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Shuffle.holdOut(5, 0.95, 1));
        assertTrue(e.getMessage().contains("leaves 5 held out and 0 for training"), e.getMessage());
        for (double f : new double[] {0, 1, -0.5, 2, Double.NaN}) {
            e = assertThrows(IllegalArgumentException.class, () -> Shuffle.holdOut(5, f, 1));
            assertTrue(e.getMessage().contains("held-out fraction " + f + " of 5 examples is outside (0, 1)"), e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () -> Shuffle.holdOut(1, 0.5, 1));
        assertTrue(e.getMessage().contains("Use at least 2 examples"), e.getMessage());
    }
}
