/**
 * The end-to-end comparison behind {@code aiaas bench}: {@link dev.aiaas.bench.Workload}s (aiaas,
 * DL4J, SameDiff on identical seeded work), {@link dev.aiaas.bench.BenchRunner} (warm-up, timed
 * repeats, thread settings 1 and 2, the GEMM limit) and {@link dev.aiaas.bench.BenchReport} (table
 * and {@code benchmark,engine,metric,value,unit} CSV). The JMH kernel benchmarks are in
 * {@link dev.aiaas.bench.jmh}. FLOP formulas: {@link dev.aiaas.bench.MlpShape}; the whole
 * method: {@code docs/benchmarks.md}.
 */
package dev.aiaas.bench;
