package dev.aiaas.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import dev.aiaas.bench.BenchOptions;
import dev.aiaas.bench.BenchReport;
import dev.aiaas.bench.BenchRunner;
import dev.aiaas.bench.CnnNet;
import dev.aiaas.bench.CnnTask;
import dev.aiaas.bench.Inputs;
import dev.aiaas.bench.MlpTask;
import dev.aiaas.bench.PeerStatus;
import dev.aiaas.bench.Peers;
import dev.aiaas.bench.Workload;
import dev.aiaas.bench.Workloads;
import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The in-JVM peers, run for real (only under {@code mvn -Ppeers verify}): both load offline, run
 * every task they support, apply the thread setting, and compute the same logits as ND4J on the
 * same weights, which shows that the committed ONNX file holds the benchmarks' weights.
 */
class PeersTest {

    @BeforeAll
    static void backend() {
        Backends.select(BackendOptions.of(BackendKind.CPU));
    }

    /** relu(x·W1 + 0)·W2 + 0 on ND4J, from the same seeded values. */
    private static float[] reference(int batch) {
        try (INDArray x = Nd4j.create(Inputs.featureValues(batch, 784), new long[] {batch, 784}, 'c');
             INDArray w1 = Nd4j.create(Inputs.heUniformValues(784, 256, Inputs.SEED + 1), new long[] {784, 256}, 'c');
             INDArray w2 = Nd4j.create(Inputs.heUniformValues(256, 10, Inputs.SEED + 2), new long[] {256, 10}, 'c');
             INDArray h = Transforms.relu(x.mmul(w1), false);
             INDArray y = h.mmul(w2)) {
            return y.dup('c').data().asFloat();
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst < 1e-4, what + ": largest difference " + worst);
    }

    @Test
    void bothPeersAreFoundAndAvailable() {
        Peers peers = Peers.detect(e -> !e.equals("pytorch-py"));
        assertEquals(List.of("pytorch-djl", "onnxruntime"), peers.availableEngines(), peers.statuses().toString());
        assertTrue(peers.statuses().stream().allMatch(PeerStatus::available));
        assertTrue(peers.statuses().get(0).detail().contains("PyTorch 2.7.1"), peers.statuses().toString());
        assertEquals("true", System.getProperty("ai.djl.offline"));
    }

    @Test
    void djlAndOnnxRuntimeComputeNd4jsLogitsOnTheSameWeights() {
        for (int batch : new int[] {1, 128}) {
            float[] ref = reference(batch);
            DjlMlp djl = new DjlMlp(MlpTask.inference(Workloads.SMALL, batch));
            OrtMlp ort = new OrtMlp(MlpTask.inference(Workloads.SMALL, batch));
            djl.setup();
            ort.setup();
            try {
                assertClose(ref, djl.logits(), "pytorch-djl b" + batch);
                assertClose(ref, ort.logits(), "onnxruntime b" + batch);
            } finally {
                djl.close();
                ort.close();
            }
        }
    }

    /** The cnn: ONNX Runtime on the model CnnOnnx builds gives PyTorch's logits (the same weights, batch norm in inference mode). */
    @Test
    void djlAndOnnxRuntimeComputeTheSameCnnLogits() {
        for (int batch : new int[] {1, 4}) {
            DjlCnn djl = new DjlCnn(CnnTask.inference(CnnNet.CNN, batch));
            OrtCnn ort = new OrtCnn(CnnTask.inference(CnnNet.CNN, batch));
            djl.setup();
            ort.setup();
            try {
                float[] p = djl.logits();
                assertEquals(batch * 10, p.length);
                assertClose(p, ort.logits(), "cnn onnxruntime against pytorch-djl b" + batch);
            } finally {
                djl.close();
                ort.close();
            }
        }
    }

    /**
     * The small ResNet: ONNX Runtime on the model aiaas exports ({@link CnnOnnx#resnetSmall()})
     * gives the logits of aiaas's predictor (its packed path) on the same weights and input.
     */
    @Test
    void onnxRuntimeComputesAiaassResNetLogits() {
        for (int batch : new int[] {1, 4}) {
            OrtCnn ort = new OrtCnn(CnnTask.inference(CnnNet.RESNET_SMALL, batch));
            ort.setup();
            try (dev.aiaas.core.nn.Model m = dev.aiaas.bench.AiaasCnn.builder(CnnNet.RESNET_SMALL).seed(Inputs.SEED).build();
                 dev.aiaas.core.nn.Predictor p = m.predictor();
                 INDArray x = Nd4j.create(Inputs.featureValues(batch, CnnNet.RESNET_SMALL.inputs()),
                         new long[] {batch, CnnNet.RESNET_SMALL.inputs()}, 'c');
                 INDArray y = p.predict(x)) {
                float[] want = y.dup('c').data().asFloat();
                assertEquals(batch * 10, want.length);
                assertClose(want, ort.logits(), "resnet onnxruntime against aiaas (" + p.kernel() + ") b" + batch);
            } finally {
                ort.close();
            }
        }
    }

