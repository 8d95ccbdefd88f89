package dev.aiaas.bench;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The widths of a multi-layer perceptron, input first: {@code [784, 256, 10]} is dense(784 → 256,
 * relu) then dense(256 → 10) giving logits, trained with softmax cross-entropy.
 *
 * <p>The arithmetic floor of a step counts the matrix products only (bias, activation, loss and
 * optimiser are memory-bound and a few percent of the work at these sizes). With batch B and
 * layers l = 1..L of fan-in n_{l-1} and fan-out n_l:
 * <ul>
 *   <li>inference: {@code F = 2·B·Σ_l n_{l-1}·n_l} (one product x W per layer);</li>
 *   <li>training step: forward {@code 2·B·Σ_l n_{l-1}·n_l}, weight gradients xᵀδ
 *       {@code 2·B·Σ_l n_{l-1}·n_l}, input gradients δWᵀ {@code 2·B·Σ_{l≥2} n_{l-1}·n_l} (no
 *       engine needs ∂L/∂x of the first layer): about 3 × the forward.</li>
 * </ul>
 * For 784-256-10 at B = 128 that is 52.0 MFLOP forward and 104.7 MFLOP per training step.
 *
 * @param widths n_0 (input), n_1, ..., n_L (classes); at least two, all positive
 */
public record MlpShape(List<Integer> widths) {

    /**
     * Validates the widths.
     *
     * @param widths n_0 (input), n_1, ..., n_L (classes); at least two, all positive
     */
    public MlpShape {
        widths = List.copyOf(widths);
        if (widths.size() < 2) {
            throw new IllegalArgumentException("an MLP needs an input and an output width. Received: widths=" + widths);
        }
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("widths must be positive integers. Received: widths=" + widths);
            }
        }
    }

    /**
     * The shape with the given widths, input first.
     *
     * @param widths n_0 ... n_L, each at least 1, at least two
     * @return the shape
     */
    public static MlpShape of(Integer... widths) {
        return new MlpShape(List.of(widths));
    }

    /** {@return n_0} */
    public int inputs() {
        return widths.get(0);
    }

    /** {@return n_L, the number of classes} */
    public int classes() {
        return widths.get(widths.size() - 1);
    }

    /** {@return L} */
    public int layerCount() {
        return widths.size() - 1;
    }

    /** {@return {@code 784-256-10}} */
    public String label() {
        return widths.stream().map(String::valueOf).collect(Collectors.joining("-"));
    }

    /** {@return Σ_l n_{l-1}·n_l, the weights (without biases)} */
    public long weightCount() {
        long s = 0;
        for (int l = 1; l < widths.size(); l++) {
            s += (long) widths.get(l - 1) * widths.get(l);
        }
        return s;
    }

    /** {@return weights and biases} */
    public long parameterCount() {
        long s = weightCount();
        for (int l = 1; l < widths.size(); l++) {
            s += widths.get(l);
        }
        return s;
    }

    /**
     * {@code 2·B·Σ_l n_{l-1}·n_l}: the products of one forward pass.
     *
     * @param batch B
     * @return FLOP
     */
    public double inferenceFlops(int batch) {
        return 2.0 * batch * weightCount();
    }

    /**
     * Forward, weight gradients and input gradients of layers 2..L (see the class comment).
     *
     * @param batch B
     * @return FLOP
     */
    public double trainingFlops(int batch) {
        long firstLayer = (long) widths.get(0) * widths.get(1);
        return 2.0 * batch * (2 * weightCount() + (weightCount() - firstLayer));
    }
}
