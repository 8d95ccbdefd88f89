package dev.aiaas.core.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** Runs exported ONNX bytes in ONNX Runtime, for tests. */
public final class OnnxRuntimeRunner {
    private OnnxRuntimeRunner() {
    }

    /**
     * Runs the model on x (one thread).
     *
     * @param onnxModel the bytes {@link OnnxExport} wrote
     * @param x         the input, flat, row-major
     * @param shape     its shape, batch first
     * @return the output {@value OnnxExport#OUTPUT}, flat, row-major
     * @throws OrtException when ONNX Runtime refuses the model or the input
     */
    public static float[] run(byte[] onnxModel, float[] x, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(onnxModel, o);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                 OrtSession.Result r = s.run(Map.of(OnnxExport.INPUT, in))) {
                FloatBuffer out = ((OnnxTensor) r.get(OnnxExport.OUTPUT).get()).getFloatBuffer();
                float[] y = new float[out.remaining()];
                out.get(y);
                return y;
            }
        }
    }
}
