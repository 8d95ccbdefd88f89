package dev.aiaas.nlp.text;

import java.util.Arrays;

/** A growable list of ints, for the tokenizers' hot paths. Not thread-safe. */
final class IntList {

  private int[] a;
  private int size;

  IntList(int capacity) {
    a = new int[Math.max(4, capacity)];
  }

  void add(int v) {
    if (size == a.length) {
      a = Arrays.copyOf(a, a.length * 2);
    }
    a[size++] = v;
  }

  int get(int i) {
    return a[i];
  }

  int size() {
    return size;
  }

  void clear() {
    size = 0;
  }

  /** Drops the elements from index {@code n} on. */
  void truncate(int n) {
    size = Math.min(size, n);
  }

  int[] toArray() {
    return Arrays.copyOf(a, size);
  }
}
