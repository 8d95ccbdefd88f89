/**
 * The end-to-end comparison behind {@code aiaas bench}: {@link dev.aiaas.bench.Workload}s (aiaas,
 * DL4J, SameDiff on identical seeded work), the peer engines where available
 * ({@link dev.aiaas.bench.Peers}: PyTorch through DJL and ONNX Runtime under the Maven profile
 * {@code peers}, Debian's PyTorch in Python through {@link dev.aiaas.bench.PythonPeer}),
 * {@link dev.aiaas.bench.BenchRunner} (warm-up, timed repeats, thread settings 1 and 2, the GEMM
 * limit), {@link dev.aiaas.bench.BenchReport} (table and {@code benchmark,engine,metric,value,unit}
 * CSV) and {@link dev.aiaas.bench.ThroughputChart} (the PNG of {@code --plot}). The JMH kernel
 * benchmarks are in {@link dev.aiaas.bench.jmh}. FLOP formulas: {@link dev.aiaas.bench.MlpShape};
 * the whole method: {@code docs/benchmarks.md}.
 */
package dev.aiaas.bench;
