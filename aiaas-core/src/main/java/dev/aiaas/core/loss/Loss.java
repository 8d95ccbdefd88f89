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

    /**
     * A short name, for example {@code softmax_cross_entropy}.
     *
     * @return a short name, for example {@code softmax_cross_entropy}
     */
    String name();

    /**
     * The settings, by name, for saved models.
     *
     * @return the settings, by name, for saved models
     */
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
     * How the targets of this loss are laid out. The trainer shapes its target buffers from it,
     * and metrics read targets through it. Default {@link TargetKind#DENSE}: a loss written
     * without overriding it compares ŷ with y element by element.
     *
     * @return the layout of y
     */
    default TargetKind targetKind() {
        return TargetKind.DENSE;
    }

    /**
     * How a prediction of this loss is read as a class, for classification metrics (accuracy,
     * top-k, ...). Default {@link Decision#NONE}: not a classification loss (regression).
     *
     * @return the rule, or {@link Decision#NONE}
     */
    default Decision decision() {
        return Decision.NONE;
    }

    /**
     * How many target values one example has, for a model whose examples come out with shape
     * {@code outputShape}, as {@link #targetKind()} says: the number of outputs (their product)
     * for {@link TargetKind#DENSE}, 1 for {@link TargetKind#CLASS_INDEX}, T for
     * {@link TargetKind#CLASS_INDEX_PER_POSITION} (outputs {@code [T, k]}).
     *
     * @param outputShape the shape of one example's output, without the batch dimension
     * @return the number of target values per example
     * @throws IllegalArgumentException when the loss cannot take outputs of that shape
     */
    default long targetWidth(long[] outputShape) {
        return switch (targetKind()) {
            case CLASS_INDEX -> 1;
            case CLASS_INDEX_PER_POSITION -> {
                if (outputShape.length != 2) {
                    throw new IllegalArgumentException(name() + " needs a model whose examples come out as [T, classes], got "
                            + java.util.Arrays.toString(outputShape)
                            + "; end the model with Layers.timeDistributed(Layers.dense(classes))");
                }
                yield outputShape[0];
            }
            case DENSE -> {
                long n = 1;
                for (long d : outputShape) {
                    n *= d;
                }
                yield n;
            }
        };
    }

    /**
     * Whether this is a classification loss: {@link #decision()} is not {@link Decision#NONE}.
     *
     * @return whether {@link #decision()} reads classes
     */
    default boolean isClassification() {
        return decision() != Decision.NONE;
    }

    /**
     * The layout of a loss's targets y for predictions ŷ of a batch of B examples.
     */
    enum TargetKind {
        /** One class index per example: y {@code [B]} or {@code [B, 1]}, ŷ scores {@code [B, k]}. */
        CLASS_INDEX,
        /**
         * One class index per position of a sequence: y {@code [B, T]} ({@link Losses#PADDING}
         * marks a padding position), ŷ scores {@code [B, T, k]}.
         */
        CLASS_INDEX_PER_POSITION,
        /**
         * Targets of the output's width, compared with ŷ element by element: y has ŷ's shape
         * {@code [B, k]} (regression values, one-hot rows, probabilities, 0/1 labels).
         */
        DENSE
    }

    /**
     * How a classification loss's prediction is read as a class.
     */
    enum Decision {
        /** Not a classification loss. */
        NONE,
        /**
         * Softmax-style scores (logits or probabilities) over k classes: the predicted class is
         * the first index of the largest score; with {@link TargetKind#DENSE} targets the true
         * class is the first index of the largest target (one-hot or probability rows).
         */
        ARGMAX,
        /**
         * Independent binary logits, one per output: output j predicts positive when
         * ŷⱼ &gt; 0 (σ(ŷⱼ) &gt; ½), and its target is positive when yⱼ &gt; ½.
         */
        POSITIVE_LOGIT
    }

    /**
     * The batch mean L, without the gradient.
     *
     * @param predictions the predictions
     * @param targets the true values
     * @return the batch mean L, without the gradient
     */
    default double value(INDArray predictions, INDArray targets) {
        return compute(predictions, targets, null);
    }
}
