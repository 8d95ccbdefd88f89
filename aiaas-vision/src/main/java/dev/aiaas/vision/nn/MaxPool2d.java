package dev.aiaas.vision.nn;

import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.LayerDecoder;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.PackedLayer;
import dev.aiaas.core.nn.PackedSteps;
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
                        int paddingWidth) implements PackedLayer {

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
        new PoolWindow(kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth); // validates
    }

    private PoolWindow window() {
        return new PoolWindow(kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return window().outputShape(TYPE, inputShape);
    }

    @Override
    public long parameterCount(long[] inputShape) {
        window().axes(TYPE, inputShape);
        return 0;
    }

    @Override
    public Map<String, Object> config() {
        return window().config();
    }

    /** {@code max_pool2d 2x2}, with the stride when it differs from the window. */
    @Override
    public String summaryName() {
        return window().summaryName(TYPE);
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        Axis[] a = window().axes(TYPE, inputShape);
        return new Pooling(true, (int) inputShape[0], a[0], a[1], dataType);
    }

    /**
     * On the packed path, a maximum over windows ({@link PackedSteps#windowMax}): output
     * (c, i, j) over the input values (c, i·s_h − p_h + u, j·s_w − p_w + v) inside the image.
     */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
        Axis[] a = window().axes(TYPE, inputShape);
        int c = Math.toIntExact(inputShape[0]);
        int taps = kernelHeight * kernelWidth;
        int outputs = c * a[0].out() * a[1].out();
        int[] index = new int[Math.multiplyExact(outputs, taps)];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < a[0].out(); i++) {
                for (int j = 0; j < a[1].out(); j++) {
                    int base = ((ch * a[0].out() + i) * a[1].out() + j) * taps;
                    for (int u = 0; u < kernelHeight; u++) {
                        int y = a[0].at(i, u);
                        for (int v = 0; v < kernelWidth; v++) {
                            int x = a[1].at(j, v);
                            boolean inside = y >= 0 && y < a[0].in() && x >= 0 && x < a[1].in();
                            index[base + u * kernelWidth + v] = inside ? (ch * a[0].in() + y) * a[1].in() + x : -1;
                        }
                    }
                }
            }
        }
        steps.windowMax(outputs, index);
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
            PoolWindow w = PoolWindow.read(c);
            return new MaxPool2d(w.kernelHeight(), w.kernelWidth(), w.strideHeight(), w.strideWidth(), w.paddingHeight(), w.paddingWidth());
        }
    }
}
