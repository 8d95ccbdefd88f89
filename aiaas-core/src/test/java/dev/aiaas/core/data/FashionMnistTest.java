package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import dev.aiaas.datasets.EmbeddedDatasets;
import org.junit.jupiter.api.Assumptions;
import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class FashionMnistTest {

    @BeforeAll
    static void backend() {
        // explicitly the CPU, as every test JVM runs on it (and BackendsTest expects 'requested: cpu')
        Backends.select(BackendOptions.of(BackendKind.CPU));
    }

    @Test
    void embeddedSubsetHasTheStatedCountsBalancedClassesAndUnitPixels() throws IOException {
        try (TrainTest tt = FashionMnist.embedded()) {
            assertEquals(6000, tt.train().size());
            assertEquals(1000, tt.test().size());
            assertEquals(784, tt.train().featureCount());
            int[] sixHundred = new int[10];
            java.util.Arrays.fill(sixHundred, 600);
            assertArrayEquals(sixHundred, tt.train().classCounts());
            int[] hundred = new int[10];
            java.util.Arrays.fill(hundred, 100);
            assertArrayEquals(hundred, tt.test().classCounts());
            for (Dataset ds : new Dataset[] {tt.train(), tt.test()}) {
                INDArray x = ds.features();
                assertEquals(0.0, x.minNumber().doubleValue());
                assertEquals(1.0, x.maxNumber().doubleValue());
                double mean = x.meanNumber().doubleValue();
                assertTrue(mean > 0.2 && mean < 0.4, "mean pixel " + mean); // Fashion-MNIST: ~0.286
            }
        }
        assertEquals(10, FashionMnist.CLASS_NAMES.size());
        assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(9));
    }

    @Test
    void theResourceFolderIsTheOneAiaasDatasetsCarries() {
        assertEquals("/" + EmbeddedDatasets.FASHION_MNIST, FashionMnist.RESOURCE_DIR);
        assertEquals(EmbeddedDatasets.ARTIFACT, FashionMnist.DATASETS_ARTIFACT);
        for (String name : Mnist.FILE_NAMES) {
            assertTrue(EmbeddedDatasets.FASHION_MNIST_FILES.contains(name + ".gz"), name);
        }
    }

    /** Without aiaas-datasets on the class path (a loader that sees only the JDK), the error names the dependency. */
    @Test
    void withoutAiaasDatasetsTheErrorNamesTheDependencyToAdd() {
        MissingDataException e = assertThrows(MissingDataException.class,
                () -> FashionMnist.embedded(new ClassLoader(null) { }));
        assertEquals("dev/aiaas/datasets/fashion-mnist/train-images-idx3-ubyte.gz", e.resource());
        assertEquals("dev.aiaas:aiaas-datasets", e.artifact());
        assertTrue(e.getMessage().startsWith("the embedded Fashion-MNIST subset is not on the class path"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: add the dependency dev.aiaas:aiaas-datasets"), e.getMessage());
        assertTrue(e.getMessage().contains("FashionMnist.load(dir)"), e.getMessage());
    }

    /** When Debian's dataset-fashion-mnist is installed, the committed files are exactly what the maker makes. */
    @Test
    void embeddedFilesEqualAFreshSubsetOfTheDebianPackage() throws IOException {
        Path full = Path.of("/usr/share/datasets/fashion-mnist");
        Assumptions.assumeTrue(Files.isRegularFile(full.resolve("train-images-idx3-ubyte.gz")),
                "dataset-fashion-mnist is not installed");
        for (Map.Entry<String, IdxData> e : MakeFashionMnistSubset.make(full).entrySet()) {
            try (InputStream in = FashionMnist.class.getResourceAsStream(FashionMnist.RESOURCE_DIR + e.getKey())) {
                assertEquals(e.getValue(), Idx.read(in, e.getKey(), Idx.ANY_RANK), e.getKey());
            }
        }
    }
}
