package dev.aiaas.bench.peers;

import ai.djl.engine.Engine;
import dev.aiaas.bench.CnnTask;
import dev.aiaas.bench.MlpTask;
import dev.aiaas.bench.PeerEngine;
import dev.aiaas.bench.Workload;
import java.util.Optional;

/**
 * The {@code pytorch-djl} peer: PyTorch 2.7.1 (libtorch for the CPU from
 * {@code ai.djl.pytorch:pytorch-native-cpu}) through DJL 0.36's PyTorch engine, in this JVM.
 *
 * <p>Nothing is downloaded: {@link #unavailableReason()} sets {@code ai.djl.offline=true} when it
 * is unset, so DJL takes libtorch from the jar on the class path (it extracts it once into its
 * cache folder, {@code ~/.djl.ai}) or fails. PyTorch's inter-op pool is set to one thread
 * ({@code ai.djl.pytorch.num_interop_threads}, when unset); the intra-op threads follow each
 * measurement's setting ({@link DjlMlp#useThreads}).
 */
public final class DjlPeer implements PeerEngine {

    /** The engine's name. */
    public static final String ENGINE = "pytorch-djl";

    private String version;

    @Override
    public String engine() {
        return ENGINE;
    }

    /**
     * The PyTorch engine, loaded offline: sets {@code ai.djl.offline=true} and one inter-op thread
     * where the user set neither, before DJL's first use reads them.
     */
    static Engine load() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        return Engine.getEngine("PyTorch");
    }

    @Override
    public Optional<String> unavailableReason() {
        try {
            Engine e = load();
            version = "PyTorch " + e.getVersion() + " through DJL " + Engine.getDjlVersion();
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("PyTorch through DJL does not load here (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); the jar needs ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64 and pytorch-jni on its class "
                    + "path (build with -Ppeers) and a Linux x86-64 machine");
        }
    }

    @Override
    public String version() {
        return version == null ? ENGINE : version;
    }

    @Override
    public boolean supports(MlpTask task) {
        return !task.intoBuffer() && !task.norm(); // DJL's Predictor returns new arrays; its model here is the plain MLP
    }

    @Override
    public Workload workload(MlpTask task) {
        return new DjlMlp(task);
    }

    /** Every CNN task: training and inference of LeNet-5, the cnn and the small ResNet. */
    @Override
    public boolean supports(CnnTask task) {
        return true;
    }

    @Override
    public Workload workload(CnnTask task) {
        return new DjlCnn(task);
    }
}
