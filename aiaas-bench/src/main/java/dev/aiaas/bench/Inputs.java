package dev.aiaas.bench;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Seeded float32 inputs, identical for every engine (each gets them in its preferred order). */
public final class Inputs {

    /** The seed of every benchmark input. */
    static final long SEED = 20240501L;

    private Inputs() {
    }

    /** x {@code [rows, cols]} uniform in [0, 1), like scaled pixels, from the benchmarks' seed. */
    static INDArray features(int rows, int cols, char order) {
        return uniform(rows, cols, order, SEED);
    }

    /** A float32 {@code [rows, cols]} matrix in {@code order}, uniform in [0, 1) from {@code seed}. */
    public static INDArray uniform(long rows, long cols, char order, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        INDArray c = Nd4j.create(v, new long[] {rows, cols}, 'c');
        if (order == 'c') {
            return c;
        }
        INDArray f = c.dup('f');
        c.close();
        return f;
    }

    /** Class indices in [0, classes), seeded. */
    static int[] labels(int rows, int classes) {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(classes);
        }
        return y;
    }

    /** The labels as indices {@code [rows, 1]}, float32. */
    static INDArray sparse(int[] y) {
        float[] v = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            v[i] = y[i];
        }
        return Nd4j.create(v, new long[] {y.length, 1}, 'c');
    }

    /** The labels one-hot {@code [rows, classes]}, float32, c order. */
    static INDArray oneHot(int[] y, int classes) {
        INDArray o = Nd4j.zeros(DataType.FLOAT, y.length, classes);
        for (int i = 0; i < y.length; i++) {
            o.putScalar(i, y[i], 1.0);
        }
        return o;
    }

    /** He-uniform weights {@code [in, out]} in c order, for the engines whose weights we create. */
    static INDArray heUniform(int in, int out, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double limit = Math.sqrt(6.0 / in);
        float[] v = new float[in * out];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((2 * r.nextDouble() - 1) * limit);
        }
        return Nd4j.create(v, new long[] {in, out}, 'c');
    }
}
