package dev.aiaas.core.nn;

/**
 * The optional hook through which a layer runs on the {@link Predictor}'s packed path: at
 * inference, float32, on examples {@code [features]} or images {@code [C, H, W]}, it says what it
 * computes as a few kinds of step ({@link PackedSteps}: a dense product, a per-feature scale and
 * shift, an activation, a layer normalisation, a residual block of other layers (with or without
 * a shortcut branch), a dense product over patches (a convolution), a maximum or a mean over
 * windows (max or average pooling)), and the predictor runs
 * those steps with its Vector API kernels. A model with a layer that is not a {@code PackedLayer}
 * is served by the predictor's copy path instead (the model's own forward pass on ND4J and BLAS),
 * and {@link Predictor#kernel()} names that layer.
 *
 * <p>The layer only describes itself; what to do with its neighbours is the plan's business
 * (a ReLU fused into the dense product before it, a scale and shift right after a dense product
 * without activation folded into its W and b, nothing folded across a residual block's ends).
 * Adding no step is the identity (dropout at inference).
 *
 * <pre>{@code
 * record ScaleShift() implements PackedLayer {            // y_c = x_c · s_c + t_c, θ = [s, t]
 *     ...
 *     public void pack(long[] inputShape, float[] params, PackedSteps steps) {
 *         int d = (int) inputShape[0];
 *         double[] s = new double[d], t = new double[d];
 *         for (int c = 0; c < d; c++) { s[c] = params[c]; t[c] = params[d + c]; }
 *         steps.scaleShift(s, t);
 *     }
 * }
 * }</pre>
 */
public interface PackedLayer extends Layer {

    /**
     * Adds this layer's inference steps to a predictor's plan, in order. Called once per
     * predictor, for a float32 model, with the parameters as they are then (the predictor is a
     * snapshot).
     *
     * @param inputShape one input example's shape: {@code [features]}, or {@code [C, H, W]} for an
     *                   image layer (its rows hold the C·H·W values in row-major order; the dense,
     *                   softmax, layer-normalisation and residual steps take flat inputs only)
     * @param params     the layer's slice of θ, {@code parameterCount(inputShape)} float32 values
     *                   in θ's order: a copy the layer may hand on to {@code steps}
     * @param steps      the plan, which takes the steps
     */
    void pack(long[] inputShape, float[] params, PackedSteps steps);
}
