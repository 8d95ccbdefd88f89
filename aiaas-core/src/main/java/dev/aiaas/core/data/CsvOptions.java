package dev.aiaas.core.data;

/**
 * How {@link Csv} reads a numeric CSV file.
 *
 * @param header       whether the first line names the columns
 * @param delimiter    the cell separator, e.g. {@code ','} or {@code ';'} (not a quote, space
 *                     is allowed)
 * @param labelIndex   the 0-based index of the label column, or -1 when {@code labelName} is used
 * @param labelName    the header name of the label column, or null when {@code labelIndex} is used
 * @param floatTargets false: the label column holds integer class labels {@code >= 0}
 *                     ({@link Dataset#hasLabels()}); true: it holds float targets, giving
 *                     targets {@code [n, 1]}
 * @param numClasses   the number of classes for integer labels, or 0 for {@code max label + 1};
 *                     ignored with float targets
 */
public record CsvOptions(boolean header, char delimiter, int labelIndex, String labelName, boolean floatTargets,
        int numClasses) {

    /** Validates the options. */
    public CsvOptions {
        if ((labelName == null) == (labelIndex < 0)) {
            throw new IllegalArgumentException("labelIndex=" + labelIndex + ", labelName=" + labelName
                    + "; expected exactly one: an index >= 0 or a name. Use CsvOptions.labelAt(i) or labelNamed(name)");
        }
        if (labelName != null && !header) {
            throw new IllegalArgumentException("labelName='" + labelName
                    + "' needs a header line to find it; expected header=true. Use withHeader(true) or labelAt(index)");
        }
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || Character.isDigit(delimiter)
                || delimiter == '.' || delimiter == '-' || delimiter == '+') {
            throw new IllegalArgumentException("delimiter='" + delimiter
                    + "'; expected a separator that cannot be part of a number, e.g. ',' or ';'");
        }
        if (numClasses < 0) {
            throw new IllegalArgumentException("numClasses=" + numClasses + "; expected >= 1, or 0 for max label + 1");
        }
    }

    /** Integer labels in column {@code index} (0-based), comma-separated, no header. */
    public static CsvOptions labelAt(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("label column index " + index + "; expected a 0-based index >= 0");
        }
        return new CsvOptions(false, ',', index, null, false, 0);
    }

    /** Integer labels in the column named {@code name} in the header, comma-separated. */
    public static CsvOptions labelNamed(String name) {
        return new CsvOptions(true, ',', -1, java.util.Objects.requireNonNull(name, "name"), false, 0);
    }

    /** These options with or without a header line. */
    public CsvOptions withHeader(boolean hasHeader) {
        return new CsvOptions(hasHeader, delimiter, labelIndex, labelName, floatTargets, numClasses);
    }

    /** These options with another delimiter. */
    public CsvOptions withDelimiter(char newDelimiter) {
        return new CsvOptions(header, newDelimiter, labelIndex, labelName, floatTargets, numClasses);
    }

    /** These options reading the label column as float targets {@code [n, 1]} (regression). */
    public CsvOptions withFloatTargets() {
        return new CsvOptions(header, delimiter, labelIndex, labelName, true, numClasses);
    }

    /** These options with a fixed number of classes (labels must lie in {@code [0, k)}). */
    public CsvOptions withNumClasses(int k) {
        return new CsvOptions(header, delimiter, labelIndex, labelName, floatTargets, k);
    }
}
