package dev.aiaas.bench;

/**
 * A task's workload in a peer engine with a thread pool of its own (ONNX Runtime's intra-op
 * threads, PyTorch's {@code at::set_num_threads}): it keeps the engine's name and the threads
 * {@link #useThreads} asks for, which {@link #setup()} applies.
 *
 * @param <T> the kind of task
 */
public abstract class PeerWorkload<T extends BenchTask> extends TaskWorkload<T> {
    private final String engine;
    /** The engine's compute threads for the next {@link #setup()}; 1 until {@link #useThreads} is called. */
    protected int threads = 1;

    /**
     * The workload for {@code task} in {@code engine}; nothing is allocated before {@link #setup()}.
     *
     * @param task   what it does per step
     * @param engine the engine's name, for example {@code onnxruntime}
     */
    protected PeerWorkload(T task, String engine) {
        super(task);
        this.engine = engine;
    }

    @Override
    public final String engine() {
        return engine;
    }

    /** The engine's compute threads, applied when {@link #setup()} creates its session or sets its pool. */
    @Override
    public final void useThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be a positive integer. Received: threads=" + threads);
        }
        this.threads = threads;
    }
}
