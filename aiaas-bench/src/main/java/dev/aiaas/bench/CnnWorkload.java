package dev.aiaas.bench;

/**
 * What the CNN workloads of every engine share: the task, its benchmark name and its FLOPs per
 * step. Subclasses give the engine and the work.
 */
public abstract class CnnWorkload implements Workload {
    /** The network, batch size and kind of step. */
    protected final CnnTask task;

    /**
     * The workload for {@code task}; nothing is allocated before {@link #setup()}.
     *
     * @param task the network, batch and kind of step
     */
    protected CnnWorkload(CnnTask task) {
        this.task = task;
    }

    @Override
    public final String benchmark() {
        return task.benchmark();
    }

    @Override
    public final double flopsPerStep() {
        return task.flops();
    }
}
