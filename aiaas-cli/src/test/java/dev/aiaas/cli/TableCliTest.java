package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.data.Csv;
import dev.aiaas.core.data.Feature;
import dev.aiaas.core.data.Table;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.tabular.TabularModel;
import dev.aiaas.datasets.EmbeddedDatasets;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aiaas train --csv}, {@code aiaas eval --csv} and {@code aiaas predict} on tables: Fisher's
 * Iris CSV end to end, text columns and quoting, and every error path.
 */
class TableCliTest {

    private static final Pattern ACCURACY = Pattern.compile("(?m)^test accuracy: (\\d\\.\\d{4})$");

    @TempDir
    static Path shared;
    static Path iris;

    @BeforeAll
    static void copyIris() throws IOException {
        iris = shared.resolve("iris.csv");
        try (InputStream in = EmbeddedDatasets.open(EmbeddedDatasets.IRIS + EmbeddedDatasets.IRIS_FILES.get(0))) {
            Files.copy(in, iris);
        }
    }

    static String accuracy(String out) {
        Matcher m = ACCURACY.matcher(out);
        assertTrue(m.find(), "no 'test accuracy: 0.xxxx' line in:\n" + out);
        return m.group(1);
    }

    /** Writes {@code table}'s rows as a CSV with its header (plain cells: no quoting needed in Iris). */
    static Path write(Path file, Table table) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", table.columns()));
        for (int r = 0; r < table.size(); r++) {
            lines.add(String.join(",", table.row(r)));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    static Table csv(String text) throws IOException {
        return Csv.readTable(new StringReader(text), "out", ',');
    }

    static CliTest.Result ok(String... args) {
        CliTest.Result r = CliTest.run(args);
        assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.out() + r.err());
        return r;
    }

    static void usageError(CliTest.Result r, String... parts) {
        assertEquals(2, r.code(), r.out() + r.err());
        for (String p : parts) {
            assertTrue(r.err().contains(p), "expected '" + p + "' in: " + r.err());
        }
    }

    static void failure(CliTest.Result r, String... parts) {
        assertEquals(1, r.code(), r.out() + r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "one line: " + r.err());
        assertTrue(lines[0].startsWith("aiaas: error: "), r.err());
        for (String p : parts) {
            assertTrue(r.err().contains(p), "expected '" + p + "' in: " + r.err());
        }
    }

    @Test
    void irisTrainsFromTheCliAndEvalAndPredictAgree(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("iris.aiaas");
        Path png = dir.resolve("history.png");
        CliTest.Result train = ok("train", "--csv", iris.toString(), "--label", "species", "--epochs", "60", "--batch-size", "16",
                "--lr", "0.01", "--hidden", "16", "--seed", "42", "--out", model.toString(), "--plot", png.toString());
        assertTrue(train.out().contains("(20 % of the rows held out for testing, seed 42): 120 training and 30 test examples "
                + "of 4 features, 3 classes"), train.out());
        assertTrue(train.out().contains("columns: sepal_length, sepal_width, petal_length, petal_width (numeric, standard) "
                + "-> 4 inputs; label 'species': 3 classes [setosa, versicolor, virginica]"), train.out());
        String trained = accuracy(train.out());
        assertTrue(Double.parseDouble(trained) >= 0.8, train.out()); // see IrisExampleTest: 0.83 to 1.0 over six seeds
        assertTrue(train.out().strip().endsWith("test accuracy: " + trained), "the last line is the accuracy:\n" + train.out());
        assertTrue(train.out().contains("saved: " + model) && train.out().contains("plot: " + png), train.out());
        byte[] head = Files.readAllBytes(png);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(head, 4));
        assertTrue(TabularModel.isTabular(ModelIO.provenance(model)));
        assertEquals(trained, ModelIO.provenance(model).get("test_accuracy"));

        // the same 30 held-out rows, split as the CLI splits (Table.split with --seed), score the same
        Path test = write(dir.resolve("test.csv"), Csv.readTable(iris).split(0.2, 42).test());
        CliTest.Result eval = ok("eval", "--model", model.toString(), "--csv", test.toString());
        assertEquals(trained, accuracy(eval.out()));
        assertTrue(eval.out().startsWith("test loss: "), eval.out());

