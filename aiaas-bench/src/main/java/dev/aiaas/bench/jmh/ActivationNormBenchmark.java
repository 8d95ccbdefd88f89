package dev.aiaas.bench.jmh;

import dev.aiaas.bench.Inputs;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LayerNorm;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
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
 * The forward pass of a GELU (tanh form), tanh or layer-norm layer on a float32 [128, 256] batch
 * (the hidden layer of the MLP 784-256-10 at batch 128): aiaas's layer (Java loops on heap
 * copies, e^x vectorised) against its baseline, ND4J's native op ({@code Tanh}, the
 * {@code layer_norm} custom op over dimension 1, and for GELU its {@code GELU} op, which computes
 * the cheaper x·σ(1.702x): ND4J has no op for the tanh form, and its {@code PreciseGELU} is yet
 * another approximation) into a buffer made once, on the same seeded values. Checked once by
 * hand: tanh within 1.2e-7, layer norm within 4e-6 of aiaas's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class ActivationNormBenchmark {

    /** The layer. */
    @Param({"gelu", "tanh", "layer_norm"})
    public String kind;

    private Layer.Instance layer;
    private INDArray params;
    private INDArray grads;
    private INDArray x;
    private INDArray out;
    private INDArray gain;
    private INDArray bias;

    /** The layer, its parameters (γ 1, β 0 for the layer norm), the batch and the baseline's buffer. */
    @Setup(Level.Trial)
    public void setup() {
        Backends.select();
        Layer l = switch (kind) {
            case "gelu" -> Layers.gelu();
            case "tanh" -> Layers.tanh();
            default -> Layers.layerNorm();
        };
        long[] shape = {256};
        long count = Math.max(1, l.parameterCount(shape));
        params = Nd4j.create(DataType.FLOAT, count);
        grads = Nd4j.create(DataType.FLOAT, count);
        layer = l.instantiate(shape, DataType.FLOAT);
        layer.bind(params, grads);
        layer.initialise(new SplittableRandom(Inputs.SEED));
        x = Nd4j.createFromArray(Inputs.featureValues(128, 256)).reshape('c', 128, 256).subi(0.5).muli(6).dup('f');
        out = Nd4j.create(DataType.FLOAT, new long[] {128, 256}, 'f');
        gain = Nd4j.ones(DataType.FLOAT, 256);
        bias = Nd4j.zeros(DataType.FLOAT, 256);
    }

    /**
     * aiaas's layer, training forward (its output in the layer's workspace).
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public INDArray aiaas() {
        return layer.forward(x, true);
    }

    /**
     * Baseline: ND4J's native op for the same function.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public INDArray nd4j() {
        switch (kind) {
            case "gelu" -> Nd4j.exec(new GELU(x, out));
            case "tanh" -> Nd4j.exec(new Tanh(x, out));
            default -> Nd4j.exec(new LayerNorm(x, gain, bias, out, true, 1));
        }
        return out;
    }

    /**
     * Frees the layer and the arrays.
     *
     * @throws Exception when closing the layer fails
     */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        layer.close();
        for (INDArray a : new INDArray[] {params, grads, x, out, gain, bias}) {
            a.close();
        }
    }
}
