package dev.aiaas.core.loss;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A loss L(ŷ, y) averaged over the batch, with its gradient.
 *
 * <p>Shapes: predictions ŷ {@code [B, k]}; targets y {@code [B, k]}, except for the sparse
 * losses, whose targets are class indices {@code [B]} or {@code [B, 1]} (stored as numbers), and
 * the sequence loss, whose predictions are {@code [B, T, k]} and targets {@code [B, T]}.
 */
public interface Loss {

    /** A short name, for example {@code softmax_cross_entropy}. */
    String name();

    /** The settings, by name, for saved models. */
    Map<String, Object> config();

    /**
     * Computes the batch mean L and, when {@code grad} is not null, writes ∂L/∂ŷ into it (the
     * gradient of the mean, so already divided by the batch size).
     *
     * @param predictions ŷ {@code [B, k]}
     * @param targets     y, {@code [B, k]} or class indices {@code [B]} / {@code [B, 1]} for sparse losses
     * @param grad        null, or a {@code [B, k]} array to receive ∂L/∂ŷ ('f' order when
     *                    {@code predictions} is; same order as predictions)
     * @return L
     * @throws IllegalArgumentException when shapes do not match or a class index is out of range
     */
    double compute(INDArray predictions, INDArray targets, INDArray grad);

    /**
     * How many target values one example has, for a model whose examples come out with shape
     * {@code outputShape}: the number of outputs (their product) for losses that compare ŷ with
     * y element by element, 1 for a class index, T for one class index per step of a sequence.
     *
     * @throws IllegalArgumentException when the loss cannot take outputs of that shape
     */
    default long targetWidth(long[] outputShape) {
        long n = 1;
        for (long d : outputShape) {
            n *= d;
        }
        return n;
    }

    /** The batch mean L, without the gradient. */
    default double value(INDArray predictions, INDArray targets) {
        return compute(predictions, targets, null);
    }
}
