package dev.aiaas.core.data;

/**
 * How {@link Csv#read(java.nio.file.Path, CsvOptions)} reads a numeric CSV file into a
 * {@link Dataset}. (For files with text columns or text labels, read a {@link Table} with
 * {@link Csv#readTable} and fit a {@link Preprocessor}.)
 *
 * @param header       whether the first line names the columns
 * @param delimiter    the cell separator, e.g. {@code ','} or {@code ';'} (not a quote, a digit,
 *                     {@code '.'}, {@code '-'} or {@code '+'}; space and tab are allowed)
 * @param labelIndex   the 0-based index of the label column, or -1 when {@code labelName} is used
 * @param labelName    the header name of the label column, or null when {@code labelIndex} is used
 * @param floatTargets false: the label column holds integer class labels {@code >= 0}
 *                     ({@link Dataset#hasLabels()}); true: it holds float targets, giving
 *                     targets {@code [n, 1]}
 * @param numClasses   the number of classes for integer labels, or 0 for {@code max label + 1};
 *                     at most {@value #MAX_CLASSES}; ignored with float targets
 * @param limits       the longest cell and record and the most columns accepted
 *                     ({@link CsvLimits#DEFAULT} unless set with {@link #withLimits})
 */
public record CsvOptions(boolean header, char delimiter, int labelIndex, String labelName, boolean floatTargets,
        int numClasses, CsvLimits limits) {

    /**
     * The most classes integer labels may have: 2^24 = 16,777,216, the integers float32 holds
     * exactly. A label of this or more is a {@link DataFormatException}.
     */
    public static final int MAX_CLASSES = 1 << 24;

    /**
     * Validates the options.
     *
     * @param header       whether the first line names the columns
     * @param delimiter    the cell separator
     * @param labelIndex   the 0-based index of the label column, or -1
     * @param labelName    the header name of the label column, or null
     * @param floatTargets whether the label column holds float targets
     * @param numClasses   the number of classes, or 0 for {@code max label + 1}
     * @param limits       the limits of the reader
     */
    public CsvOptions {
        if ((labelName == null) == (labelIndex < 0)) {
            throw new IllegalArgumentException("labelIndex=" + labelIndex + ", labelName=" + labelName
                    + "; expected exactly one: an index >= 0 or a name. Use CsvOptions.labelAt(i) or labelNamed(name)");
        }
        if (labelName != null && !header) {
            throw new IllegalArgumentException("labelName='" + labelName
                    + "' needs a header line to find it; expected header=true. Use withHeader(true) or labelAt(index)");
        }
        checkDelimiter(delimiter);
        if (numClasses < 0 || numClasses > MAX_CLASSES) {
            throw new IllegalArgumentException("numClasses=" + numClasses + "; expected 1 to " + MAX_CLASSES
                    + ", or 0 for max label + 1");
        }
        java.util.Objects.requireNonNull(limits, "limits; use CsvLimits.DEFAULT");
    }

    /**
     * The options with the default {@link CsvLimits}.
     *
     * @param header       whether the first line names the columns
     * @param delimiter    the cell separator
     * @param labelIndex   the 0-based index of the label column, or -1
     * @param labelName    the header name of the label column, or null
     * @param floatTargets whether the label column holds float targets
     * @param numClasses   the number of classes, or 0 for {@code max label + 1}
     */
    public CsvOptions(boolean header, char delimiter, int labelIndex, String labelName, boolean floatTargets,
            int numClasses) {
        this(header, delimiter, labelIndex, labelName, floatTargets, numClasses, CsvLimits.DEFAULT);
    }

    /** Throws when {@code delimiter} could be part of a number or of CSV quoting. */
    static void checkDelimiter(char delimiter) {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || Character.isDigit(delimiter)
                || delimiter == '.' || delimiter == '-' || delimiter == '+') {
            throw new IllegalArgumentException("delimiter='" + CsvRecords.printable(delimiter)
                    + "'; expected a separator that cannot be part of a number or a quoted field, e.g. ',' or ';'");
        }
    }

    /**
     * Integer labels in a column given by its index, comma-separated, no header.
     *
     * @param index the 0-based column index
     * @return the options
     */
    public static CsvOptions labelAt(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("label column index " + index + "; expected a 0-based index >= 0");
        }
        return new CsvOptions(false, ',', index, null, false, 0);
    }

    /**
     * Integer labels in a column named in the header, comma-separated.
     *
     * @param name the column's name in the header line
     * @return the options
     */
    public static CsvOptions labelNamed(String name) {
        return new CsvOptions(true, ',', -1, java.util.Objects.requireNonNull(name, "name"), false, 0);
    }

    /**
     * These options with or without a header line.
     *
     * @param hasHeader whether the first line names the columns
     * @return the new options
     */
    public CsvOptions withHeader(boolean hasHeader) {
        return new CsvOptions(hasHeader, delimiter, labelIndex, labelName, floatTargets, numClasses, limits);
    }

    /**
     * These options with another delimiter.
     *
     * @param newDelimiter the cell separator
     * @return the new options
     */
    public CsvOptions withDelimiter(char newDelimiter) {
        return new CsvOptions(header, newDelimiter, labelIndex, labelName, floatTargets, numClasses, limits);
    }

    /**
     * These options reading the label column as float targets {@code [n, 1]} (regression).
     *
     * @return the new options
     */
    public CsvOptions withFloatTargets() {
        return new CsvOptions(header, delimiter, labelIndex, labelName, true, numClasses, limits);
    }

    /**
     * These options with a fixed number of classes.
     *
     * @param k the number of classes, 1 to {@value #MAX_CLASSES}; labels must lie in {@code [0, k)}
     * @return the new options
     */
    public CsvOptions withNumClasses(int k) {
        return new CsvOptions(header, delimiter, labelIndex, labelName, floatTargets, k, limits);
    }

    /**
     * These options with other reading limits.
     *
     * @param newLimits the longest cell and record and the most columns accepted
     * @return the new options
     */
    public CsvOptions withLimits(CsvLimits newLimits) {
        return new CsvOptions(header, delimiter, labelIndex, labelName, floatTargets, numClasses, newLimits);
    }
}
