package dev.aiaas.core.data;

/**
 * Limits that protect the host process while {@link Csv} reads a file that comes from outside:
 * each is checked as the characters arrive, before the oversized part is held, and exceeding one
 * is a {@link DataFormatException} naming the line, the column and the limit. (Without them a
 * 3 GB line, or a quote that is never closed, would be read into memory whole.) The defaults are
 * far above what a data file needs; raise one for an unusual file with {@link #withMaxCellChars},
 * {@link #withMaxRecordChars} or {@link #withMaxColumns}.
 *
 * @param maxCellChars   the longest cell, in characters (UTF-16 units) after quotes are removed;
 *                       default {@value #DEFAULT_MAX_CELL_CHARS}
 * @param maxRecordChars the longest record (a line, or several when a quoted cell holds line
 *                       breaks), in characters with delimiters, quotes and spaces, without the
 *                       final line break; default {@value #DEFAULT_MAX_RECORD_CHARS}
 * @param maxColumns     the most cells in one record (and so columns in a file); default
 *                       {@value #DEFAULT_MAX_COLUMNS}
 */
public record CsvLimits(int maxCellChars, int maxRecordChars, int maxColumns) {

    /** The default longest cell: 2^20 = 1,048,576 characters. */
    public static final int DEFAULT_MAX_CELL_CHARS = 1 << 20;

    /** The default longest record: 2^24 = 16,777,216 characters. */
    public static final int DEFAULT_MAX_RECORD_CHARS = 1 << 24;

    /** The default most cells in a record: 2^20 = 1,048,576. */
    public static final int DEFAULT_MAX_COLUMNS = 1 << 20;

    /** The defaults: {@value #DEFAULT_MAX_CELL_CHARS}, {@value #DEFAULT_MAX_RECORD_CHARS}, {@value #DEFAULT_MAX_COLUMNS}. */
    public static final CsvLimits DEFAULT = new CsvLimits(DEFAULT_MAX_CELL_CHARS, DEFAULT_MAX_RECORD_CHARS,
            DEFAULT_MAX_COLUMNS);

    /**
     * Validates the limits.
     *
     * @param maxCellChars   the longest cell in characters, at least 1
     * @param maxRecordChars the longest record in characters, at least 1
     * @param maxColumns     the most cells in a record, at least 1
     */
    public CsvLimits {
        check("maxCellChars", maxCellChars, DEFAULT_MAX_CELL_CHARS);
        check("maxRecordChars", maxRecordChars, DEFAULT_MAX_RECORD_CHARS);
        check("maxColumns", maxColumns, DEFAULT_MAX_COLUMNS);
    }

    private static void check(String name, int value, int defaultValue) {
        if (value < 1) {
            throw new IllegalArgumentException(name + "=" + value + "; expected a limit >= 1 (default " + defaultValue + ")");
        }
    }

    /**
     * These limits with another longest cell.
     *
     * @param chars the longest cell in characters, at least 1
     * @return the new limits
     */
    public CsvLimits withMaxCellChars(int chars) {
        return new CsvLimits(chars, maxRecordChars, maxColumns);
    }

    /**
     * These limits with another longest record.
     *
     * @param chars the longest record in characters, at least 1
     * @return the new limits
     */
    public CsvLimits withMaxRecordChars(int chars) {
        return new CsvLimits(maxCellChars, chars, maxColumns);
    }

    /**
     * These limits with another most cells per record.
     *
     * @param columns the most cells in a record, at least 1
     * @return the new limits
     */
    public CsvLimits withMaxColumns(int columns) {
        return new CsvLimits(maxCellChars, maxRecordChars, columns);
    }
}
