package dev.aiaas.vision.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.train.Augmentation;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** RandomShift: the pixels of each image moved as its draw says, the draws' range, determinism, errors. */
class RandomShiftTest {

    private static final int C = 2;
    private static final int H = 5;
    private static final int W = 6;

    /** Pixel value 1 + (flat index within the batch): every pixel distinct and non-zero. */
    private static INDArray batch(int b, DataType type) {
        double[] v = new double[b * C * H * W];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1 + i;
        }
        return Nd4j.createFromArray(v).castTo(type).reshape('c', b, C * H * W);
    }

    /** y[c, i, j] = x[c, i − dy, m(j − dx)], 0 outside: the definition, written out pixel by pixel. */
    private static double expected(INDArray x, int k, int c, int i, int j, int[] d) {
        int si = i - d[0];
        int sj = j - d[1];
        if (si < 0 || si >= H || sj < 0 || sj >= W) {
            return 0;
        }
        int mj = d[2] == 1 ? W - 1 - sj : sj;
        return x.getDouble(k, (long) c * H * W + (long) si * W + mj);
    }

    private static Model model(DataType type) {
        return Model.builder(C * H * W).add(Layers.dense(3)).dataType(type).seed(1).build();
    }

    @Test
    void eachImageMovesAsItsDrawSays() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean flip : new boolean[] {false, true}) {
                RandomShift shift = new RandomShift(C, H, W, 2, flip);
                try (Model m = model(type);
                     INDArray x = batch(16, type);
                     INDArray y = x.dup('c')) {
                    shift.bind(m).apply(y, 77);
                    for (int k = 0; k < 16; k++) {
                        int[] d = shift.draw(77, k);
                        for (int c = 0; c < C; c++) {
                            for (int i = 0; i < H; i++) {
                                for (int j = 0; j < W; j++) {
                                    assertEquals(expected(x, k, c, i, j, d), y.getDouble(k, (long) c * H * W + (long) i * W + j),
                                            type + " flip=" + flip + " image " + k + " draw " + java.util.Arrays.toString(d));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void drawsCoverTheRangeAndFlipOnlyWhenAsked() {
        RandomShift flipping = new RandomShift(1, 28, 28, 2, true);
        RandomShift plain = new RandomShift(1, 28, 28, 2, false);
        Set<Integer> dys = new HashSet<>();
        Set<Integer> dxs = new HashSet<>();
        int flips = 0;
        for (int k = 0; k < 2000; k++) {
            int[] d = flipping.draw(5, k);
            assertTrue(Math.abs(d[0]) <= 2 && Math.abs(d[1]) <= 2, java.util.Arrays.toString(d));
            dys.add(d[0]);
            dxs.add(d[1]);
            flips += d[2];
            assertEquals(0, plain.draw(5, k)[2]);
        }
        assertEquals(Set.of(-2, -1, 0, 1, 2), dys);
        assertEquals(Set.of(-2, -1, 0, 1, 2), dxs);
        assertTrue(flips > 900 && flips < 1100, "flips: " + flips);
        for (int k = 0; k < 100; k++) {
            assertArrayEquals(new int[] {0, 0, 0}, new RandomShift(1, 28, 28, 0, false).draw(5, k));
        }
    }

    @Test
    void theSameSeedGivesTheSameBatchAndAnotherSeedAnother() {
        RandomShift shift = new RandomShift(C, H, W, 1, true);
        try (Model m = model(DataType.FLOAT);
             INDArray a = batch(8, DataType.FLOAT);
             INDArray b = batch(8, DataType.FLOAT);
             INDArray c = batch(8, DataType.FLOAT)) {
            Augmentation.Bound run = shift.bind(m);
            run.apply(a, 3);
            shift.bind(m).apply(b, 3);
            run.apply(c, 4);
            assertEquals(a, b);
            assertNotEquals(a, c);
        }
    }

    @Test
    void badShapesAndShiftsAreRefusedNamingTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RandomShift(0, 28, 28, 2, false)).getMessage()
                .contains("channels=0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RandomShift(1, 28, 28, 28, false)).getMessage()
                .contains("maxShift=28"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RandomShift(1, 28, 28, -1, false)).getMessage()
                .contains("maxShift=-1"));
        try (Model m = model(DataType.FLOAT)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RandomShift(1, 28, 28, 2, false).bind(m));
            assertTrue(e.getMessage().contains("784") && e.getMessage().contains("[60]"), e.getMessage());
        }
    }
}
