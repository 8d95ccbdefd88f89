package dev.aiaas.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;

/**
 * One ONNX Runtime session with the benchmarks' settings (all graph optimisations, sequential
 * execution, {@code threads} intra-op threads, one inter-op thread), and the tensors made for it;
 * {@link #close()} closes the tensors, the session and its options, in that order. The environment
 * is ONNX Runtime's process-wide singleton and is not closed. Every ONNX Runtime workload of the
 * {@code onnxruntime} peer holds one of these instead of repeating the session's setup.
 */
final class OrtSessions implements AutoCloseable {

    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final List<OnnxTensor> tensors = new ArrayList<>();

    private OrtSessions(OrtSession.SessionOptions options, OrtSession session) {
        this.options = options;
        this.session = session;
    }

    /**
     * Checks a workload's thread count.
     *
     * @param threads ONNX Runtime's intra-op threads
     * @return {@code threads}
     * @throws IllegalArgumentException if it is below 1
     */
    static int checkThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be a positive integer. Received: threads=" + threads);
        }
        return threads;
    }

    /**
     * Opens a session on a model's bytes.
     *
     * @param model   the ONNX file's bytes
     * @param threads intra-op threads, at least 1
     * @param what    the model's name for the error message, for example "the cnn model"
     * @return the open session; the caller closes it
     * @throws IllegalStateException if ONNX Runtime cannot load the model (nothing is left open)
     */
    static OrtSessions open(byte[] model, int threads, String what) {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(checkThreads(threads));
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return new OrtSessions(options, OrtEnvironment.getEnvironment().createSession(model, options));
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw new IllegalStateException("ONNX Runtime could not load " + what + ": " + e.getMessage(), e);
        }
    }

    /** The open session. */
    OrtSession session() {
        return session;
    }

    /** The process-wide environment, to create tensors in. */
    static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * Takes ownership of a tensor made for this session: {@link #close()} closes it.
     *
     * @param tensor a tensor
     * @return {@code tensor}
     */
    OnnxTensor own(OnnxTensor tensor) {
        tensors.add(tensor);
        return tensor;
    }

    /**
     * Closes the owned tensors, the session and its options.
     *
     * @throws IllegalStateException if ONNX Runtime fails to close the session (the options are closed anyway)
     */
    @Override
    public void close() {
        for (OnnxTensor t : tensors) {
            t.close();
        }
        tensors.clear();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to close its session: " + e.getMessage(), e);
        } finally {
            options.close();
        }
    }
}
