package dev.aiaas.bench.jmh;

import dev.aiaas.bench.Inputs;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
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
 * One Adam update (β1 0.9, β2 0.999, ε 1e-8, η 1e-3) of θ of {@code size} floats from a fixed ∇θ:
 * aiaas's {@code Optimizers.adam(1e-3).step} against its baseline, ND4J's native
 * {@code adam_updater} custom op (which writes the update Δ into a separate array) followed by
 * {@code θ.subi(Δ)}. Both read ∇θ, m, v, θ and write m, v, θ: about 28 bytes per parameter
 * (memory-bound; 28 MB per step at 1M).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class OptimizerBenchmark {

    /** The number of parameters. */
    @Param({"1000000"})
    public int size;

    private INDArray params;
    private INDArray grads;
    private INDArray update;
    private INDArray m;
    private INDArray v;
    private Optimizer adam;
    private Optimizer.State state;
    private long t;
    private int iteration;

    /** θ, ∇θ and both optimisers' states. */
    @Setup(Level.Trial)
    public void setup() {
        Backends.select();
        params = Inputs.uniform(1, size, 'c', 1).reshape(size);
        grads = Inputs.uniform(1, size, 'c', 2).subi(0.5).reshape(size);
        update = Nd4j.create(DataType.FLOAT, size);
        m = Nd4j.zeros(DataType.FLOAT, size);
        v = Nd4j.zeros(DataType.FLOAT, size);
        adam = Optimizers.adam(1e-3);
        state = adam.newState(size, DataType.FLOAT);
    }

    /**
     * aiaas: {@code Optimizers.adam(1e-3).step}.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public INDArray aiaasAdam() {
        adam.step(params, grads, state, 1e-3, ++t);
        return params;
    }

    /**
     * The baseline: ND4J's {@code adam_updater} op, then θ −= Δ.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public INDArray nd4jAdamUpdater() {
        Nd4j.exec(new AdamUpdater(grads, v, m, update, v, m, 1e-3, 0.9, 0.999, 1e-8, iteration++));
        return params.subi(update);
    }

    /** Frees every buffer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        state.close();
        for (INDArray a : new INDArray[] {params, grads, update, m, v}) {
            a.close();
        }
    }
}
