/**
 * The shared element-wise maths: σ, tanh, e^x, log-sum-exp, softmax and the LSTM cell, in one
 * class, {@link dev.aiaas.core.math.MathOps}, with an exact (float64, {@link java.lang.Math}) and a
 * fast, vectorisable (for float32 results) grade of each function.
 *
 * <p>This package is public API (unlike {@code dev.aiaas.core.internal}) because aiaas-nlp's
 * language models compute with it too: one home for the functions that the layers, the losses, the
 * predictor and the language models share. It depends on nothing but the JDK.
 */
package dev.aiaas.core.math;
