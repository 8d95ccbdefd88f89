package dev.aiaas.bench.peers;

import ai.onnxruntime.OrtEnvironment;
import dev.aiaas.bench.CnnNet;
import dev.aiaas.bench.CnnTask;
import dev.aiaas.bench.DecoderTask;
import dev.aiaas.bench.EncoderTask;
import dev.aiaas.bench.MlpTask;
import dev.aiaas.bench.PeerEngine;
import dev.aiaas.bench.Workload;
import dev.aiaas.bench.Workloads;
import java.util.Optional;

/**
 * The {@code onnxruntime} peer: ONNX Runtime 1.29 (CPU execution provider, natives from the
 * {@code com.microsoft.onnxruntime:onnxruntime} jar) in this JVM, inference only, on
 * {@code mlp-784-256-10.onnx}: the 784-256-10 network with the benchmarks' weights, exported once
 * from Debian's PyTorch 1.13 by {@code aiaas-bench/scripts/export_onnx.py} and committed beside
 * this class (provenance in {@code aiaas-bench/scripts/README.md}).
 */
public final class OrtPeer implements PeerEngine {

    /** The engine's name. */
    public static final String ENGINE = "onnxruntime";

    private String version;

    @Override
    public String engine() {
        return ENGINE;
    }

    @Override
    public Optional<String> unavailableReason() {
        if (OrtPeer.class.getResource(OrtMlp.MODEL_RESOURCE) == null) {
            return Optional.of(OrtMlp.MODEL_RESOURCE + " is missing from the class path; rebuild with -Ppeers");
        }
        try {
            version = "ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion() + ", CPU execution provider";
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("ONNX Runtime does not load here (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); it needs com.microsoft.onnxruntime:onnxruntime:1.29.0 on the class path (build with -Ppeers)");
        }
    }

    @Override
    public String version() {
        return version == null ? ENGINE : version;
    }

    /** Inference of 784-256-10, the network of the committed ONNX file. */
    @Override
    public boolean supports(MlpTask task) {
        return !task.train() && task.shape().equals(Workloads.SMALL);
    }

    /**
     * Inference of the cnn, built in memory by {@link CnnOnnx}, and of the small ResNet, aiaas's
     * network (seed {@code Inputs.SEED}, the weights of the aiaas row) exported by aiaas's
     * {@code OnnxExport}.
     */
    @Override
    public boolean supports(CnnTask task) {
        return !task.train() && (task.net() == CnnNet.CNN || task.net() == CnnNet.RESNET_SMALL);
    }

    /** The GPT-style decoder's inference tasks, on the network exported by aiaas. */
    @Override
    public boolean supports(DecoderTask task) {
        return task.kind() != DecoderTask.Kind.TRAIN;
    }

    @Override
    public Workload workload(DecoderTask task) {
        if (!supports(task)) {
            throw new IllegalArgumentException(ENGINE + " only infers; it does not run " + task.benchmark());
        }
        return new OrtDecoder(task);
    }

    /** The MiniLM encoder's tasks, on the same ONNX file aiaas imports. */
    @Override
    public boolean supports(EncoderTask task) {
        return EncoderTask.model().isPresent();
    }

    @Override
    public Workload workload(EncoderTask task) {
        if (!supports(task)) {
            throw new IllegalArgumentException(ENGINE + " runs " + task.benchmark() + " only where the MiniLM model file is found ("
                    + EncoderTask.MODEL_PROPERTY + " or the class path)");
        }
        return new OrtEncoder(task);
    }

    @Override
    public Workload workload(CnnTask task) {
        if (!supports(task)) {
            throw new IllegalArgumentException(ENGINE + " only infers with the cnn and the small ResNet. Received: " + task.benchmark()
                    + "; use an infer-cnn-b<B> or infer-resnet-small-b<B> task");
        }
        return new OrtCnn(task);
    }

    @Override
    public Workload workload(MlpTask task) {
        if (!supports(task)) {
            throw new IllegalArgumentException(ENGINE + " only infers with the committed 784-256-10 network. Received: "
                    + task.benchmark() + "; use an infer-784-256-10-b<B> task");
        }
        return new OrtMlp(task);
    }
}
