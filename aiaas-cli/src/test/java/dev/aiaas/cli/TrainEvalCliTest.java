package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiaas train} and {@code aiaas eval} on the embedded Fashion-MNIST subset, and their errors. */
class TrainEvalCliTest {

    private static final Pattern ACCURACY = Pattern.compile("(?m)^test accuracy: (0\\.\\d{4})$");

    private static String accuracy(String out) {
        Matcher m = ACCURACY.matcher(out);
        assertTrue(m.find(), "no 'test accuracy: 0.xxxx' line in:\n" + out);
        return m.group(1);
    }

    @Test
    void trainSavesAModelThatEvalScoresTheSame(@TempDir Path dir) {
        Path model = dir.resolve("mlp.aiaas");
        CliTest.Result train = CliTest.run("train", "--epochs", "2", "--hidden", "64", "--seed", "3", "--out", model.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("epoch 2/2"), train.out());
        assertTrue(train.out().contains("total parameters: 50,890"), train.out());
        String trained = accuracy(train.out());
        assertTrue(Double.parseDouble(trained) > 0.7, train.out());
        assertTrue(train.out().strip().endsWith("test accuracy: " + trained), "the last line is the accuracy:\n" + train.out());
        assertTrue(Files.isRegularFile(model));

        CliTest.Result eval = CliTest.run("eval", "--model", model.toString());
        assertEquals(0, eval.code(), eval.err());
        assertEquals(trained, accuracy(eval.out()));
    }

    /**
     * The CNN trains from an IDX folder (the first 1,000 training and 200 test images of the
     * embedded Fashion-MNIST subset, written as the four MNIST files), its 784 features read as
     * 28x28 images, saves, and scores the same when loaded ({@code eval} finds the vision layers'
     * decoders as services).
     */
    @Test
    void theCnnTrainsFromAnIdxFolderAndEvalScoresTheSame(@TempDir Path dir) throws Exception {
        try (dev.aiaas.core.data.TrainTest data = dev.aiaas.core.data.FashionMnist.embedded()) {
            writeIdx(data.train(), 1000, dir, "train");
            writeIdx(data.test(), 200, dir, "t10k");
        }
        Path model = dir.resolve("cnn.aiaas");
        CliTest.Result train = CliTest.run("train", "--dataset", dir.toString(), "--model", "cnn", "--epochs", "2", "--batch-size", "32",
                "--seed", "3", "--out", model.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("conv2d 3x3") && train.out().contains("[64, 7, 7]"), train.out());
        assertTrue(train.out().contains("total parameters: 468,394"), train.out());
        String trained = accuracy(train.out());
        assertTrue(Double.parseDouble(trained) > 0.5, train.out());
        CliTest.Result eval = CliTest.run("eval", "--model", model.toString(), "--dataset", dir.toString());
        assertEquals(0, eval.code(), eval.err());
        assertEquals(trained, accuracy(eval.out()));
        assertEquals(trained, predictedAccuracy(model, dir, 200));
        String header = new String(Files.readAllBytes(model), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("augment=flip "), header.substring(0, 400)); // the cnn's default: left-right mirroring
    }

    /**
     * The small ResNet trains from an IDX folder (128 training images, one epoch; the schedule
     * cosine, the convolutional networks' default), saves, and scores the same when loaded by
     * {@code eval} and by {@code predict}. (Its accuracy after 4 steps is not asserted: its batch
     * norms' running statistics, with core's momentum 0.99, still hold most of their initial values.)
     */
    @Test
    void theResnetTrainsFromAnIdxFolderAndEvalAndPredictScoreTheSame(@TempDir Path dir) throws Exception {
        try (dev.aiaas.core.data.TrainTest data = dev.aiaas.core.data.FashionMnist.embedded()) {
            writeIdx(data.train(), 128, dir, "train");
            writeIdx(data.test(), 64, dir, "t10k");
        }
        Path model = dir.resolve("resnet.aiaas");
        CliTest.Result train = CliTest.run("train", "--dataset", dir.toString(), "--model", "resnet", "--epochs", "1", "--batch-size",
                "32", "--lr", "0.003", "--seed", "3", "--out", model.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("residual_block (5+0, relu)") && train.out().contains("residual_block (5+2, relu)")
                && train.out().contains("[64, 7, 7]") && train.out().contains("global_avg_pool"), train.out());
        String trained = accuracy(train.out());
        CliTest.Result eval = CliTest.run("eval", "--model", model.toString(), "--dataset", dir.toString());
        assertEquals(0, eval.code(), eval.err());
        assertEquals(trained, accuracy(eval.out()));
        assertEquals(trained, predictedAccuracy(model, dir, 64));
        // the provenance in the file's text header: the convolutional networks' default schedule, no augmentation
        String header = new String(Files.readAllBytes(model), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("schedule=cosine") && header.contains("augment=none "), header.substring(0, 400));
    }

