package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Exit codes and messages of the command line, run in this JVM (which runs on the CPU). */
class CliTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommandsAndExitsZero() {
        Result r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("info") && r.out().contains("quickstart") && r.out().contains("lm"), r.out());
        assertTrue(r.out().contains("Exit codes"), r.out());
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"info", "quickstart", "lm"}) {
            Result r = run(cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertTrue(r.out().contains("Usage: aiaas " + cmd), r.out());
        }
    }

    @Test
    void versionNamesNd4j() {
        Result r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("ND4J 1.0.0-M2.1"), r.out());
    }

    @Test
    void noCommandIsBadUsage() {
        Result r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("aiaas: Missing command"), r.err());
    }

    @Test
    void unknownCommandIsBadUsageWithASuggestion() {
        Result r = run("infoo");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'infoo'") && r.err().contains("aiaas info"), r.err());
    }

    @Test
    void unknownBackendIsBadUsageListingTheValidValues() {
        Result r = run("--backend", "gpu", "info");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown backend 'gpu'") && r.err().contains("cpu, cuda, auto"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
    }

    @Test
    void negativeThreadsIsBadUsage() {
        Result r = run("info", "--threads", "-2");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("threads=-2"), r.err());
    }

    @Test
    void infoReportsTheCpuBackend() {
        Result r = run("info", "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("backend:") && r.out().contains("cpu"), r.out());
        assertTrue(r.out().contains("native build:") && r.out().contains("blas:"), r.out());
        // OpenCV is on the CLI's class path (runtime dependency): the decoder is reported
        assertTrue(r.out().contains("image decoder: OpenCV 4.13.0 (libjpeg-turbo "), r.out());
    }

    @Test
    void cudaFailureIsOneLineOnStderrWithExitOne() {
        // Whether this JVM has already selected the CPU or not, cuda cannot be had here.
        Result r = run("info", "--backend", "cuda");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("aiaas: error: "), r.err());
        assertTrue(r.err().contains("cuda"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
        assertEquals("", r.out());
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Result r = run("--verbose", "info", "--backend", "cuda");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("\tat dev.aiaas."), r.err());
    }

    @Test
    void quickstartRunsEveryStep() {
        Result r = run("quickstart", "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[1/6]") && r.out().contains("[6/6]"), r.out());
        // the training step: an MLP on the embedded Fashion-MNIST subset learns well past chance (0.1)
        java.util.regex.Matcher acc = java.util.regex.Pattern.compile("test accuracy: (0\\.\\d{4})\\n").matcher(r.out());
        assertTrue(acc.find() && Double.parseDouble(acc.group(1)) > 0.75, r.out());
        // serving the trained model: its predictor scores the test images as the trainer did (float32 rounding aside)
        java.util.regex.Matcher served = java.util.regex.Pattern.compile("classified the 1,000 test images in one call, accuracy (0\\.\\d{4})\\n")
                .matcher(r.out());
        assertTrue(served.find() && Math.abs(Double.parseDouble(served.group(1)) - Double.parseDouble(acc.group(1))) <= 0.002, r.out());
        assertTrue(r.out().contains("  predictor: "), r.out());
        // the CNN step: one epoch on 2,000 images of the subset already classifies well past chance
        java.util.regex.Matcher cnn = java.util.regex.Pattern.compile("cnn test accuracy: (0\\.\\d{4}) ").matcher(r.out());
        assertTrue(cnn.find() && Double.parseDouble(cnn.group(1)) > 0.6, r.out());
        assertTrue(r.out().contains("(468,394 parameters)"), r.out());
        // the language-model step: KenLM's figures on the embedded Moby-Dick corpus
        assertTrue(r.out().contains("Perplexity including OOVs: 243.4205"), r.out());
        assertTrue(r.out().contains("Perplexity excluding OOVs: 199.8942"), r.out());
        assertTrue(r.out().contains("OOVs: 842"), r.out());
        assertTrue(r.out().contains("KenLM lmplz gives 243.4205 on the same data"), r.out());
        // the image step: a seeded pipeline is reproducible, and stereo recovers the rendered sphere's normals
        assertTrue(r.out().contains("the same seed gives the same pixels: true"), r.out());
        assertTrue(r.out().contains("8 images of 224x224"), r.out());
        java.util.regex.Matcher stereo = java.util.regex.Pattern.compile("mean angular error (\\d+\\.\\d{3}) degrees").matcher(r.out());
        assertTrue(stereo.find() && Double.parseDouble(stereo.group(1)) < 1.0, r.out());
        assertTrue(r.out().contains("quickstart finished"), r.out());
    }
}
