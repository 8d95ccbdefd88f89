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
 * Average pooling over 2-D windows, per channel, in NCHW layout:
 *
 * <pre>
 * y[b, c, i, j] = (1 / (kH·kW)) Σ over the window of x[b, c, i·s_h − p_h + u, j·s_w − p_w + v]
 * </pre>
 *
 * <p>Padded positions count as 0 and the divisor is always kH·kW (PyTorch's
 * {@code count_include_pad=True}). ∂L/∂x spreads each ∂L/∂y evenly over its window.
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
public record AvgPool2d(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight,
                        int paddingWidth) implements PackedLayer {

    /** The type name. */
    public static final String TYPE = "avg_pool2d";

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
    public AvgPool2d {
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

    /** {@code avg_pool2d 2x2}, with the stride when it differs from the window. */
    @Override
    public String summaryName() {
        return window().summaryName(TYPE);
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        Axis[] a = window().axes(TYPE, inputShape);
        return new Pooling(false, (int) inputShape[0], a[0], a[1], dataType);
    }

    /**
     * On the packed path, a mean over windows ({@link PackedSteps#windowMean}): output (c, i, j)
     * over the kH·kW input values (c, i·s_h − p_h + u, j·s_w − p_w + v), those outside the image
     * adding 0 (the divisor stays kH·kW).
     */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
        Axis[] a = window().axes(TYPE, inputShape);
        int c = Math.toIntExact(inputShape[0]);
        steps.windowMean(c * a[0].out() * a[1].out(), PackedWindows.of(c, a[0], a[1], kernelHeight, kernelWidth));
    }

    /** Reads a {@code avg_pool2d} back from a model file. */
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
            return new AvgPool2d(w.kernelHeight(), w.kernelWidth(), w.strideHeight(), w.strideWidth(), w.paddingHeight(), w.paddingWidth());
        }
    }
}
