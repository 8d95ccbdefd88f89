package dev.aiaas.vision.nn;

import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.ModelFormatException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The window of a 2-D pooling layer ({@link MaxPool2d}, {@link AvgPool2d}): its size, stride and
 * padding, validated once, with what both layers derive from it (the two axes, the output shape,
 * the model-file config and the summary name).
 *
 * @param kernelHeight  kH, at least 1
 * @param kernelWidth   kW, at least 1
 * @param strideHeight  s_h, at least 1
 * @param strideWidth   s_w, at least 1
 * @param paddingHeight p_h, in [0, kH/2]
 * @param paddingWidth  p_w, in [0, kW/2]
 */
record PoolWindow(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth) {

    PoolWindow {
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

    /** Reads the six integers a pooling layer writes to the model file. */
    static PoolWindow read(LayerConfig c) throws ModelFormatException {
        return new PoolWindow(c.integer("kernel_h"), c.integer("kernel_w"), c.integer("stride_h"), c.integer("stride_w"),
                c.integer("padding_h"), c.integer("padding_w"));
    }

    /** The row and column axes for an input {@code [C, H, W]}; throws naming {@code type} when it does not fit. */
    Axis[] axes(String type, long[] inputShape) {
        int[] chw = Images.chw(type, inputShape);
        return new Axis[] {Axis.of(type, "row", chw[1], kernelHeight, strideHeight, 1, false, paddingHeight),
                Axis.of(type, "column", chw[2], kernelWidth, strideWidth, 1, false, paddingWidth)};
    }

    /** {@code [C, H', W']} for an input {@code [C, H, W]}. */
    long[] outputShape(String type, long[] inputShape) {
        Axis[] a = axes(type, inputShape);
        return new long[] {inputShape[0], a[0].out(), a[1].out()};
    }

    /** The model-file config, in the order {@link #read} takes it. */
    Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel_h", kernelHeight);
        m.put("kernel_w", kernelWidth);
        m.put("stride_h", strideHeight);
        m.put("stride_w", strideWidth);
        m.put("padding_h", paddingHeight);
        m.put("padding_w", paddingWidth);
        return m;
    }

    /** {@code TYPE 2x2}, with the stride when it differs from the window. */
    String summaryName(String type) {
        String s = type + " " + kernelHeight + "x" + kernelWidth;
        return strideHeight == kernelHeight && strideWidth == kernelWidth ? s : s + " s" + strideHeight + "x" + strideWidth;
    }
}
