package dev.aiaas.vision.nn;

import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.LayerDecoder;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.nn.Layer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Max pooling over 2-D windows, per channel, in NCHW layout:
 *
 * <pre>
 * y[b, c, i, j] = max over the window of x[b, c, i·s_h − p_h + u, j·s_w − p_w + v], u in [0, kH), v in [0, kW)
 * </pre>
 *
 * <p>Padded positions are −∞ (never the maximum: the padding is at most half the kernel, so every
 * window holds an input). ∂L/∂x routes each ∂L/∂y to the position of its window that holds the
 * maximum, the first in row-major order on ties (a NaN counts as the maximum), as PyTorch does.
 *
 * <p>Shapes: x {@code [B, C, H, W]}, y {@code [B, C, H', W']} with
 * {@code H' = floor((H + 2·p_h − kH) / s_h) + 1} (and the same for W'). No parameters.
 *
 * @param kernelHeight  kH, at least 1
 * @param kernelWidth   kW, at least 1
 * @param strideHeight  s_h, at least 1 (usually kH)
 * @param strideWidth   s_w, at least 1 (usually kW)
 * @param paddingHeight p_h, rows of padding above and below, in [0, kH/2]
 * @param paddingWidth  p_w, columns of padding left and right, in [0, kW/2]
 */
public record MaxPool2d(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight,
                        int paddingWidth) implements Layer {

    /** The type name. */
    public static final String TYPE = "max_pool2d";

    /**
     * Validates the settings.
     *
     * @param kernelHeight  kH, at least 1
     * @param kernelWidth   kW, at least 1
     * @param strideHeight  s_h, at least 1
     * @param strideWidth   s_w, at least 1
     * @param paddingHeight p_h, in [0, kH/2]
     * @param paddingWidth  p_w, in [0, kW/2]
     */
    public MaxPool2d {
        Images.positive("kernelHeight", kernelHeight);
        Images.positive("kernelWidth", kernelWidth);
        Images.positive("strideHeight", strideHeight);
        Images.positive("strideWidth", strideWidth);
        if (paddingHeight < 0 || paddingWidth < 0 || 2 * paddingHeight > kernelHeight || 2 * paddingWidth > kernelWidth) {
            throw new IllegalArgumentException("pooling padding must be in [0, kernel/2] on each axis (so that every window holds an "
                    + "input). Received: paddingHeight=" + paddingHeight + ", paddingWidth=" + paddingWidth + " for a "
                    + kernelHeight + "x" + kernelWidth + " window");
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    private Axis[] axes(long[] inputShape) {
        int[] chw = Images.chw(TYPE, inputShape);
        return new Axis[] {Axis.of(TYPE, "row", chw[1], kernelHeight, strideHeight, 1, false, paddingHeight),
                Axis.of(TYPE, "column", chw[2], kernelWidth, strideWidth, 1, false, paddingWidth)};
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        Axis[] a = axes(inputShape);
        return new long[] {inputShape[0], a[0].out(), a[1].out()};
    }

    @Override
    public long parameterCount(long[] inputShape) {
        axes(inputShape);
        return 0;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel_h", kernelHeight);
        m.put("kernel_w", kernelWidth);
        m.put("stride_h", strideHeight);
        m.put("stride_w", strideWidth);
        m.put("padding_h", paddingHeight);
        m.put("padding_w", paddingWidth);
        return m;
    }

    /** {@code max_pool2d 2x2}, with the stride when it differs from the window. */
    @Override
    public String summaryName() {
        String s = TYPE + " " + kernelHeight + "x" + kernelWidth;
        return strideHeight == kernelHeight && strideWidth == kernelWidth ? s : s + " s" + strideHeight + "x" + strideWidth;
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        Axis[] a = axes(inputShape);
        return new Pooling(true, (int) inputShape[0], a[0], a[1], dataType);
    }

    /** Reads a {@code max_pool2d} back from a model file. */
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
            return new MaxPool2d(c.integer("kernel_h"), c.integer("kernel_w"), c.integer("stride_h"), c.integer("stride_w"),
                    c.integer("padding_h"), c.integer("padding_w"));
        }
    }
}
