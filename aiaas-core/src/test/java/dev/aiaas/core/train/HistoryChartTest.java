package dev.aiaas.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryChartTest {

    private static History history(boolean accuracy) {
        History h = new History();
        for (int e = 0; e < 12; e++) {
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", 1.2 * Math.exp(-0.3 * e));
            if (accuracy) {
                logs.put("accuracy", 0.5 + 0.04 * e);
            }
            logs.put("val_loss", 1.3 * Math.exp(-0.25 * e) + 0.05);
            if (accuracy) {
                logs.put("val_accuracy", 0.45 + 0.038 * e);
            }
            logs.put("lr", 1e-3);
            h.add(logs);
        }
        return h;
    }

    private static long count(BufferedImage img, Color c) {
        int rgb = c.getRGB();
        return Arrays.stream(img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth())).filter(p -> p == rgb).count();
    }

    @Test
    void writesAPngOfTheStatedSizeWithEverySeriesColour(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("history.png");
        history(true).writeChart(png, 640, 480);
        try (InputStream in = Files.newInputStream(png)) {
            byte[] magic = in.readNBytes(8);
            assertTrue(Arrays.equals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, magic), "PNG signature");
        }
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(640, img.getWidth());
        assertEquals(480, img.getHeight());
        for (Color c : new Color[] {Chart.LOSS, Chart.VAL_LOSS, Chart.ACCURACY, Chart.VAL_ACCURACY}) {
            assertTrue(count(img, c) > 100, "colour " + c + " drawn: " + count(img, c) + " pixels");
        }
        // the accuracy panel is the lower half; the loss series stay in the upper one
        assertEquals(0, count(img.getSubimage(0, 240, 640, 240), Chart.LOSS));
        assertEquals(0, count(img.getSubimage(0, 0, 640, 240), Chart.ACCURACY));
        // each series is drawn in its panel's plot, not only as a legend entry (the legend is on the right)
        BufferedImage lossPlot = img.getSubimage(0, 0, 384, 240);
        BufferedImage accuracyPlot = img.getSubimage(0, 240, 384, 240);
        for (Color c : new Color[] {Chart.LOSS, Chart.VAL_LOSS}) {
            assertTrue(count(lossPlot, c) > 100, "colour " + c + " plotted in the loss panel: " + count(lossPlot, c) + " pixels");
            assertEquals(0, count(accuracyPlot, c), "colour " + c + " in the accuracy panel");
        }
        for (Color c : new Color[] {Chart.ACCURACY, Chart.VAL_ACCURACY}) {
            assertTrue(count(accuracyPlot, c) > 100, "colour " + c + " plotted in the accuracy panel: " + count(accuracyPlot, c) + " pixels");
            assertEquals(0, count(lossPlot, c), "colour " + c + " in the loss panel");
        }
    }

    @Test
    void oneEpochAndHistoriesWithNonFiniteOrMissingValuesAreDrawn(@TempDir Path dir) throws Exception {
        // one epoch (aiaas train --epochs 1): a dot per series
        History one = new History();
        one.add(Map.of("loss", 0.7, "val_loss", 0.8));
        Path png = dir.resolve("one.png");
        one.writeChart(png, 400, 300);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(400, img.getWidth());
        assertTrue(count(img.getSubimage(0, 0, 240, 300), Chart.LOSS) > 10, "the loss dot is drawn");
        assertTrue(count(img.getSubimage(0, 0, 240, 300), Chart.VAL_LOSS) > 10, "the val_loss dot is drawn");
        // a diverged epoch (NaN, infinity) and an epoch without val_loss neither fail nor stop the
        // finite values from being drawn (where the gaps fall is not checked here)
        History gaps = new History();
        for (int e = 0; e < 10; e++) {
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", e == 4 ? Double.NaN : e == 5 ? Double.POSITIVE_INFINITY : 1.0 / (e + 1));
            if (e != 6) {
                logs.put("val_loss", 1.1 / (e + 1));
            }
            gaps.add(logs);
        }
        gaps.writeChart(png, 640, 480);
        img = ImageIO.read(png.toFile());
        assertTrue(count(img.getSubimage(0, 0, 384, 480), Chart.LOSS) > 100);
        assertTrue(count(img.getSubimage(0, 0, 384, 480), Chart.VAL_LOSS) > 100);
    }

    @Test
    void withoutAccuracyOnlyTheLossPanelIsDrawn(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("loss.png");
        history(false).writeChart(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(800, img.getWidth());
        assertEquals(600, img.getHeight());
        assertTrue(count(img, Chart.LOSS) > 100);
        assertEquals(0, count(img, Chart.ACCURACY));
    }

    @Test
    void tickLabelsAreRoundedToTheSpanOfTheValues() {
        assertEquals("0.##", Chart.valuePattern(0.05, 1.35));
        assertEquals("0.###", Chart.valuePattern(0.803, 0.961), "two epochs: ticks at the two values");
        assertEquals("0.###", Chart.valuePattern(0.960554418285371, 0.960554418285371), "one epoch");
        assertEquals("0", Chart.valuePattern(120, 4500));
        assertEquals("0.##", Chart.valuePattern(0, 0));
        assertEquals("0.########", Chart.valuePattern(1, 1 + 1e-12));
    }

    @Test
    void badSizesAndEmptyHistoriesAreRefused(@TempDir Path dir) {
        Path png = dir.resolve("x.png");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> history(true).writeChart(png, 100, 100)).getMessage()
                .contains("100x100"));
        assertThrows(IllegalStateException.class, () -> new History().writeChart(png));
        assertFalse(Files.exists(png));
    }
}
