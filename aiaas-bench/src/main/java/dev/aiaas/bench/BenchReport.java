package dev.aiaas.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The results of one {@link BenchRunner} run: the GEMM limit per thread setting, every
 * (workload, threads) measurement, a printed table and CSV rows.
 *
 * <p>CSV: the header {@code benchmark,engine,metric,value,unit}, then per benchmark and engine:
 * <ul>
 *   <li>per thread setting t (the thread count is in the metric name): {@code step_ms_t<t>}
 *       (median), {@code step_ms_p10_t<t>}, {@code step_ms_p90_t<t>}, {@code steps_t<t>} (how
 *       many steps were timed), and for arithmetic workloads {@code gflops_t<t>},
 *       {@code floor_pct_t<t>} and, where the GEMM rate was measured again just before the
 *       workload, {@code gemm_local_t<t>} (GFLOP/s) and {@code local_floor_pct_t<t>};</li>
 *   <li>at the engine's best setting (lowest median): {@code step_ms}, {@code threads},
 *       {@code gflops}, {@code floor_pct} and {@code ratio_to_aiaas} (this engine's best median over
 *       aiaas's best median for the same benchmark: above 1 means slower than aiaas).</li>
 * </ul>
 * The physical limit is benchmark {@code gemm-f-n1024}, engine {@code nd4j}, metrics
 * {@code gflops_t<t>} and {@code gflops} (the best); the run's settings are benchmark {@code run},
 * engine {@code aiaas-bench}, metrics {@code warmup_s}, {@code indicative} (1 or 0); each peer
 * engine's status is benchmark {@code run}, metric {@code available} (1 or 0).
 *
 * @param options      how it was measured
 * @param gemmGflops   GEMM rate per thread setting, in GFLOP/s
 * @param measurements every result, in run order
 * @param peers        the peer engines' statuses (in the run or not, and why)
 */
public record BenchReport(BenchOptions options, Map<Integer, Double> gemmGflops, List<Measurement> measurements,
                          List<PeerStatus> peers) {

    /** The CSV header. */
    public static final String CSV_HEADER = "benchmark,engine,metric,value,unit";
    /** The engine every ratio is taken against. */
    public static final String BASELINE_ENGINE = "aiaas";

    /**
     * Copies the collections.
     *
     * @param options      how it was measured
     * @param gemmGflops   GEMM rate per thread setting, in GFLOP/s
     * @param measurements every result, in run order
     * @param peers        the peer engines' statuses (in the run or not, and why)
     */
    public BenchReport {
        gemmGflops = Map.copyOf(gemmGflops);
        measurements = List.copyOf(measurements);
        peers = List.copyOf(peers);
    }

    /**
     * A report without peer statuses.
     *
     * @param options      how it was measured
     * @param gemmGflops   GEMM rate per thread setting, in GFLOP/s
     * @param measurements every result, in run order
     */
    public BenchReport(BenchOptions options, Map<Integer, Double> gemmGflops, List<Measurement> measurements) {
        this(options, gemmGflops, measurements, List.of());
    }

    /** {@return the machine's best GEMM rate in this run (over thread settings), GFLOP/s; 0 if none was measured} */
    public double bestGemmGflops() {
        return gemmGflops.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /**
     * The engine's fastest thread setting for the benchmark.
     *
     * @param benchmark the benchmark's name
     * @param engine    the engine's name
     * @return its result with the lowest median, or empty when it did not run
     */
    public Optional<Measurement> best(String benchmark, String engine) {
        return measurements.stream().filter(m -> m.benchmark().equals(benchmark) && m.engine().equals(engine))
                .min(Comparator.comparingDouble(m -> m.stats().medianMs()));
    }

    /**
     * {@code m}'s median over aiaas's best median for its benchmark, or NaN without an aiaas result.
     *
     * @param m a result of this report
     * @return the ratio; above 1 means slower than aiaas
     */
    public double ratioToBaseline(Measurement m) {
        return best(m.benchmark(), BASELINE_ENGINE).map(b -> m.stats().medianMs() / b.stats().medianMs()).orElse(Double.NaN);
    }

    /** Benchmark → engine → results, in run order. */
    private Map<String, Map<String, List<Measurement>>> grouped() {
        Map<String, Map<String, List<Measurement>>> g = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            g.computeIfAbsent(m.benchmark(), k -> new LinkedHashMap<>()).computeIfAbsent(m.engine(), k -> new ArrayList<>()).add(m);
        }
        return g;
    }

    /** {@return the printed report: the limit, every result (* marks each engine's best setting), the headline} */
    public String table() {
        StringBuilder sb = new StringBuilder();
        double gemm = bestGemmGflops();
        sb.append(String.format(Locale.ROOT, "physical limit: ND4J sgemm n=%d f-order, best %.1f GFLOP/s (", GemmProbe.N, gemm));
        List<String> parts = new ArrayList<>();
        gemmGflops.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> parts.add(String.format(Locale.ROOT, "%d thread%s %.1f", e.getKey(), e.getKey() == 1 ? "" : "s", e.getValue())));
        sb.append(String.join(", ", parts)).append(")\n");
        sb.append(String.format(Locale.ROOT, "warm-up %.0f s per setting%s%n", options.warmupSeconds(),
                options.indicative() ? "; figures are INDICATIVE (short warm-up, shared machine)" : ""));
        for (PeerStatus p : peers) {
            sb.append("peer ").append(p.line()).append('\n');
        }
        sb.append('\n');
        int nameWidth = Math.max(25, measurements.stream().mapToInt(m -> m.benchmark().length()).max().orElse(0));
        int engineWidth = Math.max(11, measurements.stream().mapToInt(m -> m.engine().length()).max().orElse(0));
        String fmt = "%-" + nameWidth + "s %-" + engineWidth + "s %3s  %10s  %19s  %8s  %7s  %7s  %8s%n";
        sb.append(String.format(Locale.ROOT, fmt, "benchmark", "engine", "thr", "median ms", "p10..p90 ms", "GFLOP/s", "% floor", "% local",
                "vs aiaas"));
        Map<String, Map<String, List<Measurement>>> g = grouped();
        for (Map<String, List<Measurement>> byEngine : g.values()) {
            for (List<Measurement> ms : byEngine.values()) {
                for (Measurement m : ms) {
                    boolean isBest = best(m.benchmark(), m.engine()).orElseThrow() == m && ms.size() > 1;
                    sb.append(String.format(Locale.ROOT, fmt, m.benchmark(), m.engine(), m.threads() + (isBest ? "*" : ""),
                            num(m.stats().medianMs()),
                            num(m.stats().p10Ms()) + ".." + num(m.stats().p90Ms()),
                            m.flopsPerStep() > 0 ? String.format(Locale.ROOT, "%.1f", m.gflops()) : "-",
                            m.flopsPerStep() > 0 ? String.format(Locale.ROOT, "%.1f", m.floorPercent(gemm)) : "-",
                            m.localGemmGflops() > 0 ? String.format(Locale.ROOT, "%.1f", m.localFloorPercent()) : "-",
                            ratio(ratioToBaseline(m))));
                }
            }
        }
        sb.append(String.format(Locale.ROOT, "%nheadline: each engine at its own best thread setting, time per step relative to aiaas%n"));
        for (Map.Entry<String, Map<String, List<Measurement>>> e : g.entrySet()) {
            List<String> cells = new ArrayList<>();
            for (String engine : e.getValue().keySet()) {
                Measurement b = best(e.getKey(), engine).orElseThrow();
                cells.add(String.format(Locale.ROOT, "%s %s ms (%s, t%d)", engine, num(b.stats().medianMs()),
                        ratio(ratioToBaseline(b)), b.threads()));
            }
            sb.append(String.format(Locale.ROOT, "  %-" + (nameWidth - 1) + "s %s%n", e.getKey(), String.join("; ", cells)));
        }
        return sb.toString();
    }

    /** {@return the CSV rows, header first (see the class comment for the metrics)} */
    public List<String> csvRows() {
        List<String> rows = new ArrayList<>();
        rows.add(CSV_HEADER);
        String gemmName = "gemm-f-n" + GemmProbe.N;
        gemmGflops.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> rows.add(row(gemmName, "nd4j", "gflops_t" + e.getKey(), e.getValue(), "GFLOP/s")));
        if (!gemmGflops.isEmpty()) {
            rows.add(row(gemmName, "nd4j", "gflops", bestGemmGflops(), "GFLOP/s"));
        }
        double gemm = bestGemmGflops();
        for (Map<String, List<Measurement>> byEngine : grouped().values()) {
            for (List<Measurement> ms : byEngine.values()) {
                for (Measurement m : ms) {
                    String t = "_t" + m.threads();
                    rows.add(row(m.benchmark(), m.engine(), "step_ms" + t, m.stats().medianMs(), "ms"));
                    rows.add(row(m.benchmark(), m.engine(), "step_ms_p10" + t, m.stats().p10Ms(), "ms"));
                    rows.add(row(m.benchmark(), m.engine(), "step_ms_p90" + t, m.stats().p90Ms(), "ms"));
                    rows.add(row(m.benchmark(), m.engine(), "steps" + t, m.stats().steps(), "steps"));
                    if (m.flopsPerStep() > 0) {
                        rows.add(row(m.benchmark(), m.engine(), "gflops" + t, m.gflops(), "GFLOP/s"));
                        rows.add(row(m.benchmark(), m.engine(), "floor_pct" + t, m.floorPercent(gemm), "%"));
                        if (m.localGemmGflops() > 0) {
                            rows.add(row(m.benchmark(), m.engine(), "gemm_local" + t, m.localGemmGflops(), "GFLOP/s"));
                            rows.add(row(m.benchmark(), m.engine(), "local_floor_pct" + t, m.localFloorPercent(), "%"));
                        }
                    }
                }
                Measurement b = best(ms.get(0).benchmark(), ms.get(0).engine()).orElseThrow();
                rows.add(row(b.benchmark(), b.engine(), "step_ms", b.stats().medianMs(), "ms"));
                rows.add(row(b.benchmark(), b.engine(), "threads", b.threads(), "threads"));
                if (b.flopsPerStep() > 0) {
                    rows.add(row(b.benchmark(), b.engine(), "gflops", b.gflops(), "GFLOP/s"));
                    rows.add(row(b.benchmark(), b.engine(), "floor_pct", b.floorPercent(gemm), "%"));
                }
                double r = ratioToBaseline(b);
                if (!Double.isNaN(r)) {
                    rows.add(row(b.benchmark(), b.engine(), "ratio_to_aiaas", r, "x"));
                }
            }
        }
        rows.add(row("run", "aiaas-bench", "warmup_s", options.warmupSeconds(), "s"));
        rows.add(row("run", "aiaas-bench", "indicative", options.indicative() ? 1 : 0, "bool"));
        for (PeerStatus p : peers) {
            rows.add(row("run", p.engine(), "available", p.available() ? 1 : 0, "bool"));
        }
        return rows;
    }

    /**
     * Writes {@link #csvRows()} to {@code file} (UTF-8, one row a line).
     *
     * @param file the file to write; replaced if it exists
     * @throws IOException when it cannot be written
     */
    public void writeCsv(Path file) throws IOException {
        Files.write(file, csvRows(), StandardCharsets.UTF_8);
    }

    private static String row(String benchmark, String engine, String metric, double value, String unit) {
        return benchmark + "," + engine + "," + metric + "," + num(value) + "," + unit;
    }

    /** Four significant digits, plain notation. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return String.valueOf((long) v);
        }
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2fx", r);
    }
}
