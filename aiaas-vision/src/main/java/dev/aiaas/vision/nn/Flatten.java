package dev.aiaas.vision.nn;

import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.LayerDecoder;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.PackedLayer;
import dev.aiaas.core.nn.PackedSteps;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Images to flat feature vectors, for the dense layers after a convolutional stack:
 * {@code [C, H, W]} to {@code [C·H·W]}, value (c, i, j) becoming feature {@code c·H·W + i·W + j}
 * (row-major: PyTorch's {@code nn.Flatten} order, and DL4J's between a convolution and a dense
 * layer, so that a dense layer's weights mean the same in the three).
 *
 * <p>Why a copy and not a view: activations are 'f'-order arrays (the {@code Layer} contract), in
 * which an image batch {@code [B, C, H, W]} is already the matrix {@code [B, C·H·W]}, but with
 * feature {@code c + C·(i + H·j)}; taking that view would tie every dense weight after it to this
 * library's memory layout. The copy moves runs of B values (one pass over a small tensor after
 * pooling). No parameters.
 */
public record Flatten() implements PackedLayer {

    /** The type name. */
    public static final String TYPE = "flatten";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        int[] chw = Images.chw(TYPE, inputShape);
        return new long[] {(long) chw[0] * chw[1] * chw[2]};
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

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        int[] chw = Images.chw(TYPE, inputShape);
        return new Permutation(TYPE, rowMajorPlaces(chw[0], chw[1], chw[2]), inputShape.clone(), outputShape(inputShape), dataType);
    }

    /** For each (c, i, j) in 'f' order (index c + C·(i + H·j)), its row-major index c·H·W + i·W + j. */
    static int[] rowMajorPlaces(int c, int h, int w) {
        int[] to = new int[c * h * w];
        for (int j = 0; j < w; j++) {
            for (int i = 0; i < h; i++) {
                for (int k = 0; k < c; k++) {
                    to[k + c * (i + h * j)] = (k * h + i) * w + j;
                }
            }
        }
        return to;
    }

    /** The identity on the packed path: a row holds an image's values in row-major order already. */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
    }

    /** Reads a {@code flatten} back from a model file. */
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
            return new Flatten();
        }
    }
}
