package dev.aiaas.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable table of text cells as a CSV file holds them: named columns and rows of
 * {@code columnCount()} cells each, before any conversion to numbers. {@link Csv#readTable}
 * reads one; {@link Preprocessor} turns one into features and class labels.
 *
 * <p>Every row remembers where it came from ({@link #location(int)}: {@code "line 7"} of its file,
 * or {@code "row 3"} for a table built in memory), so that an error found later (an unknown
 * category, a missing number) names the place to fix.
 */
public final class Table {

    private final String source;
    private final List<String> columns;
    private final String[][] rows;
    /** Per row: its 1-based line in the file, or its 1-based row number for a table built in memory. */
    private final long[] numbers;
    private final boolean fromFile;

    private Table(String source, List<String> columns, String[][] rows, long[] numbers, boolean fromFile) {
        this.source = source;
        this.columns = columns;
        this.rows = rows;
        this.numbers = numbers;
        this.fromFile = fromFile;
    }

    /**
     * A table built in memory; row {@code i} is reported as {@code "row i+1"}.
     *
     * @param columns the column names: distinct, at least one
     * @param rows    the rows, each with one cell per column (copied); cells may be empty, not null
     * @return the table
     * @throws IllegalArgumentException on a duplicate column name, a row of the wrong width or a
     *                                  null cell
     */
    public static Table of(List<String> columns, List<List<String>> rows) {
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(rows, "rows");
        List<String> names = checkColumns(columns);
        String[][] cells = new String[rows.size()][];
        for (int r = 0; r < cells.length; r++) {
            List<String> row = Objects.requireNonNull(rows.get(r), "rows[" + r + "]");
            if (row.size() != names.size()) {
                throw new IllegalArgumentException("row " + (r + 1) + " has " + row.size() + " cells; expected "
                        + names.size() + ", one per column " + names + ". Give every row one cell per column");
            }
            cells[r] = new String[row.size()];
            for (int c = 0; c < cells[r].length; c++) {
                cells[r][c] = Objects.requireNonNull(row.get(c), "rows[" + r + "][" + c + "]");
            }
        }
        long[] numbers = new long[cells.length];
        for (int r = 0; r < numbers.length; r++) {
            numbers[r] = r + 1;
        }
        return new Table("rows", names, cells, numbers, false);
    }

    /** Takes rows that {@link Csv} parsed (not copied), with their 1-based line numbers. */
    static Table wrap(String source, List<String> columns, List<String[]> rows, long[] lines) {
        return new Table(source, List.copyOf(columns), rows.toArray(new String[0][]), lines, true);
    }

    /**
     * Checks column names: at least one, none null, no duplicates.
     *
     * @return an unmodifiable copy
     */
    static List<String> checkColumns(List<String> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column; got none");
        }
        Set<String> seen = new HashSet<>();
        for (String c : columns) {
            Objects.requireNonNull(c, "column name");
            if (!seen.add(c)) {
                throw new IllegalArgumentException("the column name '" + c + "' appears twice in " + columns
                        + "; expected distinct names. Rename one of them");
            }
        }
        return List.copyOf(columns);
    }

    /**
     * Where the table came from.
     *
     * @return the file for a table read by {@link Csv}, {@code "rows"} for one built in memory
     */
    public String source() {
        return source;
    }

    /**
     * The column names.
     *
     * @return the names, in column order (unmodifiable)
     */
    public List<String> columns() {
        return columns;
    }

    /**
     * The number of columns.
     *
     * @return the column count
     */
    public int columnCount() {
        return columns.size();
    }

    /**
     * The number of rows.
     *
     * @return the row count, the header not counted
     */
    public int size() {
        return rows.length;
    }

    /**
     * The index of a column.
     *
     * @param name the column's name
     * @return its 0-based index, or -1 when there is no such column
     */
    public int columnIndex(String name) {
        return columns.indexOf(name);
    }

    /**
     * One cell.
     *
     * @param row    the 0-based row index
     * @param column the 0-based column index
     * @return its text, as in the file (surrounding spaces of unquoted cells removed)
     */
    public String cell(int row, int column) {
        return rows[row][column];
    }

    /**
     * One row.
     *
     * @param row the 0-based row index
     * @return its cells in column order (unmodifiable)
     */
    public List<String> row(int row) {
        return Collections.unmodifiableList(Arrays.asList(rows[row]));
    }

    /**
     * One row by column name, the form {@link Preprocessor#transform(Map)} takes.
     *
     * @param row the 0-based row index
     * @return column name to cell (unmodifiable, in column order)
     */
    public Map<String, String> rowMap(int row) {
        java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
            m.put(columns.get(c), rows[row][c]);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * One column's cells.
     *
     * @param name the column's name
     * @return its cells, top to bottom (unmodifiable)
     * @throws IllegalArgumentException when there is no such column
     */
    public List<String> column(String name) {
        int c = requireColumn(name);
        List<String> out = new ArrayList<>(rows.length);
        for (String[] r : rows) {
            out.add(r[c]);
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Where a row came from, for messages.
     *
     * @param row the 0-based row index
     * @return {@code "line N"} (1-based, of the file, where the row starts) or {@code "row N"}
     *         (1-based) for a table built in memory
     */
    public String location(int row) {
        return (fromFile ? "line " : "row ") + numbers[row];
    }

    /**
     * The rows at {@code indices}, in that order, as a new table with the same columns (rows may
     * repeat); each keeps its {@link #location(int)}.
     *
     * @param indices 0-based row indices
     * @return the new table
     * @throws IllegalArgumentException when an index is outside {@code [0, size())}
     */
    public Table select(int[] indices) {
        String[][] out = new String[indices.length][];
        long[] outNumbers = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= rows.length) {
                throw new IllegalArgumentException("indices[" + i + "] = " + indices[i] + " is outside [0, " + rows.length
                        + "); pass row indices of this " + rows.length + "-row table");
            }
            out[i] = rows[indices[i]];
            outNumbers[i] = numbers[indices[i]];
        }
        return new Table(source, columns, out, outNumbers, fromFile);
    }

    /**
     * Splits off a held-out part exactly as {@link Dataset#split(double, long)} does, by
     * {@link Shuffle#holdOut(int, double, long)}: the rows are permuted with
     * {@link Shuffle#permutation(int, long)}{@code (size(), seed)}; the first
     * {@code round(size() * heldOutFraction)} go to {@link Split#test()}, the rest to
     * {@link Split#train()}. Not stratified. The same seed gives the same split.
     *
     * @param heldOutFraction in {@code (0, 1)}, for example 0.2 to hold out a fifth of the rows
     * @param seed            the permutation's seed
     * @return the two parts
     * @throws IllegalArgumentException when the fraction is outside {@code (0, 1)} or leaves
     *                                  either part empty
     */
    public Split split(double heldOutFraction, long seed) {
        Shuffle.HoldOut parts = Shuffle.holdOut(rows.length, heldOutFraction, seed);
        return new Split(select(parts.train()), select(parts.heldOut()));
    }

    /**
     * Two disjoint parts of a table.
     *
     * @param train the part to fit on
     * @param test  the held-out part
     */
    public record Split(Table train, Table test) {
        /**
         * Validates the record.
         *
         * @param train the part to fit on
         * @param test  the held-out part
         */
        public Split {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(test, "test");
        }
    }

    /** For example {@code Table[iris.csv: 150 rows, columns [sepal_length, ..., species]]}. */
    @Override
    public String toString() {
        return "Table[" + source + ": " + rows.length + " rows, columns " + columns + "]";
    }

    int requireColumn(String name) {
        int c = columns.indexOf(name);
        if (c < 0) {
            throw new IllegalArgumentException("no column '" + name + "' in " + source + "; its columns are " + columns
                    + ". Name one of them");
        }
        return c;
    }
}
