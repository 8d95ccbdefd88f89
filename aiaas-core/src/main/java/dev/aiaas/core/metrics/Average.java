package dev.aiaas.core.metrics;

/** How per-class precision, recall and F1 are combined into one number. */
public enum Average {
    /**
     * The unweighted mean of the per-class values over the classes present in the targets or
     * the predictions (as scikit-learn's {@code average='macro'}); every class counts the same.
     */
    MACRO,
    /**
     * Computed from the counts summed over classes: {@code sum TP / sum (TP + FP)}. For
     * single-label classification micro precision = micro recall = micro F1 = accuracy.
     */
    MICRO
}
