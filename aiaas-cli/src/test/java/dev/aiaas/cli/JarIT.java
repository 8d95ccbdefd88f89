package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.datasets.EmbeddedDatasets;
import dev.aiaas.nlp.corpus.Corpora;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded {@code aiaas.jar}, run as a user runs it: a fresh JVM per command. */
class JarIT {

    record Result(int code, String out, String err) {
    }

    static Result java(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("aiaas.jar", "target/aiaas.jar"));
        assertTrue(Files.isRegularFile(jar), "run 'mvn package' first: " + jar);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("AIAAS_BACKEND");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("aiaas-out", ".txt");
        Path err = Files.createTempFile("aiaas-err", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            // a guard against a hang, not a speed check: quickstart took over 120 s on a loaded 2-core machine
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("aiaas " + String.join(" ", args) + " did not finish in 10 minutes");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void infoReportsTheCpuUnderAuto() throws Exception {
        Result r = java(Map.of("AIAAS_BACKEND", "auto"), "info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("backend:       cpu (requested: auto"), r.out());
        assertTrue(r.out().contains("native build:") && r.out().contains("cpu supports:"), r.out());
        assertTrue(r.out().contains("blas:          OPENBLAS"), r.out());
        // the shaded jar's OpenCV (three of its native libraries) loads and decodes
        assertTrue(r.out().contains("image decoder: OpenCV 4.13.0 (libjpeg-turbo "), r.out());
        assertEquals("", r.err(), "no log noise by default");
    }

    @Test
    void cudaWithoutCudaExitsNonZeroWithReasonAndFix() throws Exception {
        Result r = java(Map.of("AIAAS_BACKEND", "cuda"), "info");
        assertEquals(1, r.code());
        assertEquals("", r.out());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].contains("not on the class path") && lines[0].contains("Fix:") && lines[0].contains("AIAAS_BACKEND=cpu"), lines[0]);
    }

    @Test
    void unknownBackendInEnvironmentIsBadUsage() throws Exception {
        Result r = java(Map.of("AIAAS_BACKEND", "tpu"), "info");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("environment variable AIAAS_BACKEND") && r.err().contains("cpu, cuda, auto"), r.err());
    }

    @Test
    void lmBuildThenEvalOnMobyDickGivesKenlmsPerplexity(@TempDir Path dir) throws Exception {
        Path train = dir.resolve("moby-train.txt");
        Path test = dir.resolve("moby-test.txt");
        try (InputStream a = Corpora.openMobyDickTrain(); InputStream b = Corpora.openMobyDickTest()) {
            Files.copy(a, train);
            Files.copy(b, test);
        }
        Path arpa = dir.resolve("moby-3.arpa.gz");
        Result built = java(Map.of(), "lm", "build", "--order", "3", "--input", train.toString(), "--out", arpa.toString());
        assertEquals(0, built.code(), built.err());
        assertEquals("", built.err(), "no log noise by default");
        assertTrue(built.out().contains("3 180410 D1=0.88983 D2=1.17915 D3+=1.51485"), built.out());
        Result eval = java(Map.of(), "lm", "eval", "--model", arpa.toString(), "--input", test.toString());
        assertEquals(0, eval.code(), eval.err());
        assertEquals("Perplexity including OOVs: 243.4205\nPerplexity excluding OOVs: 199.8942\nOOVs: 842\n", eval.out());
    }

    /** Fisher's Iris CSV (text labels) trains, and predicts, from the shaded jar: Commons CSV is in it. */
    @Test
    void irisTrainsAndPredictsFromTheJar(@TempDir Path dir) throws Exception {
        Path iris = dir.resolve("iris.csv");
        try (InputStream in = EmbeddedDatasets.open(EmbeddedDatasets.IRIS + EmbeddedDatasets.IRIS_FILES.get(0))) {
            Files.copy(in, iris);
        }
        Path model = dir.resolve("iris.aiaas");
        Result train = java(Map.of(), "train", "--csv", iris.toString(), "--label", "species", "--epochs", "60", "--batch-size",
                "16", "--lr", "0.01", "--hidden", "16", "--out", model.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().strip().matches("(?s).*\ntest accuracy: (0\\.[89]\\d{3}|1\\.0000)$"), train.out());
        Path out = dir.resolve("predictions.csv");
        Result predict = java(Map.of(), "predict", "--model", model.toString(), "--input", iris.toString(), "--out", out.toString());
        assertEquals(0, predict.code(), predict.err());
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals("class,output0,output1,output2", lines.get(0));
        assertEquals(151, lines.size());
        assertTrue(lines.get(1).startsWith("setosa,"), lines.get(1));
    }

    @Test
    void quickstartSucceeds() throws Exception {
        Result r = java(Map.of(), "quickstart");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("quickstart finished"), r.out());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
