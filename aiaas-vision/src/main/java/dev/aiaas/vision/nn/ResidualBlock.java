package dev.aiaas.vision.nn;

import dev.aiaas.core.nn.Workspace;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.LayerDecoder;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.nn.Chain;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.PackedLayer;
import dev.aiaas.core.nn.PackedSteps;
import dev.aiaas.core.nn.ParameterSlice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A residual block with a shortcut branch (He et al. 2016, "Deep residual learning for image
 * recognition"): two chains of layers over the same input, their outputs added, optionally
 * followed by a ReLU:
 *
 * <pre>
 * z = main(x) + shortcut(x)        (shortcut(x) = x when the shortcut has no layers)
 * y = relu ? max(z, 0) : z
 * ∂L/∂z = relu ? ∂L/∂y ⊙ [z &gt; 0] : ∂L/∂y
 * ∂L/∂x = (∂main/∂x)ᵀ ∂L/∂z + (∂shortcut/∂x)ᵀ ∂L/∂z      (the second term ∂L/∂z for the identity)
 * </pre>
 *
 * PyTorch's {@code BasicBlock} is {@code main} = conv 3×3 (stride s) → batch norm → ReLU → conv
 * 3×3 → batch norm and {@code shortcut} = nothing, or conv 1×1 (stride s) → batch norm where the
 * shape changes, with {@code relu} ({@link ConvLayers#basicBlock}). Core's {@code Layers.residual}
 * is the special case of an identity shortcut, no ReLU and a shape-keeping main branch; this block
 * also takes a main branch that changes the shape (channels, stride), as long as the shortcut
 * changes it the same way.
 *
 * <p>Shapes: x {@code [B, inputShape...]}, y {@code [B, main's output shape...]}, which must equal
 * the shortcut's output shape (x's for the identity). Parameters: the main branch's layers' in
 * order, then the shortcut's, each with its own roles ({@link ParameterSlice}: the convolutions'
 * kernels, the batch norms' γ and β and their running statistics as state). Initialised layer by
 * layer from the model's stream in the same order. In the model file the layers are children
 * {@code main.0}, {@code main.1}, ... and {@code shortcut.0}, ...; the counts are the settings
 * {@code main_layers} and {@code shortcut_layers}.
 *
 * @param main     the main branch, at least one layer
 * @param shortcut the shortcut branch, no layers for the identity
 * @param relu     whether a ReLU follows the sum
 */
public record ResidualBlock(List<Layer> main, List<Layer> shortcut, boolean relu) implements PackedLayer {

    /** The type name. */
    public static final String TYPE = "residual_block";

    /**
     * Validates and copies the lists.
     *
     * @param main     at least one layer, none null
     * @param shortcut any number of layers (none: the identity), none null
     * @param relu     whether a ReLU follows the sum
     */
    public ResidualBlock {
        if (main == null || main.isEmpty()) {
            throw new IllegalArgumentException("a residual block's main branch needs at least one layer. Received: main=" + main);
        }
        if (shortcut == null) {
            throw new NullPointerException("shortcut must not be null; use List.of() for the identity shortcut");
        }
        main = List.copyOf(main); // List.copyOf refuses null elements with a NullPointerException
        shortcut = List.copyOf(shortcut);
    }

    /**
     * This block with or without the ReLU after the sum.
     *
     * @param after whether a ReLU follows the sum
     * @return a new block
     */
    public ResidualBlock withRelu(boolean after) {
        return new ResidualBlock(main, shortcut, after);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        long[][] m = Chain.shapes("the residual block's main branch: ", main, inputShape, null);
        long[] out = m[main.size()];
        long[] s = Chain.shapes("the residual block's shortcut: ", shortcut, inputShape, null)[shortcut.size()];
        if (!Arrays.equals(out, s)) {
            throw new IllegalArgumentException("a residual block's branches must end in the same shape: over the input "
                    + Arrays.toString(inputShape) + " the main branch gives " + Arrays.toString(out) + " and the shortcut "
                    + (shortcut.isEmpty() ? "(the identity) " : "") + "gives " + Arrays.toString(s)
                    + (shortcut.isEmpty() ? "; give the block a projection shortcut (for example ConvLayers.basicBlock(filters, "
                    + "stride, true): a 1x1 convolution with the main branch's stride and filters, and a batch norm)"
                    : "; make the shortcut's filters and stride match the main branch's"));
        }
        return out.clone();
    }

    @Override
    public long parameterCount(long[] inputShape) {
        long[] a = new long[main.size() + 1];
        long[] b = new long[shortcut.size() + 1];
        Chain.shapes("the residual block's main branch: ", main, inputShape, a);
        Chain.shapes("the residual block's shortcut: ", shortcut, inputShape, b);
        return Math.addExact(a[main.size()], b[shortcut.size()]);
    }

    /** The main branch's slices, then the shortcut's after them. */
    @Override
    public List<ParameterSlice> parameterSlices(long[] inputShape) {
        long[] a = new long[main.size() + 1];
        Chain.shapes("the residual block's main branch: ", main, inputShape, a);
        List<ParameterSlice> out = new ArrayList<>(slices(main, inputShape, 0));
        out.addAll(slices(shortcut, inputShape, a[main.size()]));
        return out;
    }

    /** Every layer's slices, shifted to where they lie in the branch's slice, then by {@code offset}. */
    private static List<ParameterSlice> slices(List<Layer> layers, long[] inputShape, long offset) {
        List<ParameterSlice> out = new ArrayList<>();
        for (ParameterSlice s : ParameterSlice.chain(layers, inputShape)) {
            out.add(s.shift(offset));
        }
        return out;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("main_layers", main.size());
        m.put("shortcut_layers", shortcut.size());
        m.put("relu", relu);
        return m;
    }

    /** The main branch's layers under {@code main.0}, {@code main.1}, ..., then the shortcut's under {@code shortcut.0}, .... */
    @Override
    public Map<String, Layer> children() {
        Map<String, Layer> m = new LinkedHashMap<>();
        for (int j = 0; j < main.size(); j++) {
            m.put("main." + j, main.get(j));
        }
        for (int j = 0; j < shortcut.size(); j++) {
            m.put("shortcut." + j, shortcut.get(j));
        }
        return Collections.unmodifiableMap(m);
    }

    /** {@code residual_block (5+2, relu)}: the branches' layer counts, and the ReLU when there is one. */
    @Override
    public String summaryName() {
        return TYPE + " (" + main.size() + "+" + shortcut.size() + (relu ? ", relu)" : ")");
    }

    /**
     * On the packed path, a residual step with a shortcut ({@link PackedSteps#residual(List, List,
     * Activation)}): the branches' layers (each must have a packed form), then the ReLU.
     */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
        steps.residual(main, shortcut, relu ? Activation.RELU : Activation.IDENTITY);
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        long[] outShape = outputShape(inputShape);
        Chain m = new Chain("the residual block's main branch: ", main, inputShape, dataType);
        Chain s;
        try {
            s = new Chain("the residual block's shortcut: ", shortcut, inputShape, dataType);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return new Instance(m, s, inputShape.clone(), outShape, dataType);
    }

    /** Values per heap block of the element-wise passes. */
    private static final int BLOCK = 4096;

    private final class Instance implements Layer.Instance {
        private final Chain mainBranch;
        private final Chain shortBranch;
        private final long[] inShape;
        private final long[] outShape;
        private final Workspace buffers;
        private final double[] a = new double[BLOCK];
        private final double[] b = new double[BLOCK];
        private final float[] tmp = new float[BLOCK];
        /** float32 blocks for the float32 passes (in {@link RunKernel#CURRENT}). */
        private final float[] fa = new float[BLOCK];
        private final float[] fb = new float[BLOCK];

        Instance(Chain mainBranch, Chain shortBranch, long[] inShape, long[] outShape, DataType dataType) {
            this.mainBranch = mainBranch;
            this.shortBranch = shortBranch;
            this.inShape = inShape;
            this.outShape = outShape;
            buffers = new Workspace(dataType);
        }

        @Override
        public void bind(INDArray params, INDArray grads) {
            if (params != null) {
                mainBranch.bind(params, grads, 0);
                shortBranch.bind(params, grads, mainBranch.parameterCount());
            }
        }

        @Override
        public void initialise(SplittableRandom random) {
            mainBranch.initialise(random);
            shortBranch.initialise(random);
        }

        @Override
        public INDArray forward(INDArray x, boolean training) {
            INDArray gm = mainBranch.forward(x, training);
            INDArray gs = shortcut.isEmpty() ? x : shortBranch.forward(x, training);
            long batch = x.size(0);
            INDArray y = buffers.batch("y", batch, outShape);
            add(Buf.of(gm), Buf.of(gs), Buf.of(y), Math.toIntExact(y.length()), relu);
            return y;
        }

        @Override
        public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
            long batch = x.size(0);
            INDArray dz = dy;
            if (relu) {
                dz = buffers.batch("dz", batch, outShape);
                reluBackward(Buf.of(dy), Buf.of(y), Buf.of(dz), Math.toIntExact(dz.length()));
            }
            INDArray dm = mainBranch.backward(dz, needInput);
            INDArray ds = shortcut.isEmpty() ? dz : shortBranch.backward(dz, needInput);
            if (!needInput) {
                return null;
            }
            INDArray dx = buffers.batch("dx", batch, inShape);
            add(Buf.of(dm), Buf.of(ds), Buf.of(dx), Math.toIntExact(dx.length()), false);
            return dx;
        }

        /** to = p + q, then max(·, 0) when {@code rectify}, block by block. */
        private void add(Buf p, Buf q, Buf to, int n, boolean rectify) {
            if (p.isFloat() && q.isFloat() && to.isFloat()) { // float32: the same values (a float sum rounds as the double one does)
                for (int from = 0; from < n; from += BLOCK) {
                    int len = Math.min(BLOCK, n - from);
                    p.read(from, fa, 0, len);
                    q.read(from, fb, 0, len);
                    if (rectify) {
                        RunKernel.CURRENT.addRelu(fa, fb, len);
                    } else {
                        RunKernel.CURRENT.addTo(fb, 0, fa, 0, len);
                    }
                    to.write(from, fa, 0, len);
                }
                return;
            }
            for (int from = 0; from < n; from += BLOCK) {
                int len = Math.min(BLOCK, n - from);
                p.get(from, a, tmp, len);
                q.get(from, b, tmp, len);
                if (rectify) {
                    for (int i = 0; i < len; i++) {
                        a[i] = Math.max(a[i] + b[i], 0.0);
                    }
                } else {
                    for (int i = 0; i < len; i++) {
                        a[i] += b[i];
                    }
                }
                to.put(from, a, tmp, len);
            }
        }

        /** dz = dy where y &gt; 0, else 0 (y = max(z, 0), so y &gt; 0 exactly where z &gt; 0). */
        private void reluBackward(Buf dy, Buf y, Buf dz, int n) {
            if (dy.isFloat() && y.isFloat() && dz.isFloat()) {
                for (int from = 0; from < n; from += BLOCK) {
                    int len = Math.min(BLOCK, n - from);
                    dy.read(from, fa, 0, len);
                    y.read(from, fb, 0, len);
                    RunKernel.CURRENT.reluBackward(fa, fb, len);
                    dz.write(from, fa, 0, len);
                }
                return;
            }
            for (int from = 0; from < n; from += BLOCK) {
                int len = Math.min(BLOCK, n - from);
                dy.get(from, a, tmp, len);
                y.get(from, b, tmp, len);
                for (int i = 0; i < len; i++) {
                    a[i] = b[i] > 0 ? a[i] : 0.0;
                }
                dz.put(from, a, tmp, len);
            }
        }

        @Override
        public void close() {
            mainBranch.close();
            shortBranch.close();
            buffers.close();
        }
    }

    /** Reads a {@code residual_block} back from a model file. */
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
            int n = c.count("main_layers");
            if (n < 1) {
                throw c.error("main_layers=" + n + "; a residual block's main branch has at least one layer");
            }
            List<Layer> m = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                m.add(c.layer("main." + j));
            }
            int k = c.count("shortcut_layers");
            List<Layer> s = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                s.add(c.layer("shortcut." + j));
            }
            return new ResidualBlock(m, s, c.flag("relu"));
        }
    }
}
