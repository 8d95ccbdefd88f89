package dev.aiaas.bench.jmh;

import dev.aiaas.bench.Inputs;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
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
 * One dense layer y = relu(x·W + b), B × in → units, float32, forward and backward: aiaas's
 * {@code Layers.dense(units, RELU)} instance against its baseline, DL4J's {@code DenseLayer}
 * (relu) instantiated alone, the way DL4J's own layer tests do, on the same seeded x.
 *
 * <ul>
 *   <li>forward: aiaas {@code forward(x, true)} into the layer's own buffer; DL4J
 *       {@code activate(x, true, noWorkspaces)}, which allocates its output (closed here: that
 *       is part of its cost).</li>
 *   <li>backward, after one forward in the setup: aiaas {@code backward(x, y, dy, true)} (∂L/∂W,
 *       ∂L/∂b into the gradient slice and ∂L/∂x, which DL4J always computes); DL4J
 *       {@code backpropGradient(dy, noWorkspaces)} (gradients into its view array, a new ∂L/∂x,
 *       closed here; it recomputes x·W + b first, as its layers do).</li>
 * </ul>
 * FLOPs: forward 2·B·in·units; backward 4·B·in·units (∂W and ∂x), plus DL4J's recomputed
 * forward. x is in each engine's layout: 'f' for aiaas, 'c' for DL4J.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class DenseBenchmark {

    /** B x in x units: the first layer of the 784-256-10 MLP at batch 1 and 128. */
    @Param({"1x784x256", "128x784x256"})
    public String shape;

    private Layer.Instance aiaas;
    private INDArray aiaasParams;
    private INDArray aiaasGrads;
    private INDArray xF;
    private INDArray yF;
    private INDArray dyF;

    private org.deeplearning4j.nn.api.Layer dl4j;
    private INDArray dl4jParams;
    private INDArray dl4jGrads;
    private INDArray xC;
    private INDArray dyC;
    private LayerWorkspaceMgr noWorkspaces;

    /** Both layers, x, and ∂L/∂y (uniform in [-0.5, 0.5)). */
    @Setup(Level.Trial)
    public void setup() {
        Backends.select();
        String[] p = shape.split("x");
        int batch = Integer.parseInt(p[0]);
        int in = Integer.parseInt(p[1]);
        int units = Integer.parseInt(p[2]);

        Layer layer = Layers.dense(units, dev.aiaas.core.nn.Activation.RELU);
        long[] inShape = {in};
        long count = layer.parameterCount(inShape);
        aiaasParams = Nd4j.create(DataType.FLOAT, count);
        aiaasGrads = Nd4j.create(DataType.FLOAT, count);
        aiaas = layer.instantiate(inShape, DataType.FLOAT);
        aiaas.bind(aiaasParams, aiaasGrads);
        aiaas.initialise(new SplittableRandom(Inputs.SEED));
        xF = Inputs.uniform(batch, in, 'f', 1);
        dyF = Inputs.uniform(batch, units, 'f', 2).subi(0.5);
        yF = aiaas.forward(xF, true);

        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(Inputs.SEED)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .layer(new DenseLayer.Builder().nIn(in).nOut(units).activation(Activation.RELU).build())
                .build();
        long n = conf.getLayer().initializer().numParams(conf);
        dl4jParams = Nd4j.create(DataType.FLOAT, 1, n);
        dl4jGrads = Nd4j.create(DataType.FLOAT, 1, n);
        dl4j = conf.getLayer().instantiate(conf, null, 0, dl4jParams, true, DataType.FLOAT);
        dl4j.setBackpropGradientsViewArray(dl4jGrads);
        noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        xC = xF.dup('c');
        dyC = dyF.dup('c');
        dl4j.activate(xC, true, noWorkspaces).close();
    }

    /**
     * aiaas: y = relu(x·W + b) into the layer's buffer.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public INDArray aiaasForward() {
        return aiaas.forward(xF, true);
    }

    /** The baseline: DL4J {@code DenseLayer.activate}, a new output array (closed). */
    @Benchmark
    public void dl4jForward() {
        dl4j.activate(xC, true, noWorkspaces).close();
    }

    /**
     * aiaas: ∂L/∂W, ∂L/∂b and ∂L/∂x of the last forward.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public INDArray aiaasBackward() {
        return aiaas.backward(xF, yF, dyF, true);
    }

    /** The baseline: DL4J {@code DenseLayer.backpropGradient}, a new ∂L/∂x (closed). */
    @Benchmark
    public void dl4jBackward() {
        Pair<?, INDArray> g = dl4j.backpropGradient(dyC, noWorkspaces);
        g.getSecond().close();
    }

    /** Frees every array (the aiaas layer frees its working buffers). */
    @TearDown(Level.Trial)
    public void tearDown() {
        aiaas.close();
        for (INDArray a : new INDArray[] {aiaasParams, aiaasGrads, xF, dyF, dl4jParams, dl4jGrads, xC, dyC}) {
            a.close();
        }
    }
}
