package dev.aiaas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code pytorch-py} peer: its probe, its command line and the parsing of its rows on a fake
 * interpreter (a shell script), and, where {@code /usr/bin/python3} has NumPy and torch, the real
 * script: its seeded values equal {@link Inputs}' and a tiny measurement works.
 */
class PythonPeerTest {

    /** A fake python3: answers the probe with versions, and the benchmark run with rows; records its arguments. */
    private static Path fakePython(Path dir, String probeAnswer, int probeExit, String rows) throws IOException {
        Path args = dir.resolve("args.txt");
        Path script = dir.resolve("python3");
        Files.writeString(script, "#!/bin/sh\n"
                + "echo \"$@\" >> '" + args + "'\n"
                + "cat > '" + dir.resolve("stdin.py") + "'\n"
                + "if [ \"$2\" = \"--probe\" ]; then echo '" + probeAnswer + "'; [ " + probeExit + " -ne 0 ] && echo \"ModuleNotFoundError: No module named 'torch'\" >&2; exit " + probeExit + "; fi\n"
                + "printf '%s\\n' \"" + rows + "\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static String rows(String benchmark, int t) {
        return String.join("\n",
                "benchmark,engine,metric,value,unit",
                benchmark + ",pytorch-py,step_ms_t" + t + ",1.5,ms",
                benchmark + ",pytorch-py,step_ms_p10_t" + t + ",1.25,ms",
                benchmark + ",pytorch-py,step_ms_p90_t" + t + ",2.5,ms",
                benchmark + ",pytorch-py,steps_t" + t + ",42,steps",
                benchmark + ",pytorch-py,gflops_t" + t + ",70,GFLOP/s");
    }

    @Test
    void aMissingInterpreterIsUnavailableWithTheFix(@TempDir Path dir) {
        PythonPeer p = new PythonPeer(dir.resolve("no-python"));
        Optional<String> reason = p.unavailableReason();
        assertTrue(reason.isPresent());
        assertTrue(reason.get().contains("no-python is not an executable file") && reason.get().contains("apt-get install python3-torch")
                && reason.get().contains("-Daiaas.bench.python"), reason.get());
    }

    @Test
    void anInterpreterWithoutTorchIsUnavailableSayingWhy(@TempDir Path dir) throws IOException {
        PythonPeer p = new PythonPeer(fakePython(dir, "", 1, ""));
        String reason = p.unavailableReason().orElseThrow();
        assertTrue(reason.contains("cannot import numpy and torch") && reason.contains("No module named 'torch'")
                && reason.contains("apt-get install python3-torch"), reason);
        Peers peers = Peers.of(List.of(p), List.of(), e -> true);
        assertEquals(List.of(), peers.availableEngines());
        assertTrue(Workloads.all(true, peers).stream().noneMatch(w -> w.engine().equals(PythonPeer.ENGINE)));
    }

    @Test
    void theScriptIsFedOnStandardInputWithTheRunsSettingsAndItsRowsAreRead(@TempDir Path dir) throws IOException {
        MlpTask task = MlpTask.training(Workloads.SMALL, 128);
        PythonPeer p = new PythonPeer(fakePython(dir, "3.11.2 1.13.0a0 /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", 0,
                rows(task.benchmark(), 2)));
        assertEquals(Optional.empty(), p.unavailableReason());
        assertEquals("Python 3.11.2, torch 1.13.0a0, BLAS /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3, " + p.python(),
                p.version());
        assertEquals("- --probe", Files.readAllLines(dir.resolve("args.txt")).get(0));
        ExternalWorkload w = (ExternalWorkload) p.workload(task);
        assertEquals("pytorch-py", w.engine());
        Stats s = w.measure(BenchOptions.quickRun().withWarmupSeconds(1.5).withRepeats(4, 0.25), 2);
        assertEquals(new Stats(1.5, 1.25, 2.5, 42), s);
        List<String> args = Files.readAllLines(dir.resolve("args.txt"));
        assertEquals("- --benchmark mlp-784-256-10-b128 --threads 2 --warmup 1.5 --repeats 4 --repeat-seconds 0.25 --min-steps 3",
                args.get(args.size() - 1));
        assertEquals(PythonPeer.script(), Files.readString(dir.resolve("stdin.py")));
    }

    @Test
    void theDecodersTrainingStepPassesTheVocabularyAndOnlyTrainingIsRun(@TempDir Path dir) throws IOException {
        DecoderTask train = DecoderTask.tasks().get(2);
        PythonPeer p = new PythonPeer(fakePython(dir, "3.11.2 1.13.0a0", 0, rows(train.benchmark(), 1)));
        assertTrue(p.supports(train));
        assertTrue(DecoderTask.tasks().subList(0, 2).stream().noneMatch(p::supports), "decode and prompt are not run in Python");
        assertThrows(IllegalArgumentException.class, () -> p.workload(DecoderTask.tasks().get(0)));
        ExternalWorkload w = (ExternalWorkload) p.workload(train);
        assertEquals(train.flops(), w.flopsPerStep());
        assertEquals(new Stats(1.5, 1.25, 2.5, 42), w.measure(BenchOptions.quickRun().withWarmupSeconds(1).withRepeats(2, 0.5), 1));
        List<String> args = Files.readAllLines(dir.resolve("args.txt"));
        assertEquals("- --benchmark gpt-train-b32-t48 --vocab " + DecoderTask.model().vocabulary().size()
                + " --gpt " + PythonPeer.gptSize(DecoderTask.options())
                + " --threads 1 --warmup 1.0 --repeats 2 --repeat-seconds 0.5 --min-steps 3", args.get(args.size() - 1));
    }

    @Test
    void rowsForAnotherSettingAreAClearError(@TempDir Path dir) throws IOException {
        MlpTask task = MlpTask.inference(Workloads.SMALL, 1);
        PythonPeer p = new PythonPeer(fakePython(dir, "3.11.2 1.13.0a0", 0, rows(task.benchmark(), 1)));
        ExternalWorkload w = (ExternalWorkload) p.workload(task);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.measure(BenchOptions.quickRun(), 2));
        assertTrue(e.getMessage().contains("printed no step_ms_t2 row for infer-784-256-10-b1"), e.getMessage());
    }

