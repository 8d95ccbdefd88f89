package dev.aiaas.vision.nn;

import dev.aiaas.core.nn.Workspace;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.math.Gemm;
import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.LayerDecoder;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.nn.Initializer;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.PackedLayer;
import dev.aiaas.core.nn.PackedSteps;
import dev.aiaas.core.nn.ParameterSlice;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A 2-D convolution (cross-correlation, as in PyTorch and Keras) over images in NCHW layout:
 *
 * <pre>
 * y[b, o, i, j] = bias[o] + Σ_{c ∈ group(o)} Σ_{p, q} W[o, c − g(o)·C/G, p, q] · x[b, c, i·s_h − pad_top + p·d_h, j·s_w − pad_left + q·d_w]
 * </pre>
 *
 * where positions outside the input read as 0, G is {@code groups}, and output channel o sees the
 * C/G input channels of its group g(o) = o / (F/G) (G = C is a depthwise convolution).
 *
 * <p>Shapes: x {@code [B, C, H, W]}, y {@code [B, F, H', W']} with, per axis,
 * {@code H' = floor((H + 2·pad − d·(k − 1) − 1) / s) + 1} for explicit padding and
 * {@code ceil(H / s)} for {@link Padding#same()}. Parameters, in θ's order: W
 * {@code [F, C/G, kH, kW]} row-major (PyTorch's layout of a {@code Conv2d} weight, which is also
 * DL4J's), then b {@code [F]} when {@code useBias} ({@code F·C/G·kH·kW + F} in all). W is the
 * {@link ParameterSlice.Role#KERNEL} (regularised), b the {@link ParameterSlice.Role#BIAS}.
 * Initialised with fan-in {@code C/G·kH·kW} and fan-out {@code F/G·kH·kW} (He's and Glorot's
 * convention for convolutions).
 *
 * <p>Computed as im2col and one BLAS GEMM per group: for a chunk of output positions, the patch
 * matrix {@code [B·positions, C·kH·kW]} (column-major, rows b fastest) is gathered from the
 * input in runs of B values, multiplied by W on BLAS straight from θ, and the product
 * {@code [B·positions, F]} is transposed into y's 'f' order with the bias added. Backward:
 * ∂L/∂W = patchesᵀ·δ and ∂L/∂x = col2im(δ·Wᵀ), chunk by chunk, the patches gathered again.
 *
 * <p>Without groups, from a batch of {@value #DIRECT_BATCH} on and for patches of at least
 * {@value #DIRECT_DEPTH} values, the per-position path: y's
 * 'f' order holds each output position's {@code [B, F]} block column-major, and so do ∂L/∂y and,
 * for an input position, x's {@code [B, C]} block. The patch matrix of position p is built as
 * {@code [B, kH·kW·C]} from whole x blocks (its columns in (u, v, c) order: one native copy of
 * B·C values per kernel tap, from x's buffer into the patch buffer, where the chunked path copies
 * B values per tap and channel through the heap), and BLAS
 * multiplies it by W in that order ({@code W'}, θ's W permuted, {@code [kH·kW·C, F]}) straight
 * into y's block: no transposition of the output. Backward: ∂L/∂W'ᵀ += δ_pᵀ·patches_p
 * ({@code [F, kH·kW·C]}, BLAS's faster form for these shapes, permuted back into θ's order once
 * per step) and ∂L/∂patches_p = δ_p·W'ᵀ, with δ_p read straight from ∂L/∂y.
 *
 * @param filters           F, the output channels, at least 1 and a multiple of {@code groups}
 * @param kernelHeight      kH, at least 1
 * @param kernelWidth       kW, at least 1
 * @param strideHeight      s_h, at least 1
 * @param strideWidth       s_w, at least 1
 * @param padding           explicit or {@code same}
 * @param dilationHeight    d_h, the step between the kernel's rows over the input, at least 1
 * @param dilationWidth     d_w, at least 1
 * @param groups            G, at least 1; C and F must be multiples of it
 * @param useBias           whether there is a bias b (none before a batch normalisation)
 * @param kernelInitializer how W is initialised
 * @param biasInitializer   how b is initialised
 */
public record Conv2d(int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, Padding padding,
                     int dilationHeight, int dilationWidth, int groups, boolean useBias, Initializer kernelInitializer,
                     Initializer biasInitializer) implements PackedLayer {

    /** The type name. */
    public static final String TYPE = "conv2d";

    /**
     * About how many values a chunk of the patch matrix (or of the product) holds: 1 MB of
     * float32, so that a chunk is gathered, multiplied and transposed while it is in the cache.
     */
    static final int CHUNK = 1 << 18;

    /**
     * Validates the settings.
     *
     * @param filters           F, at least 1, a multiple of groups
     * @param kernelHeight      kH, at least 1
     * @param kernelWidth       kW, at least 1
     * @param strideHeight      s_h, at least 1
     * @param strideWidth       s_w, at least 1
     * @param padding           explicit or same, not null
     * @param dilationHeight    d_h, at least 1
     * @param dilationWidth     d_w, at least 1
     * @param groups            G, at least 1
     * @param useBias           whether there is a bias
     * @param kernelInitializer how W is initialised, not null
     * @param biasInitializer   how b is initialised, not null
     */
    public Conv2d {
        Images.positive("filters", filters);
        Images.positive("kernelHeight", kernelHeight);
        Images.positive("kernelWidth", kernelWidth);
        Images.positive("strideHeight", strideHeight);
        Images.positive("strideWidth", strideWidth);
        Images.positive("dilationHeight", dilationHeight);
        Images.positive("dilationWidth", dilationWidth);
        Images.positive("groups", groups);
        if (filters % groups != 0) {
            throw new IllegalArgumentException("filters must be a multiple of groups (each group has filters/groups outputs). "
                    + "Received: filters=" + filters + ", groups=" + groups);
        }
        if (padding == null || kernelInitializer == null || biasInitializer == null) {
            throw new NullPointerException("padding and initializers must not be null");
        }
    }

    /**
     * This convolution with another stride.
     *
     * @param stride the step between windows on both axes, at least 1
     * @return a new layer
     */
    public Conv2d withStride(int stride) {
        return withStride(stride, stride);
    }

    /**
     * This convolution with another stride per axis.
     *
     * @param height s_h, at least 1
     * @param width  s_w, at least 1
     * @return a new layer
     */
    public Conv2d withStride(int height, int width) {
        return new Conv2d(filters, kernelHeight, kernelWidth, height, width, padding, dilationHeight, dilationWidth, groups, useBias,
                kernelInitializer, biasInitializer);
    }

    /**
     * This convolution with another padding.
     *
     * @param p {@link Padding#same()}, {@link Padding#valid()} or {@link Padding#of(int, int)}
     * @return a new layer
     */
    public Conv2d withPadding(Padding p) {
        return new Conv2d(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, p, dilationHeight, dilationWidth, groups,
                useBias, kernelInitializer, biasInitializer);
    }

    /**
     * This convolution with another dilation.
     *
     * @param height d_h, at least 1
     * @param width  d_w, at least 1
     * @return a new layer
     */
    public Conv2d withDilation(int height, int width) {
        return new Conv2d(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, height, width, groups, useBias,
                kernelInitializer, biasInitializer);
    }

    /**
     * This convolution split into groups (G = C: depthwise).
     *
     * @param g G, at least 1, dividing the filters and the input channels
     * @return a new layer
     */
    public Conv2d withGroups(int g) {
        return new Conv2d(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, dilationHeight, dilationWidth, g,
                useBias, kernelInitializer, biasInitializer);
    }

    /**
     * This convolution with or without a bias.
     *
     * @param bias whether there is a bias b
     * @return a new layer
     */
    public Conv2d withBias(boolean bias) {
        return new Conv2d(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, dilationHeight, dilationWidth,
                groups, bias, kernelInitializer, biasInitializer);
    }

    /**
     * This convolution with other initialisers.
     *
     * @param kernel how W is initialised
     * @param bias   how b is initialised
     * @return a new layer
     */
    public Conv2d withInitializers(Initializer kernel, Initializer bias) {
        return new Conv2d(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, dilationHeight, dilationWidth,
                groups, useBias, kernel, bias);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The geometry of this layer over an input shape, checked. */
    private Geometry geometry(long[] inputShape) {
        int[] chw = Images.chw(TYPE, inputShape);
        if (chw[0] % groups != 0) {
            throw new IllegalArgumentException(TYPE + ": the input's " + chw[0] + " channels must be a multiple of groups=" + groups);
        }
        Axis h = Axis.of(TYPE, "row", chw[1], kernelHeight, strideHeight, dilationHeight, padding.sameSize(), padding.height());
        Axis w = Axis.of(TYPE, "column", chw[2], kernelWidth, strideWidth, dilationWidth, padding.sameSize(), padding.width());
        return new Geometry(chw[0], h, w);
    }

    /** C, the axes, and the sizes derived from them. */
    private record Geometry(int channels, Axis h, Axis w) {
        int kernelSize() {
            return h.kernel() * w.kernel();
        }
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        Geometry g = geometry(inputShape);
        return new long[] {filters, g.h().out(), g.w().out()};
    }

    @Override
    public long parameterCount(long[] inputShape) {
        Geometry g = geometry(inputShape);
        return kernelCount(g) + (useBias ? filters : 0);
    }

    private long kernelCount(Geometry g) {
        return (long) filters * (g.channels() / groups) * g.kernelSize();
    }

    /** W is the kernel, b (when there is one) the bias. */
    @Override
    public List<ParameterSlice> parameterSlices(long[] inputShape) {
        long nw = kernelCount(geometry(inputShape));
        return useBias ? List.of(ParameterSlice.kernel(0, nw), ParameterSlice.bias(nw, nw + filters))
                : List.of(ParameterSlice.kernel(0, nw));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filters", filters);
        m.put("kernel_h", kernelHeight);
        m.put("kernel_w", kernelWidth);
        m.put("stride_h", strideHeight);
        m.put("stride_w", strideWidth);
        m.put("padding", padding.sameSize() ? "same" : "explicit");
        m.put("padding_h", padding.height());
        m.put("padding_w", padding.width());
        m.put("dilation_h", dilationHeight);
        m.put("dilation_w", dilationWidth);
        m.put("groups", groups);
        m.put("use_bias", useBias);
        m.put("kernel_initializer", kernelInitializer.name());
        m.put("kernel_initializer_value", kernelInitializer.value());
        m.put("bias_initializer", biasInitializer.name());
        m.put("bias_initializer_value", biasInitializer.value());
        return m;
    }

    /** {@code conv2d 3x3}, with the stride, dilation and groups when they are not 1: {@code conv2d 3x3 s2 d2 g4}. */
    @Override
    public String summaryName() {
        String s = TYPE + " " + kernelHeight + "x" + kernelWidth;
        if (strideHeight != 1 || strideWidth != 1) {
            s += " s" + (strideHeight == strideWidth ? "" + strideHeight : strideHeight + "x" + strideWidth);
        }
        if (dilationHeight != 1 || dilationWidth != 1) {
            s += " d" + (dilationHeight == dilationWidth ? "" + dilationHeight : dilationHeight + "x" + dilationWidth);
        }
        return groups == 1 ? s : s + " g" + groups;
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        Geometry g = geometry(inputShape);
        Instance i = new Instance(g, dataType, CHUNK, directBatch(g), OneDnnConv.of(g.channels(), filters, groups, g.h(), g.w(),
                padding.sameSize(), useBias, dataType, false));
        i.direct = DirectConv.chosen(OneDnnConv.setting(), g.channels(), filters, g.h(), g.w())
                ? DirectConv.of(g.channels(), filters, groups, g.h(), g.w(), useBias, dataType) : null;
        return i;
    }

    /** {@link #instantiate(long[], DataType)} on {@link DirectConv} wherever the batch allows, or null where it cannot run (tests). */
    Layer.Instance instantiateDirect(long[] inputShape, DataType dataType) {
        Geometry g = geometry(inputShape);
        DirectConv d = DirectConv.of(g.channels(), filters, groups, g.h(), g.w(), useBias, dataType);
        if (d == null) {
            return null;
        }
        Instance i = new Instance(g, dataType, CHUNK, directBatch(g), null);
        i.direct = d;
        return i;
    }

    /** Whether an instance of this layer has the direct passes (for tests). */
    static boolean onDirect(Layer.Instance instance) {
        return instance instanceof Instance i && i.direct != null;
    }

    /** {@link #instantiate(long[], DataType)} without oneDNN, with chunks of about {@code chunkValues} values (tests use tiny ones). */
    Layer.Instance instantiate(long[] inputShape, DataType dataType, int chunkValues) {
        Geometry g = geometry(inputShape);
        return new Instance(g, dataType, chunkValues, directBatch(g), null);
    }

    /** The smallest batch of the per-position path for this geometry ({@link Integer#MAX_VALUE}: never). */
    private static int directBatch(Geometry g) {
        return g.channels() * g.kernelSize() >= DIRECT_DEPTH ? DIRECT_BATCH : Integer.MAX_VALUE;
    }

    /** {@link #instantiate(long[], DataType)} on oneDNN whatever the channels, or null where it cannot run (for tests). */
    Layer.Instance instantiateOneDnn(long[] inputShape, DataType dataType) {
        Geometry g = geometry(inputShape);
        OneDnnConv o = OneDnnConv.of(g.channels(), filters, groups, g.h(), g.w(), padding.sameSize(), useBias, dataType, true);
        return o == null ? null : new Instance(g, dataType, CHUNK, directBatch(g), o);
    }

    /** Whether an instance of this layer runs on oneDNN (for tests). */
    static boolean onOneDnn(Layer.Instance instance) {
        return instance instanceof Instance i && i.oneDnn != null;
    }

    /**
     * {@link #instantiate(long[], DataType, int)} taking the per-position path from batches of
     * {@code directBatch} on ({@link Integer#MAX_VALUE}: never), for tests of both paths.
     */
    Layer.Instance instantiate(long[] inputShape, DataType dataType, int chunkValues, int directBatch) {
        return new Instance(geometry(inputShape), dataType, chunkValues, directBatch, null);
    }

    /**
     * The smallest batch for which an ungrouped convolution takes the per-position path (one BLAS
     * product per output position, on {@code [B, ·]} blocks): below it those products are too
     * small for BLAS to run well, and the chunked path multiplies {@code [B·positions, ·]} blocks.
     */
    static final int DIRECT_BATCH = 32;

    /**
     * The smallest patch length C·kH·kW of the per-position path: a shallower product (a first
     * layer over grey images, 9) runs better over the chunked path's {@code [B·positions, ·]} blocks.
     */
    static final int DIRECT_DEPTH = 32;

    /**
     * On the packed path, a dense product over patches ({@link PackedSteps#patches}): patch
     * p = i·W' + j holds, for k = (c·kH + u)·kW + v, the input value (c, i·s_h − pad + u·d_h,
     * j·s_w − pad + v·d_w) (−1, padding, outside the image), and W is θ's {@code [F, C, kH, kW]}
     * as {@code [K, F]} column-major; with groups, each filter's column is zero outside its
     * group's channels (a dense product over all C·kH·kW values).
     */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
        Geometry g = geometry(inputShape);
        Axis ah = g.h();
        Axis aw = g.w();
        int c = g.channels();
        int kk = g.kernelSize();
        int k = c * kk;
        int positions = ah.out() * aw.out();
        int[] index = new int[Math.multiplyExact(positions, k)];
        for (int i = 0; i < ah.out(); i++) {
            for (int j = 0; j < aw.out(); j++) {
                int base = (i * aw.out() + j) * k;
                for (int ch = 0; ch < c; ch++) {
                    for (int u = 0; u < ah.kernel(); u++) {
                        int y = ah.at(i, u);
                        for (int v = 0; v < aw.kernel(); v++) {
                            int x = aw.at(j, v);
                            boolean inside = y >= 0 && y < ah.in() && x >= 0 && x < aw.in();
                            index[base + (ch * ah.kernel() + u) * aw.kernel() + v] = inside ? (ch * ah.in() + y) * aw.in() + x : -1;
                        }
                    }
                }
            }
        }
        int cg = c / groups;
        int fg = filters / groups;
        float[] w;
        if (groups == 1) {
            w = java.util.Arrays.copyOf(params, filters * k);
        } else {
            w = new float[filters * k];
            for (int o = 0; o < filters; o++) {
                int first = (o / fg) * cg; // the group's first input channel
                System.arraycopy(params, o * cg * kk, w, o * k + first * kk, cg * kk);
            }
        }
        float[] b = useBias ? java.util.Arrays.copyOfRange(params, filters * cg * kk, filters * cg * kk + filters) : new float[filters];
        steps.patches(positions, index, filters, w, b, Activation.IDENTITY);
    }

    /** Reads a {@code conv2d} back from a model file. */
    public static final class Decoder implements LayerDecoder {
        /** For {@link java.util.ServiceLoader}. */
        public Decoder() {
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Layer decode(LayerConfig c) throws ModelFormatException {
            String mode = c.string("padding");
            if (!mode.equals("same") && !mode.equals("explicit")) {
                throw c.error("padding should be 'same' or 'explicit', found '" + mode + "'");
            }
            Padding p = new Padding(mode.equals("same"), c.integer("padding_h"), c.integer("padding_w"));
            return new Conv2d(c.integer("filters"), c.integer("kernel_h"), c.integer("kernel_w"), c.integer("stride_h"),
                    c.integer("stride_w"), p, c.integer("dilation_h"), c.integer("dilation_w"), c.integer("groups"),
                    c.flag("use_bias"), new Initializer(c.string("kernel_initializer"), c.number("kernel_initializer_value")),
                    new Initializer(c.string("bias_initializer"), c.number("bias_initializer_value")));
        }
    }

    private final class Instance implements Layer.Instance {
        private final int inC;
        private final int inH;
        private final int inW;
        private final Axis ah;
        private final Axis aw;
        private final int kk;        // kH·kW
        private final int ckk;       // C·kH·kW: the patch matrix's columns
        private final int cgkk;      // C/G·kH·kW: one group's columns, W's rows
        private final int fg;        // F/G
        private final int positions; // H'·W'
        private final long[] inShape;
        private final long[] outShape;
        private final Workspace buffers;
        private final Heap xs;
        private final Heap col;
        private final Heap z;
        private final Heap yChunk;
        private final Heap dx;
        private final double[] bias;
        private final double[] biasGrad;
        private INDArray w;
        private INDArray b;
        private INDArray dw;
        private INDArray db;

        private final int chunkValues;
        /** The batch whose x {@link #xs} holds from a training forward pass, or -1. */
        private int trainedBatch = -1;
        /** The smallest batch of the per-position path (groups == 1 only). */
        private final int directBatch;
        /** W' and ∂L/∂W'ᵀ on the heap (per-position path), and the bias repeated over a [B, F] block. */
        private final Heap wh;
        private final Heap wp;
        private final Heap biasBlock;
        /** Native block copies for the per-position path's patches. */
        private final NativeCopy copier = new NativeCopy();
        /** The oneDNN passes ({@link OneDnnConv}), or null on the paths here. */
        private final OneDnnConv oneDnn;
        /** The direct passes ({@link DirectConv}) for the batch sizes they take, or null. */
        private DirectConv direct;

        Instance(Geometry g, DataType dataType, int chunkValues, int directBatch, OneDnnConv oneDnn) {
            this.chunkValues = chunkValues;
            this.directBatch = groups == 1 ? directBatch : Integer.MAX_VALUE;
            this.oneDnn = oneDnn;
            wh = Heap.of(dataType);
            wp = Heap.of(dataType);
            biasBlock = Heap.of(dataType);
            inC = g.channels();
            ah = g.h();
            aw = g.w();
            inH = ah.in();
            inW = aw.in();
            kk = g.kernelSize();
            ckk = inC * kk;
            cgkk = inC / groups * kk;
            fg = filters / groups;
            positions = Math.multiplyExact(ah.out(), aw.out());
            inShape = new long[] {inC, inH, inW};
            outShape = new long[] {filters, ah.out(), aw.out()};
            buffers = new Workspace(dataType);
            xs = Heap.of(dataType);
            col = Heap.of(dataType);
            z = Heap.of(dataType);
            yChunk = Heap.of(dataType);
            dx = Heap.of(dataType);
            bias = new double[filters];
            biasGrad = new double[filters];
        }

        @Override
        public void bind(INDArray params, INDArray grads) {
            long nw = (long) filters * cgkk;
            w = params.get(NDArrayIndex.interval(0, nw));
            dw = grads.get(NDArrayIndex.interval(0, nw));
            if (useBias) {
                b = params.get(NDArrayIndex.interval(nw, nw + filters));
                db = grads.get(NDArrayIndex.interval(nw, nw + filters));
            }
        }

        @Override
        public void initialise(SplittableRandom random) {
            long fanIn = cgkk;
            long fanOut = (long) fg * kk;
            Buf wb = Buf.of(w);
            for (int i = 0, n = filters * cgkk; i < n; i++) {
                wb.set(i, kernelInitializer.sample(fanIn, fanOut, random));
            }
            if (useBias) {
                Buf bb = Buf.of(b);
                for (int i = 0; i < filters; i++) {
                    bb.set(i, biasInitializer.sample(fanIn, fanOut, random));
                }
            }
        }

        /** Output positions per chunk for a batch of {@code batch}: about {@link #CHUNK} values in the patch matrix. */
        private int chunkPositions(int batch) {
            long perPosition = (long) batch * Math.max(ckk, filters);
            return (int) Math.max(1, Math.min(positions, chunkValues / perPosition));
        }

        @Override
        public INDArray forward(INDArray x, boolean training) {
            int batch = Math.toIntExact(x.size(0));
            int n = Images.batchValues(batch, (long) inC * inH * inW, TYPE);
            Images.batchValues(batch, (long) filters * positions, TYPE);
            INDArray y = buffers.batch("y", batch, outShape);
            if (direct != null && direct.runs(batch)) {
                trainedBatch = -1;
                direct.forward(x, w, b, y, training);
                return y;
            }
            if (oneDnn != null) {
                trainedBatch = -1;
                oneDnn.forward(x, w, b, y);
                return y;
            }
            boolean heapX = batch < directBatch || !NativeCopy.HOST; // the native path reads x where it lies
            if (heapX) {
                xs.ensure(n).read(Buf.of(x), 0, 0, n);
            }
            trainedBatch = training && heapX ? batch : -1;
            if (batch >= directBatch) {
                forwardDirect(x, batch, y);
                return y;
            }
            Buf yb = Buf.of(y);
            int chunk = chunkPositions(batch);
            int rows = batch * chunk;
            INDArray colN = buffers.vector("col", batch, (long) rows * ckk);
            INDArray zN = buffers.vector("z", batch, (long) rows * filters);
            Buf colB = Buf.of(colN);
            Buf zB = Buf.of(zN);
            col.ensure(rows * ckk);
            z.ensure(rows * filters);
            yChunk.ensure(rows * filters);
            if (useBias) {
                Buf bb = Buf.of(b);
                for (int o = 0; o < filters; o++) {
                    bias[o] = bb.get(o);
                }
            }
            for (int p0 = 0; p0 < positions; p0 += chunk) {
                int pc = Math.min(chunk, positions - p0);
                int m = batch * pc;
                im2col(batch, p0, pc);
                col.write(colB, 0, 0, m * ckk);
                for (int g = 0; g < groups; g++) { // Z_g = patches_g · W_g
                    Gemm.gemm(false, false, m, fg, cgkk, 1.0, colN, (long) m * g * cgkk, m, w, (long) g * cgkk * fg, cgkk,
                            0.0, zN, (long) m * g * fg, m);
                }
                z.read(zB, 0, 0, m * filters);
                // Z [(b, position), f] -> y's chunk [b, f, position] (the chunk's positions are contiguous in y)
                for (int pl = 0; pl < pc; pl++) {
                    for (int o = 0; o < filters; o++) {
                        z.copyAdd(batch * pl + m * o, yChunk, batch * (o + filters * pl), batch, useBias ? bias[o] : 0.0);
                    }
                }
                yChunk.write(yb, batch * filters * p0, 0, m * filters);
            }
            return y;
        }

        /**
         * The patch matrix of output positions {@code [p0, p0 + pc)} into {@link #col}: column-major
         * {@code [B·pc, C·kH·kW]}, row {@code b + B·(p − p0)}, column {@code (c·kH + i)·kW + j}.
         */
        private void im2col(int batch, int p0, int pc) {
            int m = batch * pc;
            for (int c = 0; c < inC; c++) {
                for (int i = 0; i < ah.kernel(); i++) {
                    for (int j = 0; j < aw.kernel(); j++) {
                        int dst = m * ((c * ah.kernel() + i) * aw.kernel() + j);
                        int oh = p0 % ah.out();
                        int ow = p0 / ah.out();
                        for (int p = 0; p < pc; p++) {
                            int ih = ah.at(oh, i);
                            int iw = aw.at(ow, j);
                            if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) {
                                xs.copy(batch * (c + inC * (ih + inH * iw)), col, dst, batch);
                            } else {
                                col.fill(dst, batch, 0.0);
                            }
                            dst += batch;
                            if (++oh == ah.out()) {
                                oh = 0;
                                ow++;
                            }
                        }
                    }
                }
            }
        }

        /** Adds the patch-matrix gradient in {@link #col} (positions {@code [p0, p0 + pc)}) into {@link #dx}: col2im. */
        private void col2im(int batch, int p0, int pc) {
            int m = batch * pc;
            for (int c = 0; c < inC; c++) {
                for (int i = 0; i < ah.kernel(); i++) {
                    for (int j = 0; j < aw.kernel(); j++) {
                        int src = m * ((c * ah.kernel() + i) * aw.kernel() + j);
                        int oh = p0 % ah.out();
                        int ow = p0 / ah.out();
                        for (int p = 0; p < pc; p++) {
                            int ih = ah.at(oh, i);
                            int iw = aw.at(ow, j);
                            if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) {
                                col.addTo(src, dx, batch * (c + inC * (ih + inH * iw)), batch);
                            }
                            src += batch;
                            if (++oh == ah.out()) {
                                oh = 0;
                                ow++;
                            }
                        }
                    }
                }
            }
        }

        /**
         * W' {@code [kH·kW·C, F]} column-major into {@code wp}'s native twin: W'[(u·kW + v)·C + c, o]
         * = W[o, c, u, v] (θ's order, {@code [C·kH·kW, F]} column-major).
         */
        private INDArray permutedWeights(int batch) {
            int nw = ckk * filters;
            INDArray wpN = buffers.vector("wp", batch, nw);
            wh.ensure(nw).read(Buf.of(w), 0, 0, nw);
            wp.ensure(nw);
            for (int o = 0; o < filters; o++) {
                for (int c = 0; c < inC; c++) {
                    for (int t = 0; t < kk; t++) { // t = u·kW + v
                        wh.copy(o * ckk + c * kk + t, wp, o * ckk + t * inC + c, 1);
                    }
                }
            }
            wp.write(Buf.of(wpN), 0, 0, nw);
            return wpN;
        }

        /**
         * The chunk size of the per-position path: positions whose patch blocks fill about a quarter
         * of {@link #chunkValues} values (256 KB of float32 by default: in the L2 cache while BLAS
         * reads it; one position for the cnn's layers at batch 128, measured 2 ms faster per step
         * than a chunk of 1 MB).
         */
        private int directChunk(int batch) {
            return (int) Math.max(1, Math.min(positions, chunkValues / 4 / ((long) batch * ckk)));
        }

        /**
         * The per-position forward pass (see the class comment), the patches copied from x's
         * native buffer (off the CPU backend, from its heap copy {@link #xs}).
         */
        private void forwardDirect(INDArray x, int batch, INDArray y) {
            Buf.of(x); // checks that x is contiguous, as the heap copy would
            INDArray wpN = permutedWeights(batch);
            int chunk = directChunk(batch);
            int block = batch * ckk; // one position's patch block
            INDArray colN = buffers.vector("col", batch, (long) chunk * block);
            Buf colB = Buf.of(colN);
            if (!NativeCopy.HOST) {
                col.ensure(chunk * block);
            }
            Buf yb = Buf.of(y);
            int out = batch * filters; // one position's output block
            if (useBias) {
                Buf bb = Buf.of(b);
                biasBlock.ensure(out);
                for (int o = 0; o < filters; o++) {
                    biasBlock.fill(batch * o, batch, bb.get(o));
                }
            }
            for (int p0 = 0; p0 < positions; p0 += chunk) {
                int pc = Math.min(chunk, positions - p0);
                if (NativeCopy.HOST) {
                    im2colNative(x, colN, batch, p0, pc);
                } else {
                    directTaps(batch, p0, pc, true);
                    col.write(colB, 0, 0, pc * block);
                }
                for (int pl = 0; pl < pc; pl++) {
                    long at = (long) out * (p0 + pl);
                    if (useBias) {
                        biasBlock.write(yb, Math.toIntExact(at), 0, out);
                    }
                    Gemm.gemm(false, false, batch, filters, ckk, 1.0, colN, (long) block * pl, batch, wpN, 0, ckk,
                            useBias ? 1.0 : 0.0, y, at, batch);
                }
            }
        }

        /**
         * The patch blocks of positions {@code [p0, p0 + pc)} and {@link #col}: position p's block
         * {@code [B, kH·kW·C]} column-major at {@code B·kH·kW·C·(p − p0)}, tap (u, v) holding x's
         * {@code [B, C]} block at row u·d_h − pad + i·s_h, column v·d_w − pad + j·s_w (0 outside).
         * Gathering, the blocks are copied from {@link #xs} into col; else (col2im) col's blocks
         * are added into {@link #dx} where they lie inside x.
         */
        private void directTaps(int batch, int p0, int pc, boolean gather) {
            int run = batch * inC;
            for (int pl = 0; pl < pc; pl++) {
                int p = p0 + pl;
                int oh = p % ah.out();
                int ow = p / ah.out();
                int at = batch * ckk * pl;
                for (int u = 0; u < ah.kernel(); u++) {
                    int ih = ah.at(oh, u);
                    for (int v = 0; v < aw.kernel(); v++, at += run) {
                        int iw = aw.at(ow, v);
                        boolean inside = ih >= 0 && ih < inH && iw >= 0 && iw < inW;
                        if (gather && inside) {
                            xs.copy(run * (ih + inH * iw), col, at, run);
                        } else if (gather) {
                            col.fill(at, run, 0.0);
                        } else if (inside) {
                            col.addTo(at, dx, run * (ih + inH * iw), run);
                        }
                    }
                }
            }
        }

        /**
         * {@link #directTaps}'s gathering from x's native buffer straight into {@code colN}'s, block by
         * block (no heap copy of x or of the patches).
         */
        private void im2colNative(INDArray x, INDArray colN, int batch, int p0, int pc) {
            int run = batch * inC;
            long es = x.data().getElementSize();
            long bytes = run * es;
            long xa = NativeCopy.address(x, 0);
            long ca = NativeCopy.address(colN, 0);
            for (int pl = 0; pl < pc; pl++) {
                int p = p0 + pl;
                int oh = p % ah.out();
                int ow = p / ah.out();
                long dst = ca + (long) batch * ckk * pl * es;
                for (int u = 0; u < ah.kernel(); u++) {
                    int ih = ah.at(oh, u);
                    for (int v = 0; v < aw.kernel(); v++, dst += bytes) {
                        int iw = aw.at(ow, v);
                        if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) {
                            copier.copy(xa + (long) run * (ih + inH * iw) * es, dst, bytes);
                        } else {
                            copier.zero(dst, bytes);
                        }
                    }
                }
            }
        }

        /** The per-position backward pass (see the class comment), the patches made again from x as forward makes them. */
        private INDArray backwardDirect(INDArray x, int batch, INDArray dy, boolean needInput) {
            int n = batch * inC * inH * inW;
            Buf.of(x); // checks that x is contiguous
            INDArray wpN = permutedWeights(batch);
            int chunk = directChunk(batch);
            int block = batch * ckk;
            int out = batch * filters;
            INDArray colN = buffers.vector("col", batch, (long) chunk * block);
            INDArray dwT = buffers.vector("dwT", batch, (long) filters * ckk);
            Buf colB = Buf.of(colN);
            col.ensure(chunk * block);
            if (needInput) {
                dx.ensure(n).fill(0, n, 0.0);
            }
            if (useBias) {
                java.util.Arrays.fill(biasGrad, 0.0);
                yChunk.ensure(chunk * out);
            }
            Buf dyb = Buf.of(dy);
            for (int p0 = 0; p0 < positions; p0 += chunk) {
                int pc = Math.min(chunk, positions - p0);
                if (useBias) {
                    yChunk.read(dyb, out * p0, 0, pc * out);
                    for (int q = 0; q < pc * filters; q++) {
                        biasGrad[q % filters] += yChunk.sum(batch * q, batch);
                    }
                }
                if (NativeCopy.HOST) {
                    im2colNative(x, colN, batch, p0, pc);
                } else {
                    directTaps(batch, p0, pc, true);
                    col.write(colB, 0, 0, pc * block);
                }
                for (int pl = 0; pl < pc; pl++) {
                    long at = (long) out * (p0 + pl);
                    // ∂L/∂W'ᵀ += δ_pᵀ · patches_p
                    Gemm.gemm(true, false, filters, ckk, batch, 1.0, dy, at, batch, colN, (long) block * pl, batch,
                            p0 + pl == 0 ? 0.0 : 1.0, dwT, 0, filters);
                    if (needInput) { // ∂L/∂patches_p = δ_p · W'ᵀ, over the patches (used)
                        Gemm.gemm(false, true, batch, ckk, filters, 1.0, dy, at, batch, wpN, 0, ckk, 0.0, colN,
                                (long) block * pl, batch);
                    }
                }
                if (needInput) {
                    col.read(colB, 0, 0, pc * block);
                    directTaps(batch, p0, pc, false);
                }
            }
            // ∂L/∂W'ᵀ [F, kH·kW·C] -> θ's ∂L/∂W [C·kH·kW, F]
            int nw = ckk * filters;
            wp.ensure(nw).read(Buf.of(dwT), 0, 0, nw);
            wh.ensure(nw);
            for (int o = 0; o < filters; o++) {
                for (int c = 0; c < inC; c++) {
                    for (int t = 0; t < kk; t++) {
                        wp.copy(o + filters * (t * inC + c), wh, o * ckk + c * kk + t, 1);
                    }
                }
            }
            wh.write(Buf.of(dw), 0, 0, nw);
            if (useBias) {
                Buf dbb = Buf.of(db);
                for (int o = 0; o < filters; o++) {
                    dbb.set(o, biasGrad[o]);
                }
            }
            if (!needInput) {
                return null;
            }
            INDArray dxa = buffers.batch("dx", batch, inShape);
            dx.write(Buf.of(dxa), 0, 0, n);
            return dxa;
        }

        @Override
        public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
            int batch = Math.toIntExact(x.size(0));
            if (direct != null && direct.runs(batch)) {
                INDArray dxa = needInput ? buffers.batch("dx", batch, inShape) : null;
                direct.backward(x, dy, dxa, dw, db);
                return dxa;
            }
            if (oneDnn != null) { // ∂L/∂x is computed either way
                INDArray dxa = buffers.batch("dx", batch, inShape);
                oneDnn.backward(x, b, dy, dxa, dw, db);
                return needInput ? dxa : null;
            }
            int n = batch * inC * inH * inW;
            boolean heapX = batch < directBatch || !NativeCopy.HOST;
            if (heapX && trainedBatch != batch) { // an inference pass came between: read x again
                xs.ensure(n).read(Buf.of(x), 0, 0, n);
            }
            if (batch >= directBatch) {
                return backwardDirect(x, batch, dy, needInput);
            }
            Buf dyb = Buf.of(dy);
            int chunk = chunkPositions(batch);
            int rows = batch * chunk;
            INDArray colN = buffers.vector("col", batch, (long) rows * ckk);
            INDArray dzN = buffers.vector("z", batch, (long) rows * filters);
            Buf colB = Buf.of(colN);
            Buf dzB = Buf.of(dzN);
            java.util.Arrays.fill(biasGrad, 0.0);
            if (needInput) {
                dx.ensure(n).fill(0, n, 0.0);
            }
            for (int p0 = 0; p0 < positions; p0 += chunk) {
                int pc = Math.min(chunk, positions - p0);
                int m = batch * pc;
                // ∂L/∂y's chunk [b, f, position] -> δ [(b, position), f]
                yChunk.read(dyb, batch * filters * p0, 0, m * filters);
                for (int pl = 0; pl < pc; pl++) {
                    for (int o = 0; o < filters; o++) {
                        int from = batch * (o + filters * pl);
                        yChunk.copy(from, z, batch * pl + m * o, batch);
                        if (useBias) {
                            biasGrad[o] += yChunk.sum(from, batch);
                        }
                    }
                }
                z.write(dzB, 0, 0, m * filters);
                im2col(batch, p0, pc);
                col.write(colB, 0, 0, m * ckk);
                double beta = p0 == 0 ? 0.0 : 1.0;
                for (int g = 0; g < groups; g++) { // ∂L/∂W_g += patches_gᵀ · δ_g
                    Gemm.gemm(true, false, cgkk, fg, m, 1.0, colN, (long) m * g * cgkk, m, dzN, (long) m * g * fg, m,
                            beta, dw, (long) g * cgkk * fg, cgkk);
                }
                if (needInput) {
                    for (int g = 0; g < groups; g++) { // ∂L/∂patches_g = δ_g · W_gᵀ
                        Gemm.gemm(false, true, m, cgkk, fg, 1.0, dzN, (long) m * g * fg, m, w, (long) g * cgkk * fg, cgkk,
                                0.0, colN, (long) m * g * cgkk, m);
                    }
                    col.read(colB, 0, 0, m * ckk);
                    col2im(batch, p0, pc);
                }
            }
            if (useBias) {
                Buf dbb = Buf.of(db);
                for (int o = 0; o < filters; o++) {
                    dbb.set(o, biasGrad[o]);
                }
            }
            if (!needInput) {
                return null;
            }
            INDArray dxa = buffers.batch("dx", batch, inShape);
            dx.write(Buf.of(dxa), 0, 0, n);
            return dxa;
        }

        @Override
        public void close() {
            buffers.close();
            if (oneDnn != null) {
                oneDnn.close();
            }
        }
    }
}
