package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;

import java.util.List;
import java.util.SplittableRandom;

/**
 * How a weight matrix W {@code [fanIn, fanOut]} is filled before training, from an explicit
 * random stream.
 *
 * <table>
 *   <caption>Initialisers</caption>
 *   <tr><th>name</th><th>distribution</th><th>reference</th></tr>
 *   <tr><td>glorot_uniform</td><td>U(−l, l), l = √(6 / (fanIn + fanOut))</td><td>Glorot and Bengio 2010</td></tr>
 *   <tr><td>glorot_normal</td><td>N(0, σ²), σ = √(2 / (fanIn + fanOut))</td><td>Glorot and Bengio 2010</td></tr>
 *   <tr><td>he_uniform</td><td>U(−l, l), l = √(6 / fanIn)</td><td>He et al. 2015</td></tr>
 *   <tr><td>he_normal</td><td>N(0, σ²), σ = √(2 / fanIn)</td><td>He et al. 2015</td></tr>
 *   <tr><td>zeros</td><td>0</td><td></td></tr>
 *   <tr><td>constant</td><td>{@code value}</td><td></td></tr>
 * </table>
 *
 * @param name  one of {@link #NAMES}
 * @param value the constant for {@code constant}; 0 otherwise
 */
public record Initializer(String name, double value) {

    /** The valid names. */
    public static final List<String> NAMES = List.of("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "zeros", "constant");

    /**
     * Validates the name.
     *
     * @param name  one of {@link #NAMES}
     * @param value the constant of {@code constant}; 0 for the others
     */
    public Initializer {
        if (name == null || !NAMES.contains(name)) {
            throw new IllegalArgumentException("Unknown initializer '" + name + "'; expected one of " + String.join(", ", NAMES));
        }
        if (!name.equals("constant") && value != 0) {
            throw new IllegalArgumentException("value is only for 'constant'. Received: " + name + " with value=" + value);
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("constant value must be finite. Received: value=" + value);
        }
    }

    /**
     * Glorot/Xavier uniform (Keras's default for dense kernels).
     *
     * @return the initialiser
     */
    public static Initializer glorotUniform() {
        return new Initializer("glorot_uniform", 0);
    }

    /**
     * Glorot/Xavier normal.
     *
     * @return the initialiser
     */
    public static Initializer glorotNormal() {
        return new Initializer("glorot_normal", 0);
    }

    /**
     * He/Kaiming uniform, for ReLU networks.
     *
     * @return the initialiser
     */
    public static Initializer heUniform() {
        return new Initializer("he_uniform", 0);
    }

    /**
     * He/Kaiming normal, for ReLU networks.
     *
     * @return the initialiser
     */
    public static Initializer heNormal() {
        return new Initializer("he_normal", 0);
    }

    /**
     * All zeros (the default for biases).
     *
     * @return the initialiser
     */
    public static Initializer zeros() {
        return new Initializer("zeros", 0);
    }

    /**
     * Every entry {@code value}.
     *
     * @param value the value of every parameter
     * @return the initialiser
     */
    public static Initializer constant(double value) {
        return new Initializer("constant", value);
    }

    /** Fills the first {@code count} elements of {@code b} from {@code offset}. */
    void fill(Buf b, int offset, int count, long fanIn, long fanOut, SplittableRandom random) {
        for (int i = 0; i < count; i++) {
            b.set(offset + i, sample(fanIn, fanOut, random));
        }
    }

    /**
     * One value drawn from this initialiser's distribution, for a weight of a layer with the given
     * fans (a layer that is not a matrix computes its own: a convolution's fan-in is
     * {@code inChannels/groups · kernelHeight · kernelWidth}, its fan-out
     * {@code filters/groups · kernelHeight · kernelWidth}).
     *
     * @param fanIn  the inputs that reach one output, at least 1
     * @param fanOut the outputs that one input reaches, at least 1
     * @param r      the random stream to draw from (advanced by one draw for a random initialiser)
     * @return the value
     */
    public double sample(long fanIn, long fanOut, SplittableRandom r) {
        return switch (name) {
            case "glorot_uniform" -> uniform(r, Math.sqrt(6.0 / (fanIn + fanOut)));
            case "glorot_normal" -> r.nextGaussian() * Math.sqrt(2.0 / (fanIn + fanOut));
            case "he_uniform" -> uniform(r, Math.sqrt(6.0 / fanIn));
            case "he_normal" -> r.nextGaussian() * Math.sqrt(2.0 / fanIn);
            case "zeros" -> 0;
            default -> value;
        };
    }

    private static double uniform(SplittableRandom r, double limit) {
        return (2 * r.nextDouble() - 1) * limit;
    }
}
