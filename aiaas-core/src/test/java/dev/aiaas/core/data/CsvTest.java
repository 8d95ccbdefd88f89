package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {

    @BeforeAll
    static void backend() {
        // explicitly the CPU, as every test JVM runs on it (and BackendsTest expects 'requested: cpu')
        Backends.select(BackendOptions.of(BackendKind.CPU));
    }

    private static Dataset read(String text, CsvOptions o) throws IOException {
        return Csv.read(new StringReader(text), "t.csv", o);
    }

    private static DataFormatException bad(String text, CsvOptions o) {
        return assertThrows(DataFormatException.class, () -> read(text, o));
    }

    @Test
    void labelByNameWithHeader() throws IOException {
        try (Dataset ds = read("a,label,b\n1,2,3\n\n4.5,0,-6e1\n", CsvOptions.labelNamed("label"))) {
            assertArrayEquals(new int[] {2, 0}, ds.labels());
            assertEquals(3, ds.numClasses());
            assertArrayEquals(new float[][] {{1, 3}, {4.5f, -60}}, ds.features().toFloatMatrix());
        }
    }

    @Test
    void labelByIndexAsFloatTargetsGzippedFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("data.csv");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("1;0.5\n2;1.5\n".getBytes(StandardCharsets.UTF_8));
        }
        try (Dataset ds = Csv.read(f, CsvOptions.labelAt(1).withDelimiter(';').withFloatTargets())) {
            assertArrayEquals(new float[][] {{0.5f}, {1.5f}}, ds.targets().toFloatMatrix());
            assertArrayEquals(new float[][] {{1}, {2}}, ds.features().toFloatMatrix());
        }
        try (Dataset ds = read("0,1\n", CsvOptions.labelAt(0).withNumClasses(4))) {
            assertEquals(4, ds.numClasses());
        }
    }

    @Test
    void badCellNamesLineColumnAndContent() {
        DataFormatException e = bad("x,y\n1,2\n3,abc\n", CsvOptions.labelAt(0).withHeader(true));
        assertEquals("line 3, column 2", e.location());
        assertEquals("'abc'", e.found());
        assertTrue(e.getMessage().startsWith("t.csv: at line 3, column 2: found 'abc'"), e.getMessage());
        assertEquals("line 1, column 1", bad("NaN,1\n", CsvOptions.labelAt(0)).location());
        assertEquals("line 1, column 2", bad("1,\n", CsvOptions.labelAt(0)).location());
        assertEquals("line 1, column 2", bad("1,2f\n", CsvOptions.labelAt(0)).location());
    }

    @Test
    void badLabelsRaggedLinesMissingColumnsAndNoData() {
        DataFormatException e = bad("1.5,2\n", CsvOptions.labelAt(0));
        assertTrue(e.expected().contains("integer class label") && e.fix().contains("withFloatTargets"), e.getMessage());
        assertTrue(bad("-1,2\n", CsvOptions.labelAt(0)).expected().contains("integer class label"));
        e = bad("3,2\n", CsvOptions.labelAt(0).withNumClasses(2));
        assertTrue(e.fix().contains("withNumClasses(4)"), e.getMessage());
        e = bad("1,2\n1,2,3\n", CsvOptions.labelAt(0));
        assertEquals("line 2", e.location());
        assertEquals("3 columns", e.found());
        e = bad("a,b\n1,2\n", CsvOptions.labelNamed("label"));
        assertTrue(e.found().contains("[a, b]") && e.expected().contains("'label'"), e.getMessage());
        assertTrue(bad("1,2\n", CsvOptions.labelAt(5)).expected().contains("index 5"));
        assertTrue(bad("a,b\n", CsvOptions.labelAt(0).withHeader(true)).found().contains("no data"));
        assertTrue(bad("1\n2\n", CsvOptions.labelAt(0)).expected().contains("at least one feature column"));
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> CsvOptions.labelAt(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvOptions.labelNamed("y").withHeader(false));
        assertTrue(e.getMessage().contains("needs a header"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CsvOptions(false, ',', 1, "y", false, 0));
        assertThrows(IllegalArgumentException.class, () -> CsvOptions.labelAt(0).withDelimiter('.'));
        assertThrows(IllegalArgumentException.class, () -> CsvOptions.labelAt(0).withNumClasses(-2));
    }
}
