package dev.aiaas.core.data;

import dev.aiaas.core.backend.Backends;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads numeric CSV files into a {@link Dataset}: every cell a number, one column the label or
 * target, the others the features {@code [n, d]} in file order. Files may be gzipped (detected
 * from the content). Empty lines are skipped; quoting is not supported. A bad cell is a
 * {@link DataFormatException} with its 1-based line and column and its content.
 */
public final class Csv {

    private Csv() {
    }

    /** Reads {@code file} (plain or gzipped, UTF-8). */
    public static Dataset read(Path file, CsvOptions options) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (Idx.isGzip(bytes)) {
            bytes = Idx.gunzip(bytes, file.toString());
        }
        try (Reader r = new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8)) {
            return read(r, file.toString(), options);
        }
    }

    /**
     * Reads CSV text from {@code in} to its end; does not close it.
     *
     * @param source names the input in messages
     * @throws DataFormatException on a bad cell, a ragged line, a missing label column or no data
     */
    public static Dataset read(Reader in, String source, CsvOptions options) throws IOException {
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        String delim = java.util.regex.Pattern.quote(String.valueOf(options.delimiter()));
        int columns = -1;
        int labelCol = options.labelIndex();
        List<float[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        String line;
        int lineNo = 0;
        boolean headerPending = options.header();
        while ((line = lines.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(delim, -1);
            if (headerPending) {
                headerPending = false;
                columns = cells.length;
                if (options.labelName() != null) {
                    labelCol = -1;
                    for (int c = 0; c < cells.length; c++) {
                        if (cells[c].trim().equals(options.labelName())) {
                            labelCol = c;
                        }
                    }
                    if (labelCol < 0) {
                        throw new DataFormatException(source, "line " + lineNo + " (header)",
                                "columns " + Arrays.toString(trimmed(cells)),
                                "a column named '" + options.labelName() + "'",
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
            float[] row = new float[columns];
            for (int c = 0; c < columns; c++) {
                String cell = cells[c].trim();
                float v;
                try {
                    v = Float.parseFloat(cell);
                } catch (NumberFormatException e) {
                    v = Float.NaN;
                }
                if (!Float.isFinite(v) || cell.isEmpty() || Character.isLetter(cell.charAt(cell.length() - 1))) {
                    throw new DataFormatException(source, "line " + lineNo + ", column " + (c + 1),
                            "'" + cells[c] + "'", "a finite decimal number", "fix or remove that cell");
                }
                if (c == labelCol && !options.floatTargets() && (v < 0 || v != Math.rint(v))) {
                    throw new DataFormatException(source, "line " + lineNo + ", column " + (c + 1),
                            "'" + cells[c] + "'", "an integer class label >= 0",
                            "fix the label, or read the column as float targets with withFloatTargets()");
                }
                row[c] = v;
            }
            rows.add(row);
            lineNumbers.add(lineNo);
        }
        if (rows.isEmpty()) {
            throw new DataFormatException(source, "line " + (lineNo + 1), "no data lines", "at least one data line",
                    "check that the file is the right one and not empty");
        }
        if (columns < 2) {
            throw new DataFormatException(source, "line " + lineNumbers.get(0), columns + " column",
                    "a label column and at least one feature column", "check the delimiter ('"
                            + options.delimiter() + "')");
        }
        int n = rows.size();
        int d = columns - 1;
        float[] x = new float[n * d];
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            float[] row = rows.get(i);
            for (int c = 0, j = 0; c < columns; c++) {
                if (c == labelCol) {
                    t[i] = row[c];
                } else {
                    x[i * d + j++] = row[c];
                }
            }
        }
        Backends.current();
        if (options.floatTargets()) {
            return Dataset.wrapTargets(Rows.matrix(x, n, d), Rows.matrix(t, n, 1));
        }
        int[] y = new int[n];
        int max = 0;
        for (int i = 0; i < n; i++) {
            y[i] = (int) t[i];
            max = Math.max(max, y[i]);
        }
        int k = options.numClasses() > 0 ? options.numClasses() : max + 1;
        for (int i = 0; i < n; i++) {
            if (y[i] >= k) {
                throw new DataFormatException(source, "line " + lineNumbers.get(i) + ", column " + (labelCol + 1),
                        "'" + y[i] + "'", "a class label in [0, " + k + ")",
                        "fix the label or pass withNumClasses(" + (y[i] + 1) + ")");
            }
        }
        INDArray features = Rows.matrix(x, n, d);
        return Dataset.wrapLabels(features, y, k);
    }

    private static String[] trimmed(String[] cells) {
        String[] out = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            out[i] = cells[i].trim();
        }
        return out;
    }
}
