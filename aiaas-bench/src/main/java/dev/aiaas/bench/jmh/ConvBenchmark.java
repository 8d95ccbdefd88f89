package dev.aiaas.bench.jmh;

import dev.aiaas.bench.Inputs;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.vision.nn.ConvLayers;
import dev.aiaas.vision.nn.Padding;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
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
 * One 2-D convolution kernel (float32, NCHW, stride 1, no bias) of the benchmark networks,
 * forward and backward: aiaas's {@code ConvLayers.conv2d} instance (im2col and the engine's BLAS
 * GEMM, chunked; on libnd4j's oneDNN ops instead where the native build has oneDNN and C ≥ 4,
 * unless {@code -Daiaas.conv=im2col}) against two baselines in the same run: libnd4j's {@code conv2d} and
 * {@code conv2d_bp} custom ops (the other compute path ND4J offers; new output arrays, closed),
 * and {@code gemmFloor}, the single BLAS product {@code [B·H'·W', C·kH·kW] × [C·kH·kW, F]} that
 * the forward pass's arithmetic amounts to (ND4J {@code mmuli} into a preallocated array, no
 * gathering): the gap between {@code aiaasForward} and {@code gemmFloor} is im2col, the
 * transposition into NCHW and the chunking.
 *
 * <p>{@code shape} = B x C x H x W x F x k x padding ({@code s} same, {@code v} valid): the two
 * convolutions of the cnn at B = 128 and of LeNet-5 at B = 64. FLOPs: forward 2·B·F·H'·W'·C·k²;
 * backward twice that (∂W and ∂x).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class ConvBenchmark {

    /** B x C x H x W x F x k x (s|v). */
    @Param({"128x1x28x28x32x3xs", "128x32x14x14x64x3xs", "64x1x28x28x6x5xs", "64x6x14x14x16x5xv"})
    public String shape;

    private Layer.Instance aiaas;
    private INDArray params;
    private INDArray grads;
    private INDArray xF;
    private INDArray yF;
    private INDArray dyF;

    private INDArray xC;
    private INDArray wNd4j;
    private INDArray dyC;
    private int[] nd4jArgs;

    private INDArray cols;
    private INDArray kernel;
    private INDArray product;

    /** The layer, x (uniform in [0, 1)), ∂L/∂y (uniform in [-0.5, 0.5)) and the baselines' operands. */
    @Setup(Level.Trial)
    public void setup() {
        Backends.select();
        String[] p = shape.split("x");
        int b = Integer.parseInt(p[0]);
        int c = Integer.parseInt(p[1]);
        int h = Integer.parseInt(p[2]);
        int w = Integer.parseInt(p[3]);
        int f = Integer.parseInt(p[4]);
        int k = Integer.parseInt(p[5]);
        boolean same = p[6].equals("s");
        int oh = same ? h : h - k + 1;
        int ow = same ? w : w - k + 1;
        Layer layer = ConvLayers.conv2d(f, k).withPadding(same ? Padding.same() : Padding.valid()).withBias(false);
        long[] in = {c, h, w};
        long n = layer.parameterCount(in);
        params = Nd4j.create(DataType.FLOAT, n);
        grads = Nd4j.create(DataType.FLOAT, n);
        aiaas = layer.instantiate(in, DataType.FLOAT);
        aiaas.bind(params, grads);
        aiaas.initialise(new SplittableRandom(Inputs.SEED));
        xF = Inputs.uniform(b, (long) c * h * w, 'f', 1).reshape('f', b, c, h, w);
        dyF = Inputs.uniform(b, (long) f * oh * ow, 'f', 2).subi(0.5).reshape('f', b, f, oh, ow);
        yF = aiaas.forward(xF, true);

        xC = xF.dup('c');
        dyC = dyF.dup('c');
        // libnd4j's default weight layout [kH, kW, C, F]
        wNd4j = params.reshape('c', f, c, k, k).permute(2, 3, 1, 0).dup('c');
        nd4jArgs = new int[] {k, k, 1, 1, 0, 0, 1, 1, same ? 1 : 0, 0};

        cols = Inputs.uniform((long) b * oh * ow, (long) c * k * k, 'f', 3);
        kernel = Inputs.uniform((long) c * k * k, f, 'f', 4);
        product = Nd4j.create(DataType.FLOAT, new long[] {(long) b * oh * ow, f}, 'f');
    }

    /**
     * aiaas: the forward pass into the layer's buffer.
     *
     * @return the result, which JMH consumes
     */
    @Benchmark
    public INDArray aiaasForward() {
        return aiaas.forward(xF, true);
    }

    /**
     * aiaas: ∂L/∂W and ∂L/∂x of the last forward pass.
     *
     * @return the result, which JMH consumes
     */
    @Benchmark
    public INDArray aiaasBackward() {
        return aiaas.backward(xF, yF, dyF, true);
    }

    /** Baseline: libnd4j's {@code conv2d} op, NCHW, a new output (closed). */
    @Benchmark
    public void nd4jConv2d() {
        INDArray[] out = Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(xC, wNd4j).addIntegerArguments(nd4jArgs).build());
        for (INDArray a : out) {
            a.close();
        }
    }

    /** Baseline: libnd4j's {@code conv2d_bp} op: ∂L/∂x and ∂L/∂W, new arrays (closed). */
    @Benchmark
    public void nd4jConv2dBp() {
        INDArray[] out = Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(xC, wNd4j, dyC).addIntegerArguments(nd4jArgs).build());
        for (INDArray a : out) {
            a.close();
        }
    }

    /**
     * Baseline: the forward pass's product alone, patches × W on BLAS.
     *
     * @return the product, which JMH consumes
     */
    @Benchmark
    public INDArray gemmFloor() {
        return cols.mmuli(kernel, product);
    }

    /** Frees every array (the aiaas layer frees its working buffers). */
    @TearDown(Level.Trial)
    public void tearDown() {
        aiaas.close();
        for (INDArray a : new INDArray[] {params, grads, xF, dyF, xC, dyC, wNd4j, cols, kernel, product}) {
            if (a != null && a.closeable()) {
                a.close();
            }
        }
    }
}
