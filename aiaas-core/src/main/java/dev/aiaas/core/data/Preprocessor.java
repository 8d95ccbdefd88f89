package dev.aiaas.core.data;

import dev.aiaas.core.io.Inputs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the rows of a {@link Table} into model inputs and class indices, with everything learnt
 * from the training rows only: which columns are numbers and how to scale them, the categories of
 * each text column, and the classes of the label column.
 *
 * <pre>{@code
 * Table train = Csv.readTable(Path.of("iris.csv"));
 * Preprocessor prep = Preprocessor.fit(train, "species");   // standardised numbers, one-hot text
 * try (Dataset data = prep.dataset(train)) { ... }          // [n, prep.width()] and class indices
 * float[] x = prep.transform(Map.of("sepal_length", "5.1", ...));  // one raw row
 * }</pre>
 *
 * <p>{@link #fit} makes a column <b>numeric</b> when every non-empty training cell is a finite
 * decimal number (and at least one is non-empty), unless {@link Options#categorical()} names it;
 * otherwise <b>categorical</b>. A numeric column gives one input {@code (x − offset) / scale}
 * ({@link Scaling}); a categorical one a one-hot block over its training values sorted by
 * {@link String#compareTo} (an empty cell is a value like any other). Inputs follow the table's
 * column order, the label and {@link Options#ignored()} columns left out. The label column's
 * classes are a {@link LabelEncoder}.
 *
 * <p>Rows to transform must have every feature column (by name; other columns, the label column
 * among them, are ignored). A numeric column's cell must be a number; an empty one is a missing
 * value, an error (fill it in or drop the row). A text value the training rows did not have is an
 * error by default, or an all-zero block with {@link UnknownCategory#ZEROS}. Errors in a table are
 * {@link DataFormatException}s naming the row's line, the column and the value; in a row given as
 * a map, {@link IllegalArgumentException}s.
 *
 * <p>{@link #toEntries()} and {@link #fromEntries(Map)} write and read it as {@code key=value}
 * entries, which {@code tabular.TabularModel} keeps in the model file.
 *
 * @param label    the label column's name
 * @param labels   the label column's classes
 * @param features the input columns, in input order: at least one, distinct names, not the label
 */
public record Preprocessor(String label, LabelEncoder labels, List<Feature> features) {

    /**
     * Validates and copies the record.
     *
     * @param label    the label column's name
     * @param labels   the label column's classes
     * @param features the input columns, in input order: at least one, distinct names, not the label
     */
    public Preprocessor {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(features, "features");
        if (features.isEmpty()) {
            throw new IllegalArgumentException("no feature columns; expected at least one column besides the label '" + label
                    + "'");
        }
        Set<String> names = new LinkedHashSet<>();
        for (Feature f : features) {
            if (!names.add(f.name())) {
                throw new IllegalArgumentException("the feature column '" + f.name() + "' appears twice; expected distinct columns");
            }
        }
        if (names.contains(label)) {
            throw new IllegalArgumentException("the label column '" + label + "' is also a feature column; a column is "
                    + "either the label or an input");
        }
        features = List.copyOf(features);
    }

    /**
     * How {@link #fit} reads the training table.
     *
     * @param scaling     how numeric columns are scaled
     * @param categorical columns to one-hot even though they hold numbers (codes such as a postcode)
     * @param ignored     columns to leave out (an id, a free-text comment)
     */
    public record Options(Scaling scaling, Set<String> categorical, Set<String> ignored) {

        /**
         * Validates and copies the options.
         *
         * @param scaling     how numeric columns are scaled
         * @param categorical columns to one-hot even though they hold numbers
         * @param ignored     columns to leave out
         */
        public Options {
            Objects.requireNonNull(scaling, "scaling");
            categorical = Set.copyOf(categorical);
            ignored = Set.copyOf(ignored);
            for (String c : categorical) {
                if (ignored.contains(c)) {
                    throw new IllegalArgumentException("column '" + c + "' is both categorical and ignored; name it in one of them");
                }
            }
        }

        /**
         * Standardised numeric columns, every column used, kinds inferred.
         *
         * @return the default options
         */
        public static Options defaults() {
            return new Options(Scaling.STANDARD, Set.of(), Set.of());
        }

        /**
         * These options with another scaling.
         *
         * @param newScaling the scaling of numeric columns
         * @return the new options
         */
        public Options withScaling(Scaling newScaling) {
            return new Options(newScaling, categorical, ignored);
        }

        /**
         * These options with columns that are one-hot encoded whatever they hold.
         *
         * @param columns the column names
         * @return the new options
         */
        public Options withCategorical(String... columns) {
            return new Options(scaling, Set.of(columns), ignored);
        }

        /**
         * These options leaving columns out.
         *
         * @param columns the column names
         * @return the new options
         */
        public Options withIgnored(String... columns) {
            return new Options(scaling, categorical, Set.of(columns));
        }
    }

    /**
     * Fits on the training rows with {@link Options#defaults()}.
     *
     * @param train the training rows
     * @param label the label column's name
     * @return the fitted preprocessor
     * @throws DataFormatException as {@link #fit(Table, String, Options)}
     */
    public static Preprocessor fit(Table train, String label) throws DataFormatException {
        return fit(train, label, Options.defaults());
    }

    /**
     * Fits on the training rows: column kinds, scaling statistics, categories and classes.
     *
     * @param train   the training rows, at least one
     * @param label   the label column's name
     * @param options scaling, forced categorical and ignored columns
     * @return the fitted preprocessor
     * @throws DataFormatException when a named column is missing, a label is empty, a numeric
     *                             column has an empty cell, or no column is left for the inputs
     */
    public static Preprocessor fit(Table train, String label, Options options) throws DataFormatException {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(options, "options");
        int labelCol = train.columnIndex(label);
        if (labelCol < 0) {
            throw new DataFormatException(train.source(), "the header", "columns " + Inputs.excerpt(train.columns().toString()),
                    "a label column named " + Inputs.excerpt(label), "name one of the columns as the label");
        }
        for (Set<String> named : List.of(options.categorical(), options.ignored())) {
            for (String c : named) {
                if (train.columnIndex(c) < 0) {
                    throw new DataFormatException(train.source(), "the header", "columns " + Inputs.excerpt(train.columns().toString()),
                            "a column named '" + c + "' (" + (named == options.ignored() ? "to ignore" : "to one-hot") + ")",
                            "name one of the columns");
                }
                if (c.equals(label)) {
                    throw new IllegalArgumentException("the label column '" + label + "' cannot be "
                            + (named == options.ignored() ? "ignored" : "an input") + "; leave it out of the options");
                }
            }
        }
        if (train.size() == 0) {
            throw new DataFormatException(train.source(), "the end", "no rows", "at least one training row",
                    "check that the file is the right one");
        }
        List<String> labelCells = new ArrayList<>(train.size());
        for (int r = 0; r < train.size(); r++) {
            String y = train.cell(r, labelCol);
            if (y.isEmpty()) {
                throw new DataFormatException(train.source(), where(train, r, labelCol), "an empty label",
                        "a class label", "fill in the label or drop the row");
            }
            labelCells.add(y);
        }
        List<Feature> features = new ArrayList<>();
        for (int c = 0; c < train.columnCount(); c++) {
            String name = train.columns().get(c);
            if (c == labelCol || options.ignored().contains(name)) {
                continue;
            }
            double[] values = options.categorical().contains(name) ? null : numbers(train, c);
            features.add(values != null ? numeric(train, c, values, options.scaling()) : categorical(train, c));
        }
        if (features.isEmpty()) {
            throw new DataFormatException(train.source(), "the header", "columns " + Inputs.excerpt(train.columns().toString()),
                    "at least one input column besides the label '" + label + "' and the ignored ones",
                    "add input columns or ignore fewer");
        }
        return new Preprocessor(label, LabelEncoder.fit(labelCells), features);
    }

    /**
     * Column {@code c}'s values, parsed once, when it is numeric: every non-empty cell a finite
     * decimal number, and at least one non-empty; NaN where a cell is empty. Null when the column
     * is not numeric.
     */
    private static double[] numbers(Table t, int c) {
        double[] v = new double[t.size()];
        boolean any = false;
        for (int r = 0; r < v.length; r++) {
            String cell = t.cell(r, c);
            if (cell.isEmpty()) {
                v[r] = Double.NaN;
            } else {
                v[r] = Csv.decimal(cell);
                if (Double.isNaN(v[r])) {
                    return null;
                }
                any = true;
            }
        }
        return any ? v : null;
    }

    /** A numeric column from its {@link #numbers}; an empty cell (NaN) is an error. */
    private static Feature numeric(Table t, int c, double[] v, Scaling scaling) throws DataFormatException {
        int n = v.length;
        for (int r = 0; r < n; r++) {
            if (Double.isNaN(v[r])) {
                throw missing(t, r, c);
            }
        }
        double offset = 0;
        double scale = 1;
        switch (scaling) {
            case STANDARD -> {
                double sum = 0;
                for (double x : v) {
                    sum += x;
                }
                double mean = sum / n;
                double ss = 0;
                for (double x : v) {
                    ss += (x - mean) * (x - mean);
                }
                offset = mean;
                scale = Math.sqrt(ss / n);
            }
            case MIN_MAX -> {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (double x : v) {
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                }
                offset = min;
                scale = max - min;
            }
            case NONE -> {
            }
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            scale = 1; // a constant column (or one too wide for float64): centred, not divided by 0
        }
        if (!Double.isFinite(offset)) {
            throw new DataFormatException(t.source(), "column " + (c + 1) + " (" + Inputs.excerpt(t.columns().get(c)) + ")",
                    "numbers whose mean is not finite in float64 (the sum overflows)",
                    "numbers that float64 can average (at most about 1e300 in magnitude)",
                    "check the column's values, or rescale them before training");
        }
        return new Feature.Numeric(t.columns().get(c), offset, scale);
    }

    private static Feature categorical(Table t, int c) {
        TreeSet<String> values = new TreeSet<>();
        for (int r = 0; r < t.size(); r++) {
            values.add(t.cell(r, c));
        }
        return new Feature.Categorical(t.columns().get(c), new ArrayList<>(values));
    }

    /**
     * The number of model inputs a row gives: the sum of the features' widths.
     *
     * @return the input width {@code d}
     */
    public int width() {
        int d = 0;
        for (Feature f : features) {
            d += f.width();
        }
        return d;
    }

    /**
     * The name of each model input, for reports: a numeric column's name, or
     * {@code column=value} for each value of a categorical column.
     *
     * @return {@link #width()} names, in input order
     */
    public List<String> inputNames() {
        List<String> out = new ArrayList<>(width());
        for (Feature f : features) {
            if (f instanceof Feature.Categorical cat) {
                for (String v : cat.categories()) {
                    out.add(f.name() + "=" + v);
                }
            } else {
                out.add(f.name());
            }
        }
        return out;
    }

    /**
     * The model inputs of every row, unknown categories an error.
     *
     * @param rows rows with every feature column
     * @return {@code [rows.size()][width()]}
     * @throws DataFormatException as {@link #transform(Table, UnknownCategory)}
     */
    public float[][] transform(Table rows) throws DataFormatException {
        return transform(rows, UnknownCategory.ERROR);
    }

    /**
     * The model inputs of every row.
     *
     * @param rows    rows with every feature column (by name; other columns are ignored)
     * @param unknown what a text value unseen in training gives
     * @return {@code [rows.size()][width()]}
     * @throws DataFormatException when a feature column is missing, or a cell is empty, not a
     *                             number in a numeric column, or (with {@link UnknownCategory#ERROR})
     *                             a value unseen in training; naming the row's line and the column
     */
    public float[][] transform(Table rows, UnknownCategory unknown) throws DataFormatException {
        Objects.requireNonNull(unknown, "unknown");
        int[] cols = new int[features.size()];
        for (int f = 0; f < cols.length; f++) {
            cols[f] = rows.columnIndex(features.get(f).name());
            if (cols[f] < 0) {
                throw new DataFormatException(rows.source(), "the header", "columns " + Inputs.excerpt(rows.columns().toString()),
                        "the column '" + features.get(f).name() + "' that the model was trained with (it takes "
                                + featureNames() + ")", "add the column, with the same name as in the training data");
            }
        }
        float[][] out = new float[rows.size()][width()];
        String[] cells = new String[cols.length];
        for (int r = 0; r < rows.size(); r++) {
            for (int f = 0; f < cols.length; f++) {
                cells[f] = rows.cell(r, cols[f]);
            }
            try {
                encode(cells, unknown, out[r]);
            } catch (BadCell e) {
                throw new DataFormatException(rows.source(), where(rows, r, cols[e.feature]), e.found, e.expected, e.fix);
            }
        }
        return out;
    }

    /** A cell that cannot be encoded: which feature, and the message's parts. */
    private static final class BadCell extends Exception {
        private static final long serialVersionUID = 1L;
        final int feature;
        final String found;
        final String expected;
        final String fix;

        BadCell(int feature, String found, String expected, String fix) {
            super(found, null, false, false);
            this.feature = feature;
            this.found = found;
            this.expected = expected;
            this.fix = fix;
        }
    }

    /**
     * Encodes one row's feature cells (in feature order) into {@code out} (zero-filled,
     * {@code width()} long). A category's position is a hash look-up in its feature's
     * {@link Feature.Categorical#categories()}, indexed once when the feature was made.
     */
    private void encode(String[] cells, UnknownCategory unknown, float[] out) throws BadCell {
        int j = 0;
        for (int f = 0; f < cells.length; f++) {
            Feature feature = features.get(f);
            String cell = cells[f];
            if (feature instanceof Feature.Numeric num) {
                if (cell.isEmpty()) {
                    throw new BadCell(f, "an empty cell", "a number (the column is numeric)",
                            "fill in the value (for example with the column's mean) or drop the row");
                }
                double v = Csv.decimal(cell);
                if (Double.isNaN(v)) {
                    throw new BadCell(f, Inputs.excerpt(cell), "a finite decimal number, as the column held in training",
                            "write a number in that cell, or drop the row");
                }
                float x = num.apply(v);
                if (!Float.isFinite(x)) {
                    throw new BadCell(f, Inputs.excerpt(cell), "a number whose scaled value (x - " + num.offset() + ") / "
                            + num.scale() + " fits in float32 (at most 3.4e38 in magnitude)",
                            "check the value, or scale the column (Scaling.STANDARD, --scaling standard)");
                }
                out[j] = x;
            } else {
                List<String> categories = ((Feature.Categorical) feature).categories();
                int k = categories.indexOf(cell);
                if (k >= 0) {
                    out[j + k] = 1f;
                } else if (unknown == UnknownCategory.ERROR) {
                    throw new BadCell(f, Inputs.excerpt(cell), "one of the values seen in training " + shortList(categories),
                            "use one of those values, retrain with rows that have this one, or encode unseen values as "
                                    + "all zeros (UnknownCategory.ZEROS, --unknown-category zeros)");
                }
            }
            j += feature.width();
        }
    }

    /**
     * The model inputs of one row, unknown categories an error.
     *
     * @param row column name to cell, with every feature column (other entries are ignored)
     * @return {@code width()} inputs
     * @throws IllegalArgumentException as {@link #transform(Map, UnknownCategory)}
     */
    public float[] transform(Map<String, String> row) {
        return transform(row, UnknownCategory.ERROR);
    }

    /**
     * The model inputs of one row.
     *
     * @param row     column name to cell, with every feature column (other entries are ignored)
     * @param unknown what a text value unseen in training gives
     * @return {@code width()} inputs
     * @throws IllegalArgumentException when a feature column is missing, or a value is empty, not
     *                                  a number in a numeric column, or (with
     *                                  {@link UnknownCategory#ERROR}) unseen in training
     */
    public float[] transform(Map<String, String> row, UnknownCategory unknown) {
        Objects.requireNonNull(row, "row");
        Objects.requireNonNull(unknown, "unknown");
        String[] cells = new String[features.size()];
        for (int f = 0; f < cells.length; f++) {
            cells[f] = row.get(features.get(f).name());
            if (cells[f] == null) {
                throw new IllegalArgumentException("the row has no '" + features.get(f).name() + "'; expected the columns "
                        + featureNames() + " that the model was trained with. Add it");
            }
        }
        float[] out = new float[width()];
        try {
            encode(cells, unknown, out);
        } catch (BadCell e) {
            throw new IllegalArgumentException("column '" + features.get(e.feature).name() + "': found " + e.found
                    + ", expected " + e.expected + ". Fix: " + e.fix);
        }
        return out;
    }

    /**
     * The class index of every row's label.
     *
     * @param rows rows with the label column
     * @return {@code rows.size()} class indices
     * @throws DataFormatException when the label column is missing or a label is not one of the
     *                             classes, naming the row's line
     */
    public int[] encodeLabels(Table rows) throws DataFormatException {
        int c = rows.columnIndex(label);
        if (c < 0) {
            throw new DataFormatException(rows.source(), "the header", "columns " + Inputs.excerpt(rows.columns().toString()),
                    "the label column '" + label + "'", "add the label column to score the rows");
        }
        List<String> classes = labels.classes(); // indexed: indexOf is a hash look-up
        int[] y = new int[rows.size()];
        for (int r = 0; r < y.length; r++) {
            int k = classes.indexOf(rows.cell(r, c));
            if (k < 0) {
                throw new DataFormatException(rows.source(), where(rows, r, c), "the label '" + rows.cell(r, c) + "'",
                        "one of the classes seen in training " + shortList(labels.classes()),
                        "fix the label, or retrain with rows of this class");
            }
            y[r] = k;
        }
        return y;
    }

    /**
     * The rows as a labelled dataset, unknown categories an error.
     *
     * @param rows rows with every feature column and the label column
     * @return features {@code [n, width()]} and class indices with {@code labels().size()} classes;
     *         the caller owns it
     * @throws DataFormatException as {@link #transform(Table)} and {@link #encodeLabels(Table)}
     */
    public Dataset dataset(Table rows) throws DataFormatException {
        return dataset(rows, UnknownCategory.ERROR);
    }

    /**
     * The rows as a labelled dataset.
     *
     * @param rows    rows with every feature column and the label column, at least one
     * @param unknown what a text value unseen in training gives
     * @return features {@code [n, width()]} and class indices with {@code labels().size()} classes;
     *         the caller owns it
     * @throws DataFormatException as {@link #transform(Table, UnknownCategory)} and
     *                             {@link #encodeLabels(Table)}, or when there is no row
     */
    public Dataset dataset(Table rows, UnknownCategory unknown) throws DataFormatException {
        if (rows.size() == 0) {
            throw new DataFormatException(rows.source(), "the end", "no rows", "at least one row", "check the file");
        }
        int[] y = encodeLabels(rows);
        return Dataset.of(transform(rows, unknown), y, labels.size());
    }

    private List<String> featureNames() {
        List<String> out = new ArrayList<>(features.size());
        for (Feature f : features) {
            out.add(f.name());
        }
        return out;
    }

    /** A list for a message: in full up to 20 values, else the first 20 and how many more. */
    static String shortList(List<String> values) {
        if (values.size() <= 20) {
            return values.toString();
        }
        return values.subList(0, 20).toString().replaceFirst("]$", ", ... (" + values.size() + " in all)]");
    }

    private static String where(Table t, int row, int col) {
        return t.location(row) + ", column " + (col + 1) + " ('" + t.columns().get(col) + "')";
    }

    private static DataFormatException missing(Table t, int row, int col) {
        return new DataFormatException(t.source(), where(t, row, col), "an empty cell", "a number (the column is numeric)",
                "fill in the value (for example with the column's mean) or drop the row");
    }

    // ------------------------------------------------------------------ entries

    /**
     * The preprocessor as {@code key=value} entries, values escaped so that none holds a line
     * break ({@code \\} for a backslash, {@code \n} and {@code \r} for line breaks): {@code label},
     * {@code classes} and {@code class.i}, {@code columns}, and per column {@code column.j.name},
     * {@code column.j.kind} ({@code numeric} or {@code categorical}), {@code column.j.offset} and
     * {@code column.j.scale}, or {@code column.j.categories} and {@code column.j.category.i}.
     * Numbers are written so that they read back exactly.
     *
     * @return the entries, in a stable order
     */
    public Map<String, String> toEntries() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("label", escape(label));
        m.put("classes", Integer.toString(labels.size()));
        for (int i = 0; i < labels.size(); i++) {
            m.put("class." + i, escape(labels.decode(i)));
        }
        m.put("columns", Integer.toString(features.size()));
        for (int j = 0; j < features.size(); j++) {
            Feature f = features.get(j);
            String p = "column." + j + ".";
            m.put(p + "name", escape(f.name()));
            if (f instanceof Feature.Numeric num) {
                m.put(p + "kind", "numeric");
                m.put(p + "offset", Double.toString(num.offset()));
                m.put(p + "scale", Double.toString(num.scale()));
            } else {
                Feature.Categorical cat = (Feature.Categorical) f;
                m.put(p + "kind", "categorical");
                m.put(p + "categories", Integer.toString(cat.categories().size()));
                for (int i = 0; i < cat.categories().size(); i++) {
                    m.put(p + "category." + i, escape(cat.categories().get(i)));
                }
            }
        }
        return m;
    }

    /**
     * Reads the entries {@link #toEntries()} wrote.
     *
     * @param entries the entries (others are ignored)
     * @return the preprocessor
     * @throws IllegalArgumentException when an entry is missing or malformed, naming it
     */
    public static Preprocessor fromEntries(Map<String, String> entries) {
        String label = unescape(need(entries, "label"));
        int k = count(entries, "classes");
        List<String> classes = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            classes.add(unescape(need(entries, "class." + i)));
        }
        int columns = count(entries, "columns");
        List<Feature> features = new ArrayList<>(columns);
        for (int j = 0; j < columns; j++) {
            String p = "column." + j + ".";
            String name = unescape(need(entries, p + "name"));
            String kind = need(entries, p + "kind");
            switch (kind) {
                case "numeric" -> features.add(new Feature.Numeric(name, number(entries, p + "offset"),
                        number(entries, p + "scale")));
                case "categorical" -> {
                    int n = count(entries, p + "categories");
                    List<String> cats = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        cats.add(unescape(need(entries, p + "category." + i)));
                    }
                    features.add(new Feature.Categorical(name, cats));
                }
                default -> throw new IllegalArgumentException("'" + p + "kind' is " + Inputs.excerpt(kind) + "; expected numeric or categorical");
            }
        }
        return new Preprocessor(label, new LabelEncoder(classes), features);
    }

    private static String need(Map<String, String> entries, String key) {
        String v = entries.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no entry '" + key + "'");
        }
        return v;
    }

    /** A count the entries declare: at least 0, and at most the entries there are (each counted item has its own). */
    private static int count(Map<String, String> entries, String key) {
        String v = need(entries, key);
        try {
            int n = Integer.parseInt(v);
            if (n >= 0 && n <= entries.size()) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("'" + key + "' is " + Inputs.excerpt(v) + "; expected a count from 0 to the "
                + entries.size() + " entries present");
    }

    private static double number(Map<String, String> entries, String key) {
        String v = need(entries, key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is " + Inputs.excerpt(v) + "; expected a number");
        }
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (i + 1 == s.length()) {
                throw new IllegalArgumentException(Inputs.excerpt(s) + " ends in a lone backslash; expected \\\\, \\n or \\r");
            }
            char e = s.charAt(++i);
            switch (e) {
                case '\\' -> sb.append('\\');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                default -> throw new IllegalArgumentException(Inputs.excerpt(s) + " has the escape \\" + e + "; expected \\\\, \\n or \\r");
            }
        }
        return sb.toString();
    }
}
