package dev.aiaas.core.data;

import java.util.Arrays;

/** Deterministic stratified subsets of labelled files (used to make the embedded Fashion-MNIST). */
public final class Subsets {

    private Subsets() {
    }

    /**
     * The indices of the first {@code perClass} items of each class {@code 0 .. numClasses-1},
     * in file order (ascending): a stratified subset with no randomness.
     *
     * @param labels     a labels file {@code [n]}
     * @param perClass   items to take per class, {@code >= 1}
     * @param numClasses the classes to take, {@code >= 1}; items of other classes are skipped
     * @return the indices, ascending, {@code perClass * numClasses} of them
     * @throws IllegalArgumentException when {@code labels} is not rank 1, a count is below 1, or a
     *                                  class has fewer than {@code perClass} items
     */
    public static int[] firstPerClass(IdxData labels, int perClass, int numClasses) {
        if (labels.rank() != 1) {
            throw new IllegalArgumentException("labels has shape " + labels + "; expected a labels file [n]");
        }
        if (perClass < 1 || numClasses < 1) {
            throw new IllegalArgumentException("perClass=" + perClass + ", numClasses=" + numClasses
                    + "; expected both >= 1");
        }
        int[] taken = new int[numClasses];
        int[] out = new int[perClass * numClasses];
        int m = 0;
        for (int i = 0; i < labels.count() && m < out.length; i++) {
            int y = labels.unsigned(i);
            if (y < numClasses && taken[y] < perClass) {
                taken[y]++;
                out[m++] = i;
            }
        }
        if (m < out.length) {
            throw new IllegalArgumentException("the labels hold fewer than perClass=" + perClass
                    + " items of some class (counts taken: " + Arrays.toString(taken)
                    + "); use a smaller perClass");
        }
        return out;
    }
}
