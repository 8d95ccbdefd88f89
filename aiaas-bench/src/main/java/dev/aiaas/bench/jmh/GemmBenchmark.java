package dev.aiaas.bench.jmh;

import dev.aiaas.bench.Inputs;
import dev.aiaas.core.backend.Backends;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
 * float32 matrix product C = A·B through ND4J's {@code mmuli} into a preallocated C, with every
 * operand in column-major ('f') order (the baseline: BLAS's own layout) or row-major ('c').
 * Shapes: square n ∈ {128, 512, 2048} and {@code 128x784x256} (m×k×n: the first layer of the
 * 784-256-10 MLP at batch 128). GFLOP/s = 2·m·k·n / (time per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {

    /** {@code n} for n×n×n, or {@code m x k x n}. */
    @Param({"128", "512", "2048", "128x784x256"})
    public String shape;

    private INDArray aF;
    private INDArray bF;
    private INDArray cF;
    private INDArray aC;
    private INDArray bC;
    private INDArray cC;

    /** Creates the operands, seeded. */
    @Setup(Level.Trial)
    public void setup() {
        Backends.select();
        String[] p = shape.split("x");
        long m = Long.parseLong(p[0]);
        long k = p.length == 3 ? Long.parseLong(p[1]) : m;
        long n = p.length == 3 ? Long.parseLong(p[2]) : m;
        aF = Inputs.uniform(m, k, 'f', 1);
        bF = Inputs.uniform(k, n, 'f', 2);
        cF = Nd4j.create(DataType.FLOAT, new long[] {m, n}, 'f');
        aC = aF.dup('c');
        bC = bF.dup('c');
        cC = Nd4j.create(DataType.FLOAT, new long[] {m, n}, 'c');
    }

    /**
     * The baseline: column-major operands.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public INDArray fOrder() {
        return aF.mmuli(bF, cF);
    }

    /**
     * Row-major operands (ND4J's default order).
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public INDArray cOrder() {
        return aC.mmuli(bC, cC);
    }

    /** Frees the operands. */
    @TearDown(Level.Trial)
    public void tearDown() {
        for (INDArray a : new INDArray[] {aF, bF, cF, aC, bC, cC}) {
            a.close();
        }
    }
}
