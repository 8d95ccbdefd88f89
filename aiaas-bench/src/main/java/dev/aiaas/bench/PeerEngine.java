package dev.aiaas.bench;

import java.util.Optional;

/**
 * An engine outside ND4J that {@code aiaas bench} compares against, found at run time with
 * {@link java.util.ServiceLoader} (file {@code META-INF/services/dev.aiaas.bench.PeerEngine}).
 * The in-JVM peers (PyTorch through DJL, ONNX Runtime) implement it in {@code src/peers/java},
 * which only the Maven profile {@code peers} compiles; without that profile the service file is
 * absent and {@link Peers} reports them as not built in.
 *
 * <p>Call order: {@link #engine()}; {@link #unavailableReason()} once (it may load native
 * libraries); then {@link #supports} and {@link #workload} for each task, only if available.
 */
public interface PeerEngine {

    /** {@return the engine's name in reports and CSV rows, for example {@code pytorch-djl}} */
    String engine();

    /**
     * Why the engine cannot run here (its native library failed to load, a file is missing), with
     * the fix; empty when it can.
     *
     * @return the reason and fix, or empty
     */
    Optional<String> unavailableReason();

    /**
     * What runs, for the report, after {@link #unavailableReason()} returned empty: for example
     * {@code PyTorch 2.7.1 through DJL 0.36.0}. The default is the engine's name.
     *
     * @return a short description of the engine and its version
     */
    default String version() {
        return engine();
    }

    /**
     * Whether the engine does this task (ONNX Runtime, for example, only infers).
     *
     * @param task the task
     * @return whether {@link #workload} takes it
     */
    boolean supports(MlpTask task);

    /**
     * The task's workload in this engine; nothing is allocated before {@link Workload#setup()}.
     *
     * @param task a task that {@link #supports} accepts
     * @return the workload
     * @throws IllegalArgumentException when {@link #supports} is false for the task
     */
    Workload workload(MlpTask task);

    /**
     * Whether the engine does this CNN task. The default: no.
     *
     * @param task the task
     * @return whether {@link #workload(CnnTask)} takes it
     */
    default boolean supports(CnnTask task) {
        return false;
    }

    /**
     * Whether this engine runs the imported encoder's task (the same ONNX file as aiaas).
     *
     * @param task the task
     * @return false unless the engine runs it
     */
    default boolean supports(EncoderTask task) {
        return false;
    }

    /**
     * The workload of an encoder task; only called when {@link #supports(EncoderTask)} is true.
     *
     * @param task the task
     * @return the workload, not yet set up
     */
    default Workload workload(EncoderTask task) {
        throw new IllegalArgumentException(engine() + " does not run " + task.benchmark() + "; check supports(task) first");
    }

    /**
     * Whether this engine runs the GPT-style decoder's task (the same network, exported). The default: no.
     *
     * @param task the task
     * @return false unless the engine runs it
     */
    default boolean supports(DecoderTask task) {
        return false;
    }

    /**
     * The workload of a decoder task; only called when {@link #supports(DecoderTask)} is true.
     *
     * @param task the task
     * @return the workload, not yet set up
     */
    default Workload workload(DecoderTask task) {
        throw new IllegalArgumentException(engine() + " does not run " + task.benchmark() + "; check supports(task) first");
    }

    /**
     * The CNN task's workload in this engine; nothing is allocated before {@link Workload#setup()}.
     * The default refuses every task.
     *
     * @param task a task that {@link #supports(CnnTask)} accepts
     * @return the workload
     * @throws IllegalArgumentException when {@link #supports(CnnTask)} is false for the task
     */
    default Workload workload(CnnTask task) {
        throw new IllegalArgumentException(engine() + " does not run " + task.benchmark() + "; check supports(task) first");
    }

    /**
     * Whether this engine runs the image-pipeline task. The default: no.
     *
     * @param task the task
     * @return false unless the engine runs it
     */
    default boolean supports(ImageTask task) {
        return false;
    }

    /**
     * The workload of an image-pipeline task; only called when {@link #supports(ImageTask)} is true.
     *
     * @param task the task
     * @return the workload, not yet set up
     */
    default Workload workload(ImageTask task) {
        throw new IllegalArgumentException(engine() + " does not run " + task.benchmark() + "; check supports(task) first");
    }
}
