package dev.aiaas.vision.nn;

import dev.aiaas.core.math.Buf;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * A {@link Conv2d}'s training passes on libnd4j's {@code conv2d} and {@code conv2d_bp} ops, used
 * when ND4J's native build includes oneDNN (the {@code nd4j-native} classifiers
 * {@code linux-x86_64-onednn}, {@code -onednn-avx2}, {@code -onednn-avx512}; aiaas builds on the
 * first): oneDNN's JIT convolutions take the products at about twice the rate of im2col and the
 * OpenBLAS sgemm. Measured per 128-image batch, one thread, thread CPU time, forward + backward
 * (docs/benchmarks.md, session 13): 32→32 channels at 28×28 51.6 ms against 90.4, 64→64 at
 * 14×14 36.6 against 67.0; with one input channel oneDNN is slower (18.3 against 6.9), so layers
 * with fewer than {@link #MIN_CHANNELS} input channels keep the BLAS paths of {@link Conv2d}.
 *
 * <p>Used for float32 layers without groups (libnd4j's {@code conv2d} has none) or dilation
 * (M2.1's oneDNN helper fails to create a dilated primitive); float64, grouped and dilated
 * layers, and every layer on a build without oneDNN, stay on the BLAS paths.
 * {@code -Daiaas.conv=im2col} turns it off; {@code -Daiaas.conv=onednn} uses it for every layer it
 * can run, small channel counts included, and is refused on natives without oneDNN; another value
 * is refused when a layer is made.
 *
 * <p>Layouts: x, y and their gradients are the layer's {@code [B, C, H, W]} arrays in 'f' order,
 * passed to the ops as they are; W is copied from θ's {@code [F, C, kH, kW]} into libnd4j's
 * {@code [kH, kW, C, F]} before each forward pass, and its gradient copied back. The ops run
 * through one {@link OpContext} per direction, made once, so a step allocates no native memory
 * once the buffers exist.
 */
final class OneDnnConv implements AutoCloseable {
    /**
     * The system property choosing the training convolution: {@code auto} (the default), {@code direct}
     * ({@link DirectConv} wherever it runs, else BLAS), {@code im2col} (BLAS only) or {@code onednn}.
     */
    static final String PROPERTY = "aiaas.conv";
    /** The fewest input channels for which {@code auto} uses oneDNN. */
    static final int MIN_CHANNELS = 4;
    /** Whether ND4J's native build has oneDNN. */
    static final boolean BUILD_HAS_ONEDNN;
    /** Whether ND4J's native build has oneDNN and the setting allows it (read once, as the JVM starts using it). */
    static final boolean AVAILABLE;

    static {
        boolean has;
        try {
            has = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
        } catch (RuntimeException | LinkageError e) {
            has = false; // another backend, or natives that cannot say
        }
        BUILD_HAS_ONEDNN = has;
        AVAILABLE = has && !"im2col".equals(System.getProperty(PROPERTY));
    }

    /**
     * The {@link #PROPERTY} setting, checked.
     *
     * @return {@code auto}, {@code direct}, {@code im2col} or {@code onednn}
     * @throws IllegalArgumentException for another value
     * @throws IllegalStateException    for {@code onednn} on natives without oneDNN
     */
    static String setting() {
        String s = System.getProperty(PROPERTY, "auto");
        if (!s.equals("auto") && !s.equals("im2col") && !s.equals("onednn") && !s.equals("direct")) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be auto, direct, im2col or onednn; got " + PROPERTY + "=" + s
                    + ". Leave it unset for auto (oneDNN where it pays)");
        }
        if (s.equals("onednn") && !BUILD_HAS_ONEDNN) {
            throw new IllegalStateException("-D" + PROPERTY + "=onednn, but ND4J's native build has no oneDNN; depend on "
                    + "org.nd4j:nd4j-native with the classifier linux-x86_64-onednn (aiaas's default), or unset " + PROPERTY);
        }
        return s;
    }

    private final int c;
    private final int f;
    private final int kh;
    private final int kw;
    private final int inH;
    private final int inW;
    private final int outH;
    private final int outW;
    private final boolean bias;
    private final long[] args;
    private final float[] theta;
    private final float[] libnd4j;
    private INDArray wk;
    private INDArray dwk;
    private OpContext forward;
    private OpContext backward;
    private long convHash;
    private long convBpHash;
    /** The arrays last given to each context's inputs and outputs: a slot is set again only when its array changes. */
    private final INDArray[] forwardSet = new INDArray[4];
    private final INDArray[] backwardSet = new INDArray[8];
    /** The last x and ∂L/∂y given in another shape than {@code [B, C, H, W]}, and their 4-D views (a reshape allocates a shape). */
    private INDArray xGiven;
    private INDArray xView;
    private INDArray dyGiven;
    private INDArray dyView;

    private OneDnnConv(int c, int f, Axis h, Axis w, boolean same, boolean bias) {
        this.c = c;
        this.f = f;
        this.kh = h.kernel();
        this.kw = w.kernel();
        this.inH = h.in();
        this.inW = w.in();
        this.outH = h.out();
        this.outW = w.out();
        this.bias = bias;
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, data format (0: NCHW), weights format (0: [kH, kW, C, F])
        this.args = new long[] {kh, kw, h.stride(), w.stride(), same ? 0 : h.padBefore(), same ? 0 : w.padBefore(), h.dilation(),
            w.dilation(), same ? 1 : 0, 0, 0};
        this.theta = new float[f * c * kh * kw];
        this.libnd4j = new float[theta.length];
    }

    /**
     * The oneDNN passes for a layer, or null when it stays on im2col.
     *
     * @param channels C
     * @param filters  F
     * @param groups   G
     * @param h        the height axis
     * @param w        the width axis
     * @param same     whether the padding is {@code same}
     * @param bias     whether the layer has a bias
     * @param dataType the layer's values
     * @param force    whether to use oneDNN below {@link #MIN_CHANNELS} channels too (tests)
     * @return the passes, or null
     */
    static OneDnnConv of(int channels, int filters, int groups, Axis h, Axis w, boolean same, boolean bias, DataType dataType,
            boolean force) {
        String setting = setting();
        if (!BUILD_HAS_ONEDNN || setting.equals("im2col") || setting.equals("direct") || groups != 1 || dataType != DataType.FLOAT || h.dilation() != 1
                || w.dilation() != 1 || (channels < MIN_CHANNELS && !setting.equals("onednn") && !force)) {
            return null;
        }
        if (!same) { // libnd4j pads explicitly by the same amount on both sides: the output sizes must agree
            for (Axis a : new Axis[] {h, w}) {
                int span = a.dilation() * (a.kernel() - 1) + 1;
                if ((a.in() + 2 * a.padBefore() - span) / a.stride() + 1 != a.out()) {
                    return null;
                }
            }
        }
        return new OneDnnConv(channels, filters, h, w, same, bias);
    }

    /**
     * y = conv(x, W) + b.
     *
     * @param x the input {@code [B, C, H, W]}
     * @param w W, θ's {@code [F, C, kH, kW]} values
     * @param b b {@code [F]}, or null without a bias
     * @param y the output {@code [B, F, H', W']}, written
     */
    void forward(INDArray x, INDArray w, INDArray b, INDArray y) {
        if (forward == null) {
            wk = Nd4j.create(DataType.FLOAT, new long[] {kh, kw, c, f}, 'c');
            dwk = Nd4j.create(DataType.FLOAT, new long[] {kh, kw, c, f}, 'c');
            convHash = DynamicCustomOp.builder("conv2d").build().opHash();
            convBpHash = DynamicCustomOp.builder("conv2d_bp").build().opHash();
            forward = Nd4j.getExecutioner().buildContext();
            forward.setIArguments(args);
            backward = Nd4j.getExecutioner().buildContext();
            backward.setIArguments(args);
        }
        // θ's W[f, c, u, v] -> libnd4j's [u, v, c, f]
        Buf.of(w).read(0, theta, theta.length);
        int kk = kh * kw;
        for (int o = 0; o < f; o++) {
            for (int i = 0; i < c; i++) {
                int from = (o * c + i) * kk;
                for (int uv = 0; uv < kk; uv++) {
                    libnd4j[(uv * c + i) * f + o] = theta[from + uv];
                }
            }
        }
        Buf.of(wk).write(0, libnd4j, libnd4j.length);
        input(forward, forwardSet, 0, input(x));
        input(forward, forwardSet, 1, wk);
        if (bias) {
            input(forward, forwardSet, 2, b);
        }
        output(forward, forwardSet, 3, 0, y);
        run("conv2d", convHash, forward);
    }

    /**
     * ∂L/∂x, ∂L/∂W and ∂L/∂b of the last {@link #forward} (W unchanged since).
     *
     * @param x  the input of that pass
     * @param b  b, or null without a bias
     * @param dy ∂L/∂y {@code [B, F, H', W']}
     * @param dx ∂L/∂x {@code [B, C, H, W]}, written
     * @param dw ∂L/∂W in θ's {@code [F, C, kH, kW]} order, written
     * @param db ∂L/∂b {@code [F]}, written, or null without a bias
     */
    void backward(INDArray x, INDArray b, INDArray dy, INDArray dx, INDArray dw, INDArray db) {
        input(backward, backwardSet, 0, input(x));
        input(backward, backwardSet, 1, wk);
        int i = 2;
        if (bias) {
            input(backward, backwardSet, i++, b);
        }
        input(backward, backwardSet, i, gradient(dy));
        output(backward, backwardSet, 4, 0, dx);
        output(backward, backwardSet, 4, 1, dwk);
        if (bias) {
            output(backward, backwardSet, 4, 2, db);
        }
        run("conv2d_bp", convBpHash, backward);
        // libnd4j's [u, v, c, f] -> θ's [f, c, u, v]
        Buf.of(dwk).read(0, libnd4j, libnd4j.length);
        int kk = kh * kw;
        for (int o = 0; o < f; o++) {
            for (int ci = 0; ci < c; ci++) {
                int to = (o * c + ci) * kk;
                for (int uv = 0; uv < kk; uv++) {
                    theta[to + uv] = libnd4j[(uv * c + ci) * f + o];
                }
            }
        }
        Buf.of(dw).write(0, theta, theta.length);
    }

    /** Sets input {@code i} of {@code ctx} to {@code a} unless it already is (setting allocates wrappers on the heap). */
    private static void input(OpContext ctx, INDArray[] set, int i, INDArray a) {
        if (set[i] != a) {
            ctx.setInputArray(i, a);
            set[i] = a;
        }
    }

    /** Sets output {@code i} of {@code ctx} to {@code a} unless it already is; outputs are kept from slot {@code first} of {@code set}. */
    private static void output(OpContext ctx, INDArray[] set, int first, int i, INDArray a) {
        if (set[first + i] != a) {
            ctx.setOutputArray(i, a);
            set[first + i] = a;
        }
    }

    /**
     * Runs a custom op on its context as ND4J's executioner does, without its per-call
     * bookkeeping (profiling hooks, result lists: about 800 bytes of heap per call).
     */
    private static void run(String name, long hash, OpContext ctx) {
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int status = ops.execCustomOp2(null, hash, ctx.contextPointer());
        if (status != 0 || ops.lastErrorCode() != 0) {
            throw new IllegalStateException("libnd4j's " + name + " failed (status " + status + "): " + ops.lastErrorMessage());
        }
    }

    /** x as {@code [B, C, H, W]} (a view of it, kept while the same array comes back). */
    private INDArray input(INDArray x) {
        if (x.rank() == 4) {
            return x;
        }
        if (x != xGiven) {
            xGiven = x;
            xView = x.reshape('f', x.size(0), c, inH, inW);
        }
        return xView;
    }

    /** ∂L/∂y as {@code [B, F, H', W']} (a view of it, kept while the same array comes back). */
    private INDArray gradient(INDArray dy) {
        if (dy.rank() == 4) {
            return dy;
        }
        if (dy != dyGiven) {
            dyGiven = dy;
            dyView = dy.reshape('f', dy.size(0), f, outH, outW);
        }
        return dyView;
    }

    @Override
    public void close() {
        for (INDArray a : new INDArray[] {wk, dwk}) {
            if (a != null && a.closeable()) {
                a.close();
            }
        }
        for (OpContext ctx : new OpContext[] {forward, backward}) {
            if (ctx != null) {
                try {
                    ctx.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing a libnd4j op context failed: " + e.getMessage(), e);
                }
            }
        }
        wk = dwk = null;
        java.util.Arrays.fill(forwardSet, null);
        java.util.Arrays.fill(backwardSet, null);
        xGiven = xView = dyGiven = dyView = null;
        forward = backward = null;
    }
}
