package dev.aiaas.bench;

/**
 * What the MLP workloads of every engine share: the task they run, its benchmark name and its
 * FLOPs per step. Subclasses give the engine and the work (the peers of {@code dev.aiaas.bench.peers}
 * among them).
 */
public abstract class MlpWorkload implements Workload {
    /** The network shape, batch size and kind of step. */
    protected final MlpTask task;

    /**
     * The workload for {@code task}; nothing is allocated before {@link #setup()}.
     *
     * @param task the shape, batch and kind of step
     */
    protected MlpWorkload(MlpTask task) {
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