        // predict: one line per row, in order; the class is the label's text and the argmax of the outputs
        Path out = dir.resolve("predictions.csv");
        CliTest.Result predict = ok("predict", "--model", model.toString(), "--input", test.toString(), "--out", out.toString());
        assertEquals("wrote 30 predictions to " + out, predict.out().strip());
        Table p = Csv.readTable(out);
        assertEquals(List.of("class", "output0", "output1", "output2"), p.columns());
        assertEquals(30, p.size());
        Table rows = Csv.readTable(test);
        List<String> classes = List.of("setosa", "versicolor", "virginica");
        int correct = 0;
        try (TabularModel m = TabularModel.load(model)) {
            assertEquals(m.predictLabel(rows), p.column("class"));
        }
        for (int r = 0; r < p.size(); r++) {
            float[] o = {Float.parseFloat(p.cell(r, 1)), Float.parseFloat(p.cell(r, 2)), Float.parseFloat(p.cell(r, 3))};
            int best = o[1] > o[0] ? (o[2] > o[1] ? 2 : 1) : (o[2] > o[0] ? 2 : 0);
            assertEquals(classes.get(best), p.cell(r, 0));
            correct += p.cell(r, 0).equals(rows.cell(r, 4)) ? 1 : 0;
        }
        assertEquals(trained, String.format(java.util.Locale.ROOT, "%.4f", correct / 30.0));
        // without --out, the CSV goes to standard output
        CliTest.Result stdout = ok("predict", "--model", model.toString(), "--input", test.toString());
        assertEquals(Files.readString(out), stdout.out());
    }

    /** Quoted cells with commas, a text column one-hot encoded, numeric class labels, a test file. */
    @Test
    void textColumnsQuotedCellsAndNumericLabels(@TempDir Path dir) throws Exception {
        StringBuilder train = new StringBuilder("id,\"size, cm\",code,colour,label\n");
        StringBuilder test = new StringBuilder("label,colour,code,\"size, cm\",id\n");
        String[] colours = {"red", "\"dark, green\"", "blue"};
        for (int i = 0; i < 60; i++) {
            // the label is the colour: 10 for red, 2 for dark green, 7 for blue; size and code are noise
            String label = new String[] {"10", "2", "7"}[i % 3];
            train.append(i).append(',').append(i % 5).append(',').append(i % 4).append(',').append(colours[i % 3]).append(',')
                    .append(label).append('\n');
            if (i < 9) {
                test.append(label).append(',').append(colours[i % 3]).append(',').append(i % 4).append(',').append(i % 4)
                        .append(',').append(100 + i).append('\n');
            }
        }
        Path trainCsv = Files.writeString(dir.resolve("train.csv"), train);
        Path testCsv = Files.writeString(dir.resolve("test.csv"), test);
        Path model = dir.resolve("m.aiaas");
        CliTest.Result r = ok("train", "--csv", trainCsv.toString(), "--test-csv", testCsv.toString(), "--label", "label",
                "--ignore", "id,code", "--epochs", "30", "--batch-size", "8", "--lr", "0.05", "--hidden", "8", "--scaling", "min-max",
                "--out", model.toString());
        assertTrue(r.out().contains("test rows: " + testCsv) && r.out().contains("60 training and 9 test examples of 4 features"),
                r.out());
        assertTrue(r.out().contains("columns: size, cm (numeric, min-max); colour (3 values) (one-hot) -> 4 inputs; label "
                + "'label': 3 classes [2, 7, 10]"), r.out());
        assertEquals("1.0000", accuracy(r.out()));
        try (TabularModel m = TabularModel.load(model)) {
            assertEquals(List.of(new Feature.Numeric("size, cm", 0, 4),
                    new Feature.Categorical("colour", List.of("blue", "dark, green", "red"))), m.preprocessor().features());
        }
        CliTest.Result p = ok("predict", "--model", model.toString(), "--input", testCsv.toString());
        Table out = csv(p.out());
        assertEquals(List.of("10", "2", "7", "10", "2", "7", "10", "2", "7"), out.column("class"));
        assertEquals(9, out.size());

        // --categorical: a column of numbers one-hot encoded
        Path m2 = dir.resolve("m2.aiaas");
        ok("train", "--csv", trainCsv.toString(), "--test-csv", testCsv.toString(), "--label", "label", "--categorical", "code",
                "--ignore", "id", "--epochs", "1", "--out", m2.toString());
        try (TabularModel m = TabularModel.load(m2)) {
            assertEquals(List.of(new Feature.Numeric("size, cm", 2, Math.sqrt(2)),
                    new Feature.Categorical("code", List.of("0", "1", "2", "3")),
                    new Feature.Categorical("colour", List.of("blue", "dark, green", "red"))), m.preprocessor().features());
        }
    }

    /** A label with a comma and a quote comes out of predict quoted, as RFC 4180 says, and reads back intact. */
    @Test
    void labelsWithCommasAndQuotesAreQuotedInTheOutput(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("x,kind\n");
        for (int i = 0; i < 20; i++) {
            csv.append(i % 2).append(i % 2 == 0 ? ",\"small, \"\"round\"\"\"\n" : ",big\n");
        }
        Path file = Files.writeString(dir.resolve("kinds.csv"), csv);
        Path model = dir.resolve("kinds.aiaas");
        ok("train", "--csv", file.toString(), "--test-csv", file.toString(), "--label", "kind", "--epochs", "40",
                "--batch-size", "4", "--lr", "0.05", "--hidden", "4", "--out", model.toString());
        Path in = Files.writeString(dir.resolve("in.csv"), "x\n0\n1\n");
        CliTest.Result p = ok("predict", "--model", model.toString(), "--input", in.toString());
        assertTrue(p.out().startsWith("class,output0,output1\n\"small, \"\"round\"\"\","), p.out());
        assertEquals(List.of("small, \"round\"", "big"), csv(p.out()).column("class"));
    }

    @Test
    void unknownCategoriesAreAnErrorUnlessZerosIsAsked(@TempDir Path dir) throws Exception {
        Path train = Files.writeString(dir.resolve("t.csv"), "x,colour,y\n1,red,a\n2,blue,b\n3,red,a\n4,blue,b\n");
        Path test = Files.writeString(dir.resolve("u.csv"), "x,colour,y\n1,green,a\n");
        failure(CliTest.run("train", "--csv", train.toString(), "--test-csv", test.toString(), "--label", "y", "--epochs", "1"),
                "u.csv: at line 2, column 2 ('colour'): found 'green'", "[blue, red]", "--unknown-category zeros");
        Path model = dir.resolve("m.aiaas");
        ok("train", "--csv", train.toString(), "--test-csv", test.toString(), "--label", "y", "--epochs", "1",
                "--unknown-category", "zeros", "--out", model.toString());
        failure(CliTest.run("predict", "--model", model.toString(), "--input", test.toString()), "found 'green'");
        CliTest.Result p = ok("predict", "--model", model.toString(), "--input", test.toString(), "--unknown-category", "zeros");
        assertEquals(1, csv(p.out()).size());
        failure(CliTest.run("eval", "--model", model.toString(), "--csv", test.toString()), "found 'green'");
        assertTrue(ok("eval", "--model", model.toString(), "--csv", test.toString(), "--unknown-category", "zeros").out()
                .contains("test accuracy: "));
    }

    @Test
    void trainUsageErrorsNameTheOptionAndTheFix(@TempDir Path dir) throws Exception {
        String csv = iris.toString();
        usageError(CliTest.run("train", "--csv", csv), "--csv needs --label COLUMN");
        usageError(CliTest.run("train", "--csv", csv, "--label", "Species"), "--label: no column 'Species'",
                "[sepal_length, sepal_width, petal_length, petal_width, species]");
        for (String[] o : new String[][] {{"--label", "species"}, {"--test-csv", csv}, {"--validation-split", "0.1"},
            {"--scaling", "none"}, {"--ignore", "a"}, {"--categorical", "a"}, {"--unknown-category", "zeros"}}) {
            usageError(CliTest.run("train", o[0], o[1]), o[0] + " goes with --csv FILE");
        }
        usageError(CliTest.run("train", "--csv", csv, "--dataset", dir.toString(), "--label", "species"),
                "--csv and --dataset are two sources");
        usageError(CliTest.run("train", "--csv", csv, "--label", "species", "--test-csv", csv, "--validation-split", "0.2"),
                "--test-csv and --validation-split");
        usageError(CliTest.run("train", "--csv", csv, "--label", "species", "--validation-split", "1"),
                "--validation-split must be in (0, 1)");
        usageError(CliTest.run("train", "--csv", csv, "--label", "species", "--validation-split", "0.001"),
                "--validation-split: ", "0.001 of 150", "leaves 0 held out");
        usageError(CliTest.run("train", "--csv", csv, "--label", "species", "--scaling", "zscore"),
                "--scaling: unknown scaling 'zscore'; expected one of standard, min-max, none");
        usageError(CliTest.run("train", "--csv", csv, "--label", "species", "--unknown-category", "skip"),
                "--unknown-category: unknown policy 'skip'; expected one of error, zeros");
        usageError(CliTest.run("train", "--csv", csv, "--label", "species", "--ignore", "petal_size"),
                "--ignore: no column 'petal_size'");
        usageError(CliTest.run("train", "--csv", csv, "--label", "species", "--categorical", "petal_size"),
                "--categorical: no column 'petal_size'");
        usageError(CliTest.run("train", "--csv", csv, "--label", "species", "--ignore", "petal_width", "--categorical", "petal_width"),
                "--categorical and --ignore: column 'petal_width' is both categorical and ignored");
        usageError(CliTest.run("train", "--csv", csv, "--label", "species", "--ignore", "species"),
                "--label species is also named by --ignore");
        usageError(CliTest.run("train", "--csv", csv, "--label", "species", "--ignore", "petal_length,,sepal_width"),
                "--ignore: an empty column name");
        usageError(CliTest.run("train", "--csv", dir.resolve("none.csv").toString(), "--label", "y"), "--csv: file not found");
        usageError(CliTest.run("train", "--csv", csv, "--label", "species", "--test-csv", dir.resolve("none.csv").toString()),
                "--test-csv: file not found");
    }

    @Test
    void malformedTablesFailWithTheLineAndTheFix(@TempDir Path dir) throws Exception {
        Path ragged = Files.writeString(dir.resolve("ragged.csv"), "x,y\n1,a\n2\n");
        failure(CliTest.run("train", "--csv", ragged.toString(), "--label", "y"), "ragged.csv: at line 3: found 1 cells",
                "quote a cell");
        Path quote = Files.writeString(dir.resolve("quote.csv"), "x,y\n1,\"a\n");
        failure(CliTest.run("train", "--csv", quote.toString(), "--label", "y"), "quote.csv: at line 2", "close the quote");
        Path gap = Files.writeString(dir.resolve("gap.csv"), "x,y\n1,a\n,b\n3,a\n");
        failure(CliTest.run("train", "--csv", gap.toString(), "--label", "y", "--test-csv", gap.toString()),
                "gap.csv: at line 3, column 1 ('x'): found an empty cell", "fill in the value");
        Path noLabel = Files.writeString(dir.resolve("nolabel.csv"), "x,y\n1,a\n2,\n3,b\n4,a\n");
        failure(CliTest.run("train", "--csv", noLabel.toString(), "--label", "y", "--test-csv", noLabel.toString()),
                "nolabel.csv: at line 3, column 2 ('y'): found an empty label");
    }

    @Test
    void evalAndPredictRefuseDataOfTheOtherKind(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("iris.aiaas");
        ok("train", "--csv", iris.toString(), "--label", "species", "--epochs", "1", "--out", model.toString());
        failure(CliTest.run("eval", "--model", model.toString()), "was trained on a table (label 'species', columns "
                + "[sepal_length, sepal_width, petal_length, petal_width])", "--csv FILE");
        failure(CliTest.run("eval", "--model", model.toString(), "--dataset", dir.toString()), "not --dataset");
        usageError(CliTest.run("eval", "--model", model.toString(), "--dataset", dir.toString(), "--csv", iris.toString()),
                "--csv and --dataset are two sources of test data");
        Path noLabel = Files.writeString(dir.resolve("nolabel.csv"), "sepal_length,sepal_width,petal_length,petal_width\n1,2,3,4\n");
        failure(CliTest.run("eval", "--model", model.toString(), "--csv", noLabel.toString()),
                "expected the label column 'species'", "add the label column");
        Path unknownLabel = Files.writeString(dir.resolve("lily.csv"),
                "sepal_length,sepal_width,petal_length,petal_width,species\n1,2,3,4,lily\n");
        failure(CliTest.run("eval", "--model", model.toString(), "--csv", unknownLabel.toString()),
                "lily.csv: at line 2, column 5 ('species'): found the label 'lily'");
        usageError(CliTest.run("eval", "--model", model.toString(), "--csv", dir.resolve("none.csv").toString()),
                "--csv: file not found");
        usageError(CliTest.run("eval", "--model", model.toString(), "--unknown-category", "zeros"),
                "--unknown-category applies to tables");
        usageError(CliTest.run("eval", "--model", model.toString(), "--csv", iris.toString(), "--batch-size", "0"),
                "--batch-size=0: expected an integer from 1 to 1,000,000");

        Path idxModel = dir.resolve("idx.aiaas");
        try (var m = TrainCommand.mlp(784, 4, 10, 1)) {
            ModelIO.save(m, idxModel);
        }
        failure(CliTest.run("eval", "--model", idxModel.toString(), "--csv", iris.toString()),
                "was trained on IDX images, not on a table", "--dataset DIR");
    }

    @Test
    void predictErrorsNameTheRowColumnAndFix(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("iris.aiaas");
        ok("train", "--csv", iris.toString(), "--label", "species", "--epochs", "1", "--out", model.toString());
        String m = model.toString();
        Path missing = Files.writeString(dir.resolve("missing.csv"), "sepal_length,sepal_width,petal_length\n5,3,1\n");
        failure(CliTest.run("predict", "--model", m, "--input", missing.toString()),
                "missing.csv: at the header", "expected the column 'petal_width' that the model was trained with", "add the column");
        Path text = Files.writeString(dir.resolve("text.csv"), "petal_width,sepal_length,sepal_width,petal_length\n0.2,5,3,1\n0.2,5,wide,1\n");
        failure(CliTest.run("predict", "--model", m, "--input", text.toString()),
                "text.csv: at line 3, column 3 ('sepal_width'): found 'wide', expected a finite decimal number", "write a number");
        Path wrongWidth = Files.writeString(dir.resolve("short.csv"), "sepal_length,sepal_width,petal_length,petal_width\n5,3,1\n");
        failure(CliTest.run("predict", "--model", m, "--input", wrongWidth.toString()), "short.csv: at line 2: found 3 cells");
        Path images = dir.resolve("images.idx");
        Files.write(images, new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 7});
        failure(CliTest.run("predict", "--model", m, "--input", images.toString()), "is an IDX file", "trained on a table");
        usageError(CliTest.run("predict", "--model", m, "--input", dir.resolve("none.csv").toString()), "--input: file not found");
        usageError(CliTest.run("predict", "--model", dir.resolve("none.aiaas").toString(), "--input", iris.toString()),
                "--model: file not found");
        usageError(CliTest.run("predict", "--model", m, "--input", iris.toString(), "--out", dir.resolve("no/p.csv").toString()),
                "--out: folder not found");
        usageError(CliTest.run("predict", "--model", m, "--input", iris.toString(), "--unknown-category", "maybe"),
                "--unknown-category: unknown policy 'maybe'");
        usageError(CliTest.run("predict", "--input", iris.toString()), "--model");
        Path junk = Files.writeString(dir.resolve("junk.aiaas"), "not a model");
        failure(CliTest.run("predict", "--model", junk.toString(), "--input", iris.toString()), "cannot load", "is not an aiaas model");
    }
}
