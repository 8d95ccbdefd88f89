package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.ActivationLayer;
import dev.aiaas.core.nn.Chain;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A batch norm and the ReLU after it, fused in a {@link Chain} ({@link BatchNorm2d#instantiateFused}),
 * against the two layers' own instances run one after the other: the same bits in the output, ∂L/∂x
 * and ∇θ (γ, β, the running statistics), in float32, over training steps with γ and β moved so
 * that some channels are mostly cut by the ReLU, exact zeros among the inputs and gradients;
 * and which pairs fuse.
 */
class BatchNormReluFusionTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static INDArray random(long[] shape, long seed, boolean zeros) {
        SplittableRandom r = new SplittableRandom(seed);
        INDArray x = Nd4j.create(DataType.FLOAT, shape, 'f');
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, zeros && i % 7 == 0 ? 0.0 : r.nextGaussian() * (1 + (i % 3)));
        }
        return x;
    }

    private static float[] floats(INDArray a) {
        return a.dup('f').data().asFloat();
    }

    @Test
    void fusedPairGivesTheBitsOfTheTwoLayers() {
        for (int[] g : new int[][] {{64, 16, 5, 5}, {7, 3, 4, 3}, {128, 32, 2, 2}}) {
            int batch = g[0];
            int c = g[1];
            long[] shape = {c, g[2], g[3]};
            BatchNorm2d bn = new BatchNorm2d(0.9, 1e-5);
            Layer relu = Layers.relu();
            int p = 4 * c;
            try (Chain chain = new Chain(List.of(bn, relu), shape, DataType.FLOAT);
                 Layer.Instance a = bn.instantiate(shape, DataType.FLOAT);
                 Layer.Instance b = relu.instantiate(shape, DataType.FLOAT);
                 INDArray pf = Nd4j.create(DataType.FLOAT, p);
                 INDArray gf = Nd4j.create(DataType.FLOAT, p);
                 INDArray pu = Nd4j.create(DataType.FLOAT, p);
                 INDArray gu = Nd4j.create(DataType.FLOAT, p)) {
                chain.bind(pf, gf);
                chain.initialise(new SplittableRandom(1));
                a.bind(pu, gu);
                b.bind(null, null);
                a.initialise(new SplittableRandom(1));
                SplittableRandom r = new SplittableRandom(3);
                for (int ch = 0; ch < c; ch++) { // γ of both signs, β shifting the cut
                    double gamma = ch % 5 == 0 ? -0.7 : 0.5 + r.nextDouble();
                    double beta = ch % 4 == 0 ? -2.0 : r.nextGaussian();
                    pf.putScalar(ch, gamma);
                    pu.putScalar(ch, gamma);
                    pf.putScalar(c + ch, beta);
                    pu.putScalar(c + ch, beta);
                }
                long[] full = {batch, c, g[2], g[3]};
                for (int step = 0; step < 3; step++) {
                    INDArray x = random(full, 10 + step, step == 1);
                    INDArray dy = random(full, 20 + step, step == 2);
                    INDArray yf = chain.forward(x, true);
                    INDArray h = a.forward(x, true);
                    INDArray yu = b.forward(h, true);
                    assertArrayEquals(floats(yu), floats(yf), "y, " + java.util.Arrays.toString(g) + " step " + step);
                    INDArray dxf = chain.backward(dy, true);
                    INDArray dh = b.backward(h, yu, dy, true);
                    INDArray dxu = a.backward(x, h, dh, true);
                    assertArrayEquals(floats(dxu), floats(dxf), "dx, " + java.util.Arrays.toString(g) + " step " + step);
                    assertArrayEquals(floats(gu), floats(gf), "grads, " + java.util.Arrays.toString(g) + " step " + step);
                    assertArrayEquals(floats(pu), floats(pf), "running statistics, step " + step);
                    boolean someCut = false;
                    for (float v : floats(yf)) {
                        someCut |= v == 0f;
                    }
                    assertTrue(someCut, "the ReLU cut nothing: the test would not see its mask");
                }
                INDArray x = random(full, 99, false); // inference
                INDArray h = a.forward(x, false);
                assertArrayEquals(floats(b.forward(h, false)), floats(chain.forward(x, false)), "inference y");
            }
        }
    }

    /** The cnn's and the ResNet's layers in a chain (fused) against their instances one by one: the same bits. */
    @Test
    void wholeNetworksGiveTheBitsOfTheirLayersOneByOne() {
        for (Model.Builder builder : List.of(Networks.cnn(1, 12, 12, 10), Networks.resnetSmall(3, 8, 8, 10))) {
            List<Layer> layers;
            long[] in;
            try (Model m = builder.seed(5).build()) {
                layers = m.layers();
                in = m.inputShape();
            }
            int n = layers.size();
            long[] offsets = new long[n + 1];
            long[][] shapes = Chain.shapes("", layers, in, offsets);
            List<Layer.Instance> one = new ArrayList<>();
            try (Chain chain = new Chain(layers, in, DataType.FLOAT);
                 INDArray pf = Nd4j.create(DataType.FLOAT, offsets[n]);
                 INDArray gf = Nd4j.create(DataType.FLOAT, offsets[n]);
                 INDArray gu = Nd4j.create(DataType.FLOAT, offsets[n])) {
                chain.bind(pf, gf);
                chain.initialise(new SplittableRandom(1));
                INDArray pu = pf.dup();
                for (int i = 0; i < n; i++) {
                    Layer.Instance inst = layers.get(i).instantiate(shapes[i], DataType.FLOAT);
                    one.add(inst);
                    if (offsets[i + 1] > offsets[i]) {
                        inst.bind(pu.get(NDArrayIndex.interval(offsets[i], offsets[i + 1])),
                                gu.get(NDArrayIndex.interval(offsets[i], offsets[i + 1])));
                    } else {
                        inst.bind(null, null);
                    }
                }
                for (int step = 0; step < 2; step++) {
                    INDArray x = Nd4j.rand(DataType.FLOAT, 'c', 64, in[0]).subi(0.5);
                    INDArray yf = chain.forward(x, true);
                    INDArray[] acts = new INDArray[n + 1];
                    acts[0] = x;
                    for (int i = 0; i < n; i++) {
                        acts[i + 1] = one.get(i).forward(acts[i], true);
                    }
                    assertArrayEquals(floats(acts[n]), floats(yf), "output, step " + step);
                    INDArray dy = yf.dup('f').muli(0.1);
                    chain.backward(dy, false);
                    INDArray d = dy;
                    for (int i = n - 1; i >= 0 && offsets[i + 1] > 0; i--) {
                        d = one.get(i).backward(acts[i], acts[i + 1], d, offsets[i] > 0);
                    }
                    assertArrayEquals(floats(gu), floats(gf), "gradients, step " + step);
                    assertArrayEquals(floats(pu), floats(pf), "running statistics, step " + step);
                }
            } finally {
                one.forEach(Layer.Instance::close);
            }
        }
    }

    @Test
    void onlyAFloatBatchNormFollowedByAReluFuses() {
        BatchNorm2d bn = new BatchNorm2d(0.9, 1e-5);
        long[] shape = {4, 3, 3};
        try (Layer.Instance f = bn.instantiateFused(Layers.relu(), shape, DataType.FLOAT)) {
            assertNotNull(f);
        }
        assertNull(bn.instantiateFused(Layers.relu(), shape, DataType.DOUBLE));
        assertNull(bn.instantiateFused(new ActivationLayer(Activation.leakyRelu(0.1)), shape, DataType.FLOAT));
        assertNull(bn.instantiateFused(new ActivationLayer(Activation.parse("tanh")), shape, DataType.FLOAT));
        assertNull(bn.instantiateFused(new BatchNorm2d(0.9, 1e-5), shape, DataType.FLOAT));
        assertNull(Layers.relu().instantiateFused(bn, shape, DataType.FLOAT), "the default: no fusing");
    }
}
