package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PreprocessorTest {

    @BeforeAll
    static void backend() {
        Backends.select(BackendOptions.of(BackendKind.CPU));
    }

    /**
     * x: 1, 2, 3, 6 (mean 3, population variance (4 + 1 + 0 + 9) / 4 = 3.5, min 1, range 5);
     * colour: categories blue, green, red; code: numbers; y: classes no, yes.
     */
    static Table train() {
        return Table.of(List.of("x", "colour", "code", "y"), List.of(
                List.of("1", "red", "10", "yes"),
                List.of("2", "green", "20", "no"),
                List.of("3", "red", "10", "yes"),
                List.of("6", "blue", "30", "no")));
    }

    private static Map<String, String> row(String x, String colour, String code) {
        return Map.of("x", x, "colour", colour, "code", code);
    }

    @Test
    void standardisesNumbersAndOneHotsText() throws DataFormatException {
        Preprocessor p = Preprocessor.fit(train(), "y");
        assertEquals(List.of(new Feature.Numeric("x", 3, Math.sqrt(3.5)),
                new Feature.Categorical("colour", List.of("blue", "green", "red")),
                new Feature.Numeric("code", 17.5, Math.sqrt((56.25 + 6.25 + 56.25 + 156.25) / 4))), p.features());
        assertEquals(List.of("no", "yes"), p.labels().classes());
        assertEquals(5, p.width());
        assertEquals(List.of("x", "colour=blue", "colour=green", "colour=red", "code"), p.inputNames());
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(3.5)), 0, 1, 0, (float) (2.5 / Math.sqrt(68.75))},
                p.transform(row("4", "green", "20")));
        float[][] x = p.transform(train());
        assertArrayEquals(new float[] {(float) (-2 / Math.sqrt(3.5)), 0, 0, 1, (float) (-7.5 / Math.sqrt(68.75))}, x[0]);
        assertArrayEquals(new int[] {1, 0, 1, 0}, p.encodeLabels(train()));
    }

    @Test
    void minMaxNoneForcedCategoricalAndIgnoredColumns() throws DataFormatException {
        Preprocessor p = Preprocessor.fit(train(), "y",
                Preprocessor.Options.defaults().withScaling(Scaling.MIN_MAX).withCategorical("code").withIgnored("colour"));
        assertEquals(List.of(new Feature.Numeric("x", 1, 5), new Feature.Categorical("code", List.of("10", "20", "30"))),
                p.features());
        assertArrayEquals(new float[] {0.6f, 0, 0, 1}, p.transform(row("4", "purple", "30")));
        p = Preprocessor.fit(train(), "y", Preprocessor.Options.defaults().withScaling(Scaling.NONE).withIgnored("colour", "code"));
        assertArrayEquals(new float[] {4}, p.transform(row("4", "", "")));
        assertEquals(Scaling.MIN_MAX, Scaling.parse("Min-Max"));
        assertEquals("min-max", Scaling.MIN_MAX.toString());
        assertThrows(IllegalArgumentException.class, () -> Scaling.parse("z-score"));
        assertEquals(UnknownCategory.ZEROS, UnknownCategory.parse("zeros"));
        assertThrows(IllegalArgumentException.class, () -> UnknownCategory.parse("skip"));
    }

    @Test
    void aConstantColumnIsCentredNotDividedByZero() throws DataFormatException {
        Table t = Table.of(List.of("c", "y"), List.of(List.of("5", "a"), List.of("5", "b")));
        for (Scaling s : Scaling.values()) {
            Preprocessor p = Preprocessor.fit(t, "y", Preprocessor.Options.defaults().withScaling(s));
            assertEquals(1.0, ((Feature.Numeric) p.features().get(0)).scale(), s.toString());
        }
        assertArrayEquals(new float[] {2}, Preprocessor.fit(t, "y").transform(Map.of("c", "7")));
    }

    @Test
    void statisticsComeFromTheTrainingRowsOnly() throws DataFormatException {
        Table.Split s = TableTest.numbered(10).split(0.5, 3);
        Table train = Table.of(List.of("id", "colour", "y"), rowsWithLabel(s.train()));
        Preprocessor p = Preprocessor.fit(train, "y");
        double sum = 0;
        for (String id : s.train().column("id")) {
            sum += Double.parseDouble(id);
        }
        assertEquals(sum / 5, ((Feature.Numeric) p.features().get(0)).offset(), 1e-12);
        assertTrue(Math.abs(sum / 5 - 4.5) > 1e-9, "the split's mean differs from the whole table's 4.5");
    }

    private static List<List<String>> rowsWithLabel(Table t) {
        List<List<String>> out = new java.util.ArrayList<>();
        for (int r = 0; r < t.size(); r++) {
            out.add(List.of(t.cell(r, 0), t.cell(r, 1), r % 2 == 0 ? "a" : "b"));
        }
        return out;
    }

    @Test
    void aDatasetHasEveryClassEvenWhenTheRowsDoNot() throws DataFormatException {
        Preprocessor p = Preprocessor.fit(train(), "y");
        try (Dataset ds = p.dataset(train().select(new int[] {0, 2}))) {
            assertEquals(2, ds.numClasses());
            assertArrayEquals(new int[] {1, 1}, ds.labels());
            assertEquals(5, ds.featureCount());
        }
        DataFormatException e = assertThrows(DataFormatException.class, () -> p.dataset(train().select(new int[0])));
        assertEquals("no rows", e.found());
    }

    @Test
    void badTrainingTablesNameTheRowAndColumn() {
        DataFormatException e = assertThrows(DataFormatException.class, () -> Preprocessor.fit(train(), "label"));
        assertEquals("the header", e.location());
        assertTrue(e.found().contains("[x, colour, code, y]") && e.expected().contains("'label'"), e.getMessage());
        Table noLabel = Table.of(List.of("x", "y"), List.of(List.of("1", "a"), List.of("2", "")));
        e = assertThrows(DataFormatException.class, () -> Preprocessor.fit(noLabel, "y"));
        assertEquals("row 2, column 2 ('y')", e.location());
        Table gap = Table.of(List.of("x", "y"), List.of(List.of("1", "a"), List.of("", "b")));
        e = assertThrows(DataFormatException.class, () -> Preprocessor.fit(gap, "y"));
        assertEquals("row 2, column 1 ('x')", e.location());
        assertTrue(e.found().equals("an empty cell") && e.fix().contains("fill in"), e.getMessage());
        Table onlyLabel = Table.of(List.of("y"), List.of(List.of("a")));
        assertThrows(DataFormatException.class, () -> Preprocessor.fit(onlyLabel, "y"));
        assertThrows(DataFormatException.class, () -> Preprocessor.fit(train().select(new int[0]), "y"));
        e = assertThrows(DataFormatException.class,
                () -> Preprocessor.fit(train(), "y", Preprocessor.Options.defaults().withIgnored("size")));
        assertTrue(e.expected().contains("'size' (to ignore)"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Preprocessor.fit(train(), "y", Preprocessor.Options.defaults().withIgnored("y")));
        assertThrows(IllegalArgumentException.class,
                () -> Preprocessor.Options.defaults().withCategorical("x").withIgnored("x"));
    }

    @Test
    void badRowsToTransformNameTheLineColumnValueAndFix() throws Exception {
        Preprocessor p = Preprocessor.fit(train(), "y");
        Table rows = Csv.readTable(new java.io.StringReader("code,colour,x\n10,red,1\n20,purple,2\n"), "new.csv", ',');
        DataFormatException e = assertThrows(DataFormatException.class, () -> p.transform(rows));
        assertEquals("new.csv: at line 3, column 2 ('colour'): found 'purple', expected one of the values seen in training "
                + "[blue, green, red]. Fix: use one of those values, retrain with rows that have this one, or encode unseen "
                + "values as all zeros (UnknownCategory.ZEROS, --unknown-category zeros)", e.getMessage());
        float[][] x = p.transform(rows, UnknownCategory.ZEROS); // columns found by name, in any order; no label needed
        assertArrayEquals(new float[] {0, 0, 0}, java.util.Arrays.copyOfRange(x[1], 1, 4));
        assertArrayEquals(new float[] {0, 0, 1}, java.util.Arrays.copyOfRange(x[0], 1, 4));

        Table missing = Table.of(List.of("x", "code"), List.of(List.of("1", "10")));
        e = assertThrows(DataFormatException.class, () -> p.transform(missing));
        assertTrue(e.expected().contains("'colour'") && e.fix().contains("add the column"), e.getMessage());
        Table text = Table.of(List.of("x", "colour", "code"), List.of(List.of("1", "red", "10"), List.of("one", "red", "10")));
        e = assertThrows(DataFormatException.class, () -> p.transform(text));
        assertEquals("row 2, column 1 ('x')", e.location());
        assertEquals("'one'", e.found());
        Table empty = Table.of(List.of("x", "colour", "code"), List.of(List.of("", "red", "10")));
        assertEquals("an empty cell", assertThrows(DataFormatException.class, () -> p.transform(empty)).found());
        e = assertThrows(DataFormatException.class, () -> p.encodeLabels(missing));
        assertTrue(e.expected().contains("label column 'y'"), e.getMessage());
        Table maybe = Table.of(List.of("x", "colour", "code", "y"), List.of(List.of("1", "red", "10", "maybe")));
        e = assertThrows(DataFormatException.class, () -> p.encodeLabels(maybe));
        assertEquals("row 1, column 4 ('y')", e.location());
        assertTrue(e.expected().contains("[no, yes]"), e.getMessage());

        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> p.transform(Map.of("x", "1")));
        assertTrue(a.getMessage().contains("no 'colour'"), a.getMessage());
        a = assertThrows(IllegalArgumentException.class, () -> p.transform(row("1", "pink", "10")));
        assertTrue(a.getMessage().startsWith("column 'colour': found 'pink'"), a.getMessage());
        a = assertThrows(IllegalArgumentException.class, () -> p.transform(row("1e999", "red", "10")));
        assertTrue(a.getMessage().startsWith("column 'x': found '1e999', expected a finite decimal number"), a.getMessage());
        assertArrayEquals(new float[] {0, 0, 0}, java.util.Arrays.copyOfRange(p.transform(row("1", "pink", "10"),
                UnknownCategory.ZEROS), 1, 4));
    }

    @Test
    void longListsOfKnownValuesAreShortenedInMessages() {
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) {
            many.add("v" + i);
        }
        assertEquals(many.subList(0, 20).toString().replace("v19]", "v19, ... (25 in all)]"), Preprocessor.shortList(many));
        assertEquals("[a, b]", Preprocessor.shortList(List.of("a", "b")));
    }

    @Test
    void entriesRoundTripExactlyWithAnyText() throws DataFormatException {
        Table odd = Table.of(List.of("a=b\\c\nd", "colour", "label"), List.of(
                List.of("0.1", "x\ry", "two\nlines"), List.of("0.7", "", "back\\slash"), List.of("1e-30", "z", "=")));
        Preprocessor p = Preprocessor.fit(odd, "label");
        Map<String, String> entries = p.toEntries();
        for (Map.Entry<String, String> en : entries.entrySet()) {
            assertTrue(!en.getValue().contains("\n") && !en.getValue().contains("\r"), en.toString());
        }
        assertEquals(p, Preprocessor.fromEntries(entries));
        assertEquals("3", entries.get("classes"));
        assertEquals("two\\nlines", entries.get("class.2"));
    }

    @Test
    void malformedEntriesNameTheEntry() throws DataFormatException {
        Map<String, String> good = Preprocessor.fit(train(), "y").toEntries();
        for (String[] change : new String[][] {{"label", null}, {"classes", "-1"}, {"columns", "x"},
                {"column.0.kind", "ordinal"}, {"column.0.scale", "0"}, {"column.0.offset", "one"}, {"class.1", "no"},
                {"column.1.category.0", "bad\\q"}, {"column.1.categories", "4"}}) {
            Map<String, String> m = new HashMap<>(good);
            if (change[1] == null) {
                m.remove(change[0]);
            } else {
                m.put(change[0], change[1]);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Preprocessor.fromEntries(m),
                    String.join("=", change));
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), String.join("=", change));
        }
    }

    @Test
    void theRecordIsValidated() {
        LabelEncoder l = new LabelEncoder(List.of("a", "b"));
        Feature x = new Feature.Numeric("x", 0, 1);
        assertThrows(IllegalArgumentException.class, () -> new Preprocessor("y", l, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Preprocessor("y", l, List.of(x, x)));
        assertThrows(IllegalArgumentException.class, () -> new Preprocessor("x", l, List.of(x)));
        assertThrows(IllegalArgumentException.class, () -> new Feature.Numeric("x", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Feature.Numeric("x", Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new Feature.Categorical("c", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Feature.Categorical("c", List.of("a", "a")));
    }
}
