package dev.aiaas.core.nn;

import java.util.List;

/** The catalogue of layers: {@code Layers.dense(256, Activation.RELU)}, {@code Layers.relu()}, ... */
public final class Layers {
    private Layers() {
    }

    /**
     * A dense layer with no activation, Glorot-uniform weights and zero biases.
     *
     * @param units the output width, at least 1
     * @return the layer
     */
    public static Dense dense(int units) {
        return dense(units, Activation.IDENTITY);
    }

    /**
     * A dense layer y = f(xW + b) with Glorot-uniform weights and zero biases.
     *
     * @param units      the output width, at least 1
     * @param activation f
     * @return the layer
     */
    public static Dense dense(int units, Activation activation) {
        return new Dense(units, activation, Initializer.glorotUniform(), Initializer.zeros());
    }

    /**
     * A dense layer with the given initialisers.
     *
     * @param units      the output width, at least 1
     * @param activation f
     * @param kernel     how W is initialised
     * @param bias       how b is initialised
     * @return the layer
     */
    public static Dense dense(int units, Activation activation, Initializer kernel, Initializer bias) {
        return new Dense(units, activation, kernel, bias);
    }

    /**
     * y = max(0, x).
     *
     * @return the layer
     */
    public static ActivationLayer relu() {
        return new ActivationLayer(Activation.RELU);
    }

    /**
     * y = x if x &gt; 0 else αx.
     *
     * @param alpha the negative slope, in (0, 1)
     * @return the layer
     */
    public static ActivationLayer leakyRelu(double alpha) {
        return new ActivationLayer(Activation.leakyRelu(alpha));
    }

    /**
     * GELU (tanh form).
     *
     * @return the layer
     */
    public static ActivationLayer gelu() {
        return new ActivationLayer(Activation.GELU);
    }

    /**
     * GELU, exact form: y = x Φ(x) = x/2 · (1 + erf(x/√2)) ({@link Activation#GELU_ERF}, BERT's).
     *
     * @return the layer
     */
    public static ActivationLayer geluErf() {
        return new ActivationLayer(Activation.GELU_ERF);
    }

    /**
     * y = tanh x.
     *
     * @return the layer
     */
    public static ActivationLayer tanh() {
        return new ActivationLayer(Activation.TANH);
    }

    /**
     * y = 1 / (1 + e^−x).
     *
     * @return the layer
     */
    public static ActivationLayer sigmoid() {
        return new ActivationLayer(Activation.SIGMOID);
    }

    /**
     * Softmax over each example's features. For classification, prefer a linear output with
     * {@code Losses.softmaxCrossEntropy()}, which fuses the two stably.
     *
     * @return the layer
     */
    public static ActivationLayer softmax() {
        return new ActivationLayer(Activation.SOFTMAX);
    }

    /**
     * y = x.
     *
     * @return the layer
     */
    public static ActivationLayer identity() {
        return new ActivationLayer(Activation.IDENTITY);
    }

    /**
     * y = x + g(x), g being the given layers in order.
     *
     * @param layers g's layers, at least one, keeping the shape
     * @return the block
     */
    public static Residual residual(Layer... layers) {
        return new Residual(List.of(layers));
    }

    /**
     * Inverted dropout of the given rate in [0, 1): identity outside training.
     *
     * @param rate p, in [0, 1)
     * @return the layer
     */
    public static Dropout dropout(double rate) {
        return new Dropout(rate);
    }

    /**
     * Layer normalisation over each example's features, ε = 1e-5.
     *
     * @return the layer
     */
    public static LayerNorm layerNorm() {
        return new LayerNorm(LayerNorm.DEFAULT_EPSILON);
    }

    /**
     * Layer normalisation with the given ε &gt; 0.
     *
     * @param epsilon ε &gt; 0
     * @return the layer
     */
    public static LayerNorm layerNorm(double epsilon) {
        return new LayerNorm(epsilon);
    }

    /**
     * Batch normalisation with Keras's defaults: momentum 0.99, ε = 1e-3.
     *
     * @return the layer
     */
    public static BatchNorm batchNorm() {
        return new BatchNorm(BatchNorm.DEFAULT_MOMENTUM, BatchNorm.DEFAULT_EPSILON);
    }

    /**
     * Batch normalisation with the given momentum in [0, 1) (Keras convention) and ε &gt; 0.
     *
     * @param momentum m, in [0, 1)
     * @param epsilon  ε &gt; 0
     * @return the layer
     */
    public static BatchNorm batchNorm(double momentum, double epsilon) {
        return new BatchNorm(momentum, epsilon);
    }
    /**
     * A lookup table from token ids {@code [0, inputDim)} to vectors of width {@code outputDim},
     * Glorot-uniform: per example {@code [T]} ids to {@code [T, outputDim]}.
     *
     * @param inputDim  the number of ids, at least 1
     * @param outputDim the vector width, at least 1
     * @return the layer
     */
    public static Embedding embedding(int inputDim, int outputDim) {
        return new Embedding(inputDim, outputDim, Initializer.glorotUniform());
    }

