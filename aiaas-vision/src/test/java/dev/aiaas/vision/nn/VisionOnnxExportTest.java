package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.onnx.OnnxExport;
import dev.aiaas.core.onnx.OnnxExporters;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The vision layers' ONNX exports, run in ONNX Runtime against {@link Model#predict}. */
class VisionOnnxExportTest {

    private static float[] onnxRuntime(byte[] model, float[] x, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model, o);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                 OrtSession.Result r = s.run(Map.of(OnnxExport.INPUT, in))) {
                FloatBuffer out = ((OnnxTensor) r.get(OnnxExport.OUTPUT).get()).getFloatBuffer();
                float[] y = new float[out.remaining()];
                out.get(y);
                return y;
            }
        }
    }

    /** Runs a batch through aiaas and ONNX Runtime; batch norm statistics made non-trivial first when asked. */
    private static void assertSame(Model model, int batch, boolean perturbAll) throws OrtException {
        if (perturbAll) {
            INDArray p = model.parameters();
            Random r = new Random(3);
            for (long i = 0; i < p.length(); i++) {
                p.putScalar(i, 0.4 * (0.5 + r.nextDouble()));
            }
        }
        long[] in = model.inputShape();
        long n = batch;
        for (long d : in) {
            n *= d;
        }
        float[] x = new float[(int) n];
        Random r = new Random(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        long[] shape = new long[in.length + 1];
        shape[0] = batch;
        System.arraycopy(in, 0, shape, 1, in.length);
        float[] want = model.predict(Nd4j.create(x, shape, 'c').castTo(model.dataType())).castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] got = onnxRuntime(OnnxExport.toBytes(model), x, shape);
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 2e-5 * Math.max(1, Math.abs(want[i])), "output " + i);
        }
    }

    @Test
    void theReadyMadeNetworksRunInOnnxRuntime() throws OrtException {
        try (Model lenet = Networks.lenet5(10).seed(1).build()) {
            assertSame(lenet, 3, false);
        }
        try (Model cnn = Networks.cnn(1, 28, 28, 10).seed(2).build()) {
            assertSame(cnn, 2, true);
        }
        try (Model resnet = Networks.resnetSmall(3, 16, 16, 5).seed(3).build()) {
            assertSame(resnet, 2, true);
        }
    }

    @Test
    void stridesDilationGroupsOddSamePaddingAndPaddedPoolsExportExactly() throws OrtException {
        try (Model model = Model.builder(4 * 11 * 9).dataType(DataType.FLOAT).seed(4)
                .add(ConvLayers.unflatten(4, 11, 9))
                .add(ConvLayers.conv2d(8, 3, 2).withStride(2, 1).withPadding(Padding.same()).withDilation(2, 1).withGroups(2)) // columns: 1 pad after, none before
                .add(ConvLayers.batchNorm2d())
                .add(ConvLayers.dropout2d(0.3))
                .add(new MaxPool2d(3, 3, 2, 1, 1, 1))
                .add(ConvLayers.depthwiseConv2d(8, 3))
                .add(new AvgPool2d(2, 3, 1, 2, 1, 1))
                .add(ConvLayers.flatten())
                .add(Layers.dense(3))
                .build()) {
            assertSame(model, 3, true);
            assertSame(model, 1, true);
        }
    }

    @Test
    void theVisionExportersAreFoundAsServices() {
        assertTrue(OnnxExporters.standard().types().containsAll(List.of(Conv2d.TYPE, MaxPool2d.TYPE, AvgPool2d.TYPE, GlobalAvgPool.TYPE,
                BatchNorm2d.TYPE, Flatten.TYPE, Unflatten.TYPE, Dropout2d.TYPE, ResidualBlock.TYPE)));
        assertTrue(OnnxExporters.builtIn().exporter(Conv2d.TYPE).isEmpty(), "core does not know the vision layers");
    }
}
