package dev.aiaas.bench;

import dev.aiaas.onnx.OnnxImport;
import dev.aiaas.onnx.TransformerEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * aiaas on an encoder task: all-MiniLM-L6-v2 imported into aiaas layers
 * ({@link OnnxImport#encoder}, in setup); one step is {@link TransformerEncoder#hiddenStates} of
 * the task's ids.
 */
public final class AiaasEncoder extends TaskWorkload<EncoderTask> {

    private final int[][] ids;
    private TransformerEncoder encoder;

    /**
     * @param task the task
     */
    public AiaasEncoder(EncoderTask task) {
        super(task);
        this.ids = task.ids();
    }

    @Override
    public String engine() {
        return "aiaas";
    }

    @Override
    public void setup() {
        byte[] model = EncoderTask.model().orElseThrow(() -> new IllegalStateException("the MiniLM model file is not available"));
        try {
            encoder = OnnxImport.encoder(model, EncoderTask.MODEL_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void step() {
        encoder.hiddenStates(ids, null, null);
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }
}
