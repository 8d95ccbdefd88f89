package dev.aiaas.bench;

/**
 * A workload doing a {@link BenchTask}: the benchmark's name and FLOPs per step come from the
 * task. Subclasses give the engine and the work.
 *
 * @param <T> the kind of task
 */
public abstract class TaskWorkload<T extends BenchTask> implements Workload {
    /** What this workload does per step. */
    protected final T task;

    /**
     * The workload for {@code task}; nothing is allocated before {@link #setup()}.
     *
     * @param task what it does per step
     */
    protected TaskWorkload(T task) {
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
