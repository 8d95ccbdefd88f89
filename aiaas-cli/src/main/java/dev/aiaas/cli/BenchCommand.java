package dev.aiaas.cli;

import dev.aiaas.bench.BenchOptions;
import dev.aiaas.bench.BenchReport;
import dev.aiaas.bench.BenchRunner;
import dev.aiaas.bench.MlpTask;
import dev.aiaas.bench.SteadyStateProbe;
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
 * {@code aiaas bench}: the end-to-end comparison of aiaas, DL4J and SameDiff on identical work,
 * with the machine's GEMM rate as the physical limit (see {@code docs/benchmarks.md}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Times aiaas, DL4J and SameDiff on identical work (MLP training steps, inference at batch 1 "
                + "and 128, n-gram queries) with 1 and 2 compute threads, measures the machine's GEMM rate in the same "
                + "run, and prints each result as GFLOP/s, share of that limit and ratio to aiaas (each engine at its "
                + "best thread setting in the headline).",
                "Progress goes to standard error; the report to standard output."})
final class BenchCommand implements Callable<Integer> {

    @ParentCommand
    AiaasCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "A subset with short timing that finishes in under three minutes on 2 cores "
            + "(warm-up " + "2 s per setting instead of 10): indicative figures.")
    boolean quick;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the results as CSV rows benchmark,engine,metric,value,unit.")
    Path csv;

    @Option(names = "--warmup", paramLabel = "SECONDS",
            description = "Untimed warm-up per workload and thread setting (default: 10, or 2 with --quick; under 8 the figures are indicative).")
    Double warmup;

    @Option(names = "--only", paramLabel = "PATTERN",
            description = "Run only the workloads whose benchmark/engine this regular expression finds, "
                    + "for example 'b128' or 'infer-784-256-10-b1/aiaas'.")
    String only;

    @Option(names = "--steady-state", paramLabel = "STEPS",
            description = "Instead of timing: runs STEPS training steps (after 200 warm-up steps) of MLP 784-256-10 at batch 128 "
                    + "in each engine and reports native allocations and heap bytes allocated per step and the growth of "
                    + "off-heap memory, with a checkpoint every STEPS/10 steps (for example 10000).")
    Integer steadyState;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        BenchOptions options = options(cl);
        if (steadyState != null && steadyState < 10) {
            throw new ParameterException(cl, "--steady-state must be at least 10 steps. Received: " + steadyState);
        }
        if (csv != null) {
            Path dir = csv.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new ParameterException(cl, "--csv: the folder " + dir + " does not exist; create it first");
            }
        }
        BackendOptions backendOptions = parent.backendOptions(cl);
        BenchRunner runner = new BenchRunner(options, backendOptions, line -> {
            cl.getErr().println(line);
            cl.getErr().flush();
        });
        List<Workload> workloads;
        try {
            workloads = runner.select(steadyState != null
                    ? Workloads.engines(MlpTask.training(Workloads.SMALL, 128))
                    : Workloads.all(options.quick()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
        Backend backend = parent.selectBackend(cl);
        PrintWriter out = cl.getOut();
        out.print(backend.report().toText());
        out.printf(Locale.ROOT, "machine: %s, %d cores, Java %s%n", cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
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
            if (parent.threads != null) {
                o = o.withThreadCounts(List.of(parent.threads));
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
