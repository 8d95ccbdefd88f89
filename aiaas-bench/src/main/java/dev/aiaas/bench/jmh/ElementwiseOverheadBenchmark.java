package dev.aiaas.bench.jmh;

import dev.aiaas.bench.Inputs;
import dev.aiaas.core.backend.Backends;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fixed cost of one small element-wise op: x += c on a 128×256 float32 array (32,768 values,
 * 128 KB, in cache) through ND4J's fluent {@code addi(scalar)}, against its baseline, a plain Java
 * loop over the same off-heap buffer. The difference is ND4J's per-op overhead (op creation,
 * validation, JNI, OpenMP dispatch); REFERENCE.md measured 28 to 160 µs against numpy's 1.7 µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class ElementwiseOverheadBenchmark {

    private INDArray x;
    private FloatBuffer buffer;
    private float c = 1e-6f;

    /** The array and a view of its memory. */
    @Setup(Level.Trial)
    public void setup() {
        Backends.select();
        x = Inputs.uniform(128, 256, 'c', 3);
        buffer = x.data().asNioFloat();
    }

    /**
     * ND4J: {@code x.addi(c)}.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public INDArray nd4jAddi() {
        return x.addi(c);
    }

    /**
     * The baseline: the same addition as a Java loop over x's memory.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public FloatBuffer javaLoop() {
        FloatBuffer b = buffer;
        for (int i = 0, n = b.capacity(); i < n; i++) {
            b.put(i, b.get(i) + c);
        }
        return b;
    }

    /** Frees x. */
    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
    }
}