    /**
     * {@code --augment} moves (and mirrors) the training images, so the run differs from one
     * without; a bad name, a table, or examples that are not square images are refused.
     */
    @Test
    void augmentChangesTrainingAndIsRefusedWhereItCannotApply(@TempDir Path dir) throws Exception {
        CliTest.Result flipped = CliTest.run("train", "--epochs", "2", "--hidden", "16", "--seed", "5", "--augment", "shift-flip");
        assertEquals(0, flipped.code(), flipped.err());
        assertTrue(Double.parseDouble(accuracy(flipped.out())) > 0.4, flipped.out()); // chance: 0.1; without: 0.6-0.7
        CliTest.Result plain = CliTest.run("train", "--epochs", "2", "--hidden", "16", "--seed", "5");
        assertTrue(!lastLoss(flipped.out()).equals(lastLoss(plain.out())), flipped.out() + plain.out());
        CliTest.Result bad = CliTest.run("train", "--augment", "rotate");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--augment: unknown augmentation 'rotate'; expected one of none, shift, flip, shift-flip"), bad.err());
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "a,y\n1,0\n2,1\n3,0\n4,1\n");
        CliTest.Result table = CliTest.run("train", "--csv", csv.toString(), "--label", "y", "--augment", "shift");
        assertEquals(2, table.code());
        assertTrue(table.err().contains("--augment shift changes images, but --csv gives a table"), table.err());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainCommand.augmentation("shift", 30));
        assertTrue(e.getMessage().contains("30 features") && e.getMessage().contains("--augment none"), e.getMessage());
        assertEquals(null, TrainCommand.augmentation("none", 30));
        assertEquals("flip", TrainCommand.defaultAugment("cnn", false));
        assertEquals("none", TrainCommand.defaultAugment("cnn", true));
        assertEquals("none", TrainCommand.defaultAugment("lenet", false));
        assertEquals("none", TrainCommand.defaultAugment("mlp", false));
        assertEquals(new dev.aiaas.vision.transform.RandomShift(1, 28, 28, 0, true), TrainCommand.augmentation("flip", 784));
        assertEquals(new dev.aiaas.vision.transform.RandomShift(1, 28, 28, 2, true), TrainCommand.augmentation("shift-flip", 784));
        assertEquals(new dev.aiaas.vision.transform.RandomShift(1, 28, 28, 2, false), TrainCommand.augmentation("shift", 784));
    }

    /** {@code aiaas predict} on the folder's t10k images: the share of its classes that match the labels, as 0.xxxx. */
    private static String predictedAccuracy(Path model, Path dir, int n) throws Exception {
        Path csv = dir.resolve(model.getFileName() + ".csv");
        CliTest.Result p = CliTest.run("predict", "--model", model.toString(), "--input", dir.resolve("t10k-images-idx3-ubyte").toString(),
                "--out", csv.toString());
        assertEquals(0, p.code(), p.err());
        java.util.List<String> lines = Files.readAllLines(csv);
        assertEquals(n + 1, lines.size(), "a header and one line per image");
        dev.aiaas.core.data.IdxData labels = dev.aiaas.core.data.Idx.read(dir.resolve("t10k-labels-idx1-ubyte"));
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int predicted = Integer.parseInt(lines.get(i + 1).substring(0, lines.get(i + 1).indexOf(',')));
            correct += predicted == labels.unsigned(i) ? 1 : 0;
        }
        return String.format(java.util.Locale.ROOT, "%.4f", correct / (double) n);
    }

    /** The first n examples of {@code d} as {@code <prefix>-images-idx3-ubyte} and {@code <prefix>-labels-idx1-ubyte} (pixels × 255). */
    private static void writeIdx(dev.aiaas.core.data.Dataset d, int n, Path dir, String prefix) throws java.io.IOException {
        float[] x = d.features().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n), org.nd4j.linalg.indexing.NDArrayIndex.all())
                .dup('c').data().asFloat();
        byte[] pixels = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            pixels[i] = (byte) Math.round(x[i] * 255);
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) d.label(i);
        }
        dev.aiaas.core.data.Idx.write(new dev.aiaas.core.data.IdxData(new int[] {n, 28, 28}, pixels),
                dir.resolve(prefix + "-images-idx3-ubyte"), false);
        dev.aiaas.core.data.Idx.write(new dev.aiaas.core.data.IdxData(new int[] {n}, labels), dir.resolve(prefix + "-labels-idx1-ubyte"),
                false);
    }

    /** A convolutional network refuses examples that are not images of its size, naming the model and the fix. */
    @Test
    void theConvolutionalNetworksTakeOnlyTheirImages() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainCommand.network("lenet", 32 * 32, 16, 10, 1));
        assertTrue(e.getMessage().contains("--model lenet takes 28x28 grey images") && e.getMessage().contains("1024 features"),
                e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TrainCommand.network("resnet", 30, 16, 3, 1));
        assertTrue(e.getMessage().contains("--model resnet takes square grey images") && e.getMessage().contains("30 features"),
                e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TrainCommand.network("cnn", 13, 16, 3, 1));
        assertTrue(e.getMessage().contains("--model cnn takes square grey images") && e.getMessage().contains("Use --model mlp"),
                e.getMessage());
    }

    /** The MLP with batch norm, GELU and dropout trains, saves, and scores the same when loaded (dropout off, running statistics). */
    @Test
    void theNormalisedMlpTrainsAndEvalScoresTheSame(@TempDir Path dir) {
        Path model = dir.resolve("mlp-bn.aiaas");
        CliTest.Result train = CliTest.run("train", "--model", "mlp-bn", "--epochs", "2", "--hidden", "64", "--seed", "3",
                "--out", model.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("batch_norm") && train.out().contains("dropout"), train.out());
        assertTrue(train.out().contains("total parameters: 51,146"), train.out()); // 50,890 + 4·64 for the batch norm
        String trained = accuracy(train.out());
        assertTrue(Double.parseDouble(trained) > 0.7, train.out());
        CliTest.Result eval = CliTest.run("eval", "--model", model.toString());
        assertEquals(0, eval.code(), eval.err());
        assertEquals(trained, accuracy(eval.out()));
    }

    /** Cosine decay ends the run at learning rate 0, so it trains differently from the constant default. */
    @Test
    void cosineScheduleTrainsAndDiffersFromConstant() {
        CliTest.Result cosine = CliTest.run("train", "--epochs", "2", "--hidden", "16", "--seed", "5", "--schedule", "cosine");
        assertEquals(0, cosine.code(), cosine.err());
        assertTrue(Double.parseDouble(accuracy(cosine.out())) > 0.6, cosine.out());
        CliTest.Result constant = CliTest.run("train", "--epochs", "2", "--hidden", "16", "--seed", "5");
        assertTrue(!lastLoss(cosine.out()).equals(lastLoss(constant.out())), cosine.out() + constant.out());
        CliTest.Result bad = CliTest.run("train", "--schedule", "linear");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--schedule: unknown schedule 'linear'; expected one of constant, cosine"), bad.err());
    }

    /** The loss printed on the last progress line. */
    private static String lastLoss(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("loss[ =:]+([0-9.]+)").matcher(out);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        assertTrue(last != null, out);
        return last;
    }

    /** --plot draws the history of an IDX run too: loss and accuracy per epoch, a PNG of 800x600. */
    @Test
    void plotWritesTheTrainingHistoryChart(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("history.png");
        CliTest.Result r = CliTest.run("train", "--epochs", "2", "--hidden", "16", "--plot", png.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("plot: " + png), r.out());
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(800, img.getWidth());
        assertEquals(600, img.getHeight());
    }

    @Test
    void sameSeedSameAccuracy() {
        String a = accuracy(CliTest.run("train", "--epochs", "1", "--hidden", "16", "--seed", "5").out());
        String b = accuracy(CliTest.run("train", "--epochs", "1", "--hidden", "16", "--seed", "5").out());
        assertEquals(a, b);
    }

    @Test
    void badUsageExitsTwoWithTheReason(@TempDir Path dir) {
        CliTest.Result r = CliTest.run("train", "--model", "vgg");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown model 'vgg'") && r.err().contains("mlp, mlp-bn, cnn, lenet, resnet"), r.err());
        r = CliTest.run("train", "--dataset", dir.resolve("nowhere").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is not a folder") && r.err().contains("train-images-idx3-ubyte"), r.err());
        r = CliTest.run("train", "--epochs", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("epochs=0"), r.err());
        r = CliTest.run("train", "--out", dir.resolve("missing/m.aiaas").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--out: folder not found"), r.err());
        r = CliTest.run("train", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--out: is a folder, expected a file name"), r.err());
        r = CliTest.run("train", "--plot", dir.resolve("chart.jpg").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--plot: '") && r.err().contains("chart.jpg' does not end in .png"), r.err());
        r = CliTest.run("train", "--plot", dir.resolve("missing/chart.png").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--plot: the folder") && r.err().contains("does not exist"), r.err());
        r = CliTest.run("eval", "--model", dir.resolve("none.aiaas").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--model: file not found"), r.err());
        r = CliTest.run("eval", "--model", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--model: not a readable file"), r.err());
        r = CliTest.run("eval");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--model"), r.err());
    }

    @Test
    void failuresExitOneWithOneLine(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.aiaas");
        Files.writeString(junk, "not a model");
        CliTest.Result r = CliTest.run("eval", "--model", junk.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("aiaas: error: cannot load") && r.err().contains("is not an aiaas model"), r.err());

        Path empty = Files.createDirectory(dir.resolve("empty"));
        r = CliTest.run("train", "--dataset", empty.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot read the dataset"), r.err());
    }
}
