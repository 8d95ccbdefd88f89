package dev.aiaas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The throughput chart: what it plots (examples/s at each engine's best setting) and the PNG it writes. */
class ThroughputChartTest {

    private static Measurement m(String benchmark, String engine, int threads, double medianMs) {
        return new Measurement(benchmark, engine, threads, new Stats(medianMs, medianMs, medianMs, 10), 1e6);
    }

    private static BenchReport report() {
        List<Measurement> ms = new ArrayList<>();
        ms.add(m("mlp-784-256-10-b32", "aiaas", 1, 1.0));
        ms.add(m("mlp-784-256-10-b32", "aiaas", 2, 2.0));
        ms.add(m("mlp-784-256-10-b128", "aiaas", 1, 2.0));
        ms.add(m("mlp-784-256-10-b128", "pytorch-djl", 2, 1.6));
        ms.add(m("infer-784-256-10-b1", "aiaas", 1, 0.02));
        ms.add(m("infer-784-256-10-b1", "onnxruntime", 1, 0.01));
        ms.add(m("infer-784-256-10-b128", "onnxruntime", 2, 0.2));
        ms.add(new Measurement("ngram-query-moby-o3", "aiaas", 1, new Stats(4, 4, 4, 10), 0));
        return new BenchReport(BenchOptions.quickRun(), Map.of(1, 100.0), ms);
    }

    @Test
    void panelsHoldExamplesPerSecondAtEachEnginesBestSetting() {
        List<ThroughputChart.Panel> panels = ThroughputChart.panels(report());
        assertEquals(List.of("training step, 784-256-10", "inference, 784-256-10"), panels.stream().map(ThroughputChart.Panel::title).toList());
        // aiaas b32: best 1 ms (1 thread) -> 32 / 0.001 s = 32,000 examples/s; b128: 128 / 0.002 s
        assertEquals(32_000, panels.get(0).byEngine().get("aiaas").get(32), 1e-6);
        assertEquals(64_000, panels.get(0).byEngine().get("aiaas").get(128), 1e-6);
        assertEquals(80_000, panels.get(0).byEngine().get("pytorch-djl").get(128), 1e-6);
        assertEquals(100_000, panels.get(1).byEngine().get("onnxruntime").get(1), 1e-6);
        assertEquals(640_000, panels.get(1).byEngine().get("onnxruntime").get(128), 1e-6);
        assertFalse(panels.stream().anyMatch(p -> p.title().contains("ngram")));
    }

    private static int count(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (img.getRGB(x, y) == c.getRGB()) {
                    n++;
                }
            }
        }
        return n;
    }

    private static BufferedImage sub(BufferedImage img, Rectangle r) {
        return img.getSubimage(r.x, r.y, r.width, r.height);
    }

    @Test
    void theBatchAxisIsLabelledWithBatchSizesAtWholeDoublings() {
        assertEquals("1", ThroughputChart.batchLabel(0));
        assertEquals("128", ThroughputChart.batchLabel(7));
        assertEquals("8", ThroughputChart.batchLabel(Math.log(8) / Math.log(2)), "log2 rounding");
        assertEquals("100", ThroughputChart.batchLabel(Math.log(100) / Math.log(2)), "a measured size that is no power of two");
        assertEquals("1/2", ThroughputChart.batchLabel(-1));
        assertEquals("", ThroughputChart.batchLabel(6.5));
    }

    @Test
    void aSingleBatchSizeAndAnUnmeasurableRunStillDraw(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("one.png");
        ThroughputChart.write(new BenchReport(BenchOptions.quickRun(), Map.of(1, 100.0), List.of(m("infer-784-256-10-b32", "aiaas", 1, 0.5))),
                "", png, 400, 300);
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(count(sub(img, ThroughputChart.panelArea(0, 1, 400, 300)), ThroughputChart.COLOURS.get("aiaas")) > 20, "the point");
        // a median of 0 ms (infinite examples/s) has no place on a log axis: an empty panel, not an error
        ThroughputChart.write(new BenchReport(BenchOptions.quickRun(), Map.of(1, 100.0), List.of(m("infer-784-256-10-b32", "aiaas", 1, 0))),
                "", png, 400, 300);
        img = ImageIO.read(png.toFile());
        assertEquals(0, count(sub(img, ThroughputChart.panelArea(0, 1, 400, 300)), ThroughputChart.COLOURS.get("aiaas")));
    }

    @Test
    void writesADecodablePngOfTheAskedSizeWithEveryEnginesColour(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("peers.png");
        ThroughputChart.write(report(), "test machine, 2 cores", png, 900, 450);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(450, img.getHeight());
        for (String engine : new String[] {"aiaas", "pytorch-djl", "onnxruntime"}) {
            assertTrue(count(img, ThroughputChart.COLOURS.get(engine)) > 50, engine);
        }
        assertEquals(0, count(img, ThroughputChart.COLOURS.get("dl4j")), "dl4j did not run");
        // each engine's line is drawn in the panels it ran in (not only in the legend), and only there
        BufferedImage training = sub(img, ThroughputChart.panelArea(0, 2, 900, 450));
        BufferedImage inference = sub(img, ThroughputChart.panelArea(1, 2, 900, 450));
        assertTrue(count(training, ThroughputChart.COLOURS.get("aiaas")) > 50, "aiaas, training");
        assertTrue(count(training, ThroughputChart.COLOURS.get("pytorch-djl")) > 20, "pytorch-djl, training (one point)");
        assertEquals(0, count(training, ThroughputChart.COLOURS.get("onnxruntime")), "onnxruntime ran no training step");
        assertTrue(count(inference, ThroughputChart.COLOURS.get("aiaas")) > 20, "aiaas, inference (one point)");
        assertTrue(count(inference, ThroughputChart.COLOURS.get("onnxruntime")) > 50, "onnxruntime, inference");
        assertEquals(0, count(inference, ThroughputChart.COLOURS.get("pytorch-djl")), "pytorch-djl ran no inference");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(png), files.toList(), "no temporary file is left behind");
        }
        // the default size, over an existing file
        ThroughputChart.write(report(), "", png);
        img = ImageIO.read(png.toFile());
        assertEquals(ThroughputChart.DEFAULT_WIDTH, img.getWidth());
        assertEquals(ThroughputChart.DEFAULT_HEIGHT, img.getHeight());
    }

    @Test
    void badSizesPathsAndReportsAreClearErrors(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ThroughputChart.write(report(), "", dir.resolve("a.png"), 100, 100));
        assertTrue(e.getMessage().contains("at least 400x300") && e.getMessage().contains("100x100"), e.getMessage());

        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> ThroughputChart.write(report(), "", dir.resolve("no/such/a.png")));
        assertTrue(missing.getMessage().contains("does not exist; create it first"), missing.getMessage());

        IOException folder = assertThrows(IOException.class, () -> ThroughputChart.write(report(), "", dir));
        assertTrue(folder.getMessage().contains("is a folder"), folder.getMessage());

        BenchReport ngramOnly = new BenchReport(BenchOptions.quickRun(), Map.of(),
                List.of(new Measurement("ngram-query-moby-o3", "aiaas", 1, new Stats(4, 4, 4, 10), 0)));
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> ThroughputChart.write(ngramOnly, "", dir.resolve("b.png")));
        assertTrue(none.getMessage().contains("no MLP training or inference result"), none.getMessage());
        assertFalse(Files.exists(dir.resolve("b.png")));
    }
}
