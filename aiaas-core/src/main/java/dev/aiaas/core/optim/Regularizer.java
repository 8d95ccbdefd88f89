package dev.aiaas.core.optim;

import dev.aiaas.core.math.Buf;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A weight penalty R(w) added to the training loss, with Keras's semantics:
 * R(w) = λ₁ Σ|w| + λ₂ Σ w², ∂R/∂w = λ₁ sign(w) + 2λ₂ w (sign(0) = 0).
 *
 * <p>The trainer applies it to the kernels W of every dense layer (not to biases, nor to the
 * normalisation layers' γ, β and running statistics), found with
 * {@code Model.kernelSlices()}: {@code Trainer.builder(loss).regularizer(Regularizer.l2(1e-4))}.
 * The logged {@code loss} and {@code val_loss} then include R(θ), as in Keras.
 *
 * @param l1 λ₁ ≥ 0
 * @param l2 λ₂ ≥ 0
 */
public record Regularizer(double l1, double l2) {

    /**
     * Validates the factors.
     *
     * @param l1 λ₁, the L1 factor, ≥ 0 and finite
     * @param l2 λ₂, the L2 factor, ≥ 0 and finite
     * @throws IllegalArgumentException when a factor is negative, NaN or infinite
     */
    public Regularizer {
        if (!(l1 >= 0) || !Double.isFinite(l1)) {
            throw new IllegalArgumentException("the L1 factor must be >= 0 and finite. Received: l1=" + l1);
        }
        if (!(l2 >= 0) || !Double.isFinite(l2)) {
            throw new IllegalArgumentException("the L2 factor must be >= 0 and finite. Received: l2=" + l2);
        }
    }

    /**
     * R(w) = λ Σ|w| (lasso; pushes weights to exactly 0).
     *
     * @param lambda λ ≥ 0, finite
     * @return the penalty with λ₁ = λ, λ₂ = 0
     */
    public static Regularizer l1(double lambda) {
        return new Regularizer(lambda, 0);
    }

    /**
     * R(w) = λ Σ w² (∂R/∂w = 2λw: under plain SGD, a weight decay of 2ηλ per step).
     *
     * @param lambda λ ≥ 0, finite
     * @return the penalty with λ₁ = 0, λ₂ = λ
     */
    public static Regularizer l2(double lambda) {
        return new Regularizer(0, lambda);
    }

    /**
     * R(w) = λ₁ Σ|w| + λ₂ Σ w² (elastic net).
     *
     * @param l1 λ₁ ≥ 0, finite
     * @param l2 λ₂ ≥ 0, finite
     * @return the penalty with both factors
     */
    public static Regularizer l1l2(double l1, double l2) {
        return new Regularizer(l1, l2);
    }

    /** {@return the factors, by name ({@code l1}, {@code l2}), for logs and provenance} */
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("l1", l1);
        m.put("l2", l2);
        return m;
    }

    /**
     * Adds ∂R/∂w to {@code grads[from, to)} for w = {@code params[from, to)} and returns R(w).
     *
     * @param params θ, 1-D, contiguous
     * @param grads  ∇θ, 1-D, contiguous, same length
     * @param from   the first index of w in θ (a kernel slice's start)
     * @param to     one past the last index of w, at most θ's length
     * @return R(w), to add to the loss
     * @throws IllegalArgumentException when the range does not lie in θ or ∇θ's length differs
     */
    public double addTo(INDArray params, INDArray grads, long from, long to) {
        if (from < 0 || to < from || to > params.length() || grads.length() != params.length()) {
            throw new IllegalArgumentException("expected 0 <= from <= to <= " + params.length() + " and ∇θ as long as θ. Received: from="
                    + from + ", to=" + to + ", ∇θ length " + grads.length());
        }
        Buf p = Buf.of(params);
        Buf g = Buf.of(grads);
        double sumAbs = 0;
        double sumSq = 0;
        for (int i = (int) from, n = (int) to; i < n; i++) {
            double w = p.get(i);
            sumAbs += Math.abs(w);
            sumSq += w * w;
            g.add(i, l1 * Math.signum(w) + 2 * l2 * w);
        }
        return l1 * sumAbs + l2 * sumSq;
    }

    /**
     * R(w) for w = {@code params[from, to)}, without touching gradients.
     *
     * @param params θ, 1-D, contiguous
     * @param from   the first index of w in θ
     * @param to     one past the last index of w, at most θ's length
     * @return R(w)
     */
    public double penalty(INDArray params, long from, long to) {
        Buf p = Buf.of(params);
        double sumAbs = 0;
        double sumSq = 0;
        for (int i = (int) from, n = (int) to; i < n; i++) {
            double w = p.get(i);
            sumAbs += Math.abs(w);
            sumSq += w * w;
        }
        return l1 * sumAbs + l2 * sumSq;
    }
}
