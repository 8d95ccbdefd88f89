package dev.aiaas.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code pytorch-py} peer: Debian's PyTorch (1.13, package {@code python3-torch}) in a Python
 * process, running {@code aiaas-bench/scripts/pytorch_mlp.py} (shipped in this jar and fed to
 * {@code python3 -} on standard input) once per (task, threads). The script builds the same
 * network with the same weights and inputs as the SameDiff, DJL and ONNX Runtime workloads
 * ({@link Inputs}' SplitMix64 streams, reproduced in NumPy), calls {@code torch.set_num_threads},
 * (and OpenBLAS's own thread count, when torch's BLAS is OpenBLAS), warms up, times every step
 * alone and prints the {@code benchmark,engine,metric,value,unit}
 * rows of {@link BenchReport} for its setting, which are read back here.
 *
 * <p>The interpreter is {@code -Daiaas.bench.python}, else {@code AIAAS_BENCH_PYTHON}, else
 * {@code /usr/bin/python3} (Debian's, where {@code apt-get install python3-torch} puts torch).
 */
public final class PythonPeer implements PeerEngine {

    /** The engine's name. */
    public static final String ENGINE = "pytorch-py";
    /** The interpreter used when neither the property nor the variable names one. */
    public static final Path DEFAULT_PYTHON = Path.of("/usr/bin/python3");
    /** The script inside this jar. */
    static final String SCRIPT_RESOURCE = "/dev/aiaas/bench/scripts/pytorch_mlp.py";
    /** The image rows' script (torchvision) inside this jar. */
    static final String IMAGE_SCRIPT_RESOURCE = "/dev/aiaas/bench/scripts/torchvision_image.py";
    /** How long importing torch may take before the probe gives up. */
    private static final long PROBE_TIMEOUT_S = 120;

    private final Path python;
    private String version;
    /** torchvision's probe: null before it ran, else empty (torchvision imports) or why not. */
    private Optional<String> torchvision;

    /**
     * The peer on the given interpreter; nothing is started before {@link #unavailableReason()}.
     *
     * @param python the interpreter, for example {@code /usr/bin/python3}
     */
    public PythonPeer(Path python) {
        if (python == null) {
            throw new NullPointerException("python must not be null");
        }
        this.python = python;
    }

    /** {@return the peer on {@code -Daiaas.bench.python}, {@code AIAAS_BENCH_PYTHON} or {@link #DEFAULT_PYTHON}} */
    public static PythonPeer fromEnvironment() {
        String p = System.getProperty("aiaas.bench.python");
        if (p == null || p.isBlank()) {
            p = System.getenv("AIAAS_BENCH_PYTHON");
        }
        return new PythonPeer(p == null || p.isBlank() ? DEFAULT_PYTHON : Path.of(p));
    }

    @Override
    public String engine() {
        return ENGINE;
    }

    /** {@return the interpreter} */
    public Path python() {
        return python;
    }

    /**
     * Starts the interpreter once to import NumPy and torch.
     *
     * @return empty, or why not with the fix
     */
    @Override
    public Optional<String> unavailableReason() {
        String fix = "install Debian's PyTorch (apt-get install python3-torch) or name an interpreter that has torch "
                + "with -Daiaas.bench.python=PATH";
        if (!Files.isExecutable(python)) {
            return Optional.of(python + " is not an executable file; " + fix);
        }
        Result r;
        try {
            r = run(List.of(python.toString(), "-", "--probe"), script(), PROBE_TIMEOUT_S);
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage() + "; " + fix);
        }
        if (r.code() != 0) {
            return Optional.of(python + " cannot import numpy and torch (" + lastLine(r.err()) + "); " + fix);
        }
        version = describe(r.out().trim(), python);
        return Optional.empty();
    }

    /**
     * The report's line for the probe's answer {@code <python> <torch> <BLAS files>}: Debian's torch
     * multiplies with whatever {@code libblas.so.3} points to, which is the slow netlib reference
     * BLAS unless an optimised one (OpenBLAS, BLIS, MKL) is installed, so the line names it.
     */
    static String describe(String probe, Path python) {
        String[] v = probe.split("\\s+");
        if (v.length < 2) {
            return probe + ", " + python;
        }
        String blas = v.length > 2 ? v[2] : "none";
        boolean optimised = blas.contains("openblas") || blas.contains("blis") || blas.contains("mkl");
        return "Python " + v[0] + ", torch " + v[1] + ", BLAS " + blas
                + (optimised ? "" : " (not an optimised BLAS: apt-get install libopenblas0-pthread gives torch OpenBLAS)") + ", " + python;
    }

    /** What runs, after a successful {@link #unavailableReason()}: Python and torch versions, torch's BLAS, the interpreter. */
    @Override
    public String version() {
        return version == null ? python.toString() : version;
    }

    @Override
    public boolean supports(MlpTask task) {
        return !task.intoBuffer();
    }

    @Override
    public Workload workload(MlpTask task) {
        return new Mlp(task);
    }

    /** The decoder's training step (the same sizes in PyTorch's own layers); PyTorch in Python does not run the inference rows. */
    @Override
    public boolean supports(DecoderTask task) {
        return task.kind() == DecoderTask.Kind.TRAIN;
    }

    @Override
    public Workload workload(DecoderTask task) {
        if (!supports(task)) {
            throw new IllegalArgumentException(ENGINE + " runs only the decoder's training step, not " + task.benchmark());
        }
        return new Gpt(task);
    }

    /**
     * Whether the interpreter has torchvision (and PIL), probed once on the first image task:
     * Debian's {@code python3-torchvision}.
     *
     * @param task the task
     * @return whether torchvision imports
     */
    @Override
    public synchronized boolean supports(ImageTask task) {
        if (torchvision == null) {
            Result r;
            try {
                r = run(List.of(python.toString(), "-", "--probe"), script(IMAGE_SCRIPT_RESOURCE), PROBE_TIMEOUT_S);
                torchvision = r.code() == 0 ? Optional.empty() : Optional.of(lastLine(r.err()));
            } catch (IllegalStateException e) {
                torchvision = Optional.of(e.getMessage());
            }
        }
        return torchvision.isEmpty();
    }

    @Override
    public Workload workload(ImageTask task) {
        return new ImageRows(task);
    }

    /** The script's source, from this jar. */
    static String script() {
        return script(SCRIPT_RESOURCE);
    }

    /** A script's source, from this jar. */
    static String script(String resource) {
        try (InputStream in = PythonPeer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path: this aiaas-bench jar "
                        + "was not built by its Maven build; rebuild with mvn -B -pl aiaas-cli -am package -DskipTests");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One task, measured by one run of the script per thread setting. */
    final class Mlp extends TaskWorkload<MlpTask> implements ExternalWorkload {

        Mlp(MlpTask task) {
            super(task);
        }

        @Override
        public String engine() {
            return ENGINE;
        }

        @Override
        public Stats measure(BenchOptions options, int threads) {
            return rows(script(), task.benchmark(), List.of(), options, threads, 120);
        }
    }

    /**
     * Runs a script for one benchmark at one thread setting and reads its rows: the arguments
     * {@code --benchmark B [extra...] --threads --warmup --repeats --repeat-seconds --min-steps}, a
     * timeout of start-up, warm-up, the repeats (each may overrun by a step) and {@code slackS}
     * seconds for a slow large step.
     */
    private Stats rows(String source, String benchmark, List<String> extra, BenchOptions options, int threads, long slackS) {
        List<String> cmd = new ArrayList<>(List.of(python.toString(), "-", "--benchmark", benchmark));
        cmd.addAll(extra);
        cmd.addAll(List.of("--threads", Integer.toString(threads),
                "--warmup", Double.toString(options.warmupSeconds()),
                "--repeats", Integer.toString(options.repeats()),
                "--repeat-seconds", Double.toString(options.repeatSeconds()),
                "--min-steps", Integer.toString(BenchOptions.MIN_STEPS)));
        long timeout = (long) (PROBE_TIMEOUT_S + options.warmupSeconds() + 3 * options.repeats() * options.repeatSeconds() + slackS);
        Result r = run(cmd, source, timeout);
        if (r.code() != 0) {
            throw new IllegalStateException(ENGINE + " failed on " + benchmark + " (exit code " + r.code() + "): " + lastLine(r.err()));
        }
        return parse(r.out(), benchmark, threads);
    }

    /** {@code N,H,D,F,P} of the options, as the script's {@code --gpt} reads them. */
    static String gptSize(dev.aiaas.nlp.lm.TransformerLmOptions o) {
        return o.layers() + "," + o.heads() + "," + o.dim() + "," + o.ffnWidth() + "," + o.dropout();
    }

    /** The decoder's training step, measured by one run of the script per thread setting. */
    final class Gpt implements ExternalWorkload {

        private final DecoderTask task;

        Gpt(DecoderTask task) {
            this.task = task;
        }

        @Override
        public String benchmark() {
            return task.benchmark();
        }

        @Override
        public String engine() {
            return ENGINE;
        }

        @Override
        public double flopsPerStep() {
            return task.flops();
        }

        @Override
        public Stats measure(BenchOptions options, int threads) {
            return rows(script(), task.benchmark(), List.of("--vocab", Integer.toString(DecoderTask.model().vocabulary().size()),
                    "--gpt", gptSize(DecoderTask.options())), options, threads, 300);
        }
    }

    /** An image task, measured by one run of the torchvision script, on one thread. */
    final class ImageRows implements ExternalWorkload {

        private final ImageTask task;

        ImageRows(ImageTask task) {
            this.task = task;
        }

        @Override
        public String benchmark() {
            return task.benchmark();
        }

        @Override
        public String engine() {
            return ENGINE;
        }

        @Override
        public double flopsPerStep() {
            return 0;
        }

        @Override
        public boolean usesComputeThreads() {
            return false;
        }

        @Override
        public Stats measure(BenchOptions options, int threads) {
            Path scratch;
            try {
                scratch = Files.createTempDirectory("aiaas-bench-photos");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                Path folder = ImageTask.photos(scratch).get(0).getParent();
                return rows(script(IMAGE_SCRIPT_RESOURCE), task.benchmark(), List.of("--photos", folder.toString()), options, threads, 120);
            } finally {
                try (var s = Files.list(scratch)) {
                    for (Path p : s.toList()) {
                        Files.deleteIfExists(p);
                    }
                    Files.deleteIfExists(scratch);
                } catch (IOException e) {
                    // a temporary folder left behind is not worth failing the run
                }
            }
        }
    }

    /**
     * The statistics in the script's rows for {@code benchmark} at {@code threads}: metrics
     * {@code step_ms_t<t>}, {@code step_ms_p10_t<t>}, {@code step_ms_p90_t<t>} and
     * {@code steps_t<t>} of engine {@link #ENGINE}.
     *
     * @throws IllegalStateException when one of them is missing or not a number
     */
    static Stats parse(String csv, String benchmark, int threads) {
        Map<String, String> values = new HashMap<>();
        for (String line : csv.split("\n")) {
            String[] f = line.trim().split(",", -1);
            if (f.length == 5 && f[0].equals(benchmark) && f[1].equals(ENGINE)) {
                values.put(f[2], f[3]);
            }
        }
        String t = "_t" + threads;
        double median = number(values, "step_ms" + t, benchmark, csv);
        double p10 = number(values, "step_ms_p10" + t, benchmark, csv);
        double p90 = number(values, "step_ms_p90" + t, benchmark, csv);
        double steps = number(values, "steps" + t, benchmark, csv);
        return new Stats(median, p10, p90, (int) steps);
    }

    private static double number(Map<String, String> values, String metric, String benchmark, String csv) {
        String v = values.get(metric);
        if (v == null) {
            throw new IllegalStateException(ENGINE + " printed no " + metric + " row for " + benchmark + "; its output was: "
                    + (csv.isBlank() ? "(nothing)" : csv.strip().replace('\n', '|')));
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(ENGINE + " printed '" + v + "' as " + metric + " for " + benchmark + ", not a number", e);
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines.length == 0 || lines[lines.length - 1].isBlank() ? "no error output" : lines[lines.length - 1].strip();
    }

    private record Result(int code, String out, String err) {
    }

    /** Runs {@code cmd} with {@code stdin} (or none), collecting both outputs; kills it after {@code timeoutS}. */
    private static Result run(List<String> cmd, String stdin, long timeoutS) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the process exited early; its exit code and error output say why
        }
        try {
            if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.format(Locale.ROOT, "%s did not finish within %d s and was stopped", cmd.get(0), timeoutS));
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + cmd.get(0), e);
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
