package dev.aiaas.nlp.lm;

import java.util.Arrays;

/**
 * Open-addressing (linear probing) map from non-negative {@code long} keys to {@code int} values,
 * the n-gram index of {@link NgramLevel} during estimation. Load factor at most 1/2; no removal.
 */
final class LongIntHashMap {

  private static final long EMPTY = -1L;

  private long[] keys;
  private int[] values;
  private int mask;
  private int size;

  LongIntHashMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
    allocate(cap);
  }

  private void allocate(int cap) {
    keys = new long[cap];
    Arrays.fill(keys, EMPTY);
    values = new int[cap];
    mask = cap - 1;
  }

  private static int slot(long key) {
    long h = key;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h;
  }

  /** The value of {@code key}, or -1. */
  int get(long key) {
    int i = slot(key) & mask;
    while (true) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == EMPTY) {
        return -1;
      }
      i = (i + 1) & mask;
    }
  }

  /** Inserts {@code key -> value} unless present; returns the existing value, or -1 if inserted. */
  int putIfAbsent(long key, int value) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int i = slot(key) & mask;
    while (true) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == EMPTY) {
        keys[i] = key;
        values[i] = value;
        size++;
        return -1;
      }
      i = (i + 1) & mask;
    }
  }

  private void grow() {
    rehash(keys.length * 2);
  }

  private void rehash(int cap) {
    long[] oldKeys = keys;
    int[] oldValues = values;
    allocate(cap);
    for (int j = 0; j < oldKeys.length; j++) {
      long k = oldKeys[j];
      if (k != EMPTY) {
        int i = slot(k) & mask;
        while (keys[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = oldValues[j];
      }
    }
  }

  int size() {
    return size;
  }
}
