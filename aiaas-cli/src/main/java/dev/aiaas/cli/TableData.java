package dev.aiaas.cli;

import dev.aiaas.core.data.Csv;
import dev.aiaas.core.data.DataFormatException;
import dev.aiaas.core.data.Dataset;
import dev.aiaas.core.data.Feature;
import dev.aiaas.core.data.Preprocessor;
import dev.aiaas.core.data.Table;
import dev.aiaas.core.data.TrainTest;
import dev.aiaas.core.data.UnknownCategory;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The data of {@code aiaas train --csv}: the CSV read, split into training and test rows, the
 * preprocessing fitted on the training rows, and both parts as datasets.
 *
 * @param preprocessor fitted on the training rows only
 * @param data         the training and test rows, preprocessed; owned by this record
 * @param description  what was read and how it was split, for the output and the provenance
 */
record TableData(Preprocessor preprocessor, TrainTest data, String description) implements AutoCloseable {

    /** The part held out when neither {@code --test-csv} nor {@code --validation-split} is given. */
    static final double DEFAULT_HELD_OUT = 0.2;

    /**
     * Reads {@code csv} (and {@code testCsv}), splits, fits and transforms.
     *
     * @param heldOut the fraction of {@code csv} to test on when {@code testCsv} is null
     * @throws ParameterException      when a named column is not in the file (exit code 2)
     * @throws CommandFailedException  when a file is malformed or a cell cannot be encoded
     */
    static TableData load(CommandLine cl, Path csv, String label, Path testCsv, double heldOut, long seed,
            Preprocessor.Options options, UnknownCategory unknown) throws CommandFailedException {
        Table all = read(csv);
        requireColumn(cl, "--label", label, all);
        for (String c : options.ignored()) {
            requireColumn(cl, "--ignore", c, all);
        }
        for (String c : options.categorical()) {
            requireColumn(cl, "--categorical", c, all);
        }
        if (options.ignored().contains(label) || options.categorical().contains(label)) {
            throw new ParameterException(cl, "--label " + label + " is also named by "
                    + (options.ignored().contains(label) ? "--ignore" : "--categorical") + "; the label column is what the model predicts");
        }
        Table train;
        Table test;
        String description;
        if (testCsv != null) {
            train = all;
            test = read(testCsv);
            description = csv + " (test rows: " + testCsv + ")";
        } else {
            Table.Split split;
            try {
                split = all.split(heldOut, seed);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, "--validation-split: " + e.getMessage(), e);
            }
            train = split.train();
            test = split.test();
            description = String.format(Locale.ROOT, "%s (%s %% of the rows held out for testing, seed %d)", csv,
                    fourDigits(heldOut * 100), seed);
        }
        try {
            Preprocessor p = Preprocessor.fit(train, label, options);
            Dataset trainSet = p.dataset(train, unknown);
            try {
                return new TableData(p, new TrainTest(trainSet, p.dataset(test, unknown)), description);
            } catch (DataFormatException | RuntimeException e) {
                trainSet.close();
                throw e;
            }
        } catch (DataFormatException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
    }

    /**
     * A number with at most 4 significant digits, plain notation, no trailing zeros: {@code 20},
     * {@code 12.5}, {@code 33.33}. (BenchReport.num formats as this does, but it is aiaas-bench's
     * own, package-private; a shared helper would make that module export one.)
     */
    static String fourDigits(double x) {
        return new BigDecimal(x).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /**
     * The {@code --unknown-category} policy of train, eval and predict; a usage error naming the
     * option when it is unknown, or when it was given where it does not apply.
     *
     * @param value   the option's value (its default when not given)
     * @param applies whether the data has text columns to encode: a table ({@code --csv}, or a
     *                model trained on one)
     */
    static UnknownCategory unknownCategory(CommandLine cl, String value, boolean applies) {
        if (!applies && cl.getParseResult().hasMatchedOption("--unknown-category")) {
            throw new ParameterException(cl, "--unknown-category applies to tables (a model trained with --csv) only");
        }
        try {
            return UnknownCategory.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "--unknown-category: " + e.getMessage(), e);
        }
    }

    /** Reads a CSV with a header; a malformed file is a failure with its message. */
    static Table read(Path csv) throws CommandFailedException {
        try {
            return Csv.readTable(csv);
        } catch (DataFormatException e) {
            throw new CommandFailedException(e.getMessage(), e);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + csv + ": " + AiaasCommand.oneLine(e), e);
        }
    }

    private static void requireColumn(CommandLine cl, String option, String column, Table t) {
        if (t.columnIndex(column) < 0) {
            throw new ParameterException(cl, option + ": no column '" + column + "' in " + t.source() + "; its columns are "
                    + t.columns());
        }
    }

    /**
     * One line per kind of input: for example {@code columns: sepal_length, sepal_width (numeric,
     * standard); colour (one-hot, 3 values) -> 6 inputs; label 'species': 3 classes [a, b, c]}.
     */
    String columnsLine(String scaling) {
        List<String> numeric = new ArrayList<>();
        List<String> text = new ArrayList<>();
        for (Feature f : preprocessor.features()) {
            if (f instanceof Feature.Categorical c) {
                text.add(c.name() + " (" + c.categories().size() + " values)");
            } else {
                numeric.add(f.name());
            }
        }
        List<String> parts = new ArrayList<>();
        if (!numeric.isEmpty()) {
            parts.add(String.join(", ", numeric) + " (numeric, " + scaling + ")");
        }
        if (!text.isEmpty()) {
            parts.add(String.join(", ", text) + " (one-hot)");
        }
        return "columns: " + String.join("; ", parts) + " -> " + preprocessor.width() + " inputs; label '" + preprocessor.label()
                + "': " + preprocessor.labels().size() + " classes " + preprocessor.labels().classes();
    }

    /** Checks a {@code --ignore}/{@code --categorical} list: no blank names. */
    static Set<String> columns(CommandLine cl, String option, List<String> names) {
        if (names == null) {
            return Set.of();
        }
        for (String n : names) {
            if (n.isBlank()) {
                throw new ParameterException(cl, option + ": an empty column name; give names separated by commas");
            }
        }
        return Set.copyOf(names);
    }

    @Override
    public void close() {
        data.close();
    }
}
