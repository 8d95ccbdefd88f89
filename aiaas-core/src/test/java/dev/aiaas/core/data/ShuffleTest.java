package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
