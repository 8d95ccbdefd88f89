package dev.aiaas.bench;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded float32 inputs and weights, identical for every engine (each gets them in its preferred
 * order). Every stream is a {@link SplittableRandom} (SplitMix64) from a fixed seed, so the
 * {@code pytorch-py} script reproduces the same numbers in NumPy ({@code scripts/pytorch_mlp.py}):
 * value k (from 1) of seed s is mix64(s + k·γ), γ = 0x9e3779b97f4a7c15, and a double in [0, 1) is
 * its top 53 bits × 2⁻⁵³.
 */
public final class Inputs {

    /** The seed of every benchmark input; labels use SEED + 1, the weights of layer l SEED + l. */
    public static final long SEED = 20240501L;

    private Inputs() {
    }

    /** x {@code [rows, cols]} uniform in [0, 1), like scaled pixels, from the benchmarks' seed. */
    static INDArray features(int rows, int cols, char order) {
        return uniform(rows, cols, order, SEED);
    }

    /**
     * A float32 {@code [rows, cols]} matrix in {@code order}, uniform in [0, 1) from {@code seed}.
     *
     * @param rows  the rows
     * @param cols  the columns
     * @param order {@code 'c'} (row-major) or {@code 'f'} (column-major)
     * @param seed  the stream's seed
     * @return a new array; the caller closes it
     */
    public static INDArray uniform(long rows, long cols, char order, long seed) {
        float[] v = uniformValues(Math.toIntExact(rows * cols), seed);
        INDArray c = Nd4j.create(v, new long[] {rows, cols}, 'c');
        if (order == 'c') {
            return c;
        }
        INDArray f = c.dup('f');
        c.close();
        return f;
    }

    /**
     * {@code n} floats uniform in [0, 1) from {@code seed}: the first n of {@code new SplittableRandom(seed).nextDouble()}.
     *
     * @param n    how many
     * @param seed the stream's seed
     * @return the values
     */
    public static float[] uniformValues(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return v;
    }

    /**
     * The benchmark features x {@code [rows, cols]} row-major (the values of {@link #features}).
     *
     * @param rows B, the batch
     * @param cols the features
     * @return {@code rows * cols} values
     */
    public static float[] featureValues(int rows, int cols) {
        return uniformValues(Math.multiplyExact(rows, cols), SEED);
    }

    /**
     * Class indices in [0, classes), seeded ({@code nextInt(classes)} of seed SEED + 1).
     *
     * @param rows    how many
     * @param classes the number of classes
     * @return the labels
     */
    public static int[] labels(int rows, int classes) {
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
        return Nd4j.create(heUniformValues(in, out, seed), new long[] {in, out}, 'c');
    }

    /**
     * He-uniform weights {@code [in, out]} row-major: (2u − 1)·√(6 / in) with u the doubles of
     * {@code seed}, rounded to float. Layer l (from 1) of every engine that takes our weights
     * (SameDiff, pytorch-djl, onnxruntime, pytorch-py) uses seed {@code SEED + l}, with zero biases.
     *
     * @param in   the layer's inputs
     * @param out  the layer's outputs
     * @param seed the stream's seed
     * @return {@code in * out} weights
     */
    public static float[] heUniformValues(int in, int out, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double limit = Math.sqrt(6.0 / in);
        float[] v = new float[Math.multiplyExact(in, out)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((2 * r.nextDouble() - 1) * limit);
        }
        return v;
    }
}