    @Test
    void theReferenceBlasIsNamedAsSlowWithTheFix() {
        String d = PythonPeer.describe("3.11.2 1.13.0a0 /usr/lib/x86_64-linux-gnu/blas/libblas.so.3", Path.of("/usr/bin/python3"));
        assertTrue(d.contains("BLAS /usr/lib/x86_64-linux-gnu/blas/libblas.so.3 (not an optimised BLAS: apt-get install "
                + "libopenblas0-pthread"), d);
    }

    @Test
    void parseRejectsAValueThatIsNotANumber() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PythonPeer.parse(
                "b,pytorch-py,step_ms_t1,fast,ms\nb,pytorch-py,step_ms_p10_t1,1,ms\nb,pytorch-py,step_ms_p90_t1,1,ms\n"
                        + "b,pytorch-py,steps_t1,3,steps\n", "b", 1));
        assertTrue(e.getMessage().contains("'fast' as step_ms_t1"), e.getMessage());
    }

    static boolean pythonHas(String modules) {
        Path py = PythonPeer.DEFAULT_PYTHON;
        if (!Files.isExecutable(py)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(py.toString(), "-c", "import " + modules).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void theScriptsSeededValuesAreInputs() throws Exception {
        assumeTrue(pythonHas("numpy"), PythonPeer.DEFAULT_PYTHON + " with NumPy is not installed here");
        Process p = new ProcessBuilder(PythonPeer.DEFAULT_PYTHON.toString(), "-", "--check").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(PythonPeer.script().getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        float[] x = Inputs.featureValues(2, 784);
        float[] w1 = Inputs.heUniformValues(784, 256, Inputs.SEED + 1);
        float[] w2 = Inputs.heUniformValues(256, 10, Inputs.SEED + 2);
        int[] y = Inputs.labels(16, 10);
        StringBuilder labels = new StringBuilder("labels");
        for (int v : y) {
            labels.append(' ').append(v);
        }
        List<String> lines = out.lines().toList();
        assertEquals(List.of(
                "features " + (double) x[0] + " " + (double) x[1] + " " + (double) x[2],
                "w1 " + (double) w1[0] + " " + (double) w1[1] + " " + (double) w1[2],
                "w2 " + (double) w2[2557] + " " + (double) w2[2558] + " " + (double) w2[2559],
                labels.toString()), lines);
    }

    @Test
    void theRealScriptMeasuresATinyRun() {
        assumeTrue(pythonHas("numpy, torch"), PythonPeer.DEFAULT_PYTHON + " with torch is not installed here");
        PythonPeer p = new PythonPeer(PythonPeer.DEFAULT_PYTHON);
        assertEquals(Optional.empty(), p.unavailableReason());
        assertTrue(p.version().contains("torch"), p.version());
        for (MlpTask task : List.of(MlpTask.inference(Workloads.SMALL, 1), MlpTask.training(Workloads.SMALL, 32))) {
            Stats s = ((ExternalWorkload) p.workload(task)).measure(BenchOptions.quickRun().withWarmupSeconds(0).withRepeats(1, 0.01), 1);
            assertTrue(s.steps() >= BenchOptions.MIN_STEPS && s.medianMs() > 0 && s.p10Ms() <= s.medianMs() && s.medianMs() <= s.p90Ms(),
                    task.benchmark() + ": " + s);
        }
    }
}
