package dev.aiaas.cli;

import dev.aiaas.core.io.LayerConfig;
import dev.aiaas.core.io.LayerDecoder;
import dev.aiaas.core.nn.Layer;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A user's layer (y = x) that saves and loads (its decoder is listed in the test resources'
 * {@code META-INF/services}) but has no ONNX exporter: what {@code aiaas export} must refuse.
 */
public record PassThroughLayer() implements Layer {

    @Override
    public String type() {
        return "pass_through";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return inputShape.clone();
    }

    @Override
    public long parameterCount(long[] inputShape) {
        return 0;
    }

    @Override
    public Map<String, Object> config() {
        return Map.of();
    }

    @Override
    public Instance instantiate(long[] inputShape, DataType dataType) {
        return new Instance() {
            @Override
            public void bind(INDArray params, INDArray grads) {
            }

            @Override
            public void initialise(SplittableRandom random) {
            }

            @Override
            public INDArray forward(INDArray x, boolean training) {
                return x;
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                return needInput ? dy : null;
            }

            @Override
            public void close() {
            }
        };
    }

    /** Reads it back from a model file. */
    public static final class Decoder implements LayerDecoder {
        /** For {@link java.util.ServiceLoader}. */
        public Decoder() {
        }

        @Override
        public String type() {
            return "pass_through";
        }

        @Override
        public Layer decode(LayerConfig config) {
            return new PassThroughLayer();
        }
    }
}
