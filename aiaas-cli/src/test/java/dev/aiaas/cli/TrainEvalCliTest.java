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

    @Test
    void sameSeedSameAccuracy() {
        String a = accuracy(CliTest.run("train", "--epochs", "1", "--hidden", "16", "--seed", "5").out());
        String b = accuracy(CliTest.run("train", "--epochs", "1", "--hidden", "16", "--seed", "5").out());
        assertEquals(a, b);
    }

    @Test
    void badUsageExitsTwoWithTheReason(@TempDir Path dir) {
        CliTest.Result r = CliTest.run("train", "--model", "cnn");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown model 'cnn'") && r.err().contains("mlp, mlp-bn"), r.err());
        r = CliTest.run("train", "--dataset", dir.resolve("nowhere").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is not a folder") && r.err().contains("train-images-idx3-ubyte"), r.err());
        r = CliTest.run("train", "--epochs", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("epochs=0"), r.err());
        r = CliTest.run("train", "--out", dir.resolve("missing/m.aiaas").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
        r = CliTest.run("eval", "--model", dir.resolve("none.aiaas").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such file"), r.err());
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
