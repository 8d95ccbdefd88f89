package dev.aiaas.core.train;

import dev.aiaas.core.nn.Model;

/**
 * What callbacks may see and change during training: the model, a stop request and the
 * learning-rate multiplier (on top of the schedule).
 */
public final class TrainingContext {
    private final Model model;
    private final int epochs;
    private final long stepsPerEpoch;
    private boolean stopRequested;
    private double learningRateFactor = 1.0;

    TrainingContext(Model model, int epochs, long stepsPerEpoch) {
        this.model = model;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    /** The model being trained. */
    public Model model() {
        return model;
    }

    /** The number of epochs asked for. */
    public int epochs() {
        return epochs;
    }

    /** Optimiser steps per epoch. */
    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** Stops training after the current epoch. */
    public void requestStop() {
        stopRequested = true;
    }

    /** Whether a callback asked to stop. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /** The factor callbacks applied to the learning rate (1 unless reduced). */
    public double learningRateFactor() {
        return learningRateFactor;
    }

    /** Sets the factor applied to the learning rate, for example by reduce-on-plateau. */
    public void setLearningRateFactor(double factor) {
        if (!(factor > 0) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("the learning-rate factor must be positive and finite. Received: " + factor);
        }
        this.learningRateFactor = factor;
    }
}
