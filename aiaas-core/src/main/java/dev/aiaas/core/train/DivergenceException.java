package dev.aiaas.core.train;

/** Training diverged: the loss became NaN or infinite at a step. */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long step;
    private final double loss;

    /**
     * @param step the optimiser step, from 1
     * @param loss the non-finite loss
     */
    public DivergenceException(long step, double loss) {
        super("Training diverged: the loss is " + loss + " at step " + step
                + ". Lower the learning rate, clip gradients (Trainer.Builder.clipNorm), or check the data for NaN or infinite values.");
        this.step = step;
        this.loss = loss;
    }

    /** The step at which the loss stopped being finite. */
    public long step() {
        return step;
    }

    /** The loss at that step. */
    public double loss() {
        return loss;
    }
}
