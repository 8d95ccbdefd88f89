package dev.aiaas.core.optim;

/**
 * A learning-rate schedule: the multiplier of the optimiser's base rate η at a step.
 * {@link Schedules} is the catalogue.
 */
@FunctionalInterface
public interface Schedule {
    /**
     * The factor applied to η.
     *
     * @param step  the optimiser step about to run, from 1
     * @param epoch the epoch it belongs to, from 0
     * @return the factor, ≥ 0
     */
    double factor(long step, int epoch);
}
