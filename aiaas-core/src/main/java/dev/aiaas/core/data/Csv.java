package dev.aiaas.core.data;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.backend.NativeMemory;
import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.Inputs;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads CSV files (RFC 4180): cells separated by a delimiter, a cell in double quotes may hold
 * the delimiter, line breaks and doubled quotes ({@code "a ""b"", c"}); spaces around a cell are
 * dropped; empty lines are skipped; a UTF-8 byte-order mark is ignored; files may be gzipped
 * (detected from the content, through {@link Inputs}; a damaged stream, its trailer's CRC
 * included, is an error).
 *
 * <ul>
 *   <li>{@link #readTable(Path)} reads a file with a header line into a {@link Table} of text
 *       cells, for files with text (categorical) columns or text labels; a {@link Preprocessor}
 *       then turns it into numbers.</li>
 *   <li>{@link #read(Path, CsvOptions)} reads a file whose cells are all numbers straight into a
 *       {@link Dataset}: one column the label or target, the others the features {@code [n, d]} in
 *       file order.</li>
 * </ul>
 *
 * <p>Both read the text as a stream, record by record: a numeric file's cells become floats as
 * each record is read, so no copy of the text, and no text cell, is kept for the whole file.
 * {@link CsvLimits} bound a cell, a record and the cells of a record, checked before the
 * characters are held. A table whose cells would take more than half the Java heap, a numeric
 * file whose arrays would not fit in it, or a dataset whose features would not fit in the native
 * memory available ({@link NativeMemory}) is refused as it grows past the bound, with a
 * {@link DataFormatException} (or a {@link dev.aiaas.core.backend.NativeMemoryException}), not an
 * {@link OutOfMemoryError}.
 *
 * <p>A malformed file is a {@link DataFormatException} naming the 1-based line (where the record
 * starts) and column, what was found (a cell quoted to at most {@value Inputs#EXCERPT_CHARS}
 * characters) and what was expected; the first such error in file order is the one reported.
 */
public final class Csv {

    private Csv() {
    }

    /**
     * Reads a numeric CSV file (plain or gzipped, UTF-8) into a dataset.
     *
     * @param file    the file
     * @param options where the label column is, header, delimiter, label kind, limits
     * @return the dataset, which the caller owns
     * @throws DataFormatException on a bad cell, a ragged line, a missing label column, no data, an
     *                             exceeded limit or a damaged gzip stream
     * @throws IOException         when the file cannot be read
     */
    public static Dataset read(Path file, CsvOptions options) throws IOException {
        try (Reader in = open(file)) {
            return read(in, file.toString(), options);
        }
    }

    /**
     * Reads numeric CSV text from {@code in} to its end into a dataset; does not close it.
     *
     * @param in      the text
     * @param source  names the input in messages
     * @param options where the label column is, header, delimiter, label kind, limits
     * @return the dataset, which the caller owns
     * @throws DataFormatException on a bad cell, a ragged line, a missing label column, no data or
     *                             an exceeded limit
     * @throws IOException         when {@code in} cannot be read
     */
    public static Dataset read(Reader in, String source, CsvOptions options) throws IOException {
        return dataset(new CsvRecords(in, source, options.delimiter(), options.limits()), source, options);
    }

    /**
     * Reads a CSV file with a header line (plain or gzipped, UTF-8, comma-separated) into a table
     * of text cells, with the default {@link CsvLimits}.
     *
     * @param file the file
     * @return the table: the header's column names, then one row per record
     * @throws DataFormatException when the file has no header, a duplicate column name, a record
     *                             with another number of cells than the header, an unclosed quote,
     *                             an exceeded limit or a damaged gzip stream
     * @throws IOException         when the file cannot be read
     */
    public static Table readTable(Path file) throws IOException {
        return readTable(file, ',');
    }

    /**
     * As {@link #readTable(Path)}, with another delimiter.
     *
     * @param file      the file
     * @param delimiter the cell separator, for example {@code ';'} or {@code '\t'}
     * @return the table
     * @throws DataFormatException as {@link #readTable(Path)}
     * @throws IOException         when the file cannot be read
     */
    public static Table readTable(Path file, char delimiter) throws IOException {
        return readTable(file, delimiter, true);
    }

    /**
     * As {@link #readTable(Path, char)}, for a file with or without a header line; without one,
     * the columns are named {@code column1}, {@code column2}, ... and the first line sets how many
     * cells every line has.
     *
     * @param file      the file
     * @param delimiter the cell separator, for example {@code ','}
     * @param header    whether the first line names the columns
     * @return the table
     * @throws DataFormatException as {@link #readTable(Path)}
     * @throws IOException         when the file cannot be read
     */
    public static Table readTable(Path file, char delimiter, boolean header) throws IOException {
        return readTable(file, delimiter, header, CsvLimits.DEFAULT);
    }

    /**
     * As {@link #readTable(Path, char, boolean)}, with other limits.
     *
     * @param file      the file
     * @param delimiter the cell separator, for example {@code ','}
     * @param header    whether the first line names the columns
     * @param limits    the longest cell and record and the most columns accepted
     * @return the table
     * @throws DataFormatException as {@link #readTable(Path)}
     * @throws IOException         when the file cannot be read
     */
    public static Table readTable(Path file, char delimiter, boolean header, CsvLimits limits) throws IOException {
        CsvOptions.checkDelimiter(delimiter);
        java.util.Objects.requireNonNull(limits, "limits");
        try (Reader in = open(file)) {
            return table(new CsvRecords(in, file.toString(), delimiter, limits), file.toString(), delimiter, header);
        }
    }

    /**
     * Reads CSV text with a header line from {@code in} to its end into a table; does not close it.
     *
     * @param in        the text
     * @param source    names the input in messages and in {@link Table#source()}
     * @param delimiter the cell separator, for example {@code ','}
     * @return the table
     * @throws DataFormatException as {@link #readTable(Path)}
     * @throws IOException         when {@code in} cannot be read
     */
    public static Table readTable(Reader in, String source, char delimiter) throws IOException {
        return readTable(in, source, delimiter, true);
    }

    /**
     * As {@link #readTable(Reader, String, char)}, with or without a header line (see
     * {@link #readTable(Path, char, boolean)}).
     *
     * @param in        the text
     * @param source    names the input in messages and in {@link Table#source()}
     * @param delimiter the cell separator, for example {@code ','}
     * @param header    whether the first line names the columns
     * @return the table
     * @throws DataFormatException as {@link #readTable(Path)}
     * @throws IOException         when {@code in} cannot be read
     */
    public static Table readTable(Reader in, String source, char delimiter, boolean header) throws IOException {
        return readTable(in, source, delimiter, header, CsvLimits.DEFAULT);
    }

    /**
     * As {@link #readTable(Reader, String, char, boolean)}, with other limits.
     *
     * @param in        the text
     * @param source    names the input in messages and in {@link Table#source()}
     * @param delimiter the cell separator, for example {@code ','}
     * @param header    whether the first line names the columns
     * @param limits    the longest cell and record and the most columns accepted
     * @return the table
     * @throws DataFormatException as {@link #readTable(Path)}
     * @throws IOException         when {@code in} cannot be read
     */
    public static Table readTable(Reader in, String source, char delimiter, boolean header, CsvLimits limits)
            throws IOException {
        CsvOptions.checkDelimiter(delimiter);
        java.util.Objects.requireNonNull(limits, "limits");
        return table(new CsvRecords(in, source, delimiter, limits), source, delimiter, header);
    }

    /**
     * The Java heap's bytes a table row of these cells holds, estimated from below: a String of n
     * Latin-1 characters is about 48 + n bytes, the row's array 16 + 4 per cell, its list entry and
     * line number 12.
     */
    private static long rowBytes(String[] cells) {
        long b = 28 + 4L * cells.length;
        for (String c : cells) {
            b += 48 + c.length();
        }
        return b;
    }

    private static Table table(CsvRecords records, String source, char delimiter, boolean hasHeader) throws IOException {
        String[] first = records.next();
        if (first == null) {
            throw new DataFormatException(source, "line 1", "an empty file",
                    hasHeader ? "a header line naming the columns, then data lines" : "data lines",
                    "check that the file is the right one and not empty");
        }
        List<String> columns;
        if (hasHeader) {
            columns = Arrays.asList(first);
            String repeated = repeated(columns);
            if (repeated != null) {
                throw new DataFormatException(source, "line " + records.line() + " (header)",
                        "the column name " + Inputs.excerpt(repeated) + " twice in " + Inputs.excerpt(columns.toString()),
                        "distinct column names", "rename the repeated column");
            }
        } else {
            columns = new ArrayList<>();
            for (int c = 1; c <= first.length; c++) {
                columns.add("column" + c);
            }
        }
        long heap = Runtime.getRuntime().maxMemory();
        long held = 0;
        List<String[]> rows = new ArrayList<>();
        long[] lines = new long[16];
        try {
            for (String[] r = hasHeader ? records.next() : first; r != null; r = records.next()) {
                if (r.length != columns.size()) {
                    throw new DataFormatException(source, "line " + records.line(), r.length + " cells",
                            columns.size() + " cells, " + (hasHeader ? "one per column of the header "
                                    + Inputs.excerpt(columns.toString()) : "as on the first line"),
                            "give every line one cell per column (quote a cell that contains '"
                                    + CsvRecords.printable(delimiter) + "')");
                }
                held += rowBytes(r);
                if (held > heap / 2) {
                    throw new DataFormatException(source, "line " + records.line(), "rows that take at least " + held
                            + " bytes of the Java heap as text cells", "a table that fits in half the Java heap ("
                            + heap / 2 + " bytes; -Xmx " + heap + ")", "run with a larger -Xmx, or read a part of the file");
                }
                if (rows.size() == lines.length) {
                    lines = Arrays.copyOf(lines, lines.length * 2);
                }
                lines[rows.size()] = records.line();
                rows.add(r);
            }
        } catch (OutOfMemoryError e) {
            rows = null;
            lines = null;
            throw tooLarge(source, records.line(), "more rows than the Java heap holds", heap);
        }
        return Table.wrap(source, columns, rows, Arrays.copyOf(lines, rows.size()));
    }

    /** The first name that appears twice, or null. */
    private static String repeated(List<String> names) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                return n;
            }
        }
        return null;
    }

    /** A file whose data does not fit in the Java heap. */
    private static DataFormatException tooLarge(String source, long line, String found, long heap) {
        return new DataFormatException(source, "line " + line, found,
                "data that fits in the Java heap (" + heap + " bytes at most, -Xmx)",
                "run with a larger -Xmx, or read a part of the file");
    }

    /** The most values one dataset's features hold: a Java array's length. */
    private static final int MAX_VALUES = Integer.MAX_VALUE - 8;

    /** Converts each record to floats as it is read: features row-major, labels or targets apart. */
    private static Dataset dataset(CsvRecords records, String source, CsvOptions options) throws IOException {
        int columns = -1;
        int labelCol = options.labelIndex();
        boolean headerPending = options.header();
        int labelLimit = options.numClasses() > 0 ? options.numClasses() : CsvOptions.MAX_CLASSES;
        int n = 0;
        int d = 0;
        int maxLabel = 0;
        float[] x = new float[0];
        float[] t = new float[0];
        long heap = Runtime.getRuntime().maxMemory();
        for (String[] cells = records.next(); cells != null; cells = records.next()) {
            long lineNo = records.line();
            if (headerPending) {
                headerPending = false;
                columns = cells.length;
                if (options.labelName() != null) {
                    labelCol = Arrays.asList(cells).lastIndexOf(options.labelName());
                    if (labelCol < 0) {
                        throw new DataFormatException(source, "line " + lineNo + " (header)",
                                "columns " + Inputs.excerpt(Arrays.toString(cells)),
                                "a column named " + Inputs.excerpt(options.labelName()),
                                "name one of the header's columns, or use CsvOptions.labelAt(index)");
                    }
                }
                continue;
            }
            if (columns < 0) {
                columns = cells.length;
            }
            if (cells.length != columns) {
                throw new DataFormatException(source, "line " + lineNo, cells.length + " columns",
                        columns + " columns, as on the first line", "give every line the same number of cells");
            }
            if (labelCol >= columns) {
                throw new DataFormatException(source, "line " + lineNo, columns + " columns",
                        "a label column at index " + labelCol + " (0-based)",
                        "pass a label column index below " + columns);
            }
            if (n == 0) {
                if (columns < 2) {
                    throw new DataFormatException(source, "line " + lineNo, columns + " column",
                            "a label column and at least one feature column", "check the delimiter ('"
                                    + CsvRecords.printable(options.delimiter()) + "')");
                }
                d = columns - 1;
            }
            if (n == t.length) { // the first data line, or the arrays are full
                int capacity = (int) Math.min(MAX_VALUES, Math.max(1024L, n + (n >> 1) + 1L));
                if ((long) capacity * d > MAX_VALUES) {
                    capacity = MAX_VALUES / d;
                    if (capacity <= n) {
                        throw new DataFormatException(source, "line " + lineNo, "more than " + n + " rows of " + d
                                + " features", "at most " + MAX_VALUES + " feature values in one dataset",
                                "read a part of the file");
                    }
                }
                long bytes = 4L * ((long) capacity + t.length) * (d + 1); // the new arrays and the old, while copied
                if (bytes > heap) {
                    throw tooLarge(source, lineNo, n + " rows of " + d + " features, growing to " + bytes + " bytes", heap);
                }
                try {
                    t = Arrays.copyOf(t, capacity);
                    x = Arrays.copyOf(x, capacity * d);
                } catch (OutOfMemoryError e) {
                    t = null;
                    x = null;
                    throw tooLarge(source, lineNo, n + " rows of " + d + " features, more than the Java heap holds", heap);
                }
            }
            for (int c = 0, j = n * d; c < columns; c++) {
                if (c == labelCol) {
                    if (options.floatTargets()) {
                        t[n] = value(cells[c], source, lineNo, c);
                    } else {
                        int y = label(cells[c], source, lineNo, c, labelLimit, options);
                        maxLabel = Math.max(maxLabel, y);
                        t[n] = y;
                    }
                } else {
                    x[j++] = value(cells[c], source, lineNo, c);
                }
            }
            n++;
        }
        if (n == 0) {
            throw new DataFormatException(source, "line " + records.nextLine(), "no data lines",
                    "at least one data line", "check that the file is the right one and not empty");
        }
        Backends.current();
        NativeMemory.require("the features of " + source + " (" + n + " x " + d + " float32)",
                NativeMemory.bytes("the features of " + source, (long) n * d, 4));
        if (options.floatTargets()) {
            return Dataset.wrapTargets(matrix(x, n, d), matrix(t, n, 1));
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = (int) t[i];
        }
        int k = options.numClasses() > 0 ? options.numClasses() : maxLabel + 1;
        return Dataset.wrapLabels(matrix(x, n, d), y, k);
    }

    /** A feature or float target: a finite float32. */
    private static float value(String cell, String source, long line, int c) throws DataFormatException {
        float v = number(cell);
        if (Float.isNaN(v)) {
            throw new DataFormatException(source, "line " + line + ", column " + (c + 1), Inputs.excerpt(cell),
                    "a finite decimal number (float32: at most 3.4e38 in magnitude)", "fix or remove that cell");
        }
        return v;
    }

    /** A class label: an integer in {@code [0, limit)}, read exactly (not through float32). */
    private static int label(String cell, String source, long line, int c, int limit, CsvOptions options)
            throws DataFormatException {
        double v = decimal(cell);
        String where = "line " + line + ", column " + (c + 1);
        if (Double.isNaN(v) || v < 0 || v != Math.rint(v)) {
            throw new DataFormatException(source, where, Inputs.excerpt(cell), "an integer class label >= 0",
                    "fix the label, or read the column as float targets with withFloatTargets()");
        }
        if (v >= limit) {
            boolean fixed = options.numClasses() > 0;
            throw new DataFormatException(source, where, Inputs.excerpt(cell),
                    "a class label in [0, " + limit + ")" + (fixed ? " (withNumClasses(" + limit + "))"
                            : " (class labels are indices 0 .. k-1, at most " + CsvOptions.MAX_CLASSES + " classes)"),
                    fixed && v < CsvOptions.MAX_CLASSES ? "fix the label or pass withNumClasses(" + ((long) v + 1) + ")"
                            : "fix the label, or read the column as float targets with withFloatTargets()");
        }
        return (int) v;
    }

    /** A new c-order float matrix {@code [rows, cols]} holding the first {@code rows · cols} values. */
    private static INDArray matrix(float[] values, int rows, int cols) {
        INDArray m = Rows.matrix(rows, cols, 'c');
        Rows.host(m).put(0, values, 0, rows * cols);
        return m;
    }

    /**
     * A cell as a finite number, or NaN when it is not one: empty, not a decimal number, NaN,
     * infinite, or with a Java type suffix ({@code 2f}, {@code 1d}).
     *
     * @param cell the cell's text (surrounding spaces are ignored)
     * @return its value rounded to float32, or {@code Float.NaN}
     */
    static float number(String cell) {
        String s = numeral(cell);
        if (s == null) {
            return Float.NaN;
        }
        try {
            float v = Float.parseFloat(s);
            return Float.isFinite(v) ? v : Float.NaN;
        } catch (NumberFormatException e) {
            return Float.NaN;
        }
    }

    /**
     * A cell as a finite number in float64, or NaN when it is not one (see {@link #number}).
     *
     * @param cell the cell's text (surrounding spaces are ignored)
     * @return its value, or {@code Double.NaN}
     */
    static double decimal(String cell) {
        String s = numeral(cell);
        if (s == null) {
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * The guard of {@link #number} and {@link #decimal}: the cell without surrounding spaces, or
     * null when it is empty, ends in a letter or is hexadecimal (Java's parsers would take
     * {@code 2f}, {@code 1d}, {@code NaN}, {@code Infinity} and {@code 0x1p3}, which are not decimal
     * numbers).
     */
    private static String numeral(String cell) {
        String s = cell.strip();
        return s.isEmpty() || Character.isLetter(s.charAt(s.length() - 1)) || s.indexOf('x') >= 0 || s.indexOf('X') >= 0
                ? null : s;
    }

    /**
     * The file's text as UTF-8 through {@link Inputs} (gzip detected from the content); a damaged
     * gzip header is a {@link DataFormatException}.
     */
    private static Reader open(Path file) throws IOException {
        return decode(java.nio.file.Files.newInputStream(file), file.toString());
    }

    /**
     * A raw stream's text as {@link #open} reads a file's: gzip detected from the content, UTF-8
     * (malformed bytes read as U+FFFD); closes {@code raw} when it fails.
     */
    static Reader decode(java.io.InputStream raw, String source) throws IOException {
        try {
            return new InputStreamReader(Inputs.decode(raw, source, Inputs.UNLIMITED,
                    "the file is damaged; copy or download it again"), StandardCharsets.UTF_8);
        } catch (CorruptInputException e) {
            throw DataFormatException.damaged(source, e);
        }
    }
}
