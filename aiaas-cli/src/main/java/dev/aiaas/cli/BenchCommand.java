package dev.aiaas.cli;

import dev.aiaas.bench.BenchOptions;
import dev.aiaas.bench.BenchReport;
import dev.aiaas.bench.BenchRunner;
import dev.aiaas.bench.MlpTask;
import dev.aiaas.bench.PeerStatus;
import dev.aiaas.bench.Peers;
import dev.aiaas.bench.SteadyStateProbe;
import dev.aiaas.bench.ThroughputChart;
import dev.aiaas.bench.Workload;
import dev.aiaas.bench.Workloads;
import dev.aiaas.core.backend.Backend;
import dev.aiaas.core.backend.BackendOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas bench}: the end-to-end comparison of aiaas, DL4J, SameDiff and the peer engines
 * that are available ({@link Peers}) on identical work, with the machine's GEMM rate as the
 * physical limit (see {@code docs/benchmarks.md}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Times aiaas, DL4J and SameDiff on identical work (MLP training steps, inference at batch 1 "
                + "and 128, n-gram queries) with 1 and 2 compute threads (--threads 1,2,4: each count given, one row "
                + "per count), measures the machine's GEMM rate in the same "
                + "run, and prints each result as GFLOP/s, share of that limit and ratio to aiaas (each engine at its "
                + "best thread setting in the headline).",
                "Peers: PyTorch 2.7 through DJL (pytorch-djl) and ONNX Runtime (onnxruntime) when the jar was built "
                + "with the Maven profile 'peers' (" + Peers.BUILD_WITH_PEERS + "; run with -Dai.djl.offline=true); "
                + "Debian's PyTorch (pytorch-py) when /usr/bin/python3 can import torch. The report says which ran.",
                "Progress goes to standard error; the report to standard output."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas bench --quick",
                "  aiaas bench --quick --out bench.csv --plot bench.png",
                "  aiaas bench --only b128 --threads 1",
                "  aiaas bench --only 'b128/aiaas$' --threads 1,2,4",
                "  aiaas bench --steady-state 10000 --only /aiaas$"})
final class BenchCommand implements Callable<Integer> {

