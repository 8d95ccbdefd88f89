package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.math.Buf;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The arrays and the comparison of the tests that hold one convolution path to another. */
final class ConvPathArrays {
    private ConvPathArrays() {
    }

    /** A float32 'f'-order array of {@code shape}, uniform in [0, 1) from {@code seed}. */
    static INDArray uniform(long[] shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        INDArray a = Nd4j.create(DataType.FLOAT, shape, 'f');
        Buf.of(a).write(0, v, v.length);
        return a;
    }

    /** Equal within float32 rounding of sums: 2e-5 of the largest magnitude of {@code want}. */
    static void assertClose(INDArray want, INDArray got, String what) {
        assertEquals(want.length(), got.length(), what);
        int n = Math.toIntExact(want.length());
        float[] a = new float[n];
        float[] b = new float[n];
        Buf.of(want).read(0, a, n);
        Buf.of(got).read(0, b, n);
        double scale = 1e-6;
        for (float v : a) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < n; i++) {
            assertTrue(Math.abs(a[i] - b[i]) <= 2e-5 * scale, what + " at " + i + ": expected " + a[i] + ", got " + b[i]);
        }
    }
}
