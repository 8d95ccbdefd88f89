package dev.aiaas.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-worked fixtures; expected values are written as the arithmetic that gives them. */
class ClassificationTest {

    // targets     0 0 0 1 1 2 2 2
    // predictions 0 0 1 1 1 2 2 0
    // matrix (rows target, columns predicted): [2 1 0] [0 2 0] [1 0 2]
    static final int[] TARGETS = {0, 0, 0, 1, 1, 2, 2, 2};
    static final int[] PREDICTIONS = {0, 0, 1, 1, 1, 2, 2, 0};
    static final double EPS = 1e-12;

    @Test
    void confusionMatrixCounts() {
        ConfusionMatrix cm = ConfusionMatrix.of(PREDICTIONS, TARGETS, 3);
        int[][] expected = {{2, 1, 0}, {0, 2, 0}, {1, 0, 2}};
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                assertEquals(expected[t][p], cm.count(t, p), "count(" + t + ", " + p + ")");
            }
        }
        assertEquals(8, cm.total());
        assertEquals(6, cm.correct());
        assertEquals(6.0 / 8, cm.accuracy(), EPS);
        assertEquals(6.0 / 8, Classification.accuracy(PREDICTIONS, TARGETS), EPS);
    }

    @Test
    void perClassAndAveragedPrecisionRecallF1() {
        ConfusionMatrix cm = ConfusionMatrix.of(PREDICTIONS, TARGETS, 3);
        // precision = TP / column sum; recall = TP / row sum; F1 = 2TP / (2TP + FP + FN)
        assertEquals(2.0 / 3, cm.precision(0), EPS);
        assertEquals(2.0 / 3, cm.precision(1), EPS);
        assertEquals(2.0 / 2, cm.precision(2), EPS);
        assertEquals(2.0 / 3, cm.recall(0), EPS);
        assertEquals(2.0 / 2, cm.recall(1), EPS);
        assertEquals(2.0 / 3, cm.recall(2), EPS);
        assertEquals(4.0 / (4 + 1 + 1), cm.f1(0), EPS);
        assertEquals(4.0 / (4 + 1 + 0), cm.f1(1), EPS);
        assertEquals(4.0 / (4 + 0 + 1), cm.f1(2), EPS);
        assertEquals((2.0 / 3 + 2.0 / 3 + 1) / 3, cm.precision(Average.MACRO), EPS);
        assertEquals((2.0 / 3 + 1 + 2.0 / 3) / 3, cm.recall(Average.MACRO), EPS);
        assertEquals((2.0 / 3 + 4.0 / 5 + 4.0 / 5) / 3, cm.f1(Average.MACRO), EPS);
        assertEquals(6.0 / 8, cm.precision(Average.MICRO), EPS);
        assertEquals(6.0 / 8, cm.recall(Average.MICRO), EPS);
        assertEquals(6.0 / 8, cm.f1(Average.MICRO), EPS);
    }

    @Test
    void macroSkipsClassesAbsentFromBothAndZeroDivisionIsZero() {
        // class 2 never occurs; class 1 is predicted but never a target
        ConfusionMatrix cm = ConfusionMatrix.of(new int[] {0, 1}, new int[] {0, 0}, 3);
        assertEquals(0.0, cm.recall(1), EPS);
        assertEquals(0.0, cm.precision(2), EPS);
        assertEquals((1.0 + 0.0) / 2, cm.precision(Average.MACRO), EPS);
        assertEquals((1.0 / 2 + 0.0) / 2, cm.recall(Average.MACRO), EPS);
    }

    @Test
    void tableIsReadable() {
        ConfusionMatrix cm = ConfusionMatrix.of(PREDICTIONS, TARGETS, 3);
        String expected = """
                target \\ predicted  0  1  2
                                 0  2  1  0
                                 1  0  2  0
                                 2  1  0  2
                """;
        assertEquals(expected, cm.toString());
        String named = cm.toString(List.of("cat", "dog", "emu"));
        assertTrue(named.contains("target \\ predicted  cat  dog  emu"), named);
        assertTrue(named.contains("               dog    0    2    0"), named);
        assertThrows(IllegalArgumentException.class, () -> cm.toString(List.of("a")));
    }

    @Test
    void topKWithATieBrokenByClassIndex() {
        float[][] scores = {
            {0.1f, 0.7f, 0.2f},   // target 2: one class above -> rank 1
            {0.5f, 0.5f, 0.0f},   // target 1: tied with class 0, which has the lower index -> rank 1
            {0.9f, 0.05f, 0.05f}, // target 0: rank 0
        };
        int[] targets = {2, 1, 0};
        assertEquals(1.0 / 3, Classification.topKAccuracy(scores, targets, 1), EPS);
        assertEquals(3.0 / 3, Classification.topKAccuracy(scores, targets, 2), EPS);
        assertEquals(1.0, Classification.topKAccuracy(scores, targets, 5), EPS);
    }

    @Test
    void rocAucWithATieIsTheMannWhitneyAverageRank() {
        // scores 0.1(neg) 0.5(neg) 0.5(pos) 0.9(pos): ranks 1, 2.5, 2.5, 4
        // (positive rank sum 2.5 + 4 - P(P+1)/2 = 3) / (P N = 4) = 3.5 / 4; pairwise: 1 + 0.5 + 1 + 1 of 4
        double[] scores = {0.1, 0.5, 0.5, 0.9};
        int[] targets = {0, 0, 1, 1};
        assertEquals((2.5 + 4 - 3) / (2 * 2), Classification.rocAuc(scores, targets), EPS);
        assertEquals(0.875, Classification.rocAuc(new float[] {0.9f, 0.5f, 0.1f, 0.5f}, new int[] {1, 0, 0, 1}), EPS);
        assertEquals(1.0, Classification.rocAuc(new double[] {0, 1}, new int[] {0, 1}), EPS);
        assertEquals(0.5, Classification.rocAuc(new double[] {3, 3, 3}, new int[] {0, 1, 1}), EPS);
    }

    @Test
    void everyErrorNamesTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Classification.accuracy(new int[] {0}, new int[] {0, 1}));
        assertTrue(e.getMessage().contains("length 1 and targets 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Classification.accuracy(new int[0], new int[0]));
        e = assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(new int[] {3}, new int[] {0}, 3));
        assertTrue(e.getMessage().contains("predictions[0] = 3 is outside [0, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(new int[] {0}, new int[] {0}, 0));
        e = assertThrows(IllegalArgumentException.class,
                () -> Classification.topKAccuracy(new float[][] {{1, 2}}, new int[] {0}, 0));
        assertTrue(e.getMessage().contains("k=0"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Classification.topKAccuracy(new float[][] {{1, 2}}, new int[] {2}, 1));
        assertThrows(IllegalArgumentException.class,
                () -> Classification.topKAccuracy(new float[][] {{1, 2}}, new int[] {0, 1}, 1));
        e = assertThrows(IllegalArgumentException.class,
                () -> Classification.rocAuc(new double[] {1, 2}, new int[] {1, 1}));
        assertTrue(e.getMessage().contains("2 positives and 0 negatives"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Classification.rocAuc(new double[] {1, 2}, new int[] {0, 2}));
        assertTrue(e.getMessage().contains("targets[1] = 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Classification.rocAuc(new double[] {1, Double.NaN}, new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> Classification.rocAuc(new double[] {1}, new int[] {0, 1}));
    }
}
