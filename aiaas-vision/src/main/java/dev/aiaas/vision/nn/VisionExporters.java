package dev.aiaas.vision.nn;

import dev.aiaas.core.nn.Chain;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.onnx.LayerExporter;
import dev.aiaas.core.onnx.OnnxGraph;
import dev.aiaas.core.onnx.OnnxGraph.Attribute;
import java.util.List;

/**
 * The ONNX form of the vision layers, one {@link LayerExporter} per type, listed in
 * {@code META-INF/services/dev.aiaas.core.onnx.LayerExporter} so that
 * {@link dev.aiaas.core.onnx.OnnxExport} finds them. Inference semantics: 2-D dropout is the
 * identity and 2-D batch normalisation uses its running statistics. {@code same} padding is
 * written as the explicit pads it amounts to (more after than before when the total is odd, as in
 * TensorFlow), so no {@code auto_pad} is needed.
 */
public final class VisionExporters {
    private VisionExporters() {
    }

    /** ONNX's {@code pads} for a row axis and a column axis: {@code [top, left, bottom, right]}. */
    static long[] pads(Axis h, Axis w) {
        return new long[] {h.padBefore(), w.padBefore(), after(h), after(w)};
    }

    /** The padding after the last input that the axis's last window reaches into (0 when it stops inside). */
    private static long after(Axis a) {
        long span = (long) a.dilation() * (a.kernel() - 1) + 1;
        return Math.max(0, (long) (a.out() - 1) * a.stride() + span - a.in() - a.padBefore());
    }

    private static long[] ints(Axis h, Axis w, boolean kernel) {
        return kernel ? new long[] {h.kernel(), w.kernel()} : new long[] {h.stride(), w.stride()};
    }

    /** {@code conv2d} as {@code Conv} (W is already {@code [F, C/G, kH, kW]} row-major in θ). */
    public static final class Conv implements LayerExporter {
        /** For {@link java.util.ServiceLoader}. */
        public Conv() {
        }

        @Override
        public String type() {
            return Conv2d.TYPE;
        }

        @Override
        public String export(Layer layer, OnnxGraph g, String input, long[] shape, double[] p) {
            Conv2d c = (Conv2d) layer;
            int[] chw = Images.chw(Conv2d.TYPE, shape);
            Axis h = Axis.of(Conv2d.TYPE, "row", chw[1], c.kernelHeight(), c.strideHeight(), c.dilationHeight(),
                    c.padding().sameSize(), c.padding().height());
            Axis w = Axis.of(Conv2d.TYPE, "column", chw[2], c.kernelWidth(), c.strideWidth(), c.dilationWidth(),
                    c.padding().sameSize(), c.padding().width());
            long[] wShape = {c.filters(), chw[0] / c.groups(), c.kernelHeight(), c.kernelWidth()};
            String weights = g.floats("conv_W", wShape, p, 0);
            List<String> inputs = c.useBias()
                    ? List.of(input, weights, g.floats("conv_b", new long[] {c.filters()}, p, Math.toIntExact(wShape[0] * wShape[1]
                    * wShape[2] * wShape[3])))
                    : List.of(input, weights);
            return g.node("Conv", inputs, Attribute.ints("kernel_shape", ints(h, w, true)), Attribute.ints("strides", ints(h, w, false)),
                    Attribute.ints("dilations", c.dilationHeight(), c.dilationWidth()), Attribute.of("group", (long) c.groups()),
                    Attribute.ints("pads", pads(h, w)));
        }
    }

    /** The window of a pooling layer over an input {@code [C, H, W]}. */
    private static Axis[] window(String type, long[] shape, int kh, int kw, int sh, int sw, int ph, int pw) {
        int[] chw = Images.chw(type, shape);
        return new Axis[] {Axis.of(type, "row", chw[1], kh, sh, 1, false, ph), Axis.of(type, "column", chw[2], kw, sw, 1, false, pw)};
    }

    /** {@code max_pool2d} as {@code MaxPool}. */
    public static final class MaxPool implements LayerExporter {
        /** For {@link java.util.ServiceLoader}. */
        public MaxPool() {
        }

        @Override
        public String type() {
            return MaxPool2d.TYPE;
        }

        @Override
        public String export(Layer layer, OnnxGraph g, String input, long[] shape, double[] p) {
            MaxPool2d m = (MaxPool2d) layer;
            Axis[] a = window(MaxPool2d.TYPE, shape, m.kernelHeight(), m.kernelWidth(), m.strideHeight(), m.strideWidth(),
                    m.paddingHeight(), m.paddingWidth());
            return g.node("MaxPool", List.of(input), Attribute.ints("kernel_shape", ints(a[0], a[1], true)),
                    Attribute.ints("strides", ints(a[0], a[1], false)), Attribute.ints("pads", pads(a[0], a[1])));
        }
    }