    @ParentCommand
    AiaasCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Every benchmark with short timing, in under three minutes on 2 cores: the "
            + "headline ones (training at batch 128, inference, n-gram queries) with 2 s of warm-up per setting instead of 10, "
            + "the others briefly at the most threads only: indicative figures.")
    boolean quick;

    @Option(names = "--out", paramLabel = "FILE.csv", description = "Also write the results as CSV rows benchmark,engine,metric,value,unit.")
    Path outCsv;

    /** The former spelling of {@code --out}, kept working. */
    @Option(names = "--csv", hidden = true, paramLabel = "FILE.csv")
    Path csvAlias;

    /** {@code --out} or its former spelling {@code --csv}: set in {@link #call()}. */
    private Path csv;

    @Option(names = "--warmup", paramLabel = "SECONDS",
            description = "Untimed warm-up per workload and thread setting, 0 to 3600 seconds (default: 10, or 2 with --quick; under 8 the figures are indicative).")
    Double warmup;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "Also draw examples/s by batch size per engine (each at its best thread setting, log scales) as a PNG.")
    Path plot;

    @Option(names = "--only", paramLabel = "PATTERN",
            description = "Run only the workloads whose benchmark/engine this regular expression finds, "
                    + "for example 'b128' or 'infer-784-256-10-b1/aiaas'.")
    String only;

    @Option(names = "--steady-state", paramLabel = "STEPS",
            description = "Instead of timing: runs STEPS (10 to 100,000,000) training steps (after 200 warm-up steps) of MLP 784-256-10 at batch 128 "
                    + "in each engine and reports native allocations and heap bytes allocated per step and the growth of "
                    + "off-heap memory, with a checkpoint every STEPS/10 steps (for example 10000).")
    Integer steadyState;

    /** The longest {@code --warmup}, in seconds. */
    static final double MAX_WARMUP_SECONDS = 3600;

    /** The most {@code --steady-state} steps. */
    static final int MAX_STEADY_STATE_STEPS = 100_000_000;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (warmup != null && !(warmup >= 0 && warmup <= MAX_WARMUP_SECONDS)) {
            throw new ParameterException(cl, "--warmup=" + warmup + ": expected seconds from 0 to " + (int) MAX_WARMUP_SECONDS
                    + " (untimed warm-up per workload and thread setting), for example 10");
        }
        if (steadyState != null) {
            CliNumbers.range(cl, "--steady-state", steadyState, 10, MAX_STEADY_STATE_STEPS, "training steps to probe");
        }
        BenchOptions options = options(cl);
        CliFiles.Aliased<Path> csvOption = CliFiles.Aliased.of(cl, "--out", outCsv, "--csv", csvAlias);
        csv = csvOption.value();
        if (csv != null) {
            CliFiles.requireParentFolder(cl, csvOption.name(), csv);
        }
        if (plot != null) {
            if (steadyState != null) {
                throw new ParameterException(cl, "--plot draws a timing run; --steady-state measures memory instead, "
                        + "so there is nothing to plot: leave out one of them");
            }
            CliFiles.requirePng(cl, "--plot", plot);
        }
        BackendOptions backendOptions = parent.backendOptions(cl);
        // the backend first: it sets OpenMP's wait policy before any native library (ND4J's, or a peer's) loads
        Backend backend = parent.selectBackend(cl);
        List<String> benchmarks = Workloads.benchmarks(options.quick());
        Peers peers = steadyState != null ? Peers.none()
                : Peers.detect(engine -> benchmarks.stream().anyMatch(b -> options.selects(b, engine)));
        BenchRunner runner = new BenchRunner(options, backendOptions, line -> {
            cl.getErr().println(line);
            cl.getErr().flush();
        }, peers.statuses());
        List<Workload> workloads;
        try {
            // --steady-state probes the ND4J engines only: a peer's native memory is not ND4J's to count
            workloads = runner.select(steadyState != null
                    ? Workloads.engines(MlpTask.training(Workloads.SMALL, 128))
                    : Workloads.all(options.quick(), peers));
        } catch (IllegalArgumentException e) {
            StringBuilder msg = new StringBuilder(e.getMessage());
            for (PeerStatus p : peers.statuses()) {
                if (!p.available()) {
                    msg.append("; ").append(p.line());
                }
            }
            throw new ParameterException(cl, msg.toString(), e);
        }
        if (plot != null && workloads.stream().noneMatch(w -> w.benchmark().startsWith("mlp-") || w.benchmark().startsWith("infer-"))) {
            throw new ParameterException(cl, "--plot: the selected workloads have no MLP training or inference result to plot; "
                    + "select an mlp-* or infer-* benchmark with --only, or leave out --plot");
        }
        PrintWriter out = cl.getOut();
        out.print(backend.report().toText());
        out.printf(Locale.ROOT, "machine: %s, %d cores, Java %s%n", cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        if (workloads.stream().anyMatch(w -> w instanceof dev.aiaas.bench.AiaasImage)) {
            out.println("image decoder: " + dev.aiaas.vision.image.ImageDecoders.report());
        }
        out.flush();
        if (steadyState != null) {
            return steadyState(cl, out, workloads);
        }
        BenchReport report = runQuietly(runner, workloads);
        out.println();
        out.print(report.table());
        if (csv != null) {
            try {
                report.writeCsv(csv);
            } catch (IOException e) {
                throw new CommandFailedException("cannot write " + csv + ": " + e.getMessage(), e);
            }
            out.println("csv: " + csv);
        }
        if (plot != null) {
            try {
                ThroughputChart.write(report, String.format(Locale.ROOT, "%s, %d cores, Java %s, backend %s", cpuModel(),
                        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                        backend.kind().name().toLowerCase(Locale.ROOT)), plot);
            } catch (IOException e) {
                throw new CommandFailedException("cannot write " + plot + ": " + e.getMessage(), e);
            }
            out.println("plot: " + plot);
        }
        out.flush();
        return 0;
    }

    /** {@code --steady-state}: the memory probe instead of the timing run. */
    private int steadyState(CommandLine cl, PrintWriter out, List<Workload> workloads) throws CommandFailedException {
        List<String> rows = new ArrayList<>();
        rows.add(BenchReport.CSV_HEADER);
        out.println();
        for (Workload w : workloads) {
            cl.getErr().println("steady state: " + w.benchmark() + " / " + w.engine() + ", " + steadyState + " steps");
            cl.getErr().flush();
            PrintStream stdout = System.out;
            System.setOut(System.err); // SameDiff prints while it builds its graph
            SteadyStateProbe.Result r;
            try {
                r = SteadyStateProbe.run(w, steadyState, Math.max(1, steadyState / 10));
            } finally {
                System.setOut(stdout);
            }
            out.print(r.text());
            out.flush();
            rows.addAll(r.csvRows());
        }
        if (csv != null) {
            try {
                Files.write(csv, rows);
            } catch (IOException e) {
                throw new CommandFailedException("cannot write " + csv + ": " + e.getMessage(), e);
            }
            out.println("csv: " + csv);
        }
        out.flush();
        return 0;
    }

    private BenchOptions options(CommandLine cl) {
        try {
            BenchOptions o = quick ? BenchOptions.quickRun() : BenchOptions.full();
            if (warmup != null) {
                o = o.withWarmupSeconds(warmup);
            }
            if (parent.threadCounts != null && !parent.threadCounts.isEmpty()) {
                o = o.withThreadCounts(parent.threadCounts.stream().distinct().toList());
            }
            if (only != null) {
                o = o.withOnly(Pattern.compile(only));
            }
            return o;
        } catch (PatternSyntaxException e) {
            throw new ParameterException(cl, "--only: '" + only + "' is not a regular expression: " + e.getDescription());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
    }

    /**
     * Runs the workloads with {@link System#out} sent to standard error: SameDiff 1.0.0-M2.1 prints
     * "Added differentiated op ..." with {@code System.out.println} while it builds its gradient
     * graph, and the report on standard output should hold the report only. Restored afterwards.
     */
    private static BenchReport runQuietly(BenchRunner runner, List<Workload> workloads) {
        PrintStream stdout = System.out;
        System.setOut(System.err);
        try {
            return runner.run(workloads);
        } finally {
            System.setOut(stdout);
        }
    }

    /** The CPU model from /proc/cpuinfo, or os.arch where there is none. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
