package dev.aiaas.core.data;

import java.util.Locale;

/**
 * Examples hold a value that is not finite (NaN or infinite), which would make every parameter it
 * touches NaN at the first step. Names the array, the 0-based row (example) and column, and the
 * value; thrown by {@link Batcher#requireFinite} (and so by the trainer's {@code fit} and
 * {@code evaluate}) before anything is trained.
 */
public final class NonFiniteDataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The array's name. */
    private final String array;
    /** The 0-based row. */
    private final long row;
    /** The 0-based column. */
    private final long column;
    /** The value: NaN or ±infinity. */
    private final double value;

    /**
     * @param array  the array's name, for example {@code x} or {@code y}
     * @param row    the 0-based row (example)
     * @param column the 0-based column
     * @param value  the value: NaN or ±infinity
     * @param fix    what to do about it
     */
    public NonFiniteDataException(String array, long row, long column, double value, String fix) {
        super(String.format(Locale.ROOT, "%s[%d, %d] = %s: row %d, column %d (0-based) is not a finite number; "
                + "expected finite values only. Fix: %s", array, row, column, value, row, column, fix));
        this.array = array;
        this.row = row;
        this.column = column;
        this.value = value;
    }

    /** {@return the name of the array holding the value, for example {@code x}} */
    public String array() {
        return array;
    }

    /** {@return the 0-based row (example) of the value} */
    public long row() {
        return row;
    }

    /** {@return the 0-based column of the value} */
    public long column() {
        return column;
    }

    /** {@return the value: NaN or ±infinity} */
    public double value() {
        return value;
    }
}