    /** DJL's CNN training steps (every network) lower the loss of their batch. */
    @Test
    void djlCnnTrainingStepsLowerTheLoss() {
        for (CnnNet net : CnnNet.values()) {
            DjlCnn djl = new DjlCnn(CnnTask.training(net, 8));
            djl.setup();
            try {
                int[] y = Inputs.labels(8, 10);
                double before = crossEntropy(djl.logits(), y);
                for (int i = 0; i < 10; i++) {
                    djl.step();
                }
                double after = crossEntropy(djl.logits(), y);
                assertTrue(after < before, net.label() + ": 10 Adam steps on one batch lower its loss: " + before + " -> " + after);
            } finally {
                djl.close();
            }
        }
    }

    @Test
    void djlTrainingStepsMoveTheWeightsAndLowerTheLoss() {
        DjlMlp djl = new DjlMlp(MlpTask.training(Workloads.SMALL, 32));
        djl.setup();
        try {
            float[] before = djl.logits();
            assertClose(reference(32), before, "pytorch-djl before training");
            for (int i = 0; i < 20; i++) {
                djl.step();
            }
            float[] after = djl.logits();
            assertNotEquals(before[0], after[0]);
            int[] y = Inputs.labels(32, 10);
            assertTrue(crossEntropy(after, y) < crossEntropy(before, y),
                    "20 Adam steps on one batch lower its loss: " + crossEntropy(before, y) + " -> " + crossEntropy(after, y));
        } finally {
            djl.close();
        }
    }

    private static double crossEntropy(float[] logits, int[] y) {
        double sum = 0;
        for (int r = 0; r < y.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 10; c++) {
                max = Math.max(max, logits[r * 10 + c]);
            }
            double z = 0;
            for (int c = 0; c < 10; c++) {
                z += Math.exp(logits[r * 10 + c] - max);
            }
            sum += max + Math.log(z) - logits[r * 10 + y[r]];
        }
        return sum / y.length;
    }

    @Test
    void djlAppliesTheThreadSetting() {
        for (int t : new int[] {1, 2}) {
            DjlMlp djl = new DjlMlp(MlpTask.inference(Workloads.SMALL, 1));
            djl.useThreads(t);
            djl.setup();
            try {
                assertEquals(t, JniUtils.getNumThreads());
            } finally {
                djl.close();
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new DjlMlp(MlpTask.inference(Workloads.SMALL, 1)).useThreads(0));
    }

    /** Serving: ONNX Runtime writes the logits into the pinned output buffer; DJL has no such API. */
    @Test
    void onnxRuntimeServesIntoItsPinnedBuffer() {
        float[] ref = reference(1);
        OrtMlp ort = new OrtMlp(MlpTask.serving(Workloads.SMALL, 1));
        ort.setup();
        try {
            ort.step();
            assertClose(ref, ort.pinnedLogits(), "onnxruntime serve b1");
        } finally {
            ort.close();
        }
        assertTrue(new OrtPeer().supports(MlpTask.serving(Workloads.SMALL, 1)));
        assertFalse(new DjlPeer().supports(MlpTask.serving(Workloads.SMALL, 1)));
    }

    @Test
    void onnxRuntimeOnlyInfersTheSmallNetwork() {
        OrtPeer ort = new OrtPeer();
        assertFalse(ort.supports(MlpTask.training(Workloads.SMALL, 128)));
        assertFalse(ort.supports(MlpTask.inference(Workloads.LARGE, 128)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ort.workload(MlpTask.training(Workloads.SMALL, 128)));
        assertTrue(e.getMessage().contains("mlp-784-256-10-b128"), e.getMessage());
    }

    @Test
    void everyPeerWorkloadOfAFullRunRunsAndTheRunnerWritesItsRows() {
        Peers peers = Peers.detect(e -> !e.equals("pytorch-py"));
        List<Workload> all = Workloads.all(false, peers);
        Set<String> names = all.stream().map(w -> w.benchmark() + "/" + w.engine()).collect(Collectors.toSet());
        assertTrue(names.containsAll(List.of("mlp-784-256-10-b32/pytorch-djl", "mlp-784-2048-2048-10-b512/pytorch-djl",
                "infer-784-256-10-b1/pytorch-djl", "infer-784-256-10-b1/onnxruntime", "infer-784-256-10-b128/onnxruntime")), names.toString());
        assertFalse(names.contains("mlp-784-256-10-b128/onnxruntime"));
        for (Workload w : all) {
            if (w.engine().equals("pytorch-djl") || w.engine().equals("onnxruntime")) {
                for (int cycle = 0; cycle < 2; cycle++) {
                    w.useThreads(cycle + 1);
                    w.setup();
                    try {
                        w.step();
                        w.step();
                    } finally {
                        w.close();
                    }
                }
            }
        }
        BenchOptions o = BenchOptions.quickRun().withWarmupSeconds(0).withRepeats(1, 0.01)
                .withOnly(Pattern.compile("^infer-784-256-10-b1/(pytorch-djl|onnxruntime)$"));
        BenchReport r = new BenchRunner(o, BackendOptions.of(BackendKind.CPU), s -> { }, peers.statuses()).run(Workloads.all(true, peers));
        List<String> rows = r.csvRows();
        for (String engine : new String[] {"pytorch-djl", "onnxruntime"}) {
            assertTrue(rows.stream().anyMatch(s -> s.startsWith("infer-784-256-10-b1," + engine + ",step_ms_t1,")), rows.toString());
            assertTrue(rows.stream().anyMatch(s -> s.startsWith("infer-784-256-10-b1," + engine + ",step_ms_t2,")), rows.toString());
            assertTrue(rows.contains("run," + engine + ",available,1,bool"), rows.toString());
        }
    }
}