    /**
     * An LSTM over a sequence, {@code [T, F]} to {@code [T, units]}: Glorot-uniform W and U, the
     * forget-gate bias at 1, the other biases at 0.
     *
     * @param units the hidden width H, at least 1
     * @return the layer
     */
    public static Lstm lstm(int units) {
        return new Lstm(units, Initializer.glorotUniform(), Initializer.glorotUniform(), Lstm.DEFAULT_FORGET_GATE_BIAS);
    }

    /**
     * An LSTM with the given initialisers and initial forget-gate bias.
     *
     * @param units          the hidden width H, at least 1
     * @param kernel         how W is initialised
     * @param recurrent      how U is initialised
     * @param forgetGateBias the initial forget-gate bias
     * @return the layer
     */
    public static Lstm lstm(int units, Initializer kernel, Initializer recurrent, double forgetGateBias) {
        return new Lstm(units, kernel, recurrent, forgetGateBias);
    }

    /**
     * The layer applied to every step of a sequence with shared parameters, {@code [T, F]} to
     * {@code [T, U]}: {@code timeDistributed(dense(vocabularySize))} gives logits per position.
     *
     * @param layer g, a layer over flat examples
     * @return the wrapper
     */
    public static TimeDistributed timeDistributed(Layer layer) {
        return new TimeDistributed(layer);
    }

    /**
     * Multi-head self-attention over a sequence {@code [T, D]} without a mask (every position
     * attends to every position): see {@link MultiHeadAttention}.
     *
     * @param heads H, dividing the model width D
     * @return the layer
     */
    public static MultiHeadAttention multiHeadAttention(int heads) {
        return new MultiHeadAttention(heads, false);
    }

    /**
     * Multi-head self-attention over a sequence {@code [T, D]}, optionally causal (position t
     * attends to positions 0..t only, as in a decoder language model): see {@link MultiHeadAttention}.
     *
     * @param heads  H, dividing the model width D
     * @param causal whether the causal mask applies
     * @return the layer
     */
    public static MultiHeadAttention multiHeadAttention(int heads, boolean causal) {
        return new MultiHeadAttention(heads, causal);
    }

    /**
     * The fixed sinusoidal position encoding added to a sequence {@code [T, D]}, T at most
     * {@code maxLength}: see {@link SinusoidalPositions}.
     *
     * @param maxLength the longest sequence accepted
     * @return the layer (no parameters)
     */
    public static SinusoidalPositions sinusoidalPositions(int maxLength) {
        return new SinusoidalPositions(maxLength);
    }

    /**
     * A learned position embedding {@code [maxLength, D]} added to a sequence {@code [T, D]}, T at
     * most {@code maxLength}: see {@link PositionEmbedding}.
     *
     * @param maxLength the rows of the table: the longest sequence accepted
     * @return the layer
     */
    public static PositionEmbedding positionEmbedding(int maxLength) {
        return new PositionEmbedding(maxLength);
    }

    /**
     * A pre-LN transformer block over sequences {@code [T, dim]} (Xiong et al. 2020; GPT-2's
     * arrangement), as two residual blocks to add to a model in order:
     *
     * <pre>
     * h = x + Dropout(MultiHeadAttention(LayerNorm(x)))
     * y = h + Dropout(Dense_dim(GELU(Dense_mlpWidth(LayerNorm(h)))))
     * </pre>
     *
     * that is {@code residual(timeDistributed(layerNorm()), multiHeadAttention(heads, causal),
     * timeDistributed(dropout(dropout)))} then {@code residual(timeDistributed(layerNorm()),
     * timeDistributed(dense(mlpWidth, GELU)), timeDistributed(dense(dim)),
     * timeDistributed(dropout(dropout)))}. GELU is the tanh form ({@link Activation#GELU}).
     * Use: {@code Layers.transformerBlock(64, 4, 256, 0.1, true).forEach(builder::add)}.
     *
     * @param dim      D, the model width (the input's last dimension)
     * @param heads    H, dividing D
     * @param mlpWidth the hidden width of the MLP (commonly 4·D)
     * @param dropout  the dropout rate after the attention and after the MLP, in [0, 1)
     * @param causal   whether the attention is causal
     * @return the two residual blocks, in order
     * @throws IllegalArgumentException when a size or the rate is out of range, or H does not divide D
     */
    public static java.util.List<Layer> transformerBlock(int dim, int heads, int mlpWidth, double dropout, boolean causal) {
        if (dim < 1 || mlpWidth < 1) {
            throw new IllegalArgumentException("dim and mlpWidth must be positive integers. Received: dim=" + dim + ", mlpWidth=" + mlpWidth);
        }
        MultiHeadAttention attention = new MultiHeadAttention(heads, causal);
        if (dim % heads != 0) {
            throw new IllegalArgumentException("a transformer block needs dim to be a multiple of heads. Received: dim=" + dim
                    + ", heads=" + heads + "; choose heads dividing " + dim);
        }
        return java.util.List.of(
                residual(timeDistributed(layerNorm()), attention, timeDistributed(dropout(dropout))),
                residual(timeDistributed(layerNorm()), timeDistributed(dense(mlpWidth, Activation.GELU)), timeDistributed(dense(dim)),
                        timeDistributed(dropout(dropout))));
    }
}
