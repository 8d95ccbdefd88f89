package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbingTableTest {

  @Test
  void findsEveryInsertedEntryInItsSlotAndNothingElse() {
    int n = 10_000;
    ProbingTable t = new ProbingTable(n, true);
    Random rnd = new Random(7);
    Set<Long> keys = new HashSet<>();
    int[] prefix = new int[n];
    int[] word = new int[n];
    int[] slot = new int[n];
    for (int i = 0; i < n; i++) {
      do {
        prefix[i] = rnd.nextInt(500); // many keys share a prefix, as contexts do
        word[i] = rnd.nextInt(3000);
      } while (!keys.add(ProbingTable.key(prefix[i], word[i])));
      slot[i] = t.insert(prefix[i], word[i], -i / 7f, -i / 11f);
    }
    assertEquals(n, t.size());
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; i < n; i++) {
      assertEquals(slot[i], t.find(prefix[i], word[i]));
      assertTrue(slots.add(slot[i]), "two entries in slot " + slot[i]);
      assertTrue(t.occupied(slot[i]));
      assertEquals(prefix[i], t.prefix(slot[i]));
      assertEquals(word[i], t.word(slot[i]));
      assertEquals(-i / 7f, t.prob(slot[i]));
      assertEquals(-i / 11f, t.backoff(slot[i]));
    }
    int absent = 0;
    for (int p = 0; p < 500; p++) {
      for (int w = 3000; w < 3010; w++) {
        assertEquals(-1, t.find(p, w));
        absent++;
      }
    }
    assertEquals(5000, absent);
    int occupied = 0;
    for (int s = 0; s < t.capacity(); s++) {
      occupied += t.occupied(s) ? 1 : 0;
    }
    assertEquals(n, occupied);
  }

  @Test
  void capacityIsOneAndAHalfSlotsPerEntryWithOneAlwaysFree() {
    assertEquals(15_000, new ProbingTable(10_000, true).capacity());
    assertEquals(1, new ProbingTable(0, true).capacity());
    assertEquals(2, new ProbingTable(1, false).capacity());
    assertEquals(4, new ProbingTable(3, false).capacity());
    // a probe for a missing key ends even in the smallest table
    ProbingTable one = new ProbingTable(1, false);
    one.insert(3, 4, -1f, 0f);
    assertEquals(-1, one.find(4, 3));
    assertEquals(-1, new ProbingTable(0, true).find(0, 0));
  }

  @Test
  void memoryIsSixteenBytesASlotWithBackoffAndTwelveWithout() {
    ProbingTable mid = new ProbingTable(1000, true);
    ProbingTable top = new ProbingTable(1000, false);
    assertEquals(16L * 1500, mid.memoryBytes());
    assertEquals(12L * 1500, top.memoryBytes());
    top.insert(1, 2, -0.5f, -0.25f);
    assertEquals(-0.5f, top.prob(top.find(1, 2)));
    assertEquals(0f, top.backoff(top.find(1, 2)), "the highest order stores no backoff");
  }

  @Test
  void storesFloatsExactlyIncludingBlankAndMinusInfinity() {
    ProbingTable t = new ProbingTable(4, true);
    float[] values = {Float.NaN, Float.NEGATIVE_INFINITY, -0f, Math.nextDown(-1.2345678f)};
    for (int i = 0; i < values.length; i++) {
      t.insert(i, i, values[i], values[values.length - 1 - i]);
    }
    for (int i = 0; i < values.length; i++) {
      int s = t.find(i, i);
      assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(t.prob(s)));
      assertEquals(
          Float.floatToRawIntBits(values[values.length - 1 - i]),
          Float.floatToRawIntBits(t.backoff(s)));
    }
  }

  @Test
  void rejectsDuplicatesOverfillingAndImpossibleSizes() {
    ProbingTable t = new ProbingTable(2, true);
    t.insert(1, 1, 0f, 0f);
    IllegalStateException dup =
        assertThrows(IllegalStateException.class, () -> t.insert(1, 1, 0f, 0f));
    assertTrue(dup.getMessage().contains("duplicate n-gram key (1, 1)"), dup.getMessage());
    t.insert(1, 2, 0f, 0f);
    IllegalStateException full =
        assertThrows(IllegalStateException.class, () -> t.insert(1, 3, 0f, 0f));
    assertTrue(full.getMessage().contains("2 entries in 3 slots"), full.getMessage());
    IllegalArgumentException big =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ProbingTable(ProbingTable.MAX_ENTRIES + 1, true));
    assertTrue(big.getMessage().contains("n-gram count " + (ProbingTable.MAX_ENTRIES + 1)), big.getMessage());
    assertTrue(big.getMessage().contains("lower order"), big.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ProbingTable(-1, true));
  }

  @Test
  void modelMemoryIsUnigramArraysPlusProbingSlots() {
    List<List<String>> corpus = List.of(
        Arrays.asList("the cat sat on the mat .".split(" ")),
        Arrays.asList("the dog sat on the log .".split(" ")),
        Arrays.asList("a cat and a dog .".split(" ")));
    NgramModel m = NgramModel.build(corpus, NgramOptions.kenlm(3).withDiscountFallback(Discounts.KENLM_FALLBACK));
    long expected = 8L * m.ngramCount(1)
        + 16L * Math.max(m.ngramCount(2) + 1, (long) (1.5 * m.ngramCount(2)))
        + 12L * Math.max(m.ngramCount(3) + 1, (long) (1.5 * m.ngramCount(3)));
    assertEquals(expected, m.memoryBytes());
    int[] seen = new int[4];
    m.forEachEntry(e -> seen[e.words().size()]++);
    for (int n = 1; n <= 3; n++) {
      assertEquals(m.ngramCount(n), seen[n], "entries visited of order " + n);
    }
    assertFalse(m.entry(List.of("cat", "the")).isPresent());
    assertTrue(m.entry(List.of("the", "cat", "sat")).isPresent());
  }
}
