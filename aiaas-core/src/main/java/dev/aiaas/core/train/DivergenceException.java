package dev.aiaas.core.train;

/**
 * Training diverged: the loss became NaN or infinite at a step, or the parameters stopped being
 * finite. Thrown by {@link Trainer#fit} (unless {@link Trainer.Builder#stopOnDivergence} is off)
 * and by {@link Callbacks#terminateOnNaN()}; the model's parameters are then not to be used.
 */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The 1-based epoch, or 0 when not known. */
    private final int epoch;
    /** The optimiser step at which the loss stopped being finite. */
    private final long step;
    /** The non-finite loss. */
    private final double loss;
    /** Whether the parameters, not the loss, were found not finite. */
    private final boolean inParameters;

    private static final String FIX = "Lower the learning rate, clip gradients (Trainer.Builder.clipNorm), or check "
            + "the data for NaN, infinite or very large values.";

    /**
     * The error for a non-finite loss at a step.
     *
     * @param step the optimiser step, from 1
     * @param loss the non-finite loss
     */
    public DivergenceException(long step, double loss) {
        this(0, step, loss);
    }

    /**
     * The error for a non-finite loss at a step of an epoch.
     *
     * @param epoch the 1-based epoch, or 0 when not known
     * @param step  the optimiser step, from 1 (counted over the whole run)
     * @param loss  the non-finite loss
     */
    public DivergenceException(int epoch, long step, double loss) {
        this("Training diverged: the loss is " + loss + " at " + where(epoch, step) + ". " + FIX, epoch, step, loss, false);
    }

    private DivergenceException(String message, int epoch, long step, double loss, boolean inParameters) {
        super(message);
        this.epoch = epoch;
        this.step = step;
        this.loss = loss;
        this.inParameters = inParameters;
    }

    /**
     * The error for parameters that are not all finite at the end of an epoch (whose last step's
     * loss was still finite).
     *
     * @param epoch the 1-based epoch
     * @param step  the last step of the epoch
     * @param index the flat index in θ of the first value that is not finite
     * @return the exception, whose {@link #loss()} is NaN
     */
    static DivergenceException ofParameters(int epoch, long step, long index) {
        return new DivergenceException("Training diverged: the parameters are not finite (θ[" + index + "]) after "
                + where(epoch, step) + ". " + FIX, epoch, step, Double.NaN, true);
    }

    private static String where(int epoch, long step) {
        return (epoch > 0 ? "epoch " + epoch + ", " : "") + "step " + step;
    }

    /**
     * The 1-based epoch in which training diverged.
     *
     * @return the epoch, or 0 when not known
     */
    public int epoch() {
        return epoch;
    }

    /**
     * The step at which the loss stopped being finite.
     *
     * @return the step at which the loss stopped being finite
     */
    public long step() {
        return step;
    }

    /**
     * Whether the parameters, not the loss, were found not finite (at the end of an epoch whose
     * last loss was still finite).
     *
     * @return true for non-finite parameters, false for a non-finite loss
     */
    public boolean inParameters() {
        return inParameters;
    }

    /**
     * The loss at that step.
     *
     * @return the loss at that step (NaN when the parameters, not the loss, were found not finite)
     */
    public double loss() {
        return loss;
    }
}
