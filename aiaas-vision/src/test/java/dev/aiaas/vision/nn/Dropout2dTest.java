package dev.aiaas.vision.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Spatial dropout: whole channels dropped per example with the inverted scaling, the identity at
 * inference, a finite-difference gradient check with the mask held fixed (the instance's mask
 * stream re-seeded before each forward pass, so each draws the same mask), masks from the model
 * seed, and the rate through the model file.
 */
class Dropout2dTest {

    private static final int B = 5;
    private static final long[] SHAPE = {6, 3, 4};

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** x[b, c, i, j] through an 'f'-order batch's memory: b + B·(c + C·(i + H·j)). */
    private static int at(int b, int c, int i, int j) {
        return b + B * (c + (int) SHAPE[0] * (i + (int) SHAPE[1] * j));
    }

    @Test
    void trainingDropsWholeChannelsAndScalesTheRestInferenceIsTheIdentity() {
        double rate = 0.4;
        try (LayerStack st = new LayerStack(List.of(ConvLayers.dropout2d(rate)), SHAPE, DataType.DOUBLE, B, 0)) {
            st.initialise(3);
            INDArray x = ConvLayerConformanceTest.input(SHAPE, B, new SplittableRandom(1)).addi(3); // in [1, 5): never 0
            Buf xb = Buf.of(x);
            int dropped = 0;
            int maps = 0;
            for (int round = 0; round < 20; round++) {
                Buf y = Buf.of(st.forward(x));
                for (int b = 0; b < B; b++) {
                    for (int c = 0; c < SHAPE[0]; c++) {
                        boolean zero = y.get(at(b, c, 0, 0)) == 0;
                        dropped += zero ? 1 : 0;
                        maps++;
                        for (int i = 0; i < SHAPE[1]; i++) {
                            for (int j = 0; j < SHAPE[2]; j++) {
                                double expected = zero ? 0 : xb.get(at(b, c, i, j)) / (1 - rate);
                                assertEquals(expected, y.get(at(b, c, i, j)), 1e-12, "example " + b + ", channel " + c
                                        + ": the whole map is dropped or kept and scaled by 1/(1 − p)");
                            }
                        }
                    }
                }
            }
            double share = (double) dropped / maps;
            assertTrue(Math.abs(share - rate) < 0.07, "dropped share " + share + " of " + maps + " maps, rate " + rate);
        }
        try (Model m = Model.builder(SHAPE).dataType(DataType.DOUBLE).add(ConvLayers.dropout2d(rate)).seed(1).build()) {
            INDArray x = ConvLayerConformanceTest.input(SHAPE, B, new SplittableRandom(2));
            assertEquals(x, m.predict(x), "the identity at inference");
        }
    }

    /**
     * For a fixed mask the layer is y = x ⊙ m/(1 − p): ∂L/∂x checked against central finite
     * differences of L = Σ w ⊙ y, the mask held by re-seeding the instance before each forward.
     */
    @Test
    void gradientMatchesFiniteDifferencesWithTheMaskFixed() {
        try (LayerStack st = new LayerStack(List.of(ConvLayers.dropout2d(0.5)), SHAPE, DataType.DOUBLE, B, 0)) {
            SplittableRandom r = new SplittableRandom(4);
            INDArray x = ConvLayerConformanceTest.input(SHAPE, B, r);
            st.initialise(9);
            INDArray y = st.forward(x).dup('f');
            double[] w = new double[(int) y.length()];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextDouble(-1, 1);
            }
            INDArray dy = Nd4j.create(DataType.DOUBLE, y.shape(), 'f');
            Buf.of(dy).put(0, w, null, w.length);
            INDArray dx = st.backward(dy).dup('f');
            Buf xb = Buf.of(x);
            Buf dxb = Buf.of(dx);
            int zeros = 0;
            double eps = 1e-6;
            for (int i = 0; i < xb.length; i++) {
                double old = xb.get(i);
                xb.set(i, old + eps);
                st.initialise(9);
                double up = loss(st.forward(x), w);
                xb.set(i, old - eps);
                st.initialise(9);
                double down = loss(st.forward(x), w);
                xb.set(i, old);
                ConvLayerConformanceTest.assertClose((up - down) / (2 * eps), dxb.get(i), "∂L/∂x[" + i + "]");
                zeros += dxb.get(i) == 0 ? 1 : 0;
            }
            assertTrue(zeros > 0 && zeros < xb.length, "some channels dropped, not all: " + zeros + " of " + xb.length);
        }
    }

    private static double loss(INDArray y, double[] w) {
        Buf b = Buf.of(y);
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += b.get(i) * w[i];
        }
        return s;
    }

    /** The same model seed gives the same masks, another seed others; each training forward draws a new mask. */
    @Test
    void masksFollowTheModelSeed() {
        INDArray x = Nd4j.ones(DataType.FLOAT, 8, 6 * 3 * 4);
        try (Model a = net(3); Model b = net(3); Model other = net(4)) {
            INDArray ya = a.forward(x, true).dup();
            assertEquals(ya, b.forward(x, true));
            assertNotEquals(ya, other.forward(x, true));
            INDArray next = a.forward(x, true).dup();
            assertNotEquals(ya, next, "a new mask per training forward");
            assertEquals(next, b.forward(x, true));
        }
    }

    private static Model net(long seed) {
        return Model.builder(6 * 3 * 4).add(ConvLayers.unflatten(6, 3, 4)).add(ConvLayers.dropout2d(0.5)).add(ConvLayers.flatten())
                .seed(seed).build();
    }

    /** The rate goes through the model file, and the summary shows it. */
    @Test
    void theRateRoundTripsThroughTheModelFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("d.aiaas");
        try (Model m = Model.builder(SHAPE).add(ConvLayers.dropout2d(0.3)).add(ConvLayers.flatten()).add(Layers.dense(2)).seed(1).build()) {
            assertTrue(m.summary().contains("dropout2d (0.3)"), m.summary());
            ModelIO.save(m, file);
            try (Model back = ModelIO.load(file)) {
                assertEquals(m.layers(), back.layers());
                assertEquals(new Dropout2d(0.3), back.layers().get(0));
            }
        }
        // a file whose rate is not a probability is a format error naming the value
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int k = text.indexOf("rate=0.3");
        assertTrue(k > 0, "the header holds the rate");
        byte[] bad = text.replace("rate=0.3", "rate=1.5").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32(); // the file's trailing CRC-32 over the rest, recomputed
        crc.update(bad, 0, bad.length - 8);
        java.nio.ByteBuffer.wrap(bad, bad.length - 8, 8).putLong(crc.getValue());
        Files.write(file, bad);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelIO.load(file).close());
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void badRatesAndShapesAreRefusedWithTheValue() {
        for (double rate : new double[] {-0.1, 1.0, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvLayers.dropout2d(rate));
            assertTrue(e.getMessage().contains("rate=" + rate), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvLayers.dropout2d(0.1).outputShape(new long[] {12}));
        assertTrue(e.getMessage().contains("[12]") && e.getMessage().contains("unflatten"), e.getMessage());
    }
}
