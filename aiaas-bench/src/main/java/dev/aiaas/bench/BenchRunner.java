package dev.aiaas.bench;

import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs workloads side by side in this process and measures them against the machine's GEMM rate.
 *
 * <p>Call order: construct; {@link #run(List)} once. For each thread setting t of
 * {@link BenchOptions#threadCounts()} it first measures the GEMM limit ({@link GemmProbe}); then,
 * for each selected workload and each t: {@code Backends.select(base.withThreads(t, t))} (OpenMP
 * and BLAS threads alike; DL4J and SameDiff run on the same ND4J, so the setting applies to them
 * too), {@link Workload#useThreads(int) useThreads(t)} (for engines with thread pools of their
 * own), {@link Workload#setup()}, untimed steps for the warm-up, {@link BenchOptions#repeats()}
 * timed repeats of at least {@link BenchOptions#repeatSeconds()} and {@link BenchOptions#MIN_STEPS}
 * steps each (every step timed alone with {@link System#nanoTime()}), {@link Workload#close()}.
 * The statistics pool the per-step times of all repeats. An {@link ExternalWorkload} (an engine in
 * another process) does the same warm-up and repeats there and reports its statistics.
 */
public final class BenchRunner {

    private final BenchOptions options;
    private final BackendOptions backend;
    private final Consumer<String> progress;
    private final List<PeerStatus> peers;

    /**
     * A runner without peers.
     *
     * @param options  how to measure
     * @param backend  the backend to select (its thread counts are replaced by each setting)
     * @param progress receives one line per finished measurement
     */
    public BenchRunner(BenchOptions options, BackendOptions backend, Consumer<String> progress) {
        this(options, backend, progress, List.of());
    }

    /**
     * @param options  how to measure
     * @param backend  the backend to select (its thread counts are replaced by each setting)
     * @param progress receives one line per finished measurement
     * @param peers    the peer engines' statuses, carried into the report ({@link Peers#statuses()})
     */
    public BenchRunner(BenchOptions options, BackendOptions backend, Consumer<String> progress, List<PeerStatus> peers) {
        this.options = options;
        this.backend = backend;
        this.progress = progress;
        this.peers = List.copyOf(peers);
    }

    /**
     * The workloads that {@link BenchOptions#only()} selects.
     *
     * @param workloads the candidates
     * @return the selected ones, in the same order
     * @throws IllegalArgumentException when it selects none (the message lists the names)
     */
    public List<Workload> select(List<Workload> workloads) {
        List<Workload> selected = workloads.stream().filter(options::selects).collect(Collectors.toList());
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("--only '" + options.only() + "' matches no workload; the workloads are "
                    + workloads.stream().map(w -> w.benchmark() + "/" + w.engine()).collect(Collectors.joining(", ")));
        }
        return selected;
    }

    /**
     * Measures the GEMM limit and every selected workload; see the class comment.
     *
     * @param workloads the workloads to run (after {@link #select})
     * @return the results
     */
    public BenchReport run(List<Workload> workloads) {
        List<Workload> selected = select(workloads);
        boolean anyArithmetic = selected.stream().anyMatch(w -> w.flopsPerStep() > 0);
        Map<Integer, Double> gemm = new LinkedHashMap<>();
        if (anyArithmetic) {
            for (int t : options.threadCounts()) {
                useThreads(t);
                double rate = GemmProbe.measureGflops(options.quick() ? 0.5 : 2, options.quick() ? 0.5 : 2);
                gemm.put(t, rate);
                progress.accept(String.format(Locale.ROOT, "gemm-f-n%d nd4j t=%d: %.1f GFLOP/s", GemmProbe.N, t, rate));
            }
        }
        List<Measurement> results = new ArrayList<>();
        for (Workload w : selected) {
            // --quick times its headline tasks fully and the others briefly, at the most threads only
            boolean brief = options.quick() && !Workloads.HEADLINE.contains(w.benchmark());
            BenchOptions o = brief ? options.brief() : options;
            List<Integer> all = options.threadCounts();
            List<Integer> counts = !w.usesComputeThreads() ? List.of(1) : brief ? List.of(all.get(all.size() - 1)) : all;
            for (int t : counts) {
                useThreads(t);
                // the host's speed drifts over a run: the GEMM rate again, just before, at this setting
                // (full runs only: --quick keeps to its time budget)
                double local = w.flopsPerStep() > 0 && !options.quick() ? GemmProbe.measureGflops(0.5, 1) : 0;
                Stats s = w instanceof ExternalWorkload e ? e.measure(o, t) : measure(w, t, o);
                Measurement m = new Measurement(w.benchmark(), w.engine(), t, s, w.flopsPerStep(), local);
                results.add(m);
                progress.accept(String.format(Locale.ROOT, "%s %s t=%d: %s ms (p10 %s, p90 %s; %d steps)", w.benchmark(),
                        w.engine(), t, BenchReport.num(s.medianMs()), BenchReport.num(s.p10Ms()), BenchReport.num(s.p90Ms()), s.steps()));
            }
        }
        return new BenchReport(options, gemm, results, peers);
    }

    private void useThreads(int t) {
        Backends.select(backend.withThreads(t, t));
    }

    private Stats measure(Workload w, int threads, BenchOptions options) {
        w.useThreads(threads);
        w.setup();
        try {
            long end = System.nanoTime() + (long) (options.warmupSeconds() * 1e9);
            for (int i = 0; i < 1 || System.nanoTime() < end; i++) {
                w.step();
            }
            long[] times = new long[64];
            int n = 0;
            for (int r = 0; r < options.repeats(); r++) {
                end = System.nanoTime() + (long) (options.repeatSeconds() * 1e9);
                for (int i = 0; i < BenchOptions.MIN_STEPS || System.nanoTime() < end; i++) {
                    long t0 = System.nanoTime();
                    w.step();
                    long dt = System.nanoTime() - t0;
                    if (n == times.length) {
                        times = java.util.Arrays.copyOf(times, 2 * n);
                    }
                    times[n++] = dt;
                }
            }
            return Stats.ofNanos(java.util.Arrays.copyOf(times, n));
        } finally {
            w.close();
        }
    }
}
