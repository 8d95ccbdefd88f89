package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Layer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The block-by-block batch normalisation: its statistics merged run by run (Chan et al.) equal
 * the two-pass mean and variance of each channel, also for values far from 0 (where a one-pass
 * Σx² would cancel), and an inference pass between the training forward pass and the backward
 * pass does not change the gradients (the backward pass keeps the batch's statistics).
 */
class BatchNormBlockTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static INDArray input(int batch, int c, int h, int w, double offset, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        INDArray x = Nd4j.create(DataType.DOUBLE, new long[] {batch, c, h, w}, 'f');
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, offset + r.nextGaussian() * (1 + (i % c)));
        }
        return x;
    }

    @Test
    void runningStatisticsTakeTheTwoPassMeanAndVariance() {
        int batch = 5;
        int c = 3;
        BatchNorm2d bn = new BatchNorm2d(0.0, 1e-5); // momentum 0: the running statistics are the batch's
        long[] shape = {c, 4, 3};
        for (double offset : new double[] {0, 1e4}) {
            try (Layer.Instance inst = bn.instantiate(shape, DataType.DOUBLE);
                 INDArray params = Nd4j.create(DataType.DOUBLE, 4 * c);
                 INDArray grads = Nd4j.create(DataType.DOUBLE, 4 * c)) {
                inst.bind(params, grads);
                inst.initialise(new SplittableRandom(1));
                INDArray x = input(batch, c, 4, 3, offset, 2);
                inst.forward(x, true);
                double[] v = x.dup('f').data().asDouble();
                for (int ch = 0; ch < c; ch++) {
                    double s = 0;
                    int n = 0;
                    for (int i = 0; i < v.length; i++) {
                        if ((i / batch) % c == ch) {
                            s += v[i];
                            n++;
                        }
                    }
                    double mean = s / n;
                    double ss = 0;
                    for (int i = 0; i < v.length; i++) {
                        if ((i / batch) % c == ch) {
                            ss += (v[i] - mean) * (v[i] - mean);
                        }
                    }
                    assertEquals(mean, params.getDouble(2 * c + ch), 1e-12 * (1 + Math.abs(mean)), "mean, offset " + offset);
                    assertEquals(ss / n, params.getDouble(3 * c + ch), 1e-9 * ss / n, "variance, offset " + offset);
                }
            }
        }
    }

    @Test
    void anInferencePassBetweenDoesNotChangeTheGradient() {
        BatchNorm2d bn = new BatchNorm2d(0.9, 1e-5);
        long[] shape = {2, 3, 3};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double[][] out = new double[2][];
            double[][] gr = new double[2][];
            for (int between = 0; between < 2; between++) {
                try (Layer.Instance inst = bn.instantiate(shape, type);
                     INDArray params = Nd4j.create(type, 8);
                     INDArray grads = Nd4j.create(type, 8)) {
                    inst.bind(params, grads);
                    inst.initialise(new SplittableRandom(1));
                    INDArray x = input(4, 2, 3, 3, 0.5, 3).castTo(type);
                    INDArray dy = input(4, 2, 3, 3, 0, 4).castTo(type);
                    inst.forward(x, true);
                    if (between == 1) {
                        inst.forward(x.mul(3).add(1), false);
                    }
                    out[between] = inst.backward(x, null, dy, true).dup('f').data().asDouble();
                    gr[between] = grads.dup().data().asDouble();
                }
            }
            assertArrayEquals(out[0], out[1], 0.0, type + " ∂L/∂x");
            assertArrayEquals(gr[0], gr[1], 0.0, type + " ∂L/∂θ");
            assertEquals(true, java.util.Arrays.stream(out[0]).anyMatch(d -> Math.abs(d) > 1e-3), "a gradient that is not 0");
        }
    }
}
