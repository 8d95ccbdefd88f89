package dev.aiaas.bench.jmh;

import dev.aiaas.bench.Inputs;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
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
 * Inference of the 784-256-10 MLP into a kept buffer: the model's {@link Predictor} (packed Vector
 * API kernel; the fork runs with {@code --add-modules jdk.incubator.vector}, and setup prints
 * which way it computes) against its baseline, {@link Model#predict(INDArray, INDArray)} on
 * OpenBLAS, on the same seeded 'c'-order batch. Both write into native buffers made once; the
 * methods return them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class PredictorBenchmark {

    /** B. */
    @Param({"1", "128"})
    public int batch;

    private Model model;
    private Predictor predictor;
    private INDArray x;
    private INDArray out;

    /** Builds the model, its predictor and the batch. */
    @Setup(Level.Trial)
    public void setup() {
        Backends.select();
        model = Model.builder(784).add(Layers.dense(256, Activation.RELU)).add(Layers.dense(10)).seed(Inputs.SEED).build();
        predictor = model.predictor();
        System.out.println("predictor: " + predictor.kernel());
        x = Nd4j.createFromArray(Inputs.featureValues(batch, 784)).reshape('c', batch, 784);
        out = Nd4j.create(DataType.FLOAT, new long[] {batch, 10}, 'c');
    }

    /**
     * The predictor: packed weights, Vector API kernel, two threads.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public INDArray predictor() {
        return predictor.predict(x, out);
    }

    /**
     * Baseline: the model's forward pass on BLAS.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public INDArray modelPredict() {
        return model.predict(x, out);
    }

    /** Frees the model, the batch and the buffer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        predictor.close();
        model.close();
        x.close();
        out.close();
    }
}
