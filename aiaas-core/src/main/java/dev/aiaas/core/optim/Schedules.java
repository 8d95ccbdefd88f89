package dev.aiaas.core.optim;

/** The catalogue of learning-rate schedules (factors of the base rate η). */
public final class Schedules {
    private Schedules() {
    }

    /** {@return always 1} */
    public static Schedule constant() {
        return (step, epoch) -> 1.0;
    }

    /**
     * γ^⌊epoch / every⌋: multiply by γ every {@code every} epochs.
     *
     * @param every the epochs between two steps, ≥ 1
     * @param gamma γ, the factor of each step, in (0, 1]
     * @return the schedule
     */
    public static Schedule step(int every, double gamma) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be a positive number of epochs. Received: every=" + every);
        }
        checkGamma(gamma);
        return (step, epoch) -> Math.pow(gamma, epoch / every);
    }

    /**
     * γ^epoch.
     *
     * @param gamma γ, the factor per epoch, in (0, 1]
     * @return the schedule
     */
    public static Schedule exponential(double gamma) {
        checkGamma(gamma);
        return (step, epoch) -> Math.pow(gamma, epoch);
    }

    /**
     * Linear warm-up from 0 over {@code warmupSteps}, then cosine decay to {@code minFactor} at
     * {@code totalSteps} (Loshchilov and Hutter 2017, without restarts):
     * f = s/w for s ≤ w, else m + (1 − m)(1 + cos(π (s − w)/(T − w)))/2, and m after T.
     *
     * @param warmupSteps w, the steps of the linear warm-up, ≥ 0
     * @param totalSteps  T, the step where the decay ends, &gt; w
     * @param minFactor   m, the factor from T on, in [0, 1]
     * @return the schedule
     */
    public static Schedule cosine(long warmupSteps, long totalSteps, double minFactor) {
        if (warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps < totalSteps. Received: warmupSteps=" + warmupSteps
                    + ", totalSteps=" + totalSteps);
        }
        if (!(minFactor >= 0 && minFactor <= 1)) {
            throw new IllegalArgumentException("minFactor must be in [0, 1]. Received: minFactor=" + minFactor);
        }
        return (step, epoch) -> {
            if (step <= warmupSteps) {
                return (double) step / warmupSteps;
            }
            if (step >= totalSteps) {
                return minFactor;
            }
            double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
            return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }

    private static void checkGamma(double gamma) {
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in (0, 1]. Received: gamma=" + gamma);
        }
    }
}
