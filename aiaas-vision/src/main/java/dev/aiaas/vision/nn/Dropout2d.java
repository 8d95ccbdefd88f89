package dev.aiaas.vision.nn;

import dev.aiaas.core.nn.Workspace;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.LayerDecoder;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.PackedLayer;
import dev.aiaas.core.nn.PackedSteps;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Spatial dropout (Tompson et al. 2015; PyTorch's {@code nn.Dropout2d}, Keras's
 * {@code SpatialDropout2D}): in training, each channel of each example is dropped whole, with
 * probability p, and the kept ones are scaled by 1/(1 − p):
 *
 * <pre>
 * y[b, c, i, j] = x[b, c, i, j] · m[b, c] / (1 − p),    m[b, c] ∈ {0, 1}, 0 with probability p
 * </pre>
 *
 * outside training y = x. Neighbouring pixels of a feature map are strongly correlated, so dropping
 * single pixels (core's {@code Dropout}) barely regularises a convolution; dropping whole maps does.
 * No parameters. Shapes: x and y {@code [B, C, H, W]}. Gradient: ∂L/∂x = ∂L/∂y ⊙ m / (1 − p), with
 * the mask of the last training forward pass.
 *
 * <p>Masks come from a random stream owned by the instance, seeded in
 * {@link Layer.Instance#initialise} from the model's initialisation stream, as core's
 * {@code Dropout}: the same model seed gives the same masks, hence bit-identical training; each
 * training {@code forward} draws B·C new mask values, example after example, channel after channel.
 * A model loaded from a file restarts that stream from the model's seed.
 *
 * @param rate p, the fraction of channels zeroed in training, in [0, 1)
 */
public record Dropout2d(double rate) implements PackedLayer {

    /** The type name. */
    public static final String TYPE = "dropout2d";

    /**
     * Validates the rate.
     *
     * @param rate p, in [0, 1)
     */
    public Dropout2d {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("rate must be in [0, 1) (the fraction of channels dropped). Received: rate=" + rate);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        Images.chw(TYPE, inputShape);
        return inputShape.clone();
    }

    @Override
    public long parameterCount(long[] inputShape) {
        Images.chw(TYPE, inputShape);
        return 0;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", rate);
        return m;
    }

    /** {@code dropout2d (p)}, the rate shown. */
    @Override
    public String summaryName() {
        return TYPE + " (" + rate + ")";
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        int[] chw = Images.chw(TYPE, inputShape);
        return new Instance(chw[0], chw[1] * chw[2], inputShape.clone(), dataType);
    }

    private final class Instance implements Layer.Instance {
        private final int channels;
        private final int area;
        private final long[] shape;
        private final Workspace buffers;
        private final double scale = 1 / (1 - rate);
        private SplittableRandom masks = new SplittableRandom(0);
        private boolean lastTraining;
        private double[] mask = new double[0]; // B·C factors m/(1 − p), index b + B·c
        private double[] run = new double[0];
        private float[] tmp = new float[0];

        Instance(int channels, int area, long[] shape, DataType dataType) {
            this.channels = channels;
            this.area = area;
            this.shape = shape;
            buffers = new Workspace(dataType);
        }

        @Override
        public void bind(INDArray params, INDArray grads) {
        }

        @Override
        public void initialise(SplittableRandom random) {
            masks = new SplittableRandom(random.nextLong());
        }

        @Override
        public INDArray forward(INDArray x, boolean training) {
            lastTraining = training && rate > 0;
            int batch = Math.toIntExact(x.size(0));
            Images.batchValues(batch, (long) channels * area, TYPE);
            int width = batch * channels; // in 'f' order, position (i, j) holds C runs of B values: B·C values in a row
            ensure(width);
            if (lastTraining) {
                for (int k = 0; k < width; k++) { // k = b + B·c: example after example within a channel
                    mask[k] = masks.nextDouble() < rate ? 0.0 : scale;
                }
            }
            INDArray y = buffers.batch("y", batch, shape);
            apply(Buf.of(x), Buf.of(y), width, lastTraining);
            return y;
        }

        @Override
        public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
            if (!needInput) {
                return null;
            }
            int batch = Math.toIntExact(x.size(0));
            INDArray dx = buffers.batch("dx", batch, shape);
            apply(Buf.of(dy), Buf.of(dx), batch * channels, lastTraining);
            return dx;
        }

        /** to = from ⊙ mask (repeated at every position) when masking, else a copy. */
        private void apply(Buf from, Buf to, int width, boolean masking) {
            for (int q = 0; q < area; q++) {
                int at = q * width;
                from.get(at, run, tmp, width);
                if (masking) {
                    for (int k = 0; k < width; k++) {
                        run[k] *= mask[k];
                    }
                }
                to.put(at, run, tmp, width);
            }
        }

        private void ensure(int width) {
            if (mask.length < width) {
                mask = new double[width];
                run = new double[width];
                tmp = new float[width];
            }
        }

        @Override
        public void close() {
            buffers.close();
        }
    }

    /** The identity on the packed path: dropout is the identity at inference. */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
    }

    /** Reads a {@code dropout2d} back from a model file. */
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
            double rate = c.number("rate");
            if (!(rate >= 0 && rate < 1)) {
                throw c.error("rate=" + rate + " is not a dropout rate; expected a number in [0, 1)");
            }
            return new Dropout2d(rate);
        }
    }
}
