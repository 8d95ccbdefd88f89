package dev.aiaas.core.nn;

import java.util.List;

/** The catalogue of layers: {@code Layers.dense(256, Activation.RELU)}, {@code Layers.relu()}, ... */
public final class Layers {
    private Layers() {
    }

    /** A dense layer with no activation, Glorot-uniform weights and zero biases. */
    public static Dense dense(int units) {
        return dense(units, Activation.IDENTITY);
    }

    /** A dense layer y = f(xW + b) with Glorot-uniform weights and zero biases. */
    public static Dense dense(int units, Activation activation) {
        return new Dense(units, activation, Initializer.glorotUniform(), Initializer.zeros());
    }

    /** A dense layer with the given initialisers. */
    public static Dense dense(int units, Activation activation, Initializer kernel, Initializer bias) {
        return new Dense(units, activation, kernel, bias);
    }

    /** y = max(0, x). */
    public static ActivationLayer relu() {
        return new ActivationLayer(Activation.RELU);
    }

    /** y = x if x &gt; 0 else αx. */
    public static ActivationLayer leakyRelu(double alpha) {
        return new ActivationLayer(Activation.leakyRelu(alpha));
    }

    /** GELU (tanh form). */
    public static ActivationLayer gelu() {
        return new ActivationLayer(Activation.GELU);
    }

    /** y = tanh x. */
    public static ActivationLayer tanh() {
        return new ActivationLayer(Activation.TANH);
    }

    /** y = 1 / (1 + e^−x). */
    public static ActivationLayer sigmoid() {
        return new ActivationLayer(Activation.SIGMOID);
    }

    /** Softmax over each example's features. For classification, prefer a linear output with
     * {@code Losses.softmaxCrossEntropy()}, which fuses the two stably. */
    public static ActivationLayer softmax() {
        return new ActivationLayer(Activation.SOFTMAX);
    }

    /** y = x. */
    public static ActivationLayer identity() {
        return new ActivationLayer(Activation.IDENTITY);
    }

    /** y = x + g(x), g being the given layers in order. */
    public static Residual residual(Layer... layers) {
        return new Residual(List.of(layers));
    }

    /** Inverted dropout of the given rate in [0, 1): identity outside training. */
    public static Dropout dropout(double rate) {
        return new Dropout(rate);
    }

    /** Layer normalisation over each example's features, ε = 1e-5. */
    public static LayerNorm layerNorm() {
        return new LayerNorm(LayerNorm.DEFAULT_EPSILON);
    }

    /** Layer normalisation with the given ε &gt; 0. */
    public static LayerNorm layerNorm(double epsilon) {
        return new LayerNorm(epsilon);
    }

    /** Batch normalisation with Keras's defaults: momentum 0.99, ε = 1e-3. */
    public static BatchNorm batchNorm() {
        return new BatchNorm(BatchNorm.DEFAULT_MOMENTUM, BatchNorm.DEFAULT_EPSILON);
    }

    /** Batch normalisation with the given momentum in [0, 1) (Keras convention) and ε &gt; 0. */
    public static BatchNorm batchNorm(double momentum, double epsilon) {
        return new BatchNorm(momentum, epsilon);
    }
    /**
     * A lookup table from token ids {@code [0, inputDim)} to vectors of width {@code outputDim},
     * Glorot-uniform: per example {@code [T]} ids to {@code [T, outputDim]}.
     */
    public static Embedding embedding(int inputDim, int outputDim) {
        return new Embedding(inputDim, outputDim, Initializer.glorotUniform());
    }

    /**
     * An LSTM over a sequence, {@code [T, F]} to {@code [T, units]}: Glorot-uniform W and U, the
     * forget-gate bias at 1, the other biases at 0.
     */
    public static Lstm lstm(int units) {
        return new Lstm(units, Initializer.glorotUniform(), Initializer.glorotUniform(), Lstm.DEFAULT_FORGET_GATE_BIAS);
    }

    /** An LSTM with the given initialisers and initial forget-gate bias. */
    public static Lstm lstm(int units, Initializer kernel, Initializer recurrent, double forgetGateBias) {
        return new Lstm(units, kernel, recurrent, forgetGateBias);
    }

    /**
     * The layer applied to every step of a sequence with shared parameters, {@code [T, F]} to
     * {@code [T, U]}: {@code timeDistributed(dense(vocabularySize))} gives logits per position.
     */
    public static TimeDistributed timeDistributed(Layer layer) {
        return new TimeDistributed(layer);
    }
}
