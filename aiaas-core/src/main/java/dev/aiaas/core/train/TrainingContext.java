package dev.aiaas.core.train;

import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;

/**
 * What callbacks may see and change during training: the model, the optimiser with its state
 * and the step count (what a checkpoint needs), a stop request and the learning-rate multiplier
 * (on top of the schedule).
 */
public final class TrainingContext {
    private final Model model;
    private final int epochs;
    private final long stepsPerEpoch;
    private boolean stopRequested;
    private double learningRateFactor = 1.0;
    private final Optimizer optimizer;
    private final Optimizer.State optimizerState;
    private long step;

    TrainingContext(Model model, int epochs, long stepsPerEpoch, Optimizer optimizer, Optimizer.State optimizerState, long step) {
        this.model = model;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.optimizer = optimizer;
        this.optimizerState = optimizerState;
        this.step = step;
    }

    /**
     * The optimiser in use.
     *
     * @return the optimiser in use
     */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * The optimiser's state for this run (live: read it, for example to save a checkpoint; do not close it).
     *
     * @return the optimiser's state for this run (live: read it, for example to save a checkpoint; do not close it)
     */
    public Optimizer.State optimizerState() {
        return optimizerState;
    }

    /**
     * Optimiser steps taken so far, counting those before a resumed checkpoint.
     *
     * @return optimiser steps taken so far, counting those before a resumed checkpoint
     */
    public long step() {
        return step;
    }

    void step(long step) {
        this.step = step;
    }

    /**
     * The model being trained.
     *
     * @return the model being trained
     */
    public Model model() {
        return model;
    }

    /**
     * The number of epochs asked for.
     *
     * @return the number of epochs asked for
     */
    public int epochs() {
        return epochs;
    }

    /**
     * Optimiser steps per epoch.
     *
     * @return optimiser steps per epoch
     */
    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /**
     * Stops training after the current epoch.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Whether a callback asked to stop.
     *
     * @return whether a callback asked to stop
     */
    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * The factor callbacks applied to the learning rate (1 unless reduced).
     *
     * @return the factor callbacks applied to the learning rate (1 unless reduced)
     */
    public double learningRateFactor() {
        return learningRateFactor;
    }

    /**
     * Sets the factor applied to the learning rate, for example by reduce-on-plateau.
     *
     * @param factor the factor on the scheduled rate, positive and finite
     */
    public void setLearningRateFactor(double factor) {
        if (!(factor > 0) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("the learning-rate factor must be positive and finite. Received: " + factor);
        }
        this.learningRateFactor = factor;
    }
}
