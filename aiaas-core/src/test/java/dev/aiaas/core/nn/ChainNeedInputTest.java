package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.aiaas.core.backend.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which layers {@link Chain#backward} runs and what it asks of them: without ∂L/∂input, the
 * layers before the first one with parameters are not run backward, that layer is not asked for
 * ∂L/∂(its input), and every layer after it is; with ∂L/∂input every layer is asked.
 */
class ChainNeedInputTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** An identity layer without parameters that records each backward call's needInput. */
    private record Probe(List<String> log, String name) implements Layer {
        @Override
        public String type() {
            return "probe";
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
                    log.add(name + (needInput ? " needs" : " skips"));
                    return needInput ? dy : null;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private static List<String> backward(boolean needInput, List<String> log, INDArray[] dx) {
        List<Layer> layers = List.of(new Probe(log, "a"), new Probe(log, "b"), Layers.dense(3), new Probe(log, "c"), Layers.dense(2),
                new Probe(log, "d"));
        try (Chain chain = new Chain(layers, new long[] {4}, DataType.DOUBLE);
             INDArray params = Nd4j.create(DataType.DOUBLE, chain.parameterCount());
             INDArray grads = Nd4j.create(DataType.DOUBLE, chain.parameterCount());
             INDArray x = Nd4j.rand(DataType.DOUBLE, 'f', 5, 4);
             INDArray dy = Nd4j.ones(DataType.DOUBLE, 5, 2).dup('f')) {
            chain.bind(params, grads, 0);
            chain.initialise(new SplittableRandom(1));
            chain.forward(x, true);
            INDArray d = chain.backward(dy, needInput);
            dx[0] = d == null ? null : d.dup();
            double sum = 0;
            for (long i = 0; i < grads.length(); i++) {
                sum += Math.abs(grads.getDouble(i));
            }
            log.add(sum > 0 ? "gradients" : "no gradients");
        }
        return log;
    }

    @Test
    void theLayersBeforeTheFirstParametersAreNotRunBackward() {
        INDArray[] dx = new INDArray[1];
        assertEquals(List.of("d needs", "c needs", "gradients"), backward(false, new ArrayList<>(), dx));
        assertNull(dx[0]);
        assertEquals(List.of("d needs", "c needs", "b needs", "a needs", "gradients"), backward(true, new ArrayList<>(), dx));
        assertNotNull(dx[0]);
        assertEquals(20, dx[0].length());
    }
}
