package dev.aiaas.core.tabular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.data.DataFormatException;
import dev.aiaas.core.data.Table;
import dev.aiaas.core.data.UnknownCategory;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fruit classifier of {@link MakeTabularFixture}, whose answers are worked out by hand. */
class TabularModelTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    private static Map<String, String> fruit(String weight, String colour) {
        return Map.of("weight_g", weight, "colour", colour);
    }

    /** Rows and their classes: w = (weight − 100) / 50; apple = w + 2·green + red, banana = 2·yellow, cherry = red − w. */
    static final Table ROWS = Table.of(List.of("colour", "weight_g", "fruit\nname"), List.of(
            List.of("red", "150", "apple"),            // w 1: apple 2, banana 0, cherry 0
            List.of("red", "10", "cherry"),            // w -1.8: apple -0.8, cherry 2.8
            List.of("yellow, ripe", "120", "banana"),  // w 0.4: apple 0.4, banana 2, cherry -0.4
            List.of("green", "100", "apple")));        // w 0: apple 2

    static void checkAnswers(TabularModel m) throws DataFormatException {
        assertEquals(List.of("apple", "cherry", "banana", "apple"), m.predictLabel(ROWS));
        assertArrayEquals(new int[] {0, 2, 1, 0}, m.predictClass(ROWS));
        assertEquals("cherry", m.predictLabel(fruit("10", "red")));
        assertEquals(1, m.predictClass(fruit("120", "yellow, ripe")));
        double z = Math.exp(2) + 2; // logits (2, 0, 0)
        assertArrayEquals(new float[] {(float) (Math.exp(2) / z), (float) (1 / z), (float) (1 / z)},
                m.predictProba(fruit("150", "red")), 1e-6f);
        assertArrayEquals(m.predictProba(fruit("150", "red")), m.predictProba(ROWS)[0]);
        assertArrayEquals(new float[] {-0.8f, 0, 2.8f}, m.outputs(ROWS, UnknownCategory.ERROR)[1], 1e-6f);
    }

    @Test
    void theGoldenFileOfFormat1LoadsAndAnswersAsWorkedOut(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tabular-format-1.aiaas");
        try (InputStream in = TabularModelTest.class.getResourceAsStream("/dev/aiaas/core/tabular/tabular-format-1.aiaas")) {
            Files.copy(in, file);
        }
        try (TabularModel m = TabularModel.load(file)) {
            assertEquals(MakeTabularFixture.preprocessor(), m.preprocessor());
            checkAnswers(m);
            assertEquals("TabularModel[2 columns -> 4 inputs -> 3 classes [apple, banana, cherry]]", m.toString());
        }
        // the plain reader sees the network, which takes the four preprocessed inputs
        try (Model net = ModelIO.load(file)) {
            assertArrayEquals(new long[] {4}, net.inputShape());
        }
        assertTrue(TabularModel.isTabular(ModelIO.provenance(file)));
    }

    @Test
    void savedAndLoadedItAnswersTheSame(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fruit.aiaas");
        try (TabularModel m = new TabularModel(MakeTabularFixture.model(), MakeTabularFixture.preprocessor())) {
            checkAnswers(m);
            m.save(file, Map.of("dataset", "fruit"));
            try (TabularModel back = TabularModel.load(file)) {
                assertEquals(m.preprocessor(), back.preprocessor());
                assertEquals(m.model().parameters(), back.model().parameters());
                assertArrayEquals(m.outputs(ROWS, UnknownCategory.ERROR), back.outputs(ROWS, UnknownCategory.ERROR));
            }
            assertEquals("fruit", ModelIO.provenance(file).get("dataset"));
            assertThrows(IllegalArgumentException.class, () -> m.save(file, Map.of("tabular.kind", "x")));
        }
    }

    @Test
    void unknownCategoriesAreAnErrorOrZeros() throws Exception {
        try (TabularModel m = new TabularModel(MakeTabularFixture.model(), MakeTabularFixture.preprocessor())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predictLabel(fruit("100", "purple")));
            assertTrue(e.getMessage().contains("'purple'"), e.getMessage());
            Table purple = Table.of(List.of("weight_g", "colour"), List.of(List.of("100", "purple")));
            assertThrows(DataFormatException.class, () -> m.predictClass(purple));
            assertArrayEquals(new float[] {0, 0, 0}, m.outputs(purple, UnknownCategory.ZEROS)[0]); // w 0, no colour
            assertEquals(0, m.predictClass(Table.of(List.of("weight_g", "colour"), List.of())).length);
        }
    }

    @Test
    void shapesThatDoNotFitAreRefused() {
        try (Model wide = Model.builder(5).add(Layers.dense(3)).build(); Model two = Model.builder(4).add(Layers.dense(2)).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new TabularModel(wide, MakeTabularFixture.preprocessor()));
            assertTrue(e.getMessage().contains("builder(preprocessor.width())"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new TabularModel(two, MakeTabularFixture.preprocessor()));
            assertTrue(e.getMessage().contains("Layers.dense(3)"), e.getMessage());
        }
    }

    @Test
    void filesThatAreNotTableClassifiersAreRefused(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain.aiaas");
        try (Model m = MakeTabularFixture.model()) {
            ModelIO.save(m, plain);
        }
        assertFalse(TabularModel.isTabular(ModelIO.provenance(plain)));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TabularModel.load(plain));
        assertTrue(e.getMessage().contains("holds no table preprocessing") && e.getMessage().contains("ModelIO.load"), e.getMessage());

        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("tabular.kind", TabularModel.KIND);
        entries.put("tabular.format", "2");
        MakeTabularFixture.preprocessor().toEntries().forEach((k, v) -> entries.put("tabular." + k, v));
        Path newer = write(dir.resolve("newer.aiaas"), entries);
        e = assertThrows(ModelFormatException.class, () -> TabularModel.load(newer));
        assertTrue(e.getMessage().contains("tabular.format 2, this library reads up to 1"), e.getMessage());

        entries.put("tabular.format", "1");
        entries.put("tabular.column.0.kind", "ordinal");
        Path bad = write(dir.resolve("bad.aiaas"), entries);
        e = assertThrows(ModelFormatException.class, () -> TabularModel.load(bad));
        assertTrue(e.getMessage().contains("inconsistent table entries") && e.getMessage().contains("ordinal"), e.getMessage());

        entries.put("tabular.column.0.kind", "numeric");
        entries.put("tabular.classes", "2");
        Path mismatch = write(dir.resolve("mismatch.aiaas"), entries);
        e = assertThrows(ModelFormatException.class, () -> TabularModel.load(mismatch));
        assertTrue(e.getMessage().contains("does not fit its table entries"), e.getMessage());
    }

    /** Hostile table entries: counts beyond the entries present, non-finite scaling, bad versions, huge values. */
    @Test
    void hostileTableEntriesAreFormatErrorsOfBoundedLength(@TempDir Path dir) throws Exception {
        Map<String, String> good = new LinkedHashMap<>();
        good.put("tabular.kind", TabularModel.KIND);
        good.put("tabular.format", "1");
        MakeTabularFixture.preprocessor().toEntries().forEach((k, v) -> good.put("tabular." + k, v));
        String[][] cases = {
            {"tabular.classes", "2000000000", "'classes' is '2000000000'; expected a count from 0 to the"},
            {"tabular.columns", "-1", "'columns' is '-1'; expected a count"},
            {"tabular.column.1.categories", "99999", "'column.1.categories' is '99999'"},
            {"tabular.column.0.scale", "NaN", "scale=NaN"},
            {"tabular.column.0.scale", "-2", "scale=-2.0"},
            {"tabular.column.0.offset", "Infinity", "offset=Infinity; expected a finite number"},
            {"tabular.column.0.offset", "1e999", "offset=Infinity"},
            {"tabular.format", "0", "tabular.format is 0; versions start at 1"},
            {"tabular.format", "-7", "tabular.format is -7"},
            {"tabular.label", "a\\q", "has the escape"},
            {"tabular.column.1.category.1", "green", "has a value twice"},
        };
        for (String[] c : cases) {
            Map<String, String> entries = new LinkedHashMap<>(good);
            entries.put(c[0], c[1]);
            Path f = write(dir.resolve("hostile.aiaas"), entries);
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> TabularModel.load(f), c[0] + "=" + c[1]);
            assertTrue(e.getMessage().contains(c[2]), c[0] + "=" + c[1] + ": " + e.getMessage());
        }
        // a repeated category of 100,000 characters: the message quotes a bounded part of it
        Map<String, String> entries = new LinkedHashMap<>(good);
        entries.put("tabular.column.1.category.0", "x".repeat(100_000));
        entries.put("tabular.column.1.category.1", "x".repeat(100_000));
        Path f = write(dir.resolve("long.aiaas"), entries);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TabularModel.load(f));
        assertTrue(e.getMessage().contains("inconsistent table entries") && e.getMessage().length() < 1000,
                e.getMessage().length() + ": " + e.getMessage().substring(0, 200));
        // and a tight header limit refuses the file before its entries are read
        Path fits = write(dir.resolve("fits.aiaas"), good);
        e = assertThrows(ModelFormatException.class, () -> TabularModel.load(fits, ModelIO.LoadOptions.defaults().withMaxHeaderBytes(100)));
        assertTrue(e.getMessage().contains("more than the limit of 100 (ModelIO.LoadOptions.maxHeaderBytes)"), e.getMessage());
        try (TabularModel m = TabularModel.load(fits, ModelIO.LoadOptions.defaults().withMaxParameters(100))) {
            checkAnswers(m);
        }
    }

    private static Path write(Path file, Map<String, String> provenance) throws Exception {
        try (Model m = MakeTabularFixture.model()) {
            ModelIO.save(m, file, provenance);
        }
        return file;
    }
}
