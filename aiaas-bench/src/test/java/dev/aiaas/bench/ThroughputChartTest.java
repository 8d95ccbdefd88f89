package dev.aiaas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
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
