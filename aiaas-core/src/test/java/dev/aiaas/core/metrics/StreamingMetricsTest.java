package dev.aiaas.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The metrics accumulated batch by batch, as the trainer logs them. */
class StreamingMetricsTest {

    @BeforeAll
    static void backend() {
        Backends.select(BackendOptions.of(BackendKind.CPU));
    }

    /** Scores [n, k] column-major (as a dense layer writes them), with values on a coarse grid so that ties occur. */
    private static float[][] scores(int n, int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] s = new float[n][k];
        for (float[] row : s) {
            for (int c = 0; c < k; c++) {
                row[c] = r.nextInt(4) * 0.5f;
            }
        }
        return s;
    }

    private static INDArray columnMajor(float[][] m, int from, int to) {
        float[][] part = java.util.Arrays.copyOfRange(m, from, to);
        return Nd4j.createFromArray(part).dup('f');
    }

    private static INDArray labelColumn(int[] labels, int from, int to) {
        INDArray y = Nd4j.create(DataType.FLOAT, new long[] {to - from, 1}, 'f');
        for (int i = from; i < to; i++) {
            y.putScalar(i - from, labels[i]);
        }
        return y;
    }

    /** argmax with the first index winning ties, written out. */
    private static int firstArgmax(float[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }

    @Test
    void accumulatedOverBatchesEqualsTheDefinitionOnTheWhole() {
        int n = 37;
        int k = 5;
        float[][] s = scores(n, k, 3);
        int[] labels = new int[n];
        SplittableRandom r = new SplittableRandom(4);
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(k);
            predicted[i] = firstArgmax(s[i]);
        }
        Loss sparse = Losses.sparseSoftmaxCrossEntropy();
        Metric.Accumulator acc = Metrics.accuracy().accumulator(sparse);
        Metric.Accumulator top2 = Metrics.topK(2).accumulator(sparse);
        Metric.Accumulator f1 = Metrics.f1(Average.MACRO).accumulator(sparse);
        Metric.Accumulator recall = Metrics.recall(Average.MACRO).accumulator(sparse);
        for (Metric.Accumulator a : new Metric.Accumulator[] {acc, top2, f1, recall}) {
            a.update(columnMajor(s, 0, 5), labelColumn(labels, 0, 5));
            a.reset(); // forgets that batch
            for (int from = 0; from < n; from += 8) {
                int to = Math.min(n, from + 8);
                a.update(columnMajor(s, from, to), labelColumn(labels, from, to));
            }
        }
        assertEquals(Classification.accuracy(predicted, labels), acc.result(), 0.0);
        assertEquals(Classification.topKAccuracy(s, labels, 2), top2.result(), 0.0);
        ConfusionMatrix cm = ConfusionMatrix.of(predicted, labels, k);
        assertEquals(cm.f1(Average.MACRO), f1.result(), 0.0);
        assertEquals(cm.recall(Average.MACRO), recall.result(), 0.0);
        // and compute() on the whole arrays is the same computation
        INDArray all = Nd4j.createFromArray(s);
        assertEquals(acc.result(), Metrics.accuracy().compute(all, Nd4j.createFromArray(labels)), 0.0);
        assertEquals(top2.result(), Metrics.topK(2).compute(all, Nd4j.createFromArray(labels)), 0.0);
        assertTrue(acc.result() > 0 && acc.result() < 1, "a test that can fail: " + acc.result());
    }

    @Test
    void regressionSumsEqualTheArrayDefinitions() {
        SplittableRandom r = new SplittableRandom(8);
        float[][] p = new float[23][3];
        float[][] t = new float[23][3];
        for (int i = 0; i < 23; i++) {
            for (int j = 0; j < 3; j++) {
                p[i][j] = (float) r.nextGaussian();
                t[i][j] = (float) (5 + r.nextGaussian());
            }
        }
        Loss mse = Losses.meanSquaredError();
        Metric.Accumulator[] acc = {Metrics.mse().accumulator(mse), Metrics.mae().accumulator(mse), Metrics.r2().accumulator(mse)};
        for (int from = 0; from < 23; from += 10) {
            int to = Math.min(23, from + 10);
            for (Metric.Accumulator a : acc) {
                a.update(columnMajor(p, from, to), columnMajor(t, from, to));
            }
        }
        float[] pf = Nd4j.createFromArray(p).ravel().toFloatVector();
        float[] tf = Nd4j.createFromArray(t).ravel().toFloatVector();
        assertEquals(Regression.mse(pf, tf), acc[0].result(), 1e-12);
        assertEquals(Regression.mae(pf, tf), acc[1].result(), 1e-12);
        assertEquals(Regression.r2(pf, tf), acc[2].result(), 1e-12);
    }

    /**
     * Scores [B=2, T=3, k=3] with labels [2, 3]: a position counts when labelled, and is a hit
     * when its label is the first largest score, so a label tied with a smaller class is a miss.
     */
    @Test
    void sequenceAccuracyCountsLabelledPositionsByTheFirstLargestScore() {
        float[][][] z = {
            {{0, 2, 1}, {5, 5, 0}, {1, 1, 1}},
            {{3, 0, 0}, {0, 1, 1}, {9, 0, 0}}};
        float[][] y = {
            {1, 1, 0},  // hit; tie of 0 and 1 at 5, label 1 is not the first: miss; all tie, label 0: hit
            {2, 1, -1}}; // miss; tie of 1 and 2, label 1 is the first: hit; padding
        INDArray scores = Nd4j.createFromArray(z).dup('f');
        INDArray labels = Nd4j.createFromArray(y).dup('f');
        Loss seq = Losses.sequenceSparseSoftmaxCrossEntropy();
        Metric.Accumulator acc = Metrics.accuracy().accumulator(seq);
        acc.update(scores, labels);
        assertEquals(3.0 / 5, acc.result(), 0.0);
        // labels in row-major order read the same positions
        acc.reset();
        acc.update(scores, Nd4j.createFromArray(y));
        assertEquals(3.0 / 5, acc.result(), 0.0);
        // top-2: a label's rank counts larger scores and equal ones of smaller classes: ranks 0, 1, 0, 2, 0
        Metric.Accumulator top2 = Metrics.topK(2).accumulator(seq);
        top2.update(scores, labels);
        // position (1, 0): scores (3, 0, 0), label 2: class 0 is larger and class 1 ties with a smaller index: rank 2, a miss
        assertEquals(4.0 / 5, top2.result(), 0.0);
        assertEquals(3.0 / 5, Metrics.accuracy().compute(scores, labels), 0.0);
    }

    @Test
    void oneHotTargetsReadTheirFirstLargestValue() {
        INDArray scores = Nd4j.createFromArray(new float[][] {{0.1f, 0.7f, 0.2f}, {0.5f, 0.5f, 0f}, {0.9f, 0.05f, 0.05f}}).dup('f');
        INDArray soft = Nd4j.createFromArray(new float[][] {{0, 0.6f, 0.4f}, {0.2f, 0.2f, 0.6f}, {0.5f, 0.5f, 0}}).dup('f');
        Metric.Accumulator acc = Metrics.accuracy().accumulator(Losses.softmaxCrossEntropy());
        acc.update(scores, soft);
        // targets' classes 1, 2, 0 (the tie at 0.5 goes to 0); predictions 1, 0, 0
        assertEquals(2.0 / 3, acc.result(), 0.0);
        // a single example's one-hot row is a row, not a column of class indices
        assertEquals(0.0, Metrics.accuracy().compute(Nd4j.createFromArray(new float[][] {{0.1f, 0.7f, 0.2f}}),
                Nd4j.createFromArray(new float[][] {{0, 0, 1}})), 0.0);
        assertEquals(1.0, Metrics.accuracy().compute(Nd4j.createFromArray(new float[][] {{0.1f, 0.7f, 0.2f}}),
                Nd4j.createFromArray(new float[][] {{0, 1, 0}})), 0.0);
    }

    /** Keras's binary accuracy: every output of every example counts. */
    @Test
    void binaryAccuracyCountsEveryOutput() {
        INDArray logits = Nd4j.createFromArray(new float[][] {{2, -1, 0}, {-3, 4, -0.5f}}).dup('f');
        INDArray targets = Nd4j.createFromArray(new float[][] {{1, 0, 1}, {1, 1, 0}}).dup('f');
        Metric.Accumulator acc = Metrics.accuracy().accumulator(Losses.binaryCrossEntropyFromLogits());
        acc.update(logits, targets);
        // hits: (2, 1), (−1, 0), (4, 1), (−0.5, 0); misses: (0, 1) as 0 is not positive, (−3, 1)
        assertEquals(4.0 / 6, acc.result(), 0.0);
        Metric.Accumulator precision = Metrics.precision(Average.MICRO).accumulator(Losses.binaryCrossEntropyFromLogits());
        precision.update(Nd4j.createFromArray(new float[][] {{2}, {-1}, {3}}), Nd4j.createFromArray(new float[][] {{1}, {0}, {0}}));
        assertEquals(2.0 / 3, precision.result(), 0.0);
    }

    @Test
    void metricsThatDoNotFitTheLossSaySo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.rocAuc().accumulator(Losses.binaryCrossEntropyFromLogits()));
        assertTrue(e.getMessage().contains("roc_auc cannot be accumulated batch by batch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Metrics.mse().accumulator(Losses.sparseSoftmaxCrossEntropy()));
        assertTrue(e.getMessage().contains("class indices"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy().accumulator(Losses.meanSquaredError()));
        assertTrue(e.getMessage().contains("mse is not one"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Metrics.topK(3).accumulator(Losses.binaryCrossEntropyFromLogits()));
        assertTrue(e.getMessage().contains("Use Metrics.accuracy()"), e.getMessage());
        Metric.Accumulator acc = Metrics.accuracy().accumulator(Losses.sparseSoftmaxCrossEntropy());
        e = assertThrows(IllegalArgumentException.class,
                () -> acc.update(Nd4j.zeros(DataType.FLOAT, 2, 4), Nd4j.createFromArray(new float[] {1, 7})));
        assertTrue(e.getMessage().contains("targets[1] = 7.0 is not a class index in [0, 4)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> acc.update(Nd4j.zeros(DataType.FLOAT, 2, 4), Nd4j.zeros(DataType.FLOAT, 3)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("expected 2 class indices"), e.getMessage());
        Metric.Accumulator seq = Metrics.accuracy().accumulator(Losses.sequenceSparseSoftmaxCrossEntropy());
        e = assertThrows(IllegalArgumentException.class,
                () -> seq.update(Nd4j.zeros(DataType.FLOAT, 2, 3, 4), Nd4j.zeros(DataType.FLOAT, 2, 4)));
        assertTrue(e.getMessage().contains("[B, T] = [2, 3]"), e.getMessage());
    }

    /** On the trainer's buffers (column-major, float32) an update allocates nothing once warm. */
    @Test
    void anUpdateAllocatesNothingOnTheTrainersBuffers() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb
                && tb.isThreadAllocatedMemorySupported() && tb.isThreadAllocatedMemoryEnabled(), "per-thread allocation accounting");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        INDArray scores = Nd4j.rand(DataType.FLOAT, 'f', 64, 10);
        INDArray labels = Nd4j.create(DataType.FLOAT, new long[] {64, 1}, 'f');
        INDArray seqScores = Nd4j.rand(DataType.FLOAT, 'f', 8, 6, 10);
        INDArray seqLabels = Nd4j.create(DataType.FLOAT, new long[] {8, 6}, 'f');
        for (int i = 0; i < 48; i++) {
            seqLabels.putScalar(i, i % 5 == 0 ? Losses.PADDING : i % 10);
        }
        Metric.Accumulator[] acc = {Metrics.accuracy().accumulator(Losses.sparseSoftmaxCrossEntropy()),
            Metrics.topK(3).accumulator(Losses.sparseSoftmaxCrossEntropy()),
            Metrics.accuracy().accumulator(Losses.sequenceSparseSoftmaxCrossEntropy())};
        int steps = 2000;
        for (int round = 0; round < 2; round++) {
            long before = tb.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < steps; i++) {
                acc[0].update(scores, labels);
                acc[1].update(scores, labels);
                acc[2].update(seqScores, seqLabels);
            }
            long bytes = tb.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            if (round == 1) {
                assertTrue(bytes < 16L * steps, "heap bytes in " + steps + " updates: " + bytes);
            }
        }
    }
}
