package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.data.Idx;
import dev.aiaas.core.data.IdxData;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Model;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 from the command line: number options outside their ranges are exit 2 naming the
 * option and the range; divergence, non-finite values and hostile data files are exit 1 with one
 * line, and a diverged run saves nothing (an existing file at {@code --out} is left as it was).
 */
class NumbersCliTest {

    @TempDir
    Path dir;

    private static void usage(String expected, String... args) {
        CliTest.Result r = CliTest.run(args);
        TableCliTest.usageError(r, expected);
        assertTrue(r.err().startsWith("aiaas: "), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void numberOptionsOutsideTheirRangesAreUsageErrorsNamingTheRange() throws IOException {
        Path csv = Files.writeString(dir.resolve("t.csv"), "a,y\n1,x\n2,z\n");
        usage("--hidden=0: expected an integer from 1 to 1,000,000 (hidden units of the mlp)", "train", "--hidden", "0");
        usage("--hidden=1000001: expected an integer from 1 to 1,000,000", "train", "--hidden", "1000001");
        usage("--epochs=0: expected an integer from 1 to 1,000,000", "train", "--epochs", "0");
        usage("--epochs=-5: expected an integer from 1 to 1,000,000", "train", "--epochs", "-5");
        usage("--batch-size=0: expected an integer from 1 to 1,000,000", "train", "--batch-size", "0");
        usage("--batch-size=2000000: expected an integer from 1 to 1,000,000", "train", "--batch-size", "2000000");
        for (String lr : new String[] {"0", "-0.1", "NaN", "Infinity", "-Infinity"}) {
            usage("--lr=" + Double.parseDouble(lr) + ": expected a finite number > 0 (Adam's learning rate), for example 0.001",
                    "train", "--lr", lr);
        }
        usage("--validation-split must be in (0, 1)", "train", "--csv", csv.toString(), "--label", "y",
                "--validation-split", "NaN");
        usage("Invalid value for option '--hidden': '3000000000' is not an int", "train", "--hidden", "3000000000");
        usage("--batch-size=0: expected an integer from 1 to 1,000,000 (examples per forward pass)", "eval", "--model",
                csv.toString(), "--batch-size", "0");
        usage("--threads=0: expected an integer from 1 to 1024", "info", "--threads", "0");
        usage("--threads=5000: expected an integer from 1 to 1024", "train", "--threads", "5000");
        usage("--warmup=NaN: expected seconds from 0 to 3600", "bench", "--warmup", "NaN");
        usage("--warmup=1.0E9: expected seconds from 0 to 3600", "bench", "--warmup", "1e9");
        usage("--steady-state=1000000000: expected an integer from 10 to 100,000,000", "bench", "--steady-state", "1000000000");
    }

    /** Sizes that would allocate more than the native memory available are refused before allocation, naming the option. */
    @Test
    void sizesBeyondTheAvailableMemoryAreRefusedBeforeAllocation() {
        // 784-1,000,000-10: 795 M parameters, 12.7 GB with gradients and Adam's state; the test JVM's JavaCPP budget is its -Xmx
        usage("--hidden: the mlp 784-1000000-10 (its parameters, their gradients and Adam's state) would need 12.7 GB",
                "train", "--hidden", "1000000", "--epochs", "1");
        // 20,000 hidden units fit (254 MB), but batches of 6,000 through them do not (2.9 GB)
        usage("--batch-size: training batches of 6000 examples through the mlp 784-20000-10 would need 2.9 GB", "train",
                "--hidden", "20000", "--batch-size", "1000000", "--epochs", "1");
    }

    /** The finding: {@code train --lr 1e30} exited 0, saved an all-NaN model and printed "test accuracy: 0.0800". */
    @Test
    void aDivergingRunFailsWithOneLineAndSavesNothing() throws IOException {
        Path out = dir.resolve("model.aiaas");
        byte[] earlier = "an earlier model, to keep".getBytes(StandardCharsets.UTF_8);
        Files.write(out, earlier);
        CliTest.Result r = CliTest.run("train", "--lr", "1e30", "--hidden", "16", "--epochs", "2", "--out", out.toString());
        TableCliTest.failure(r, "aiaas: error: training diverged at epoch 1, step ", "nothing was saved to " + out,
                "Fix: lower --lr (now 1.0E30; the default is 0.001)");
        assertFalse(r.out().contains("test accuracy"), r.out());
        assertArrayEquals(earlier, Files.readAllBytes(out), "the file at --out is left as it was");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    /** Values beyond float32 in a CSV's numeric column (scaling none) fail on their line and column. */
    @Test
    void nonFiniteFeaturesFromACsvFailWithTheirLineAndColumn() throws IOException {
        Path csv = Files.writeString(dir.resolve("big.csv"), "a,b,y\n1,2,x\n3,4,z\n5,1e39,x\n6,7,z\n8,9,x\n");
        CliTest.Result r = CliTest.run("train", "--csv", csv.toString(), "--label", "y", "--scaling", "none", "--test-csv",
                csv.toString(), "--epochs", "1", "--hidden", "4");
        TableCliTest.failure(r, "big.csv: at line 4, column 2 ('b'): found '1e39', expected a number whose scaled value");
    }

    /** A model whose outputs overflow: eval and predict refuse its NaN loss and outputs instead of exiting 0. */
    @Test
    void nonFiniteOutputsAreFailuresInEvalAndPredict() throws IOException {
        Path model = dir.resolve("huge.aiaas");
        try (Model m = TrainCommand.mlp(784, 64, 10, 1)) {
            m.parameters().assign(1e20); // finite, but 784 inputs x 64 hidden units of it overflow float32
            ModelIO.save(m, model);
        }
        CliTest.Result r = CliTest.run("eval", "--model", model.toString());
        TableCliTest.failure(r, "the test loss of " + model + " is ", "its outputs are not finite");
        Path images = dir.resolve("images.idx");
        byte[] ones = new byte[2 * 784];
        java.util.Arrays.fill(ones, (byte) 255);
        Idx.write(new IdxData(new int[] {2, 28, 28}, ones), images, false);
        r = CliTest.run("predict", "--model", model.toString(), "--input", images.toString());
        TableCliTest.failure(r, "are not finite for input row 1 (output0 = ");
    }

    /**
     * A gzip bomb behind a valid IDX header (a 28x28 image, then 256 MB of zeros in a file of a
     * few hundred KB) fails on its trailing bytes soon after the declared data, without
     * decompressing the rest; a header declaring more than a Java array holds fails before
     * anything is allocated.
     */
    @Test
    void idxBombsFailCleanly() throws IOException {
        Path model = dir.resolve("m.aiaas");
        try (Model m = TrainCommand.mlp(784, 8, 10, 1)) {
            ModelIO.save(m, model);
        }
        Path bomb = dir.resolve("bomb.gz");
        try (OutputStream z = new GZIPOutputStream(Files.newOutputStream(bomb), 1 << 16)) {
            z.write(new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28});
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) {
                z.write(zeros);
            }
        }
        assertTrue(Files.size(bomb) < 1 << 20, Files.size(bomb) + " bytes");
        CliTest.Result r = CliTest.run("predict", "--model", model.toString(), "--input", bomb.toString());
        TableCliTest.failure(r, "at byte offset 16 (data): found more than ", "bytes of data, expected 784 bytes",
                "trailing bytes");
        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(huge)) {
            z.write(new byte[] {0, 0, 8, 3, 0x7F, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28});
        }
        Path declared = Files.write(dir.resolve("declared.gz"), huge.toByteArray());
        r = CliTest.run("predict", "--model", model.toString(), "--input", declared.toString());
        TableCliTest.failure(r, "at byte offset 8 (size of dimension 1): found sizes [2130706432, 28] whose product exceeds");
    }
}
