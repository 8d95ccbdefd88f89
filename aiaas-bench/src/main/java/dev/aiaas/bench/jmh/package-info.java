/**
 * JMH benchmarks of the hot kernels, each beside its baseline in the same run. Build with
 * {@code mvn -pl aiaas-bench -am package}; run {@code java -jar aiaas-bench/target/benchmarks.jar}
 * (all), or for example {@code java -jar aiaas-bench/target/benchmarks.jar Gemm -p shape=512}.
 * Threads: ND4J reads {@code -Daiaas.threads} / {@code AIAAS_THREADS} (pass
 * {@code -jvmArgsAppend -Daiaas.threads=1}). Each benchmark warms up for at least 8 s in all (on 2
 * cores the JIT competes with the compute threads for several seconds); see
 * {@code docs/benchmarks.md}.
 */
package dev.aiaas.bench.jmh;
