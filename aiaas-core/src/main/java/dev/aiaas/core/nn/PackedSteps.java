package dev.aiaas.core.nn;

import java.util.List;

/**
 * The steps a {@link PackedLayer} can describe itself with, on a batch of rows of the current
 * width d (the layer's input features, an example of shape {@code [C, H, W]} as its C·H·W values
 * in row-major order; a dense step changes d to its units). The plan that
 * implements this decides how to run them: it may fuse or fold a step into the one before it
 * (a ReLU into a dense product without activation; a scale and shift into a dense product
 * without activation, {@code W'[:, c] = W[:, c]·s_c}, {@code b'_c = b_c·s_c + t_c}), but never
 * across a residual block's ends. Arrays passed in belong to the plan afterwards.
 *
 * <p>Each method throws {@link IllegalArgumentException} naming the bad value when an array's
 * length does not fit the current width.
 */
public interface PackedSteps {

    /**
     * A dense product y = f(x W + b): {@code [d] -> [units]}.
     *
     * @param units the output width, at least 1
     * @param w     W {@code [d, units]} in column-major order (W[k, j] at {@code w[k + j·d]},
     *              θ's layout for {@link Dense}), {@code d·units} values
     * @param bias  b {@code [units]}
     * @param f     the activation applied after it (any; {@link Activation#IDENTITY} for none)
     */
    void dense(int units, float[] w, float[] bias, Activation f);

    /**
     * A per-feature affine map {@code y_c = x_c · scale_c + shift_c} (batch normalisation at
     * inference, {@code scale_c = γ_c / √(var_c + ε)}, {@code shift_c = β_c − mean_c·scale_c}).
     *
     * @param scale {@code [d]}, in float64 so that a fold into W keeps its precision
     * @param shift {@code [d]}
     */
    void scaleShift(double[] scale, double[] shift);

    /**
     * An activation, element by element (softmax: over each row's d features).
     *
     * @param f the activation; {@link Activation#IDENTITY} adds nothing
     */
    void activation(Activation f);

    /**
     * Layer normalisation of each row: {@code y_c = γ_c (x_c − μ) / √(σ² + ε) + β_c}, μ and σ²
     * the row's mean and biased variance.
     *
     * @param gamma   γ {@code [d]}
     * @param beta    β {@code [d]}
     * @param epsilon ε &gt; 0
     */
    void layerNorm(float[] gamma, float[] beta, double epsilon);

    /**
     * A residual block y = x + g(x), g being {@code layers} in order (each a {@link PackedLayer},
     * else the model is served by the copy path); their parameters follow one another in this
     * layer's slice of θ, from its start (after the layers of an earlier residual step of the same
     * layer), and g keeps the width d.
     *
     * @param layers g's layers, at least one
     */
    void residual(List<Layer> layers);

    /**
     * A dense product shared over patches of the row (a convolution in im2col form): the row's
     * features are gathered into P patches of K values each, patch p's k-th value being feature
     * {@code index[p·K + k]} (0 where it is −1: padding), and each patch gives {@code units}
     * outputs {@code f(patch · W + b)}. Output feature (u, p) is at {@code u·P + p}, so a
     * convolution's output keeps the {@code [F, H', W']} order: {@code [d] -> [units·P]}. The plan
     * may lay the rows out otherwise inside (channels last, K reordered so that the gathers are
     * contiguous copies) and folds a following per-channel scale and shift and ReLU into it.
     *
     * @param positions P, at least 1
     * @param index     {@code P·K} feature indices in {@code [-1, d)}
     * @param units     the outputs per patch (a convolution's filters), at least 1
     * @param w         W {@code [K, units]} column-major (W[k, u] at {@code w[k + u·K]}, which is a
     *                  convolution's {@code [F, C, kH, kW]} weight in row-major order when k runs
     *                  over (c, i, j))
     * @param bias      b {@code [units]}
     * @param f         the activation applied after it
     */
    void patches(int positions, int[] index, int units, float[] w, float[] bias, Activation f);

    /**
     * The maximum over windows of features (max pooling): output o is the largest of features
     * {@code index[o·S + t]}, t in {@code [0, S)}, S = {@code index.length / outputs}, those at −1
     * (padding) left out: {@code [d] -> [outputs]}. A NaN in a window gives NaN.
     *
     * @param outputs the output width, at least 1
     * @param index   {@code outputs·S} feature indices in {@code [-1, d)}, each window with at least one that is not −1
     */
    void windowMax(int outputs, int[] index);

    /**
     * The mean over windows of features (average pooling): output o is
     * {@code Σ_t x[index[o·S + t]] / S}, t in {@code [0, S)}, S = {@code index.length / outputs},
     * those at −1 (padding) adding 0 but counted in S (PyTorch's {@code count_include_pad=True}):
     * {@code [d] -> [outputs]}.
     *
     * @param outputs the output width, at least 1
     * @param index   {@code outputs·S} feature indices in {@code [-1, d)}, each window with at least one that is not −1
     */
    void windowMean(int outputs, int[] index);

    /**
     * A residual block with a shortcut branch, y = f(main(x) + shortcut(x)) (shortcut(x) = x when
     * {@code shortcut} is empty), on rows of any layout (images included): each branch's layers
     * in order (each a {@link PackedLayer}, else the model is served by the copy path), their
     * parameters following one another in this layer's slice of θ from its start, the main
     * branch's first, then the shortcut's. Both branches must give the same width; nothing fuses
     * or folds across the block's ends (f is a step of its own).
     *
     * @param main     the main branch, at least one layer
     * @param shortcut the shortcut branch; empty for the identity
     * @param f        the activation after the sum ({@link Activation#IDENTITY} for none)
     */
    void residual(List<Layer> main, List<Layer> shortcut, Activation f);
}
