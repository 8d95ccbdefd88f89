package dev.aiaas.vision.nn;

import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.LayerDecoder;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.PackedLayer;
import dev.aiaas.core.nn.PackedSteps;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Flat feature vectors to images, the inverse of {@link Flatten}: {@code [C·H·W]} to
 * {@code [C, H, W]}, feature {@code c·H·W + i·W + j} becoming value (c, i, j). That is the order
 * of an image file's pixels (IDX, MNIST: row by row, channel after channel), so a network whose
 * first layer is {@code unflatten(1, 28, 28)} takes the flat rows of {@code Mnist} and
 * {@code FashionMnist} datasets and trains with the ordinary {@code Trainer}, whose batches are
 * flat rows. Takes a row-major batch as it is (the trainer's batches), with no copy to 'f' order
 * first. No parameters.
 *
 * @param channels C, at least 1
 * @param height   H, at least 1
 * @param width    W, at least 1
 */
public record Unflatten(int channels, int height, int width) implements PackedLayer {

    /** The type name. */
    public static final String TYPE = "unflatten";

    /**
     * Validates the sizes.
     *
     * @param channels C, at least 1
     * @param height   H, at least 1
     * @param width    W, at least 1
     */
    public Unflatten {
        Images.positive("channels", channels);
        Images.positive("height", height);
        Images.positive("width", width);
        Images.chw(TYPE, new long[] {channels, height, width});
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        long n = (long) channels * height * width;
        if (inputShape.length != 1 || inputShape[0] != n) {
            throw new IllegalArgumentException(TYPE + "(" + channels + ", " + height + ", " + width + ") expects flat inputs of "
                    + n + " values, got shape " + java.util.Arrays.toString(inputShape)
                    + "; give it the channels, height and width of the images the rows hold");
        }
        return new long[] {channels, height, width};
    }

    @Override
    public long parameterCount(long[] inputShape) {
        outputShape(inputShape);
        return 0;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channels", channels);
        m.put("height", height);
        m.put("width", width);
        return m;
    }

    /** True: a row-major batch of flat rows is read row by row. */
    @Override
    public boolean acceptsRowMajorInput() {
        return true;
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        long[] out = outputShape(inputShape);
        int[] fromChw = Flatten.rowMajorPlaces(channels, height, width); // 'f' image index -> flat index
        int[] to = new int[fromChw.length];
        for (int f = 0; f < fromChw.length; f++) {
            to[fromChw[f]] = f; // flat index -> 'f' image index
        }
        return new Permutation(TYPE, to, inputShape.clone(), out, dataType);
    }

    /** The identity on the packed path: a row holds an image's values in row-major order already. */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
    }

    /** Reads an {@code unflatten} back from a model file. */
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
            return new Unflatten(c.integer("channels"), c.integer("height"), c.integer("width"));
        }
    }
}
