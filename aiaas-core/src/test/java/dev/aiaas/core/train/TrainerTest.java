package dev.aiaas.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.metrics.Average;
import dev.aiaas.core.metrics.Metrics;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.optim.Regularizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrainerTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** Three Gaussian blobs in 4-D around distinct centres: n examples, labels 0..2. */
    static INDArray[] blobs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] centres = {{2, 0, 0, 1}, {0, 2, 0, -1}, {0, 0, 2, 0}};
        double[][] x = new double[n][4];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[i] = c;
            for (int j = 0; j < 4; j++) {
                x[i][j] = centres[c][j] + 0.5 * r.nextGaussian();
            }
        }
        return new INDArray[] {Nd4j.createFromArray(x).castTo(DataType.FLOAT), Nd4j.createFromArray(y)};
    }

    static Model mlp(long seed) {
        return Model.builder(4).add(Layers.dense(16, Activation.RELU)).add(Layers.dense(3)).seed(seed).build();
    }

    /**
     * A sequence task: each row counts up from a random start
     * modulo 7 (x = s, s+1, ...; y = x shifted left), with 1 to 3 padding positions at the end
     * (label −1). Embedding, LSTM and a time-distributed dense layer learn it through the
     * trainer; accuracy counts labelled positions only.
     */
    @Test
    void trainsASequenceModelWithPaddingThroughTheTrainer() {
        int n = 64;
        int steps = 6;
        int vocab = 7;
        SplittableRandom r = new SplittableRandom(3);
        float[][] x = new float[n][steps];
        float[][] y = new float[n][steps];
        int labelled = 0;
        for (int i = 0; i < n; i++) {
            int start = r.nextInt(vocab);
            int length = steps - 1 - r.nextInt(3);
            for (int t = 0; t < steps; t++) {
                x[i][t] = t < length ? (start + t) % vocab : 0;
                y[i][t] = t < length ? (start + t + 1) % vocab : Losses.PADDING;
                labelled += t < length ? 1 : 0;
            }
        }
        assertTrue(labelled < n * steps, "some positions are padding");
        try (Model m = Model.builder(steps)
                .add(Layers.embedding(vocab, 8))
                .add(Layers.lstm(16))
                .add(Layers.timeDistributed(Layers.dense(vocab)))
                .seed(5).build()) {
            History h = Trainer.builder(Losses.sequenceSparseSoftmaxCrossEntropy())
                    .optimizer(Optimizers.adam(0.02)).epochs(40).batchSize(16).seed(1).build()
                    .fit(m, Nd4j.createFromArray(x), Nd4j.createFromArray(y));
            double first = h.series("loss")[0];
            double last = h.last("loss");
            assertTrue(first > 1.5 && last < 0.1, "loss " + first + " -> " + last);
            assertEquals(1.0, h.last("accuracy"), 0.0, "every labelled next number is predicted");
            Map<String, Double> eval = Trainer.builder(Losses.sequenceSparseSoftmaxCrossEntropy()).batchSize(64).build()
                    .evaluate(m, Nd4j.createFromArray(x), Nd4j.createFromArray(y));
            assertTrue(eval.get("loss") < 0.1, "evaluate: " + eval);
        }
    }

    /** The sequence accuracy is the share of labelled positions whose label is the (first) argmax of the logits. */
    @Test
    void sequenceAccuracyIsTheArgmaxShareOfLabelledPositions() {
        int vocab = 7;
        int steps = 5;
        int rows = 40;
        SplittableRandom r = new SplittableRandom(3);
        float[][] x = new float[rows][steps];
        float[][] y = new float[rows][steps];
        for (int i = 0; i < rows; i++) {
            for (int t = 0; t < steps; t++) {
                x[i][t] = r.nextInt(vocab);
                y[i][t] = t > 2 && r.nextBoolean() ? Losses.PADDING : r.nextInt(vocab);
            }
        }
        try (Model m = Model.builder(steps).add(Layers.embedding(vocab, 4)).add(Layers.lstm(6))
                .add(Layers.timeDistributed(Layers.dense(vocab))).seed(9).build()) {
            INDArray out = m.predict(Nd4j.createFromArray(x));
            long counted = 0;
            long correct = 0;
            for (int i = 0; i < rows; i++) {
                for (int t = 0; t < steps; t++) {
                    if (y[i][t] < 0) {
                        continue;
                    }
                    int best = 0;
                    for (int c = 1; c < vocab; c++) {
                        best = out.getDouble(i, t, c) > out.getDouble(i, t, best) ? c : best;
                    }
                    counted++;
                    correct += best == (int) y[i][t] ? 1 : 0;
                }
            }
            Map<String, Double> eval = Trainer.builder(Losses.sequenceSparseSoftmaxCrossEntropy()).batchSize(16).build()
                    .evaluate(m, Nd4j.createFromArray(x), Nd4j.createFromArray(y));
            assertTrue(correct > 0 && correct < counted, correct + " of " + counted);
            assertEquals((double) correct / counted, eval.get("accuracy"), 1e-12);
        }
    }

    @Test
    void aSequenceLossNeedsSequenceOutputsAndOneLabelPerPosition() {
        try (Model flat = mlp(1);
             Model seq = Model.builder(4).add(Layers.embedding(5, 2)).add(Layers.lstm(3)).add(Layers.timeDistributed(Layers.dense(5))).build()) {
            Trainer t = Trainer.builder(Losses.sequenceSparseSoftmaxCrossEntropy()).epochs(1).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> t.fit(flat, Nd4j.rand(DataType.FLOAT, 4, 4), Nd4j.zeros(DataType.FLOAT, 4, 3)));
            assertTrue(e.getMessage().contains("timeDistributed"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> t.fit(seq, Nd4j.zeros(DataType.FLOAT, 3, 4), Nd4j.zeros(DataType.FLOAT, 3, 5)));
            assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[3, 5]"), e.getMessage());
        }
    }

    @Test
    void learnsToSeparateBlobs() {
        INDArray[] d = blobs(300, 1);
        try (Model m = mlp(3)) {
            Trainer t = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(0.01))
                    .epochs(15).batchSize(32).seed(7).validationSplit(0.2).build();
            History h = t.fit(m, d[0], d[1]);
            assertEquals(15, h.epochCount());
            assertTrue(h.last("loss") < h.epoch(0).get("loss"), h.toString());
            assertTrue(h.last("val_accuracy") > 0.95, h.toString());
            INDArray[] test = blobs(90, 99);
            Map<String, Double> eval = t.evaluate(m, test[0], test[1]);
            assertTrue(eval.get("accuracy") > 0.95, eval.toString());
            assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy", "lr"), List.copyOf(h.keys()));
        }
    }

    @Test
    void everyOptimiserAndLossFamilyReducesTheLoss() {
        INDArray[] d = blobs(120, 2);
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, 120, 3);
        for (int i = 0; i < 120; i++) {
            oneHot.putScalar(i, d[1].getInt(i), 1f);
        }
        for (var o : List.of(Optimizers.sgd(0.1), Optimizers.momentum(0.05, 0.9), Optimizers.nesterov(0.05, 0.9),
                Optimizers.adam(0.01), Optimizers.adamW(0.01, 0.01), Optimizers.rmsProp(0.01), Optimizers.adaGrad(0.1))) {
            for (Loss loss : List.of(Losses.softmaxCrossEntropy(), Losses.meanSquaredError(), Losses.binaryCrossEntropyFromLogits())) {
                try (Model m = mlp(5)) {
                    History h = Trainer.builder(loss).optimizer(o).epochs(5).batchSize(16).seed(1).build().fit(m, d[0], oneHot);
                    assertTrue(h.last("loss") < h.epoch(0).get("loss"), o.name() + " " + loss.name() + ": " + h);
                }
            }
        }
    }

    @Test
    void sameSeedGivesBitIdenticalParameters() {
        INDArray[] d = blobs(200, 4);
        Trainer t = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).epochs(3).batchSize(20).seed(11).validationSplit(0.1).build();
        try (Model a = mlp(1); Model b = mlp(1); Model c = mlp(1)) {
            t.fit(a, d[0], d[1]);
            t.fit(b, d[0], d[1]);
            assertEquals(a.parameters(), b.parameters());
            Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).epochs(3).batchSize(20).seed(12).validationSplit(0.1).build()
                    .fit(c, d[0], d[1]);
            assertNotEquals(a.parameters(), c.parameters());
        }
    }

    @Test
    void theStepReusesItsBuffers() {
        try (Model m = mlp(1)) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 'f', 8, 4);
            INDArray y1 = m.forward(x, true);
            INDArray y2 = m.forward(x, true);
            assertSame(y1, y2);
        }
    }

    @Test
    void earlyStoppingStopsAndRestoresTheBestParameters() {
        INDArray[] d = blobs(150, 5);
        try (Model m = mlp(2)) {
            // a learning rate this large makes validation loss bounce, so patience 1 stops early
            Trainer t = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.sgd(3.0))
                    .epochs(40).batchSize(10).seed(3).validationSplit(0.3)
                    .callbacks(Callbacks.earlyStopping("val_loss", 1, 0, true)).build();
            History h = t.fit(m, d[0], d[1]);
            assertTrue(h.epochCount() < 40, h.toString());
            assertTrue(h.stopReason().startsWith("early stopping"), h.stopReason());
            double best = Double.POSITIVE_INFINITY;
            for (double v : h.series("val_loss")) {
                best = Math.min(best, v);
            }
            // the restored parameters reproduce the best epoch's validation loss
            Trainer again = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).epochs(1).batchSize(10).seed(3).validationSplit(0.3).build();
            INDArray[] split = splitLike(d, 0.3, 3);
            assertEquals(best, again.evaluate(m, split[0], split[1]).get("loss"), 1e-5);
        }
    }

    /** The validation part the trainer holds out for (fraction, seed). */
    private static INDArray[] splitLike(INDArray[] d, double fraction, long seed) {
        int n = (int) d[0].rows();
        int[] order = dev.aiaas.core.data.Shuffle.permutation(n, seed);
        int nv = (int) Math.round(n * fraction);
        int[] val = java.util.Arrays.copyOf(order, nv);
        return new INDArray[] {d[0].getRows(val), d[1].get(Nd4j.createFromArray(val))};
    }

    @Test
    void terminateOnNaNNamesTheStep() {
        INDArray x = Nd4j.createFromArray(new float[][] {{Float.NaN, 1, 1, 1}, {1, 2, 3, 4}});
        INDArray y = Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 1, 0}});
        try (Model m = mlp(1)) {
            DivergenceException e = assertThrows(DivergenceException.class, () -> Trainer.builder(Losses.meanSquaredError())
                    .epochs(3).batchSize(2).allowNonFiniteData(true).stopOnDivergence(false)
                    .callbacks(Callbacks.terminateOnNaN()).build().fit(m, x, y));
            assertEquals(1, e.step());
            assertEquals(1, e.epoch());
            assertTrue(e.getMessage().contains("at epoch 1, step 1") && e.getMessage().contains("Lower the learning rate"),
                    e.getMessage());
        }
    }

    /**
     * Keras's count: with patience 1, the first epoch without improvement drops the rate, and
     * each further one does again (the count restarts after a drop; 0.92 and 0.91 do not beat
     * the best, 0.9). The count before this release dropped it one epoch later: 1, 1, 1, 0.5, 0.5, 0.25, ...
     */
    @Test
    void reduceOnPlateauHalvesTheRateAfterPatienceEpochsWithoutImprovement() {
        try (Model m = mlp(2)) {
            TrainingContext ctx = new TrainingContext(m, 10, 1, Optimizers.sgd(0.1), null, 0);
            Callback c = Callbacks.reduceLearningRateOnPlateau("loss", 0.5, 1, 0.2);
            double[] losses = {1.0, 0.9, 0.95, 0.93, 0.92, 0.91, 0.89, 0.99};
            double[] expected = {1, 1, 0.5, 0.25, 0.2, 0.2, 0.2, 0.2};
            for (int e = 0; e < losses.length; e++) {
                c.onEpochEnd(e, Map.of("loss", losses[e]), ctx);
                assertEquals(expected[e], ctx.learningRateFactor(), 1e-12, "after epoch " + e);
            }
        }
    }

    /**
     * Keras's EarlyStopping count on a hand-written sequence: patience 2 stops at the end of the
     * second epoch without improvement, here epoch 4 (index 3), not one epoch later.
     */
    @Test
    void earlyStoppingStopsAfterPatienceEpochsWithoutImprovementAsKerasDoes() {
        double[] valLoss = {1.0, 0.8, 0.9, 0.85, 0.7, 0.75};
        try (Model m = mlp(2)) {
            TrainingContext ctx = new TrainingContext(m, 10, 1, Optimizers.sgd(0.1), null, 0);
            Callback c = Callbacks.earlyStopping("val_loss", 2, 0, false);
            boolean[] stopAfter = new boolean[valLoss.length];
            for (int e = 0; e < valLoss.length && !ctx.stopRequested(); e++) {
                c.onEpochEnd(e, Map.of("val_loss", valLoss[e]), ctx);
                stopAfter[e] = ctx.stopRequested();
            }
            assertEquals(List.of(false, false, false, true, false, false),
                    java.util.stream.IntStream.range(0, valLoss.length).mapToObj(e -> stopAfter[e]).toList());
            // patience 0: the first epoch without improvement, and a minDelta that 0.85 -> 0.8 does not beat
            TrainingContext ctx0 = new TrainingContext(m, 10, 1, Optimizers.sgd(0.1), null, 0);
            Callback c0 = Callbacks.earlyStopping("val_loss", 0, 0.1, false);
            c0.onEpochEnd(0, Map.of("val_loss", 0.85), ctx0);
            assertTrue(!ctx0.stopRequested(), "the first epoch improves on nothing logged before");
            c0.onEpochEnd(1, Map.of("val_loss", 0.8), ctx0);
            assertTrue(ctx0.stopRequested(), "0.05 is under minDelta");
        }
        // through the trainer: a callback before it logs the sequence, and the history ends at epoch 4
        INDArray[] d = blobs(30, 6);
        Callback score = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
                logs.put("score", valLoss[epoch]);
            }
        };
        try (Model m = mlp(2)) {
            History h = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).epochs(10).batchSize(10)
                    .callbacks(score, Callbacks.earlyStopping("score", 2, 0, false)).build().fit(m, d[0], d[1]);
            assertEquals(4, h.epochCount(), h.toString());
            assertTrue(h.stopReason().contains("did not improve for 2 epochs; best 0.8000 at epoch 2"), h.stopReason());
        }
    }

    @Test
    void theRateFactorReachesTheOptimiser() {
        INDArray[] d = blobs(30, 6);
        try (Model m = mlp(2)) {
            Callback halve = new Callback() {
                @Override
                public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
                    context.setLearningRateFactor(context.learningRateFactor() / 2);
                }
            };
            History h = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.sgd(0.1)).epochs(3).batchSize(10)
                    .callbacks(halve).build().fit(m, d[0], d[1]);
            assertEquals(List.of(0.1, 0.05, 0.025), java.util.Arrays.stream(h.series("lr")).boxed().toList());
        }
    }

    @Test
    void progressAndCsvLogging(@TempDir Path dir) throws Exception {
        INDArray[] d = blobs(60, 7);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path csv = dir.resolve("log.csv");
        try (Model m = mlp(2)) {
            Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).epochs(2).batchSize(10)
                    .callbacks(Callbacks.progress(new PrintStream(bytes, true, StandardCharsets.UTF_8)), Callbacks.csvLogger(csv))
                    .build().fit(m, d[0], d[1]);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("epoch 1/2") && out.contains("epoch 2/2") && out.contains("loss "), out);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("epoch,loss,accuracy,lr", lines.get(0));
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).startsWith("2,"), lines.toString());
    }

    @Test
    void anL2RegularizerAddsItsPenaltyToTheLossAndItsGradientToTheKernelsOnly() {
        INDArray[] d = blobs(30, 4);
        double lambda = 0.05;
        double lr = 0.1;
        Trainer.Builder b = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.sgd(lr))
                .epochs(1).batchSize(30).seed(1);
        try (Model plain = mlp64(); Model reg = mlp64()) {
            INDArray w0 = reg.parameters().dup();
            double penalty = 0;
            for (long[] k : reg.kernelSlices()) {
                for (long i = k[0]; i < k[1]; i++) {
                    penalty += lambda * w0.getDouble(i) * w0.getDouble(i);
                }
            }
            History hp = b.build().fit(plain, d[0], d[1]);
            History hr = b.regularizer(Regularizer.l2(lambda)).build().fit(reg, d[0], d[1]);
            // one full-batch step: the loss is taken before it, so it differs by R(θ₀) exactly
            assertEquals(hp.last("loss") + penalty, hr.last("loss"), 1e-9);
            // θ_reg = θ_plain − η·2λW on kernels; biases equal
            INDArray expected = plain.parameters().dup();
            for (long[] k : reg.kernelSlices()) {
                for (long i = k[0]; i < k[1]; i++) {
                    expected.putScalar(i, expected.getDouble(i) - lr * 2 * lambda * w0.getDouble(i));
                }
            }
            for (long i = 0; i < expected.length(); i++) {
                assertEquals(expected.getDouble(i), reg.parameters().getDouble(i), 1e-12, "θ[" + i + "]");
            }
        }
    }

    private static Model mlp64() {
        return Model.builder(4).add(Layers.dense(5, Activation.TANH)).add(Layers.residual(Layers.dense(5)))
                .add(Layers.dense(3)).dataType(DataType.DOUBLE).seed(2).build();
    }

    @Test
    void clippingBoundsTheUpdate() {
        INDArray x = Nd4j.createFromArray(new float[][] {{100, 100, 100, 100}});
        INDArray y = Nd4j.createFromArray(new float[][] {{1000, 0, 0}});
        try (Model a = mlp(1); Model b = mlp(1)) {
            INDArray before = a.parameters().dup();
            Trainer.builder(Losses.meanSquaredError()).optimizer(Optimizers.sgd(1.0)).epochs(1).batchSize(1).clipNorm(0.5)
                    .build().fit(a, x, y);
            double moved = a.parameters().sub(before).norm2Number().doubleValue();
            assertEquals(0.5, moved, 1e-4);
            Trainer.builder(Losses.meanSquaredError()).optimizer(Optimizers.sgd(1.0)).epochs(1).batchSize(1).clipValue(0.01)
                    .build().fit(b, x, y);
            assertTrue(b.parameters().sub(before).amaxNumber().doubleValue() <= 0.01 + 1e-6);
        }
    }

    @Test
    void errorsNameTheBadValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(Losses.meanSquaredError()).epochs(0));
        assertTrue(e.getMessage().contains("epochs=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(Losses.meanSquaredError()).batchSize(-1));
        assertTrue(e.getMessage().contains("batchSize=-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(Losses.meanSquaredError()).validationSplit(1.0));
        assertTrue(e.getMessage().contains("validationSplit=1.0"), e.getMessage());
        try (Model m = mlp(1)) {
            Trainer t = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).build();
            e = assertThrows(IllegalArgumentException.class, () -> t.fit(m, Nd4j.zeros(DataType.FLOAT, 5, 3), Nd4j.zeros(DataType.FLOAT, 5)));
            assertTrue(e.getMessage().contains("[n, 4]") && e.getMessage().contains("[5, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> t.fit(m, Nd4j.zeros(DataType.FLOAT, 5, 4), Nd4j.zeros(DataType.FLOAT, 4)));
            assertTrue(e.getMessage().contains("one class index per example"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).validationSplit(0.01)
                    .build().fit(m, Nd4j.zeros(DataType.FLOAT, 5, 4), Nd4j.zeros(DataType.FLOAT, 5)));
            assertTrue(e.getMessage().contains("held-out fraction 0.01 of 5 examples leaves 0 held out"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(Losses.sparseSoftmaxCrossEntropy())
                    .callbacks(Callbacks.earlyStopping("val_loss", 1, 0, false)).build()
                    .fit(m, Nd4j.zeros(DataType.FLOAT, 5, 4), Nd4j.zeros(DataType.FLOAT, 5)));
            assertTrue(e.getMessage().contains("'val_loss' is not logged"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> t.fit(m, Nd4j.zeros(DataType.FLOAT, 2, 4),
                    Nd4j.createFromArray(0f, 7f)));
            assertTrue(e.getMessage().contains("class index 7.0"), e.getMessage());
        }
        // fit and evaluate take the same models: flat inputs [d]
        try (Model seq = Model.builder(3, 4).add(Layers.lstm(2)).build()) {
            Trainer t = Trainer.builder(Losses.meanSquaredError()).build();
            for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> t.fit(seq, Nd4j.zeros(DataType.FLOAT, 5, 3), Nd4j.zeros(DataType.FLOAT, 5, 2)),
                    () -> t.evaluate(seq, Nd4j.zeros(DataType.FLOAT, 5, 3), Nd4j.zeros(DataType.FLOAT, 5, 2)))) {
                e = assertThrows(IllegalArgumentException.class, call);
                assertTrue(e.getMessage().contains("flat inputs") && e.getMessage().contains("[3, 4]"), e.getMessage());
            }
        }
    }

    /**
     * AdamW's decoupled decay θ ← θ(1 − ηλ) would shrink batch normalisation's running statistics,
     * which live in θ; the trainer puts them back after each step. With one batch of all the data,
     * every step's batch mean is the data mean μ, so after k steps the running mean is exactly
     * μ(1 − m^k); with the decay reaching it (η = 0.1, λ = 0.5: 5% per step) it would be far below.
     */
    @Test
    void adamWDecayLeavesBatchNormRunningStatisticsAlone() {
        int n = 64;
        int d = 3;
        double momentum = 0.9;
        int epochs = 6;
        INDArray x = Nd4j.rand(DataType.DOUBLE, n, d).addi(2.0);
        INDArray y = x.sum(true, 1).reshape(n, 1);
        try (Model m = Model.builder(d).add(Layers.batchNorm(momentum, 1e-3)).add(Layers.dense(1)).dataType(DataType.DOUBLE)
                .seed(3).build()) {
            assertEquals(1, m.stateSlices().size());
            long from = m.stateSlices().get(0)[0];
            assertEquals(2 * d, from, "running mean after γ and β");
            Trainer.builder(Losses.meanSquaredError()).optimizer(Optimizers.adamW(0.1, 0.5)).epochs(epochs).batchSize(n)
                    .seed(1).build().fit(m, x, y);
            INDArray mean = x.mean(0);
            for (int c = 0; c < d; c++) {
                double expected = mean.getDouble(c) * (1 - Math.pow(momentum, epochs));
                assertEquals(expected, m.parameters().getDouble(from + c), 1e-12, "running mean of feature " + c);
            }
        }
    }

    /** Metrics are logged under their names, and with val_ for validation data; metrics() replaces the default. */
    @Test
    void metricsAreLoggedByNameThenForValidation() {
        INDArray[] d = blobs(120, 8);
        try (Model m = mlp(4)) {
            Trainer t = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(0.01)).epochs(2).batchSize(16)
                    .seed(2).validationSplit(0.25).metrics(Metrics.accuracy(), Metrics.topK(2), Metrics.f1(Average.MACRO)).build();
            History h = t.fit(m, d[0], d[1]);
            assertEquals(List.of("loss", "accuracy", "top2_accuracy", "macro_f1", "val_loss", "val_accuracy", "val_top2_accuracy",
                    "val_macro_f1", "lr"), List.copyOf(h.keys()));
            // the logged validation values are the metrics of the trained model on the held-out part
            INDArray[] val = splitLike(d, 0.25, 2);
            INDArray scores = m.predict(val[0]);
            assertEquals(Metrics.accuracy().compute(scores, val[1]), h.last("val_accuracy"), 0.0);
            assertEquals(Metrics.topK(2).compute(scores, val[1]), h.last("val_top2_accuracy"), 0.0);
            assertEquals(Metrics.f1(Average.MACRO).compute(scores, val[1]), h.last("val_macro_f1"), 1e-12);
            assertTrue(h.last("top2_accuracy") >= h.last("accuracy"), h.toString());
        }
        try (Model m = mlp(4)) {
            History none = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).epochs(1).metrics().build().fit(m, d[0], d[1]);
            assertEquals(List.of("loss", "lr"), List.copyOf(none.keys()));
            INDArray oneHot = Nd4j.zeros(DataType.FLOAT, 120, 3);
            for (int i = 0; i < 120; i++) {
                oneHot.putScalar(i, d[1].getInt(i), 1f);
            }
            History regression = Trainer.builder(Losses.meanSquaredError()).epochs(1).build().fit(m, d[0], oneHot);
            assertEquals(List.of("loss", "lr"), List.copyOf(regression.keys()), "no metric by default for a regression loss");
            History mae = Trainer.builder(Losses.meanSquaredError()).epochs(1).metrics(Metrics.mae()).build().fit(m, d[0], oneHot);
            assertEquals(List.of("loss", "mae", "lr"), List.copyOf(mae.keys()));
        }
    }

    @Test
    void metricsThatCannotBeLoggedAreRefusedAtTheBuilder() {
        Trainer.Builder b = Trainer.builder(Losses.sparseSoftmaxCrossEntropy());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.metrics(Metrics.rocAuc()));
        assertTrue(e.getMessage().contains("cannot be accumulated"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.metrics(Metrics.accuracy(), Metrics.accuracy()));
        assertTrue(e.getMessage().contains("'accuracy' is taken"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(Losses.meanSquaredError()).metrics(Metrics.accuracy()));
        assertTrue(e.getMessage().contains("needs a classification loss"), e.getMessage());
    }

    /**
     * Transforms run after backward in order (the conveniences first: here clipping), the
     * optimiser steps, then they run again in reverse; a transform's term is added to the logged
     * loss and, through penalty(), to val_loss.
     */
    @Test
    void gradientTransformsWrapTheStepInOrderAndAddTheirTermToTheLoss() {
        INDArray[] d = blobs(40, 9);
        List<String> calls = new java.util.ArrayList<>();
        double[] seenNorm = {0};
        GradientTransform first = model -> new GradientTransform.Bound() {
            @Override
            public double beforeStep(INDArray parameters, INDArray gradients) {
                calls.add("first.before");
                seenNorm[0] = Math.max(seenNorm[0], gradients.norm2Number().doubleValue());
                return 1.5;
            }

            @Override
            public void afterStep(INDArray parameters) {
                calls.add("first.after");
            }

            @Override
            public double penalty(INDArray parameters) {
                return 1.5;
            }
        };
        GradientTransform second = model -> new GradientTransform.Bound() {
            @Override
            public double beforeStep(INDArray parameters, INDArray gradients) {
                calls.add("second.before");
                return 0;
            }

            @Override
            public void afterStep(INDArray parameters) {
                calls.add("second.after");
            }
        };
        Trainer.Builder b = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.sgd(0.1)).epochs(2).batchSize(40)
                .seed(1).clipNorm(1e-3);
        try (Model plain = mlp(6); Model wrapped = mlp(6)) {
            History hp = b.build().fit(plain, d[0], d[1], d[0], d[1]);
            History hw = b.gradientTransforms(first, second).build().fit(wrapped, d[0], d[1], d[0], d[1]);
            assertEquals(List.of("first.before", "second.before", "second.after", "first.after",
                    "first.before", "second.before", "second.after", "first.after"), calls);
            assertTrue(seenNorm[0] > 0 && seenNorm[0] <= 1e-3 * (1 + 1e-6), "clipping ran before: " + seenNorm[0]);
            assertEquals(plain.parameters(), wrapped.parameters(), "these transforms leave the gradient alone");
            for (int e = 0; e < 2; e++) {
                assertEquals(hp.epoch(e).get("loss") + 1.5, hw.epoch(e).get("loss"), 1e-12);
                assertEquals(hp.epoch(e).get("val_loss") + 1.5, hw.epoch(e).get("val_loss"), 1e-12);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradientTransforms.clipByGlobalNorm(0));
        assertTrue(e.getMessage().contains("maxNorm=0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GradientTransforms.clipByValue(Double.NaN));
        assertTrue(e.getMessage().contains("maxValue=NaN"), e.getMessage());
    }

    /** The regulariser convenience and its transform are one thing: the same run, bit for bit. */
    @Test
    void theConveniencesAreTheCatalogueTransforms() {
        INDArray[] d = blobs(60, 10);
        try (Model a = mlp64(); Model b = mlp64()) {
            Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).epochs(2).batchSize(16).seed(4)
                    .regularizer(Regularizer.l1l2(1e-3, 1e-2)).clipValue(0.05).clipNorm(0.5).build().fit(a, d[0], d[1]);
            Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).epochs(2).batchSize(16).seed(4)
                    .gradientTransforms(GradientTransforms.regularize(Regularizer.l1l2(1e-3, 1e-2)), GradientTransforms.clipByValue(0.05),
                            GradientTransforms.clipByGlobalNorm(0.5)).build().fit(b, d[0], d[1]);
            assertEquals(a.parameters(), b.parameters());
        }
    }

    /**
     * Epoch e's batches visit the training rows in the one shuffle order of the data package:
     * with batches of one and a transform that zeroes ∇θ (so θ stays put), each step's loss
     * names the example it saw.
     */
    @Test
    void epochsShuffleByTheDataPackagesSeedRule() {
        int n = 10;
        INDArray x = Nd4j.create(DataType.DOUBLE, n, 1);
        for (int i = 0; i < n; i++) {
            x.putScalar(i, i);
        }
        INDArray y = Nd4j.create(DataType.DOUBLE, n, 1);
        GradientTransform freeze = model -> (parameters, gradients) -> {
            gradients.assign(0);
            return 0;
        };
        double[] losses = new double[2 * n];
        Callback capture = new Callback() {
            @Override
            public void onBatchEnd(long step, double loss, TrainingContext context) {
                losses[(int) step - 1] = loss;
            }
        };
        try (Model m = Model.builder(1).add(Layers.dense(1)).dataType(DataType.DOUBLE).seed(1).build()) {
            Trainer.builder(Losses.meanSquaredError()).optimizer(Optimizers.sgd(0.1)).epochs(2).batchSize(1).seed(7)
                    .gradientTransforms(freeze).callbacks(capture).build().fit(m, x, y);
            double w = m.parameters().getDouble(0);
            double bias = m.parameters().getDouble(1);
            for (int epoch = 0; epoch < 2; epoch++) {
                int[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
                dev.aiaas.core.data.Shuffle.shuffle(order, dev.aiaas.core.data.Shuffle.epochSeed(7, epoch));
                for (int i = 0; i < n; i++) {
                    double out = w * order[i] + bias;
                    assertEquals(out * out, losses[epoch * n + i], 1e-12, "epoch " + epoch + ", step " + i + ": example " + order[i]);
                }
            }
        }
    }
}
