package dev.aiaas.bench.jmh;

import dev.aiaas.bench.Inputs;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
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
 * Softmax cross-entropy, the batch mean L and ∂L/∂z from logits z {@code [B, classes]} in one
 * call: aiaas's fused {@code Losses.sparseSoftmaxCrossEntropy().compute(z, y, grad)} (class
 * indices; the gradient written into a preallocated array) against its baseline, what DL4J's
 * {@code OutputLayer}(softmax, MCXENT) runs per step: ND4J's
 * {@code LossMCXENT.computeGradientAndScore(oneHot, z, softmax, null, true)} (one-hot labels,
 * as DL4J takes them; it leaves z unchanged and returns a new gradient array, closed here).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class SoftmaxCrossEntropyBenchmark {

    /** B. */
    @Param({"128", "512"})
    public int batch;

    /** The number of classes. */
    @Param({"10"})
    public int classes;

    private Loss aiaas;
    private INDArray zF;
    private INDArray yIndices;
    private INDArray gradF;

    private LossMCXENT mcxent;
    private ActivationSoftmax softmax;
    private INDArray zC;
    private INDArray yOneHot;

    /** Logits uniform in [-2, 2), seeded class labels, both layouts. */
    @Setup(Level.Trial)
    public void setup() {
        Backends.select();
        zF = Inputs.uniform(batch, classes, 'f', 3).subi(0.5).muli(4);
        zC = zF.dup('c');
        SplittableRandom r = new SplittableRandom(Inputs.SEED);
        float[] idx = new float[batch];
        yOneHot = Nd4j.zeros(DataType.FLOAT, batch, classes);
        for (int i = 0; i < batch; i++) {
            int c = r.nextInt(classes);
            idx[i] = c;
            yOneHot.putScalar(i, c, 1.0);
        }
        yIndices = Nd4j.create(idx, new long[] {batch, 1}, 'c');
        gradF = Nd4j.create(DataType.FLOAT, new long[] {batch, classes}, 'f');
        aiaas = Losses.sparseSoftmaxCrossEntropy();
        mcxent = new LossMCXENT();
        softmax = new ActivationSoftmax();
    }

    /**
     * aiaas: L and ∂L/∂z in one pass into {@code gradF}.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public double aiaasFused() {
        return aiaas.compute(zF, yIndices, gradF);
    }

    /**
     * The baseline: ND4J/DL4J {@code LossMCXENT.computeGradientAndScore} with softmax.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public double dl4jMcxent() {
        Pair<Double, INDArray> p = mcxent.computeGradientAndScore(yOneHot, zC, softmax, null, true);
        p.getSecond().close();
        return p.getFirst();
    }

    /** Frees every array. */
    @TearDown(Level.Trial)
    public void tearDown() {
        for (INDArray a : new INDArray[] {zF, zC, yIndices, yOneHot, gradF}) {
            a.close();
        }
    }
}
