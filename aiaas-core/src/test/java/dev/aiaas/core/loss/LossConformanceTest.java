package dev.aiaas.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every loss: finite-difference gradient in float64, hand-worked values, stability, errors. */
class LossConformanceTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    static Stream<Loss> losses() {
        return Losses.NAMES.stream().map(Losses::parse);
    }

    private static boolean sequence(Loss loss) {
        return loss.targetKind() == Loss.TargetKind.CLASS_INDEX_PER_POSITION;
    }

    /** Logits [2, 3, 3] for the sequence loss; [4, 3] for the others. */
    private static long[] shapeFor(Loss loss) {
        return sequence(loss) ? new long[] {2, 3, 3} : new long[] {4, 3};
    }

    private static INDArray random(long[] shape, SplittableRandom r, double lo, double hi, char order) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape, order);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(org.nd4j.linalg.api.shape.Shape.ind2subC(shape, i), r.nextDouble(lo, hi));
        }
        return a;
    }

    /** Labels [2, 3] with one padding position, in the given order. */
    private static INDArray sequenceLabels(SplittableRandom r, long classes, char order) {
        INDArray t = Nd4j.create(DataType.DOUBLE, new long[] {2, 3}, order);
        for (long b = 0; b < 2; b++) {
            for (long s = 0; s < 3; s++) {
                t.putScalar(new long[] {b, s}, b == 1 && s == 2 ? Losses.PADDING : r.nextInt((int) classes));
            }
        }
        return t;
    }

    private static INDArray random(long rows, long cols, SplittableRandom r, double lo, double hi, char order) {
        INDArray a = Nd4j.create(DataType.DOUBLE, new long[] {rows, cols}, order);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, r.nextDouble(lo, hi));
        }
        return a;
    }

    private static INDArray targetsFor(Loss loss, long rows, long cols, SplittableRandom r) {
        if (loss.targetKind() == Loss.TargetKind.CLASS_INDEX) {
            INDArray t = Nd4j.create(DataType.DOUBLE, rows, 1);
            for (long i = 0; i < rows; i++) {
                t.putScalar(i, r.nextInt((int) cols));
            }
            return t;
        }
        if (loss.isClassification()) {
            return random(rows, cols, r, 0, 1, 'f');
        }
        return random(rows, cols, r, -2, 2, 'f');
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void gradientMatchesFiniteDifferences(Loss loss) {
        for (char order : new char[] {'f', 'c'}) {
            SplittableRandom r = new SplittableRandom(5);
            long[] shape = shapeFor(loss);
            INDArray z = random(shape, r, -3, 3, order);
            INDArray t = sequence(loss) ? sequenceLabels(r, shape[2], order == 'f' ? 'c' : 'f') : targetsFor(loss, 4, 3, r);
            INDArray g = Nd4j.create(DataType.DOUBLE, shape, order);
            double value = loss.compute(z, t, g);
            assertEquals(value, loss.value(z, t), 0);
            double eps = 1e-6;
            for (long i = 0; i < z.length(); i++) {
                long[] at = org.nd4j.linalg.api.shape.Shape.ind2subC(shape, i);
                double old = z.getDouble(at);
                z.putScalar(at, old + eps);
                double up = loss.value(z, t);
                z.putScalar(at, old - eps);
                double down = loss.value(z, t);
                z.putScalar(at, old);
                double fd = (up - down) / (2 * eps);
                assertTrue(Math.abs(fd - g.getDouble(at)) <= 1e-7 * Math.max(1, Math.abs(fd)),
                        loss.name() + " order " + order + " element " + java.util.Arrays.toString(at) + ": finite difference " + fd
                                + ", analytic " + g.getDouble(at));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void finiteAtExtremeLogits(Loss loss) {
        if (sequence(loss)) {
            INDArray z = Nd4j.createFromArray(new double[][][] {{{1e4, -1e4, 0}, {-1e4, 1e4, 3e3}}});
            INDArray g = Nd4j.create(DataType.DOUBLE, new long[] {1, 2, 3}, 'c');
            double v = loss.compute(z, Nd4j.createFromArray(new double[][] {{1, 0}}), g);
            assertTrue(Double.isFinite(v) && Double.isFinite(g.norm1Number().doubleValue()), loss.name() + " = " + v + ", grad " + g);
            return;
        }
        INDArray z = Nd4j.createFromArray(new double[][] {{1e4, -1e4, 0}, {-1e4, 1e4, 3e3}});
        INDArray t = loss.targetKind() == Loss.TargetKind.CLASS_INDEX ? Nd4j.createFromArray(new double[] {1, 0})
                : Nd4j.createFromArray(new double[][] {{0, 1, 0}, {1, 0, 0}});
        INDArray g = Nd4j.create(DataType.DOUBLE, new long[] {2, 3}, 'c');
        double v = loss.compute(z, t, g);
        assertTrue(Double.isFinite(v), loss.name() + " = " + v);
        for (long i = 0; i < g.length(); i++) {
            assertTrue(Double.isFinite(g.getDouble(i)), loss.name() + " grad " + g);
        }
    }

    /**
     * Every loss states its target layout and how its predictions read as classes, and its
     * target width follows from the layout: the trainer and the metrics go by these, not by names.
     */
    @Test
    void everyLossStatesItsTargetKindAndDecision() {
        java.util.Map<String, Loss.TargetKind> kinds = java.util.Map.of("mse", Loss.TargetKind.DENSE, "mae", Loss.TargetKind.DENSE,
                "huber", Loss.TargetKind.DENSE, "binary_cross_entropy", Loss.TargetKind.DENSE,
                "softmax_cross_entropy", Loss.TargetKind.DENSE, "sparse_softmax_cross_entropy", Loss.TargetKind.CLASS_INDEX,
                "sequence_sparse_softmax_cross_entropy", Loss.TargetKind.CLASS_INDEX_PER_POSITION);
        java.util.Map<String, Loss.Decision> decisions = java.util.Map.of("mse", Loss.Decision.NONE, "mae", Loss.Decision.NONE,
                "huber", Loss.Decision.NONE, "binary_cross_entropy", Loss.Decision.POSITIVE_LOGIT,
                "softmax_cross_entropy", Loss.Decision.ARGMAX, "sparse_softmax_cross_entropy", Loss.Decision.ARGMAX,
                "sequence_sparse_softmax_cross_entropy", Loss.Decision.ARGMAX);
        assertEquals(new java.util.HashSet<>(Losses.NAMES), kinds.keySet(), "every loss is listed here");
        for (String name : Losses.NAMES) {
            Loss loss = Losses.parse(name);
            assertEquals(kinds.get(name), loss.targetKind(), name);
            assertEquals(decisions.get(name), loss.decision(), name);
            assertEquals(decisions.get(name) != Loss.Decision.NONE, loss.isClassification(), name);
            long expected = switch (loss.targetKind()) {
                case CLASS_INDEX -> 1;
                case CLASS_INDEX_PER_POSITION -> 5;
                case DENSE -> 50;
            };
            assertEquals(expected, loss.targetWidth(new long[] {5, 10}), name + ": outputs [5, 10] per example");
        }
        // a loss written without them compares element by element and is not a classification loss
        Loss custom = new Loss() {
            @Override
            public String name() {
                return "custom";
            }

            @Override
            public java.util.Map<String, Object> config() {
                return java.util.Map.of("name", "custom");
            }

            @Override
            public double compute(INDArray predictions, INDArray targets, INDArray grad) {
                return 0;
            }
        };
        assertEquals(Loss.TargetKind.DENSE, custom.targetKind());
        assertEquals(Loss.Decision.NONE, custom.decision());
        assertEquals(12, custom.targetWidth(new long[] {3, 4}));
    }

    @Test
    void handWorkedValues() {
        INDArray p = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 5}});
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 4}});
        // errors 0, 2, 3, 1
        assertEquals((0 + 4 + 9 + 1) / 4.0, Losses.meanSquaredError().value(p, y), 1e-12);
        assertEquals((0 + 2 + 3 + 1) / 4.0, Losses.meanAbsoluteError().value(p, y), 1e-12);
        // δ = 1.5: 0, 1.5(2-0.75), 1.5(3-0.75), 0.5·1
        assertEquals((0 + 1.5 * 1.25 + 1.5 * 2.25 + 0.5) / 4.0, Losses.huber(1.5).value(p, y), 1e-12);
        // BCE on one logit z = 0, y = 1: log 2
        assertEquals(Math.log(2), Losses.binaryCrossEntropyFromLogits().value(Nd4j.createFromArray(new double[][] {{0}}),
                Nd4j.createFromArray(new double[][] {{1}})), 1e-12);
        // softmax CE with equal logits over 4 classes: log 4; sparse likewise
        INDArray equal = Nd4j.createFromArray(new double[][] {{2, 2, 2, 2}});
        assertEquals(Math.log(4), Losses.softmaxCrossEntropy().value(equal, Nd4j.createFromArray(new double[][] {{0, 0, 1, 0}})), 1e-12);
        assertEquals(Math.log(4), Losses.sparseSoftmaxCrossEntropy().value(equal, Nd4j.createFromArray(new double[] {3})), 1e-12);
        // logits (0, ln 3): p = (1/4, 3/4); label 0 → −ln(1/4)
        INDArray two = Nd4j.createFromArray(new double[][] {{0, Math.log(3)}});
        assertEquals(Math.log(4), Losses.sparseSoftmaxCrossEntropy().value(two, Nd4j.createFromArray(new double[] {0})), 1e-12);
    }

    @Test
    void errorsNameTheBadValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.parse("hinge"));
        assertTrue(e.getMessage().contains("'hinge'") && e.getMessage().contains("mse"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.huber(0));
        assertTrue(e.getMessage().contains("delta=0"), e.getMessage());
        INDArray z = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        e = assertThrows(IllegalArgumentException.class,
                () -> Losses.sparseSoftmaxCrossEntropy().value(z, Nd4j.createFromArray(new double[] {0, 3})));
        assertTrue(e.getMessage().contains("class index 3.0 at row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Losses.meanSquaredError().value(z, Nd4j.zeros(DataType.DOUBLE, 3, 2)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Losses.sparseSoftmaxCrossEntropy().value(z, Nd4j.zeros(DataType.DOUBLE, 2, 3)));
        assertTrue(e.getMessage().contains("softmaxCrossEntropy"), e.getMessage());
    }
    /**
     * The sequence loss by hand: equal logits over 4 classes give ln 4 per labelled position;
     * logits (0, ln 3) give −ln(1/4) for class 0 and −ln(3/4) for class 1; padding counts
     * nowhere, and a batch of padding only has L = 0 and ∂L/∂ŷ = 0.
     */
    @Test
    void sequenceLossHandWorkedValuesAndPadding() {
        Loss loss = Losses.sequenceSparseSoftmaxCrossEntropy();
        INDArray equal = Nd4j.createFromArray(new double[][][] {{{2, 2, 2, 2}, {5, 5, 5, 5}}});
        assertEquals(Math.log(4), loss.value(equal, Nd4j.createFromArray(new double[][] {{3, Losses.PADDING}})), 1e-12);
        INDArray two = Nd4j.createFromArray(new double[][][] {{{0, Math.log(3)}, {0, Math.log(3)}}, {{9, -9}, {0, Math.log(3)}}});
        INDArray labels = Nd4j.createFromArray(new double[][] {{0, 1}, {Losses.PADDING, 1}});
        assertEquals((Math.log(4) + 2 * Math.log(4.0 / 3)) / 3, loss.value(two, labels), 1e-12);
        INDArray g = Nd4j.create(DataType.DOUBLE, new long[] {2, 2, 2}, 'c');
        loss.compute(two, labels, g);
        assertEquals(0.0, g.getDouble(1, 0, 0), 0.0, "padding gets no gradient");
        assertEquals(0.0, g.getDouble(1, 0, 1), 0.0, "padding gets no gradient");
        assertEquals((0.25 - 1) / 3, g.getDouble(0, 0, 0), 1e-15);
        INDArray allPadding = Nd4j.createFromArray(new double[][] {{Losses.PADDING, Losses.PADDING}, {Losses.PADDING, Losses.PADDING}});
        g.assign(7);
        assertEquals(0.0, loss.compute(two, allPadding, g), 0.0);
        assertEquals(0.0, g.norm1Number().doubleValue(), 0.0);
        assertEquals(5, loss.targetWidth(new long[] {5, 10}), "one label per position");
        assertEquals(1, Losses.sparseSoftmaxCrossEntropy().targetWidth(new long[] {10}));
        assertEquals(10, Losses.softmaxCrossEntropy().targetWidth(new long[] {10}));
    }

    /**
     * Float32 logits take the vectorised exponential, float64 ones Math.exp: on the same values
     * (float32 ones, widened) the loss agrees to 1e-10 relative and the gradient to float32's
     * rounding, in both orders, with padding, at a width where the class loop matters.
     */
    @Test
    void sequenceLossInFloat32EqualsFloat64() {
        Loss loss = Losses.sequenceSparseSoftmaxCrossEntropy();
        long[] shape = {3, 5, 41};
        for (char order : new char[] {'f', 'c'}) {
            SplittableRandom r = new SplittableRandom(11);
            INDArray z64 = random(shape, r, -30, 30, order);
            INDArray z32 = z64.castTo(DataType.FLOAT).dup(order);
            z64.assign(z32.castTo(DataType.DOUBLE));
            INDArray labels = Nd4j.create(DataType.DOUBLE, new long[] {3, 5}, 'f');
            for (long b = 0; b < 3; b++) {
                for (long t = 0; t < 5; t++) {
                    labels.putScalar(new long[] {b, t}, t >= 3 + b ? Losses.PADDING : r.nextInt(41));
                }
            }
            INDArray g64 = Nd4j.create(DataType.DOUBLE, shape, order);
            INDArray g32 = Nd4j.create(DataType.FLOAT, shape, order);
            double v64 = loss.compute(z64, labels, g64);
            double v32 = loss.compute(z32, labels.castTo(DataType.FLOAT), g32);
            assertEquals(v64, v32, 1e-10 * v64, "order " + order);
            for (long i = 0; i < g64.length(); i++) {
                long[] at = org.nd4j.linalg.api.shape.Shape.ind2subC(shape, i);
                double want = g64.getDouble(at);
                assertEquals(want, g32.getDouble(at), 1.2e-7 * Math.abs(want) + 1e-30, "order " + order + " " + java.util.Arrays.toString(at));
            }
            assertEquals(v64, loss.compute(z32, labels, null), 1e-10 * v64, "value without the gradient");
        }
    }

    /**
     * At a vocabulary-sized width the loss splits its positions across two threads: value and
     * gradient still equal the softmax cross-entropy written out position by position, in
     * float64, and the float32 value agrees.
     */
    @Test
    void sequenceLossAtVocabularyWidthEqualsTheDefinition() {
        Loss loss = Losses.sequenceSparseSoftmaxCrossEntropy();
        int batch = 8;
        int steps = 17;
        int k = 8192;
        int n = batch * steps;
        assertTrue((long) n * k >= Losses.PARALLEL_MIN, "the two-thread path");
        SplittableRandom r = new SplittableRandom(21);
        INDArray z = Nd4j.create(DataType.DOUBLE, new long[] {batch, steps, k}, 'f');
        double[] zv = new double[n * k];
        for (int i = 0; i < zv.length; i++) {
            zv[i] = r.nextDouble(-8, 8);
        }
        z.assign(Nd4j.createFromArray(zv).reshape('f', batch, steps, k));
        INDArray labels = Nd4j.create(DataType.DOUBLE, new long[] {batch, steps}, 'f');
        int[] label = new int[n];
        int labelled = 0;
        for (int p = 0; p < n; p++) { // position p = b + batch·t in 'f' order
            label[p] = p % 5 == 4 ? Losses.PADDING : r.nextInt(k);
            labels.putScalar(new long[] {p % batch, p / batch}, label[p]);
            labelled += label[p] == Losses.PADDING ? 0 : 1;
        }
        INDArray g = Nd4j.create(DataType.DOUBLE, new long[] {batch, steps, k}, 'f');
        double value = loss.compute(z, labels, g);
        double want = 0;
        for (int p = 0; p < n; p++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, zv[c * n + p]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(zv[c * n + p] - max);
            }
            double lse = max + Math.log(sum);
            if (label[p] != Losses.PADDING) {
                want += lse - zv[label[p] * n + p];
            }
            for (int c = 0; c < k; c += 97) {
                double expect = label[p] == Losses.PADDING ? 0
                        : (Math.exp(zv[c * n + p] - lse) - (c == label[p] ? 1 : 0)) / labelled;
                assertEquals(expect, g.getDouble(p % batch, p / batch, c), 1e-15, "position " + p + ", class " + c);
            }
            if (label[p] != Losses.PADDING) {
                double expect = (Math.exp(zv[label[p] * n + p] - lse) - 1) / labelled;
                assertEquals(expect, g.getDouble(p % batch, p / batch, label[p]), 1e-15, "position " + p + ", its label");
            }
        }
        want /= labelled;
        assertEquals(want, value, 1e-12 * want);
        assertEquals(want, loss.value(z.castTo(DataType.FLOAT), labels), 1e-6 * want, "float32");
    }

    @Test
    void sequenceLossErrorsNameTheBadValue() {
        Loss loss = Losses.sequenceSparseSoftmaxCrossEntropy();
        INDArray z = Nd4j.zeros(DataType.DOUBLE, 2, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.value(z, Nd4j.createFromArray(new double[][] {{0, 1, 2}, {3, 4, 0}})));
        assertTrue(e.getMessage().contains("label 4.0 at example 1, position 1") && e.getMessage().contains("4 outputs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.value(z, Nd4j.createFromArray(new double[][] {{0, -2, 0}, {0, 0, 0}})));
        assertTrue(e.getMessage().contains("label -2.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.value(z, Nd4j.zeros(DataType.DOUBLE, 2, 4)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.value(Nd4j.zeros(DataType.DOUBLE, 2, 3), Nd4j.zeros(DataType.DOUBLE, 2, 3)));
        assertTrue(e.getMessage().contains("[B, T, k]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.targetWidth(new long[] {10}));
        assertTrue(e.getMessage().contains("timeDistributed"), e.getMessage());
    }
}
