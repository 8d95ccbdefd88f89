package dev.aiaas.core.train;

import dev.aiaas.core.math.Buf;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Regularizer;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The catalogue of {@link GradientTransform}s. The trainer's conveniences add them for you:
 * {@code regularizer(r)} adds {@link #regularize(Regularizer)}, {@code clipValue(v)}
 * {@link #clipByValue(double)}, {@code clipNorm(c)} {@link #clipByGlobalNorm(double)} (in that
 * order), and every run ends with {@link #frozenState()}.
 */
public final class GradientTransforms {

    private GradientTransforms() {
    }

    /**
     * A weight penalty R on the kernels W of the model ({@link Model#kernelSlices()}: the dense
     * layers' weights, not biases nor normalisation parameters), with Keras's semantics: ∂R/∂W is
     * added to ∇θ, and R(θ) to the logged {@code loss} and {@code val_loss}.
     *
     * @param regularizer R, for example {@code Regularizer.l2(1e-4)}
     * @return the transform
     */
    public static GradientTransform regularize(Regularizer regularizer) {
        Objects.requireNonNull(regularizer, "regularizer");
        return new Regularize(regularizer);
    }

    /**
     * Clips each component of ∇θ to [−v, v].
     *
     * @param maxValue v &gt; 0
     * @return the transform
     * @throws IllegalArgumentException when v is not positive and finite
     */
    public static GradientTransform clipByValue(double maxValue) {
        if (!(maxValue > 0) || !Double.isFinite(maxValue)) {
            throw new IllegalArgumentException("clipByValue needs a positive finite bound. Received: maxValue=" + maxValue);
        }
        return new ClipValue(maxValue);
    }

    /**
     * Rescales ∇θ to Euclidean norm c when its norm ‖∇θ‖₂ (over all parameters) is larger:
     * ∇θ ← ∇θ · c/‖∇θ‖₂ (global-norm clipping, Pascanu et al., ICML 2013).
     *
     * @param maxNorm c &gt; 0
     * @return the transform
     * @throws IllegalArgumentException when c is not positive and finite
     */
    public static GradientTransform clipByGlobalNorm(double maxNorm) {
        if (!(maxNorm > 0) || !Double.isFinite(maxNorm)) {
            throw new IllegalArgumentException("clipByGlobalNorm needs a positive finite norm. Received: maxNorm=" + maxNorm);
        }
        return new ClipNorm(maxNorm);
    }

    /**
     * Keeps the model's untrained state in θ ({@link Model#stateSlices()}: batch normalisation's
     * running statistics) out of the optimiser's reach: saved before the step and put back after
     * it, so that an update rule that moves parameters without a gradient (AdamW's decay) leaves
     * it alone. The trainer applies it innermost in every run; nothing to do, and nothing
     * allocated, for a model without such state.
     *
     * @return the transform
     */
    public static GradientTransform frozenState() {
        return FROZEN;
    }

    private static final GradientTransform FROZEN = new GradientTransform() {
        @Override
        public Bound bind(Model model) {
            return new FrozenState(model.stateSlices());
        }

        @Override
        public String toString() {
            return "frozenState";
        }
    };

    private record Regularize(Regularizer regularizer) implements GradientTransform {
        @Override
        public Bound bind(Model model) {
            List<long[]> kernels = List.copyOf(model.kernelSlices());
            return new Bound() {
                @Override
                public double beforeStep(INDArray parameters, INDArray gradients) {
                    double r = 0;
                    for (int i = 0, n = kernels.size(); i < n; i++) {
                        long[] s = kernels.get(i);
                        r += regularizer.addTo(parameters, gradients, s[0], s[1]);
                    }
                    return r;
                }

                @Override
                public double penalty(INDArray parameters) {
                    double r = 0;
                    for (int i = 0, n = kernels.size(); i < n; i++) {
                        long[] s = kernels.get(i);
                        r += regularizer.penalty(parameters, s[0], s[1]);
                    }
                    return r;
                }
            };
        }
    }

    private record ClipValue(double maxValue) implements GradientTransform {
        @Override
        public Bound bind(Model model) {
            return (parameters, gradients) -> {
                Buf g = Buf.of(gradients);
                double v = maxValue;
                for (int i = 0, n = g.length; i < n; i++) {
                    g.set(i, Math.max(-v, Math.min(v, g.get(i))));
                }
                return 0;
            };
        }
    }

    private record ClipNorm(double maxNorm) implements GradientTransform {
        @Override
        public Bound bind(Model model) {
            return (parameters, gradients) -> {
                Buf g = Buf.of(gradients);
                int n = g.length;
                double sq = 0;
                for (int i = 0; i < n; i++) {
                    double v = g.get(i);
                    sq += v * v;
                }
                double norm = Math.sqrt(sq);
                if (norm > maxNorm) {
                    double s = maxNorm / norm;
                    for (int i = 0; i < n; i++) {
                        g.set(i, g.get(i) * s);
                    }
                }
                return 0;
            };
        }
    }

    /** The saved state slices of θ, restored after the step. */
    private static final class FrozenState implements GradientTransform.Bound {
        private final long[][] slices;
        private final double[] saved;

        FrozenState(List<long[]> slices) {
            this.slices = slices.toArray(new long[0][]);
            long n = 0;
            for (long[] s : this.slices) {
                n += s[1] - s[0];
            }
            this.saved = new double[Math.toIntExact(n)];
        }

        @Override
        public double beforeStep(INDArray parameters, INDArray gradients) {
            copy(parameters, true);
            return 0;
        }

        @Override
        public void afterStep(INDArray parameters) {
            copy(parameters, false);
        }

        private void copy(INDArray params, boolean save) {
            if (saved.length == 0) {
                return;
            }
            Buf p = Buf.of(params);
            int j = 0;
            for (long[] s : slices) {
                for (int i = (int) s[0]; i < s[1]; i++, j++) {
                    if (save) {
                        saved[j] = p.get(i);
                    } else {
                        p.set(i, saved[j]);
                    }
                }
            }
        }
    }
}
