package dev.aiaas.bench.jmh;

import dev.aiaas.bench.AiaasMlp;
import dev.aiaas.bench.Dl4jMlp;
import dev.aiaas.bench.MlpTask;
import dev.aiaas.bench.Workload;
import dev.aiaas.bench.Workloads;
import dev.aiaas.core.backend.Backends;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of the 784-256-10 MLP (forward, softmax cross-entropy, backward, Adam) on the
 * same seeded batch: aiaas ({@link AiaasMlp}) against its baseline, DL4J's
 * {@code MultiLayerNetwork.fit} ({@link Dl4jMlp}). The steps are native calls with side effects
 * on the models' parameters, which the JIT cannot remove; the methods return nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class MlpStepBenchmark {

    /** B. */
    @Param({"32", "128"})
    public int batch;

    private Workload aiaas;
    private Workload dl4j;

    /** Builds both models and batches. */
    @Setup(Level.Trial)
    public void setup() {
        Backends.select();
        MlpTask task = MlpTask.training(Workloads.SMALL, batch);
        aiaas = new AiaasMlp(task);
        dl4j = new Dl4jMlp(task);
        aiaas.setup();
        dl4j.setup();
    }

    /** aiaas: forward, loss, backward, Adam. */
    @Benchmark
    public void aiaasStep() {
        aiaas.step();
    }

    /** The baseline: DL4J {@code fit(DataSet)} on the same batch. */
    @Benchmark
    public void dl4jFit() {
        dl4j.step();
    }

    /** Frees both. */
    @TearDown(Level.Trial)
    public void tearDown() {
        aiaas.close();
        dl4j.close();
    }
}
