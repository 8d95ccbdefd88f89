package dev.aiaas.core.data;

import java.util.Arrays;

/**
 * How {@link Preprocessor} scales a numeric column, with statistics of the training rows only:
 * {@code x' = (x − offset) / scale}.
 */
public enum Scaling {
    /** Standardisation: offset the mean, scale the standard deviation (population, 1/n); 1 where it is 0. */
    STANDARD("standard"),
    /** Min-max scaling into [0, 1] on the training rows: offset the minimum, scale max − min; 1 where it is 0. */
    MIN_MAX("min-max"),
    /** The values as they are: offset 0, scale 1. */
    NONE("none");

    private final String configName;

    Scaling(String configName) {
        this.configName = configName;
    }

    /**
     * The name on the command line ({@code --scaling}) and in reports. Model files do not record
     * it: they keep each numeric column's offset and scale ({@link Preprocessor#toEntries()}),
     * which is all that transforming a row needs.
     *
     * @return {@code standard}, {@code min-max} or {@code none}
     */
    public String configName() {
        return configName;
    }

    /**
     * The scaling named {@code name}.
     *
     * @param name {@code standard}, {@code min-max} or {@code none} (case-insensitive)
     * @return the scaling
     * @throws IllegalArgumentException for another name, listing the valid ones
     */
    public static Scaling parse(String name) {
        for (Scaling s : values()) {
            if (s.configName.equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scaling '" + name + "'; expected one of "
                + String.join(", ", Arrays.stream(values()).map(Scaling::configName).toList()));
    }

    /** The same as {@link #configName()}. */
    @Override
    public String toString() {
        return configName;
    }
}