    /** {@code avg_pool2d} as {@code AveragePool}, padded positions counted (count_include_pad). */
    public static final class AvgPool implements LayerExporter {
        /** For {@link java.util.ServiceLoader}. */
        public AvgPool() {
        }

        @Override
        public String type() {
            return AvgPool2d.TYPE;
        }

        @Override
        public String export(Layer layer, OnnxGraph g, String input, long[] shape, double[] p) {
            AvgPool2d m = (AvgPool2d) layer;
            Axis[] a = window(AvgPool2d.TYPE, shape, m.kernelHeight(), m.kernelWidth(), m.strideHeight(), m.strideWidth(),
                    m.paddingHeight(), m.paddingWidth());
            return g.node("AveragePool", List.of(input), Attribute.ints("kernel_shape", ints(a[0], a[1], true)),
                    Attribute.ints("strides", ints(a[0], a[1], false)), Attribute.ints("pads", pads(a[0], a[1])),
                    Attribute.of("count_include_pad", 1L));
        }
    }

    /** {@code global_avg_pool} as {@code GlobalAveragePool} then {@code Flatten}: {@code [N, C]}. */
    public static final class GlobalAvg implements LayerExporter {
        /** For {@link java.util.ServiceLoader}. */
        public GlobalAvg() {
        }

        @Override
        public String type() {
            return GlobalAvgPool.TYPE;
        }

        @Override
        public String export(Layer layer, OnnxGraph g, String input, long[] shape, double[] p) {
            return g.node("Flatten", List.of(g.node("GlobalAveragePool", List.of(input))), Attribute.of("axis", 1L));
        }
    }

    /** {@code batch_norm2d} as {@code BatchNormalization} with the running statistics. */
    public static final class BatchNorm implements LayerExporter {
        /** For {@link java.util.ServiceLoader}. */
        public BatchNorm() {
        }

        @Override
        public String type() {
            return BatchNorm2d.TYPE;
        }

        @Override
        public String export(Layer layer, OnnxGraph g, String input, long[] shape, double[] p) {
            int c = Images.chw(BatchNorm2d.TYPE, shape)[0];
            long[] dims = {c};
            return g.node("BatchNormalization", List.of(input, g.floats("gamma", dims, p, 0), g.floats("beta", dims, p, c),
                    g.floats("mean", dims, p, 2 * c), g.floats("var", dims, p, 3 * c)),
                    Attribute.of("epsilon", ((BatchNorm2d) layer).epsilon()));
        }
    }

    /** {@code flatten} as {@code Flatten} (row-major, the layer's order). */
    public static final class FlattenExporter implements LayerExporter {
        /** For {@link java.util.ServiceLoader}. */
        public FlattenExporter() {
        }

        @Override
        public String type() {
            return Flatten.TYPE;
        }

        @Override
        public String export(Layer layer, OnnxGraph g, String input, long[] shape, double[] p) {
            return g.node("Flatten", List.of(input), Attribute.of("axis", 1L));
        }
    }

    /** {@code unflatten} as {@code Reshape} to {@code [-1, C, H, W]}. */
    public static final class UnflattenExporter implements LayerExporter {
        /** For {@link java.util.ServiceLoader}. */
        public UnflattenExporter() {
        }

        @Override
        public String type() {
            return Unflatten.TYPE;
        }

        @Override
        public String export(Layer layer, OnnxGraph g, String input, long[] shape, double[] p) {
            Unflatten u = (Unflatten) layer;
            return g.node("Reshape", List.of(input, g.longs("shape", -1, u.channels(), u.height(), u.width())));
        }
    }

    /** {@code dropout2d}: the identity at inference. */
    public static final class Dropout implements LayerExporter {
        /** For {@link java.util.ServiceLoader}. */
        public Dropout() {
        }

        @Override
        public String type() {
            return Dropout2d.TYPE;
        }

        @Override
        public String export(Layer layer, OnnxGraph g, String input, long[] shape, double[] p) {
            return input;
        }
    }

    /** {@code residual_block}: both branches, {@code Add}, then {@code Relu} when the block has it. */
    public static final class Residual implements LayerExporter {
        /** For {@link java.util.ServiceLoader}. */
        public Residual() {
        }

        @Override
        public String type() {
            return ResidualBlock.TYPE;
        }

        @Override
        public String export(Layer layer, OnnxGraph g, String input, long[] shape, double[] p) {
            ResidualBlock r = (ResidualBlock) layer;
            long[] offsets = new long[r.main().size() + 1];
            Chain.shapes("the residual block's main branch: ", r.main(), shape, offsets);
            String main = g.layers(r.main(), input, shape, p, 0);
            String shortcut = r.shortcut().isEmpty() ? input
                    : g.layers(r.shortcut(), input, shape, p, Math.toIntExact(offsets[r.main().size()]));
            String sum = g.node("Add", List.of(main, shortcut));
            return r.relu() ? g.node("Relu", List.of(sum)) : sum;
        }
    }
}
