package dev.aiaas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image rows of the bench (issue 16): names, engines, the photos folder, and torchvision's script. */
class ImageTaskTest {

    @Test
    void theImageRowsAreInTheCatalogueWithBothDecoders() {
        assertEquals(List.of("image-decode-224", "augment-224-b32"), ImageTask.tasks().stream().map(ImageTask::benchmark).toList());
        Set<String> names = new HashSet<>();
        Workloads.all(false).forEach(w -> names.add(w.benchmark() + "/" + w.engine()));
        assertTrue(names.containsAll(List.of("image-decode-224/aiaas", "image-decode-224/aiaas-imageio", "augment-224-b32/aiaas")),
                names.toString());
        assertTrue(Workloads.benchmarks(true).containsAll(List.of("image-decode-224", "augment-224-b32")));
        assertThrows(IllegalArgumentException.class, () -> new AiaasImage(new ImageTask(true, 32), true));
        assertThrows(IllegalArgumentException.class, () -> new ImageTask(false, 0));
    }

    @Test
    void aFolderOfPhotosReplacesTheEmbeddedOne(@TempDir Path dir) throws IOException {
        byte[] dog;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(ImageTask.EMBEDDED)) {
            dog = in.readAllBytes();
        }
        Files.write(dir.resolve("b.JPG"), dog);
        Files.write(dir.resolve("a.jpeg"), dog);
        Files.writeString(dir.resolve("notes.txt"), "not a photo");
        System.setProperty(ImageTask.PHOTOS_PROPERTY, dir.toString());
        try {
            assertEquals(List.of(dir.resolve("a.jpeg"), dir.resolve("b.JPG")), ImageTask.photos(dir.resolve("unused")));
            for (Workload w : AiaasImage.of(new ImageTask(false, 1))) {
                w.setup();
                try {
                    for (int i = 0; i < 3; i++) {
                        w.step();
                    }
                } finally {
                    w.close();
                }
            }
            Path empty = Files.createDirectory(dir.resolve("empty"));
            System.setProperty(ImageTask.PHOTOS_PROPERTY, empty.toString());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ImageTask.photos(dir));
            assertTrue(e.getMessage().contains("aiaas.bench.photos=" + empty) && e.getMessage().contains("no .jpg"), e.getMessage());
        } finally {
            System.clearProperty(ImageTask.PHOTOS_PROPERTY);
        }
    }

    @Test
    void theTorchvisionScriptMeasuresATinyRun() {
        assumeTrue(PythonPeerTest.pythonHas("numpy, torch, torchvision"), PythonPeer.DEFAULT_PYTHON + " with torchvision is not installed here");
        PythonPeer p = new PythonPeer(PythonPeer.DEFAULT_PYTHON);
        assertEquals(Optional.empty(), p.unavailableReason());
        for (ImageTask task : ImageTask.tasks()) {
            assertTrue(p.supports(task));
            Workload w = p.workload(task);
            assertEquals(task.benchmark(), w.benchmark());
            Stats s = ((ExternalWorkload) w).measure(BenchOptions.quickRun().withWarmupSeconds(0).withRepeats(1, 0.01), 1);
            assertTrue(s.steps() >= BenchOptions.MIN_STEPS && s.medianMs() > 0 && s.p10Ms() <= s.medianMs() && s.medianMs() <= s.p90Ms(),
                    task.benchmark() + ": " + s);
        }
    }
}
