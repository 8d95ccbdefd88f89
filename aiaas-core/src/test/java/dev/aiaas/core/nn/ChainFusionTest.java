package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * {@link Chain} with layers that fuse with the one after them ({@link Layer#instantiateFused}):
 * the pair's instance runs in place of the two, forward and backward, is given the first layer's
 * input and the second's output, is asked for ∂L/∂input by the first layer's rule, and a layer
 * with parameters after it, or a layer already taken into a pair, does not fuse.
 */
class ChainFusionTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** y = x + 1, no parameters; with {@code fuses}, it and the next probe run as one: y = x + 2. */
    private record Probe(List<String> log, String name, boolean fuses) implements Layer {
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
            return instance(name, 1);
        }

        @Override
        public Instance instantiateFused(Layer next, long[] inputShape, DataType dataType) {
            return fuses && next instanceof Probe p ? instance(name + "+" + p.name(), 2) : null;
        }

        private Instance instance(String label, double add) {
            return new Instance() {
                @Override
                public void bind(INDArray params, INDArray grads) {
                }

                @Override
                public void initialise(SplittableRandom random) {
                }

                @Override
                public INDArray forward(INDArray x, boolean training) {
                    log.add(label + " forward");
                    return x.add(add);
                }

                @Override
                public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                    log.add(label + (needInput ? " needs" : " skips") + (y.equals(x.add(add)) ? "" : " (wrong x or y)"));
                    return needInput ? dy : null;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private static List<String> run(List<Layer> layers, boolean needInput, List<String> log) {
        try (Chain chain = new Chain(layers, new long[] {4}, DataType.DOUBLE);
             INDArray params = Nd4j.create(DataType.DOUBLE, Math.max(1, chain.parameterCount()));
             INDArray grads = Nd4j.create(DataType.DOUBLE, Math.max(1, chain.parameterCount()));
             INDArray x = Nd4j.rand(DataType.DOUBLE, 'f', 5, 4)) {
            chain.bind(params, grads, 0);
            chain.initialise(new SplittableRandom(1));
            INDArray y = chain.forward(x, true);
            log.add("shape " + y.size(1));
            chain.backward(Nd4j.ones(DataType.DOUBLE, y.shape()).dup('f'), needInput);
        }
        return log;
    }

    @Test
    void aPairRunsAsOneWithTheFirstInputAndTheSecondOutput() {
        List<String> log = new ArrayList<>();
        List<Layer> layers = List.of(new Probe(log, "a", true), new Probe(log, "b", false), Layers.dense(3), new Probe(log, "c", true),
                new Probe(log, "d", true), new Probe(log, "e", false));
        assertEquals(List.of("a+b forward", "c+d forward", "e forward", "shape 3", "e needs", "c+d needs"), run(layers, false, log));
        log.clear();
        assertEquals(List.of("a+b forward", "c+d forward", "e forward", "shape 3", "e needs", "c+d needs", "a+b needs"),
                run(layers, true, log));
    }

    @Test
    void noPairWithALayerThatHasParameters() {
        List<String> log = new ArrayList<>();
        List<Layer> layers = List.of(new Probe(log, "a", true), Layers.dense(3), new Probe(log, "b", true));
        assertEquals(List.of("a forward", "b forward", "shape 3", "b needs", "a needs"), run(layers, true, log));
    }

    @Test
    void theSwitchTurnsFusingOffAndRefusesAnotherValue() {
        List<String> log = new ArrayList<>();
        List<Layer> layers = List.of(new Probe(log, "a", true), new Probe(log, "b", false));
        String before = System.getProperty(Chain.FUSE_PROPERTY);
        try {
            System.setProperty(Chain.FUSE_PROPERTY, "false");
            assertEquals(List.of("a forward", "b forward", "shape 4", "b needs", "a needs"), run(layers, true, log));
            System.setProperty(Chain.FUSE_PROPERTY, "off");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Chain(layers, new long[] {4}, DataType.DOUBLE));
            assertTrue(e.getMessage().contains("aiaas.fuse=off") && e.getMessage().contains("true or false"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(Chain.FUSE_PROPERTY);
            } else {
                System.setProperty(Chain.FUSE_PROPERTY, before);
            }
        }
    }
}
