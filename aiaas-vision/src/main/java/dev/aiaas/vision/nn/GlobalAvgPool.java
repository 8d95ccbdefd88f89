package dev.aiaas.vision.nn;

import dev.aiaas.core.nn.Workspace;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.LayerDecoder;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.PackedLayer;
import dev.aiaas.core.nn.PackedSteps;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Global average pooling: each channel's mean over the whole image, y[b, c] = (1 / (H·W))
 * Σ_{i, j} x[b, c, i, j]; ∂L/∂x[b, c, i, j] = ∂L/∂y[b, c] / (H·W).
 *
 * <p>Shapes: x {@code [B, C, H, W]}, y {@code [B, C]} (flat, ready for a dense layer). No
 * parameters, no settings.
 */
public record GlobalAvgPool() implements PackedLayer {

    /** The type name. */
    public static final String TYPE = "global_avg_pool";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return new long[] {Images.chw(TYPE, inputShape)[0]};
    }

    @Override
    public long parameterCount(long[] inputShape) {
        Images.chw(TYPE, inputShape);
        return 0;
    }

    @Override
    public Map<String, Object> config() {
        return Map.of();
    }

    /** On the packed path, a mean over windows ({@link PackedSteps#windowMean}): channel c's H·W values. */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
        int[] chw = Images.chw(TYPE, inputShape);
        int area = chw[1] * chw[2];
        int[] index = new int[Math.multiplyExact(chw[0], area)];
        for (int i = 0; i < index.length; i++) {
            index[i] = i; // channel c's window is its values c·H·W .. (c + 1)·H·W − 1
        }
        steps.windowMean(chw[0], index);
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        int[] chw = Images.chw(TYPE, inputShape);
        int channels = chw[0];
        int area = chw[1] * chw[2];
        long[] inShape = inputShape.clone();
        long[] outShape = {channels};
        Workspace buffers = new Workspace(dataType);
        Heap xs = Heap.of(dataType);
        Heap ys = Heap.of(dataType);
        return new Layer.Instance() {
            @Override
            public void bind(INDArray params, INDArray grads) {
            }

            @Override
            public void initialise(SplittableRandom random) {
            }

            @Override
            public INDArray forward(INDArray x, boolean training) {
                int batch = Math.toIntExact(x.size(0));
                int n = Images.batchValues(batch, (long) channels * area, TYPE);
                int outN = batch * channels;
                xs.ensure(n).read(Buf.of(x), 0, 0, n);
                ys.ensure(outN).fill(0, outN, 0.0);
                for (int p = 0; p < area; p++) { // x's runs in memory order: position p holds C runs of B
                    for (int c = 0; c < channels; c++) {
                        xs.addTo(batch * (c + channels * p), ys, batch * c, batch);
                    }
                }
                ys.scale(0, outN, 1.0 / area);
                INDArray y = buffers.batch("y", batch, outShape);
                ys.write(Buf.of(y), 0, 0, outN);
                return y;
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                if (!needInput) {
                    return null;
                }
                int batch = Math.toIntExact(x.size(0));
                int n = batch * channels * area;
                ys.ensure(batch * channels).read(Buf.of(dy), 0, 0, batch * channels);
                xs.ensure(n).fill(0, n, 0.0);
                for (int p = 0; p < area; p++) {
                    for (int c = 0; c < channels; c++) {
                        ys.addScaledTo(batch * c, xs, batch * (c + channels * p), batch, 1.0 / area);
                    }
                }
                INDArray dx = buffers.batch("dx", batch, inShape);
                xs.write(Buf.of(dx), 0, 0, n);
                return dx;
            }

            @Override
            public void close() {
                buffers.close();
            }
        };
    }

    /** Reads a {@code global_avg_pool} back from a model file. */
    public static final class Decoder implements LayerDecoder {
        /** For {@link java.util.ServiceLoader}. */
        public Decoder() {
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Layer decode(LayerConfig c) {
            return new GlobalAvgPool();
        }
    }
}
